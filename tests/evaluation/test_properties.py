"""Properties over answer sets generated from the questionnaire definition.

Valid sets are accepted and evaluate without error, deterministically, in catalogue order and
in agreement with a second, deliberately plain reading of evaluation.md written here; partial
sets never triage higher than the whole; one broken item is always rejected by name.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.evaluation import (
    RED_FLAGS,
    TOPICS,
    TRIAGE_LEVELS,
    TRIAGE_RANK,
    Evaluation,
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
    "fusion_healing", "early_postop_course", "herniated_disc", "sciatica", "spinal_stenosis",
    "degenerative_disc_disease", "spondylolisthesis", "cervical_radiculopathy_myelopathy",
    "facet_or_si_joint_pain", "chronic_low_back_pain", "bone_quality", "conservative_care",
    "imaging", "risk_factors", "mood_and_coping", "recovery_planning",
]  # fmt: skip
CONDITION_TOPICS = TOPIC_ORDER[:13]


# -- evaluation.md read a second time, as plainly as possible ---------------------------------


def spec_red_flags(a: dict[str, Any]) -> list[str]:
    held = [
        a.get("bladder_bowel_change") is True,
        a.get("saddle_numbness") is True,
        a.get("both_legs_symptoms") is True,
        a.get("leg_weakness") == "getting_worse",
        a.get("sexual_dysfunction_new") is True,
        a.get("fever_chills") is True,
        a.get("weight_loss_unexplained") is True,
        a.get("cancer_history") is True,
        a.get("immunosuppressed") is True,
        a.get("long_term_steroids") is True,
        a.get("iv_drug_use") is True,
        a.get("recent_trauma") is True,
        a.get("hand_clumsiness") is True or a.get("balance_problem") not in (None, "none"),
        a.get("wound_problem") is True,
    ]
    return [flag for flag, holds in zip(RED_FLAG_ORDER, held, strict=True) if holds]


RED_FLAG_ORDER = [
    "bladder_bowel_change", "saddle_numbness", "both_legs_symptoms", "progressive_weakness",
    "sexual_dysfunction_new", "fever_chills", "weight_loss_unexplained", "cancer_history",
    "immunosuppressed", "long_term_steroids", "iv_drug_use", "recent_trauma",
    "possible_myelopathy", "wound_problem",
]  # fmt: skip


LUMBAR = {
    "lower_back", "buttock_left", "buttock_right", "thigh_left", "thigh_right",
    "below_knee_left", "below_knee_right", "foot_left", "foot_right",
}  # fmt: skip
INFECTION_COMPANIONS = {
    "immunosuppressed", "iv_drug_use", "long_term_steroids", "prior_spine_infection",
    "injection_within_3_months", "weight_loss_unexplained",
}  # fmt: skip


def spec_months(s: dict[str, Any], as_of: date) -> tuple[int, int]:
    """(months_min, months_max), exactly as the spec writes them."""
    y, m = as_of.year, as_of.month
    if s.get("month") is not None:
        months = (y - s["year"]) * 12 + m - s["month"]
        return months, months
    return max(0, (y - s["year"]) * 12 + m - 12), (y - s["year"]) * 12 + m - 1


def spec_latest(a: dict[str, Any]) -> list[dict[str, Any]]:
    operations = a.get("surgeries", []) if a.get("prior_spine_surgery") else []
    if not operations:
        return []
    top = max(s["year"] for s in operations)
    that_year = [s for s in operations if s["year"] == top]
    return [
        s
        for s in that_year
        if s.get("month") is None
        or not any(o.get("month") is not None and o["month"] > s["month"] for o in that_year)
    ]


def spec_terms(a: dict[str, Any], as_of: date) -> dict[str, Any]:
    back, leg = a.get("back_pain_nrs", 0), a.get("leg_pain_nrs", 0)
    regions = set(a.get("pain_regions", []))
    radiating = bool(regions & {"below_knee_left", "below_knee_right", "foot_left", "foot_right"})
    leg_involved = (
        leg >= 1
        or radiating
        or a.get("numbness_tingling") is True
        or a.get("leg_weakness") not in (None, "none")
        or a.get("both_legs_symptoms") is True
    )
    bilateral_deficit = a.get("both_legs_symptoms") is True and (
        a.get("leg_weakness") == "getting_worse" or a.get("walking_limit") == "cannot_walk"
    )
    return {
        "pain_max": max(back, leg),
        "neck_arm_max": max(a.get("neck_pain_nrs", 0), a.get("arm_pain_nrs", 0)),
        "radiating": radiating,
        "claudication": a.get("worse_standing_walking") is True
        and a.get("relief_sitting_bending") is True,
        "lumbar_pain": bool(regions & LUMBAR),
        "cervical_pain": bool(regions & {"neck", "arm_left", "arm_right"}),
        "thoracic_pain": "upper_back" in regions,
        "persistent": a.get("symptoms_since_surgery")
        in ("improved_then_returned", "never_improved", "new_different_pain", "worse"),
        "onset_acute": a.get("warning_signs_onset")
        in (None, "within_2_weeks", "longer_getting_worse", "not_sure"),
        "cancer_recent": a.get("cancer_status")
        in (None, "active_or_in_treatment", "treated_within_5_years", "not_sure"),
        "cancer_relevant": a.get("cancer_history") is True
        and a.get("cancer_status") != "skin_not_melanoma_only",
        "bilateral_deficit": bilateral_deficit,
        "cauda_equina_signs": a.get("bladder_bowel_change") is True
        or a.get("saddle_numbness") is True
        or (a.get("sexual_dysfunction_new") is True and leg_involved)
        or bilateral_deficit,
        "age": age_on(date.fromisoformat(a["date_of_birth"]), as_of)
        if "date_of_birth" in a
        else None,
        "regions": regions,
    }


def spec_triage(a: dict[str, Any], as_of: date) -> tuple[str, list[str]]:
    """(triage, triage_rules)."""
    t = spec_terms(a, as_of)
    yes = {key for key, value in a.items() if value is True}
    surgeries = a.get("surgeries", []) if a.get("prior_spine_surgery") else []
    age = t["age"]
    levels = {
        "emergency": {
            "cauda_equina": (t["cauda_equina_signs"] and t["onset_acute"])
            or t["bilateral_deficit"],
            "cord_compression_cancer": t["cancer_relevant"]
            and t["cancer_recent"]
            and (
                a.get("leg_weakness") == "getting_worse"
                or "both_legs_symptoms" in yes
                or a.get("balance_problem") == "getting_worse"
                or "hand_clumsiness" in yes
            ),
        },
        "urgent": {
            "cauda_equina_not_changing": t["cauda_equina_signs"],
            "sexual_dysfunction": "sexual_dysfunction_new" in yes,
            "progressive_weakness": a.get("leg_weakness") == "getting_worse",
            "both_legs": "both_legs_symptoms" in yes,
            "worsening_balance": a.get("balance_problem") == "getting_worse",
            "infection_risk": "fever_chills" in yes
            and (
                bool(yes & INFECTION_COMPANIONS)
                or a.get("diabetes") not in (None, "no")
                or any(spec_months(s, as_of)[0] <= 12 for s in surgeries)
            ),
            "wound": "wound_problem" in yes,
            "cancer_risk": t["cancer_relevant"]
            and (
                "weight_loss_unexplained" in yes
                or (
                    t["cancer_recent"]
                    and ("night_pain" in yes or t["thoracic_pain"] or "neck" in t["regions"])
                )
            ),
            "fracture_risk": "recent_trauma" in yes
            and (
                bool({"osteoporosis", "spinal_fracture"} & set(a.get("diagnoses", [])))
                or "long_term_steroids" in yes
                or (age is not None and age >= 70)
            ),
        },
        "review": {"red_flags": bool(spec_red_flags(a))},
    }
    for level, rules in levels.items():
        held = [rule for rule, holds in rules.items() if holds]
        if held:
            return level, held
    return "routine", []


def spec_bmi(a: dict[str, Any]) -> Decimal | None:
    if "height_cm" not in a or "weight_kg" not in a:
        return None
    height, weight = Decimal(str(a["height_cm"])), Decimal(str(a["weight_kg"]))
    return (weight * 10000 / (height * height)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def spec_topics(a: dict[str, Any], as_of: date) -> list[str]:
    back, leg = a["back_pain_nrs"], a["leg_pain_nrs"]
    t = spec_terms(a, as_of)
    pain_max, neck_arm_max, regions = t["pain_max"], t["neck_arm_max"], t["regions"]
    diagnoses = set(a.get("diagnoses", []))
    concerns = set(a.get("concerns", []))
    course = a.get("symptoms_since_surgery")
    latest = spec_latest(a)
    every = a.get("surgeries", []) if a.get("prior_spine_surgery") else []
    triage = spec_triage(a, as_of)[0]
    age = t["age"]
    bmi = spec_bmi(a)

    def region_match(s: dict[str, Any]) -> bool:
        return {
            "lumbar": t["lumbar_pain"],
            "cervical": t["cervical_pain"],
            "thoracic": t["thoracic_pain"] or t["lumbar_pain"],
            "unknown": True,
        }[s["region"]]

    def region_pain(s: dict[str, Any]) -> int:
        if s["region"] == "cervical":
            return neck_arm_max
        if s["region"] == "unknown":
            return max(pain_max, neck_arm_max)
        return pain_max

    def months_min(s: dict[str, Any]) -> int:
        return spec_months(s, as_of)[0]

    def months_max(s: dict[str, Any]) -> int:
        return spec_months(s, as_of)[1]

    def fusion(courses: tuple[str, ...]) -> bool:
        return course in courses and any(
            s["procedure"] == "fusion"
            and region_match(s)
            and months_max(s) >= 12
            and region_pain(s) >= 4
            for s in latest
        )

    myelopathy = a.get("hand_clumsiness") is True or a.get("balance_problem") not in (None, "none")
    chronic = a["pain_duration"] in ("3_to_12_months", "over_1_year")
    topics = {
        "post_surgical_pain": t["persistent"]
        and any(region_match(s) and region_pain(s) >= 4 for s in latest),
        "recurrent_herniation": leg >= 4
        and course == "improved_then_returned"
        and any(
            s["procedure"] == "discectomy"
            and s["region"] in ("lumbar", "unknown")
            and months_max(s) >= 6
            for s in latest
        ),
        "scar_tissue": leg >= 4
        and course in ("improved_then_returned", "never_improved", "worse")
        and any(
            s["procedure"] in ("discectomy", "laminectomy") and s["region"] in ("lumbar", "unknown")
            for s in latest
        ),
        "adjacent_segment_disease": fusion(
            ("improved_then_returned", "new_different_pain", "worse")
        ),
        "fusion_healing": fusion(("improved_then_returned", "never_improved", "worse")),
        "early_postop_course": t["persistent"]
        and any(months_min(s) < 12 and region_match(s) and region_pain(s) >= 4 for s in latest),
        "herniated_disc": "herniated_disc" in diagnoses
        or (t["radiating"] and leg >= 4 and leg >= back and not t["claudication"]),
        "sciatica": "sciatica" in diagnoses or (t["radiating"] and leg >= 4),
        "spinal_stenosis": "spinal_stenosis" in diagnoses or t["claudication"],
        "degenerative_disc_disease": "degenerative_disc_disease" in diagnoses,
        "spondylolisthesis": "spondylolisthesis" in diagnoses,
        "cervical_radiculopathy_myelopathy": (t["cervical_pain"] and neck_arm_max >= 4)
        or myelopathy,
        "facet_or_si_joint_pain": bool(regions & {"lower_back", "buttock_left", "buttock_right"})
        and back >= 4
        and back >= leg
        and not t["radiating"]
        and chronic,
        "chronic_low_back_pain": "lower_back" in regions and back >= 4 and chronic,
        "bone_quality": bool(diagnoses & {"osteoporosis", "spinal_fracture"})
        or a["long_term_steroids"]
        or (a.get("sex") == "female" and age >= 65),
        "conservative_care": (
            a["physical_therapy"] != "6_weeks_or_more" and triage in ("routine", "review")
        )
        or (
            a["physical_therapy"] == "6_weeks_or_more"
            and a["injections"] != "none"
            and pain_max >= 4
        ),
        "imaging": a["mri_when"] != "within_12_months"
        or any(s["procedure"] == "spinal_cord_stimulator" for s in every),
        "risk_factors": a["smoking"] == "current"
        or a["diabetes"] != "no"
        or (bmi is not None and bmi >= 30)
        or a["blood_thinners"]
        or "osteoporosis" in diagnoses
        or a["opioid_use"] == "daily"
        or a["long_term_steroids"]
        or a["heart_or_lung_disease"]
        or a["prior_spine_infection"],
        "mood_and_coping": a["phq2_interest"] + a["phq2_down"] >= 3
        or a["gad2_nervous"] + a["gad2_worry"] >= 3
        or a["work_status"] == "off_work_due_to_pain"
        or a.get("compensation_claim") == "yes"
        or a["opioid_use"] == "daily",
    }
    topics["recovery_planning"] = any(topics[topic] for topic in CONDITION_TOPICS) and (
        a.get("work_demand") == "heavy"
        or a["caregiver"]
        or bool(concerns & {"recovery_time", "time_off_work"})
    )
    return [topic for topic in TOPIC_ORDER if topics[topic]]


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
    triage = assess_triage(answers, as_of)
    assert (triage.level, triage.red_flags) == (result.triage, result.red_flags)
    assert triage.triage_rules == tuple(rule.id for rule in result.triage_rules)
    assert triage.reasons == tuple(rule.reason for rule in result.triage_rules)
    assert all(rule.reason for rule in result.triage_rules)
    assert bool(result.triage_rules) == (result.triage != "routine")
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
    triage, rules = spec_triage(answers, as_of)
    assert result.triage == triage
    assert [rule.id for rule in result.triage_rules] == rules
    assert list(result.topic_ids) == spec_topics(answers, as_of)
    scores = result.scores
    assert scores["age"] == age_on(date.fromisoformat(answers["date_of_birth"]), as_of)
    assert scores["back_pain"] == answers["back_pain_nrs"]
    assert scores["leg_pain"] == answers["leg_pain_nrs"]
    assert scores["interference"] == answers["interference_nrs"]
    assert scores["phq2"] == answers["phq2_interest"] + answers["phq2_down"]
    assert scores["gad2"] == answers["gad2_nervous"] + answers["gad2_worry"]
    assert scores["neck_pain"] == answers.get("neck_pain_nrs")
    assert scores["arm_pain"] == answers.get("arm_pain_nrs")
    bmi = spec_bmi(answers)
    assert scores["bmi"] == (None if bmi is None else float(bmi))


WORSE_WHEN_MISSING = ("warning_signs_onset", "cancer_status")


@PROPERTIES
@given(cases(), st.data())
def test_partial_answers_never_triage_higher_than_the_whole(
    case: tuple[dict[str, Any], date], data: st.DataObject
) -> None:
    raw, as_of = case
    answers = validate_answer_set(raw, as_of).answers
    whole = assess_triage(answers, as_of)

    # The web form after the warning-signs step: sections 1-4 only; the whole set is that
    # partial set completed with the later steps.
    sections = ("about", "surgery", "symptoms", "warning_signs")
    early = {
        key: value for key, value in answers.items() if QUESTIONNAIRE.section_of(key).id in sections
    }
    after_warning_signs = assess_triage(early, as_of)
    assert TRIAGE_RANK[after_warning_signs.triage] >= TRIAGE_RANK[whole.triage]
    # Every red flag is a symptoms or warning-signs answer, so they are all known by then.
    assert after_warning_signs.red_flags == whole.red_flags
    if after_warning_signs.triage == whole.triage:
        # Later answers can only add rules of the same level.
        assert set(after_warning_signs.triage_rules) <= set(whole.triage_rules)

    # Any other subset too, as long as the two answers that count as the worse case when
    # missing are kept (leaving them out is the next property).
    optional = sorted(key for key in answers if key not in WORSE_WHEN_MISSING)
    kept = data.draw(st.sets(st.sampled_from(optional)) if optional else st.just(set()))
    kept |= {key for key in WORSE_WHEN_MISSING if key in answers}
    subset = {key: answers[key] for key in kept}
    partial = assess_triage(subset, as_of)
    assert TRIAGE_RANK[partial.triage] >= TRIAGE_RANK[whole.triage]
    assert set(partial.red_flags) <= set(whole.red_flags)
    # A partial set evaluates whole too (what is missing does not hold), with the same triage.
    evaluated = evaluate(subset, as_of)
    assert (evaluated.triage, evaluated.red_flags) == (partial.triage, partial.red_flags)
    assert all(topic.reasons for topic in evaluated.topics)


@PROPERTIES
@given(cases(), st.sampled_from([(k,) for k in WORSE_WHEN_MISSING] + [WORSE_WHEN_MISSING]))
def test_leaving_out_onset_or_cancer_status_never_lowers_triage(
    case: tuple[dict[str, Any], date], left_out: tuple[str, ...]
) -> None:
    raw, as_of = case
    answers = validate_answer_set(raw, as_of).answers
    whole = assess_triage(answers, as_of)
    without = assess_triage({k: v for k, v in answers.items() if k not in left_out}, as_of)
    assert TRIAGE_RANK[without.triage] <= TRIAGE_RANK[whole.triage]
    assert without.red_flags == whole.red_flags


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
