"""The staff password policy (ASVS 2.1): long enough, not common, not about the person.

Length alone let `aaaaaaaaaaaa` through. A new password is now also refused when it is one of
the 30,000 most common passwords (the list zxcvbn ships, drawn from breach corpora), when it
contains the account's email or name, or when zxcvbn estimates it could be guessed in fewer
than 10^10 tries (its top score; passphrases of three or four unrelated words pass easily).
No composition rules (NIST SP 800-63B): "violet harbour tram 4419" is fine, "Summer2024!!" is not.

Pure: no Flask, no database. Messages are marked for translation and returned untranslated;
the web views translate them, the command line prints them as they are.
"""

from __future__ import annotations

import re
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from screening.questionnaire.model import N_
from screening.questionnaire.text_input import has_broken_characters

MIN_LENGTH = 12
MAX_LENGTH = 1024  # scrypt of a megabyte "password" is a cheap denial of service
# zxcvbn refuses longer input; the first 72 characters decide guessability anyway.
_ESTIMATE_LENGTH = 72
# Estimated guesses needed, as a power of ten: zxcvbn's score 4 ("very unguessable").
MIN_GUESSES_LOG10 = 10.0
# Parts of a name or an email shorter than this are too common in ordinary words to refuse.
_MIN_PERSONAL_PART = 3

TOO_SHORT = N_("The password must be at least 12 characters long.")
TOO_LONG = N_("The password must be at most 1024 characters long.")
ONLY_SPACES = N_("The password cannot be only spaces.")
# Bytes that were not UTF-8 (a script's standard input) arrive as lone surrogates, which can
# be neither hashed nor typed again at the sign-in page.
NOT_TEXT = N_("The password holds bytes that are not text. Type it again.")
TOO_COMMON = N_(
    "That password is one of the most common passwords, so it is guessed first. "
    "Choose another: three or four unrelated words work well."
)
PERSONAL = N_("The password must not contain your name or your email address.")
TOO_EASY = N_(
    "That password would be easy to guess (a pattern, a repeated or common word, a date). "
    "Choose another: three or four unrelated words work well."
)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of most common passwords, lower-case."""
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def personal_parts(email: str | None, name: str | None) -> list[str]:
    """The email, its local part and the words of the name and email, lower-case, long ones."""
    parts: list[str] = []
    if email:
        email = email.strip().lower()
        local = email.partition("@")[0]
        parts += [email, local]
        parts += re.split(r"[^a-z0-9]+", local)
    if name:
        parts += re.split(r"[^\w]+", name.strip().lower())
    return sorted({part for part in parts if len(part) >= _MIN_PERSONAL_PART}, key=len)


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """What is wrong with a new password (a message to show), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if not password.strip():
        return ONLY_SPACES
    if has_broken_characters(password):
        return NOT_TEXT
    lowered = password.lower()
    if lowered.strip() in common_passwords():
        return TOO_COMMON
    personal = personal_parts(email, name)
    if any(part in lowered for part in personal):
        return PERSONAL
    estimate = zxcvbn(password[:_ESTIMATE_LENGTH], user_inputs=personal)
    if float(estimate["guesses_log10"]) < MIN_GUESSES_LOG10:
        return TOO_EASY
    return None
