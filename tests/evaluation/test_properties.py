"""Properties over answer sets generated from the questionnaire definition.

Valid sets are accepted and evaluate without error, deterministically, in catalogue order and
in agreement with a second, deliberately plain reading of evaluation.md written here; partial
sets never triage higher than the whole; one broken item is always rejected by name.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.evaluation import (
    RED_FLAGS,
    TOPICS,
    TRIAGE_LEVELS,
    TRIAGE_RANK,
    Evaluation,
    TriageResult,
    assess_triage,
    evaluate,
)
from screening.questionnaire import QUESTIONNAIRE, age_on, validate_answer_set
from tests.evaluation.strategies import Corruption, cases, corrupted_answer_sets

PROPERTIES = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TOPIC_ORDER = [
    "post_surgical_pain", "recurrent_herniation", "scar_tissue", "adjacent_segment_disease",
    "fusion_healing", "herniated_disc", "sciatica", "spinal_stenosis",
    "degenerative_disc_disease", "chronic_low_back_pain", "conservative_care", "imaging",
    "risk_factors", "mood_and_coping", "recovery_planning",
]  # fmt: skip


# -- evaluation.md read a second time, as plainly as possible ---------------------------------


def spec_red_flags(a: dict[str, Any]) -> list[str]:
    order = [
        "bladder_bowel_change", "saddle_numbness", "both_legs_symptoms", "progressive_weakness",
        "sexual_dysfunction_new", "fever_chills", "weight_loss_unexplained", "cancer_history",
        "immunosuppressed", "long_term_steroids", "iv_drug_use", "recent_trauma",
    ]  # fmt: skip
    held = {flag for flag in order if a.get(flag) is True}
    if a.get("leg_weakness") == "getting_worse":
        held.add("progressive_weakness")
    return [flag for flag in order if flag in held]


def spec_triage(a: dict[str, Any], as_of: date) -> str:
    f = set(spec_red_flags(a))
    age = age_on(date.fromisoformat(a["date_of_birth"]), as_of)
    years_since = [as_of.year - s["year"] for s in a.get("surgeries", [])]
    if (
        "bladder_bowel_change" in f
        or "saddle_numbness" in f
        or ("both_legs_symptoms" in f and "progressive_weakness" in f)
    ):
        return "emergency"
    fever_risk = (
        "immunosuppressed" in f
        or "iv_drug_use" in f
        or "long_term_steroids" in f
        or a.get("prior_spine_infection") is True
        or any(years in (0, 1) for years in years_since)
    )
    cancer_risk = "weight_loss_unexplained" in f or a.get("night_pain") is True or age >= 50
    trauma_risk = "osteoporosis" in a.get("diagnoses", []) or "long_term_steroids" in f or age >= 70
    if (
        "progressive_weakness" in f
        or "both_legs_symptoms" in f
        or ("fever_chills" in f and fever_risk)
        or ("cancer_history" in f and cancer_risk)
        or ("recent_trauma" in f and trauma_risk)
    ):
        return "urgent"
    return "review" if f else "routine"


def spec_topics(a: dict[str, Any], as_of: date) -> list[str]:
    back, leg = a["back_pain_nrs"], a["leg_pain_nrs"]
    pain_max = max(back, leg)
    regions = set(a.get("pain_regions", []))
    diagnoses = set(a.get("diagnoses", []))
    concerns = set(a.get("concerns", []))
    radiating = bool(regions & {"below_knee_left", "below_knee_right", "foot_left", "foot_right"})
    claudication = a["worse_standing_walking"] and a["relief_sitting_bending"]
    course = a.get("symptoms_since_surgery")
    operations = a.get("surgeries", [])

    def had(*procedures: str) -> bool:
        return any(op["procedure"] in procedures for op in operations)

    fusion_years = [as_of.year - op["year"] for op in operations if op["procedure"] == "fusion"]
    severe_bmi = False
    if "height_cm" in a and "weight_kg" in a:
        # Rounded to 1 decimal half up, BMI >= 35.0 exactly when BMI >= 34.95.
        height, weight = Decimal(str(a["height_cm"])), Decimal(str(a["weight_kg"]))
        severe_bmi = weight * 10000 >= Decimal("34.95") * height * height
    t = {
        "post_surgical_pain": a["prior_spine_surgery"]
        and pain_max >= 4
        and course in ("improved_then_returned", "never_improved", "new_different_pain", "worse"),
        "recurrent_herniation": had("discectomy")
        and leg >= 4
        and course == "improved_then_returned",
        "scar_tissue": had("discectomy", "laminectomy")
        and leg >= 4
        and course in ("improved_then_returned", "never_improved", "worse"),
        "adjacent_segment_disease": any(y >= 2 for y in fusion_years)
        and pain_max >= 4
        and course in ("improved_then_returned", "new_different_pain", "worse"),
        "fusion_healing": any(y <= 2 for y in fusion_years)
        and pain_max >= 4
        and course in ("improved_then_returned", "never_improved", "worse"),
        "herniated_disc": "herniated_disc" in diagnoses
        or (radiating and leg >= 4 and leg >= back and not claudication),
        "sciatica": "sciatica" in diagnoses or (radiating and leg >= 4),
        "spinal_stenosis": "spinal_stenosis" in diagnoses or claudication,
        "degenerative_disc_disease": bool(
            diagnoses & {"degenerative_disc_disease", "spondylolisthesis"}
        ),
        "chronic_low_back_pain": "lower_back" in regions
        and back >= 4
        and a["pain_duration"] in ("3_to_12_months", "over_1_year"),
        "conservative_care": a["physical_therapy"] != "6_weeks_or_more"
        and spec_triage(a, as_of) in ("routine", "review"),
        "imaging": a["mri_when"] != "within_12_months",
        "risk_factors": a["smoking"] == "current"
        or a["diabetes"] != "no"
        or severe_bmi
        or a["blood_thinners"]
        or "osteoporosis" in diagnoses
        or a["opioid_use"] == "daily"
        or a["long_term_steroids"]
        or a["heart_or_lung_disease"]
        or a["prior_spine_infection"],
        "mood_and_coping": a["phq2_interest"] + a["phq2_down"] >= 3
        or a["gad2_nervous"] + a["gad2_worry"] >= 3,
    }
    t["recovery_planning"] = any(t[topic] for topic in TOPIC_ORDER[:10]) and (
        a.get("work_demand") == "heavy"
        or a["caregiver"]
        or bool(concerns & {"recovery_time", "time_off_work"})
    )
    return [topic for topic in TOPIC_ORDER if t[topic]]


# -- properties -------------------------------------------------------------------------------


@PROPERTIES
@given(cases())
def test_generated_answer_sets_are_valid_and_canonical(case: tuple[dict[str, Any], date]) -> None:
    raw, as_of = case
    validated = validate_answer_set(raw, as_of)
    assert validated.ok, [str(error) for error in validated.errors]
    again = validate_answer_set(validated.answers, as_of)
    assert again.ok
    assert again.answers == validated.answers


@PROPERTIES
@given(cases())
def test_evaluation_is_total_deterministic_and_in_catalogue_order(
    case: tuple[dict[str, Any], date],
) -> None:
    raw, as_of = case
    answers = validate_answer_set(raw, as_of).answers
    result = evaluate(answers, as_of)
    assert evaluate(answers, as_of) == result
    as_dict = result.to_dict()
    assert json.loads(json.dumps(as_dict, allow_nan=False)) == as_dict
    assert Evaluation.from_dict(as_dict) == result

    catalogue = [topic.id for topic in TOPICS]
    ids = [topic.id for topic in result.topics]
    assert ids == sorted(ids, key=catalogue.index)
    assert len(set(ids)) == len(ids)
    titles = {topic.id: topic.title for topic in TOPICS}
    for topic in result.topics:
        assert topic.title == titles[topic.id]
        assert topic.reasons
        assert all(isinstance(reason, str) and reason.strip() for reason in topic.reasons)

    assert list(result.red_flags) == [flag for flag in RED_FLAGS if flag in result.red_flags]
    assert result.triage in TRIAGE_LEVELS
    assert (result.triage == "routine") == (not result.red_flags)
    assert assess_triage(answers, as_of) == TriageResult(result.triage, result.red_flags)
    assert all(check.message for check in result.checks)


@PROPERTIES
@given(cases())
def test_evaluation_agrees_with_a_plain_reading_of_the_spec(
    case: tuple[dict[str, Any], date],
) -> None:
    raw, as_of = case
    answers = validate_answer_set(raw, as_of).answers
    result = evaluate(answers, as_of)
    assert list(result.red_flags) == spec_red_flags(answers)
    assert result.triage == spec_triage(answers, as_of)
    assert list(result.topic_ids) == spec_topics(answers, as_of)
    scores = result.scores
    assert scores["age"] == age_on(date.fromisoformat(answers["date_of_birth"]), as_of)
    assert scores["back_pain"] == answers["back_pain_nrs"]
    assert scores["leg_pain"] == answers["leg_pain_nrs"]
    assert scores["interference"] == answers["interference_nrs"]
    assert scores["phq2"] == answers["phq2_interest"] + answers["phq2_down"]
    assert scores["gad2"] == answers["gad2_nervous"] + answers["gad2_worry"]
    if "height_cm" in answers and "weight_kg" in answers:
        exact = answers["weight_kg"] / (answers["height_cm"] / 100) ** 2
        assert abs(scores["bmi"] - exact) <= 0.05 + 1e-9
    else:
        assert scores["bmi"] is None


@PROPERTIES
@given(cases(), st.data())
def test_partial_answers_never_triage_higher_than_the_whole(
    case: tuple[dict[str, Any], date], data: st.DataObject
) -> None:
    raw, as_of = case
    answers = validate_answer_set(raw, as_of).answers
    whole = assess_triage(answers, as_of)

    # The web form after the warning-signs step: sections 1-4 only.
    sections = ("about", "surgery", "symptoms", "warning_signs")
    early = {
        key: value for key, value in answers.items() if QUESTIONNAIRE.section_of(key).id in sections
    }
    after_warning_signs = assess_triage(early, as_of)
    assert TRIAGE_RANK[after_warning_signs.triage] >= TRIAGE_RANK[whole.triage]
    # Every red flag is a warning-signs or symptoms answer, so they are all known by then.
    assert after_warning_signs.red_flags == whole.red_flags

    kept = data.draw(st.sets(st.sampled_from(sorted(answers))) if answers else st.just(set()))
    partial = assess_triage({key: answers[key] for key in kept}, as_of)
    assert TRIAGE_RANK[partial.triage] >= TRIAGE_RANK[whole.triage]
    assert set(partial.red_flags) <= set(whole.red_flags)


@PROPERTIES
@given(corrupted_answer_sets())
def test_one_broken_item_is_rejected_by_name(corruption: Corruption) -> None:
    validated = validate_answer_set(corruption.answers, corruption.as_of)
    assert not validated.ok, corruption
    named = [
        error
        for error in validated.errors
        if error.item_id == corruption.item_id
        and (corruption.index is None or error.index == corruption.index)
        and (corruption.sub_id is None or error.sub_id == corruption.sub_id)
    ]
    assert named, (corruption.kind, corruption.item_id, [str(e) for e in validated.errors])
    assert all(str(error).startswith(f"{error.path}: ") and error.message for error in named)
