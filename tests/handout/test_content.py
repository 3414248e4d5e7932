"""The handout's words: every rules v2 topic has them, for every public example, and they never
promise (in English or Spanish)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from screening.handout import content
from screening.i18n import SPANISH_CATALOGUE
from tests.conftest import EXAMPLES

# The 20 topic ids of rules version 2 (docs/spec/evaluation.md), in the spec's order.
RULES_V2_TOPICS = (
    "post_surgical_pain",
    "recurrent_herniation",
    "scar_tissue",
    "adjacent_segment_disease",
    "fusion_healing",
    "early_postop_course",
    "herniated_disc",
    "sciatica",
    "spinal_stenosis",
    "degenerative_disc_disease",
    "spondylolisthesis",
    "cervical_radiculopathy_myelopathy",
    "facet_or_si_joint_pain",
    "chronic_low_back_pain",
    "bone_quality",
    "conservative_care",
    "imaging",
    "risk_factors",
    "mood_and_coping",
    "recovery_planning",
)

# Words that promise an outcome; a handout must never use them (whole words, any case).
REFUSED_PROMISES = {
    "en": (
        "cure",
        "cures",
        "cured",
        "guaranteed",
        "guarantee",
        "pain-free",
        "no risk",
        "risk-free",
    ),
    "es": (
        "cura",
        "curar",
        "curará",
        "garantizado",
        "garantizada",
        "garantía",
        "sin dolor",
        "sin riesgo",
        "sin riesgos",
    ),
}


def handout_strings() -> list[str]:
    """Every msgid of the handout content module (what the patient reads)."""
    strings = [
        content.TITLE,
        content.INTRO,
        content.ABOUT_MISS_HEADING,
        *content.ABOUT_MISS,
        content.ABOUT_MISS_CARE,
        content.NO_TOPICS,
        content.OPTIONS_HEADING,
        content.QUESTIONS_HEADING,
        content.WARNING_HEADING,
        *content.EMERGENCY_SIGNS,
        content.EMERGENCY_ACTION,
        *content.CALL_SIGNS,
        content.WOUND_SIGN,
        content.CALL_ACTION,
        content.FLAGGED_HEADING,
        content.FLAGGED_EMERGENCY,
        content.FLAGGED_URGENT,
        content.CLINIC_LINE,
    ]
    for topic in content.TOPICS:
        strings += [topic.heading, topic.explanation, topic.options, *topic.questions]
    return strings


def spanish(msgid: str) -> str:
    with SPANISH_CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    message = catalogue.get(msgid)
    return str(message.string) if message is not None and message.string else ""


def promises_in(text: str, language: str) -> list[str]:
    lowered = text.lower()
    return [
        word
        for word in REFUSED_PROMISES[language]
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered)
    ]


def test_every_rules_v2_topic_has_handout_words() -> None:
    assert set(content.TOPIC_BY_ID) == set(RULES_V2_TOPICS)
    for topic in content.TOPICS:
        assert topic.heading and topic.explanation and topic.options
        assert 2 <= len(topic.questions) <= 3, topic.id


def _valid_examples() -> list[Path]:
    return sorted(
        path
        for path in EXAMPLES.glob("*.expected.json")
        if "topic_ids" in json.loads(path.read_text(encoding="utf-8"))
    )


@pytest.mark.parametrize("expected", _valid_examples(), ids=lambda p: p.name.split(".")[0])
def test_each_public_example_gets_words_for_each_of_its_topics(expected: Path) -> None:
    topics = json.loads(expected.read_text())["topic_ids"]
    missing = [topic_id for topic_id in topics if topic_id not in content.TOPIC_BY_ID]
    assert not missing, f"{expected.name}: no handout words for {missing}"


def test_the_refusal_catches_a_promise() -> None:
    assert promises_in("Surgery is a cure for back pain.", "en") == ["cure"]
    assert promises_in("Será sin dolor y sin riesgo.", "es") == ["sin dolor", "sin riesgo"]
    assert promises_in("It may help secure a plan.", "en") == []
    assert promises_in("El cirujano procura ayudar.", "es") == []


@pytest.mark.parametrize("msgid", handout_strings())
def test_no_promises_in_english_or_spanish(msgid: str) -> None:
    assert promises_in(msgid, "en") == [], msgid
    assert promises_in(spanish(msgid), "es") == [], spanish(msgid)


def test_the_handout_says_the_surgeon_decides_and_not_everyone_is_a_candidate() -> None:
    care = content.ABOUT_MISS_CARE.lower()
    assert "not everyone" in care and "decide" in care
    about = " ".join(content.ABOUT_MISS).lower()
    for fact in (
        "small cuts",
        "less damage",
        "fluoroscopy",
        "endoscope",
        "same day",
        "physical therapy",
        "infection",
        "blood loss",
    ):
        assert fact in about, fact


def test_topics_that_apply_to_neck_patients_too_do_not_speak_only_of_back_and_legs() -> None:
    """Care without surgery is offered for neck and arm pain as well as back and leg pain."""
    explanation = content.TOPIC_BY_ID["conservative_care"].explanation
    assert "back and leg" not in explanation and "spine" in explanation
