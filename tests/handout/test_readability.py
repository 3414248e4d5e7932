"""Readability, measured with textstat (offline, see tests/readability.py).

Every handout explanation (what a topic means and what the surgeon may discuss, the
introduction, and what is true of minimally invasive surgery) and the question texts of every
patient step: Flesch-Kincaid grade 8 or below in English, Fernández-Huerta 70 or above in
Spanish. A step's questions are measured together, one sentence each, as the patient reads the
page: a single short question is too little text for a formula to say anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from screening.handout import content
from screening.i18n import SPANISH_CATALOGUE
from screening.questionnaire import QUESTIONNAIRE
from tests.readability import MAX_ENGLISH_GRADE, MIN_SPANISH_EASE, english_grade, spanish_ease


@cache
def spanish_catalogue() -> Catalog:
    with SPANISH_CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="es")


def es(msgid: str) -> str:
    message = spanish_catalogue().get(msgid)
    assert message is not None and message.string, f"no Spanish for {msgid!r}"
    return str(message.string)


def explanations() -> dict[str, tuple[str, ...]]:
    """Each explanation by name, as the msgids that make it up (read as one text)."""
    texts = {
        "intro": (content.INTRO,),
        "about_miss": content.ABOUT_MISS,
        "about_miss_care": (content.ABOUT_MISS_CARE,),
        # What to do about a warning sign: read by someone who may be frightened.
        "warning_signs": (
            *content.EMERGENCY_SIGNS,
            content.EMERGENCY_ACTION,
            *content.CALL_SIGNS,
            content.WOUND_SIGN,
            content.CALL_ACTION,
        ),
        "flagged_emergency": (content.FLAGGED_HEADING, content.FLAGGED_EMERGENCY),
        "flagged_urgent": (content.FLAGGED_HEADING, content.FLAGGED_URGENT),
    }
    for topic in content.TOPICS:
        texts[f"{topic.id}.explanation"] = (topic.explanation,)
        texts[f"{topic.id}.options"] = (topic.options,)
    return texts


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!" else text + "."


def _questions(section_id: str) -> Iterator[str]:
    for item in QUESTIONNAIRE.section(section_id).items:
        if item.question:
            yield item.question
        for sub in getattr(item, "items", None) or ():
            if sub.question:
                yield sub.question


STEPS = [section.id for section in QUESTIONNAIRE.sections if any(_questions(section.id))]


@pytest.mark.parametrize("name", sorted(explanations()))
def test_handout_explanation_in_english_is_grade_8_or_below(name: str) -> None:
    grade = english_grade(" ".join(explanations()[name]))
    assert grade <= MAX_ENGLISH_GRADE, f"{name}: Flesch-Kincaid grade {grade:.1f}"


@pytest.mark.parametrize("name", sorted(explanations()))
def test_handout_explanation_in_spanish_reads_easily(name: str) -> None:
    ease = spanish_ease(" ".join(es(msgid) for msgid in explanations()[name]))
    assert ease >= MIN_SPANISH_EASE, f"{name}: Fernández-Huerta {ease:.1f}"


@pytest.mark.parametrize("section_id", STEPS)
def test_step_questions_in_english_are_grade_8_or_below(section_id: str) -> None:
    text = " ".join(_sentence(q) for q in _questions(section_id))
    grade = english_grade(text)
    assert grade <= MAX_ENGLISH_GRADE, f"{section_id}: Flesch-Kincaid grade {grade:.1f}"


@pytest.mark.parametrize("section_id", STEPS)
def test_step_questions_in_spanish_read_easily(section_id: str) -> None:
    text = " ".join(_sentence(es(q)) for q in _questions(section_id))
    ease = spanish_ease(text)
    assert ease >= MIN_SPANISH_EASE, f"{section_id}: Fernández-Huerta {ease:.1f}"


def test_the_measures_tell_hard_text_from_plain_text() -> None:
    """The thresholds mean something: dense clinical prose fails them."""
    hard_en = (
        "Posterolateral instrumented arthrodesis necessitates meticulous decortication "
        "and comprehensive consideration of osteoporotic comorbidities."
    )
    hard_es = (
        "La artrodesis posterolateral instrumentada necesita una decorticación meticulosa "
        "y una consideración exhaustiva de comorbilidades osteoporóticas."
    )
    assert english_grade(hard_en) > MAX_ENGLISH_GRADE
    assert spanish_ease(hard_es) < MIN_SPANISH_EASE
    assert english_grade("Your legs may hurt when you walk.") <= MAX_ENGLISH_GRADE
