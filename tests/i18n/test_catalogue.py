"""The Spanish catalogue: every patient-facing msgid is translated, and no translation drops,
adds or alters a placeholder.

"Patient-facing" is decided from the source, extracted afresh (so a new string that was never
extracted still fails here):

- every msgid with a source location under PATIENT_SOURCES: the patient blueprint and its
  templates, the questionnaire definition and its validation messages, the handout (content,
  service, page, PDF), patient emails (the handout link, invitations and reminders), the base
  layout, form macros (and their Python markup) and error pages;
- the evaluation catalogue's `patient_explanation` texts (the only catalogue strings written
  for the patient; titles, red flags and checks are the surgeon's).

Staff pages and the surgeon's PDF stay in the clinic's language, so their strings are not
required here. To catch up after adding strings: `make translations`, then fill in the msgids
this test lists.
"""

from __future__ import annotations

import os
import re
from functools import cache

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from screening import PROJECT_ROOT
from screening.evaluation.catalogue import TOPICS
from screening.i18n import SPANISH_CATALOGUE

PATIENT_SOURCES = (
    "screening/patient/",
    "screening/questionnaire/",
    "screening/handout/",
    "screening/services/handout.py",
    "screening/services/invitation_messages.py",  # the invitation and reminder emails (issue 13)
    "screening/errors.py",
    "templates/patient/",
    "templates/pdf/handout.html",
    "templates/email/",
    "templates/base.html",
    "templates/_macros/",
    "screening/form_markup.py",  # the form macros' markup, written in Python
    "templates/errors/",
)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None, "lazy_gettext": None}
# %(name)s / %(n)d style and {name} style placeholders.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[A-Za-z_]\w*\}")


def not_hidden(dirpath: str) -> bool:
    """Walk every directory but dot ones; Babel's default also skips "_*" (templates/_macros/)."""
    return not os.path.basename(dirpath).startswith(".")


@cache
def extracted() -> dict[tuple[str, str | None], set[str]]:
    """(msgid, context) -> the source files it appears in, extracted like babel.cfg says."""
    method_map = [("screening/**.py", "python"), ("templates/**.html", "jinja2")]
    found: dict[tuple[str, str | None], set[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT),
        method_map=method_map,
        keywords=KEYWORDS,
        directory_filter=not_hidden,
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((msgid, context), set()).add(filename.replace("\\", "/"))
    return found


def patient_msgids() -> set[tuple[str, str | None]]:
    """(msgid, context) of every patient-facing string."""
    ids = {
        key
        for key, files in extracted().items()
        if any(f.startswith(PATIENT_SOURCES) for f in files)
    }
    return ids | {(topic.patient_explanation, None) for topic in TOPICS}


@cache
def spanish() -> Catalog:
    with SPANISH_CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="es")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_definition_of_patient_facing_finds_the_patient_strings() -> None:
    ids = {msgid for msgid, _context in patient_msgids()}
    assert len(ids) > 300
    for expected in ("Where do you have pain?", "Your handout", "Send my answers", "(optional)"):
        assert expected in ids
    assert "Staff portal" not in ids  # staff pages stay in the clinic's language


def is_translated(message: Message | None) -> bool:
    """Used at run time: not fuzzy, and for plurals every form filled in (an empty plural
    entry's string is a tuple of empty strings, which is truthy)."""
    if message is None or message.fuzzy:
        return False
    if isinstance(message.string, tuple):
        return all(message.string)
    return bool(message.string)


def test_every_patient_facing_msgid_has_a_spanish_translation() -> None:
    catalogue = spanish()
    missing = sorted(
        msgid if context is None else f"{msgid} (context: {context})"
        for msgid, context in patient_msgids()
        if not is_translated(catalogue.get(msgid, context=context))
    )
    assert not missing, (
        f"{len(missing)} patient-facing strings have no Spanish translation "
        "(run `make translations`, then translate them):\n" + "\n".join(missing)
    )


def test_no_translation_is_fuzzy() -> None:
    fuzzy = [m.id for m in spanish() if m.id and m.fuzzy and m.string]
    assert not fuzzy, fuzzy


def test_every_translation_keeps_its_placeholders() -> None:
    wrong = []
    for message in spanish():
        if not message.id:
            continue
        if isinstance(message.id, str):
            pairs = [(message.id, message.string)]
        else:  # plural forms: each translated form against the English plural
            pairs = [(message.id[-1], form) for form in message.string]
        for msgid, msgstr in pairs:
            if msgstr and placeholders(msgid) != placeholders(msgstr):
                wrong.append(f"{msgid!r} -> {msgstr!r}")
    assert not wrong, "\n".join(wrong)


def test_the_placeholder_check_catches_a_dropped_or_renamed_placeholder() -> None:
    assert placeholders("Call %(phone)s") != placeholders("Llame a la clínica")
    assert placeholders("Call %(phone)s") != placeholders("Llame al %(telefono)s")
    assert placeholders("Step %(n)d of %(total)d") == placeholders("Paso %(n)d de %(total)d")
    assert placeholders("Hello {name}") != placeholders("Hola {nombre}")
