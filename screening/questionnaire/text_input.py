"""What typed text may contain: no control characters, no hidden direction changes.

Pure (used by the questionnaire validator and the staff forms alike). Control characters
(Unicode category Cc: NUL, escape, backspace...) are never typed on purpose; they arrive by
copy and paste or from a script, break PostgreSQL (NUL) and can hide text, so text holding one
is refused with a message saying so. Line breaks and tabs are ordinary typing and stay allowed.

Bidirectional control characters (right-to-left and left-to-right overrides, embeddings and
isolates, the direction marks) make text display in another order than typed: "RTL" could print
as "LTR" on the surgeon's PDF. They are removed on input; everything else is kept as typed
(issue 16, items 7 and 9).

Text made only of white space and such invisible characters (direction marks, zero-width
spaces: Unicode's format category) says nothing: it counts as not answered, as blank text
does, so a required name cannot be stored as a name that prints as nothing.

A lone surrogate (half of a UTF-16 pair, which a JSON file can spell as "\\ud800") is not a
character at all: it cannot be stored as UTF-8 or printed, so text holding one is refused too.
"""

from __future__ import annotations

import re
import unicodedata

from screening.questionnaire.model import N_

ALLOWED_CONTROLS = frozenset("\t\n\r")
CONTROL_CHARACTERS_MESSAGE = N_(
    "Remove the invisible control characters from this text. "
    "They can come from copying and pasting."
)
# Embeddings and overrides (U+202A..U+202E), isolates (U+2066..U+2069), and the marks
# (U+200E, U+200F, U+061C).
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_STRIP_BIDI = str.maketrans(dict.fromkeys(map(ord, BIDI_CONTROLS)))
BROKEN_CHARACTER_MESSAGE = N_(
    "This text holds a broken character that cannot be saved or printed. Type the text again."
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# Unicode's Cc category is exactly U+0000..U+001F and U+007F..U+009F; tab, line feed and
# carriage return are left out. One regular expression instead of a look-up per character
# (every save checks every text answer; tests compare it with unicodedata over every code point).
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    """True when `text` holds a control character other than a tab or a line break."""
    return _FORBIDDEN_CONTROL.search(text) is not None


def has_broken_characters(text: str) -> bool:
    """True when `text` holds a lone surrogate (see the module docstring)."""
    return _LONE_SURROGATE.search(text) is not None


def is_blank_text(text: str) -> bool:
    """True when `text` shows nothing: only white space and invisible format characters
    (the direction controls among them). Stops at the first visible character."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def without_bidi_controls(text: str) -> str:
    """`text` with every bidirectional control character removed, the rest unchanged."""
    return text.translate(_STRIP_BIDI)


def printable_only(text: str, limit: int = 200) -> str:
    """A header-like value (a browser's User-Agent) fit to store: printable characters only,
    at most `limit` of them. Clients choose these values, NUL bytes included."""
    return "".join(ch for ch in text if ch.isprintable())[:limit]
