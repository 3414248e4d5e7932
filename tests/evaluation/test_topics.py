"""MISS discussion topics: every branch of every rule, at its boundaries, with its reasons."""

from __future__ import annotations

from typing import Any

import pytest

from screening.evaluation import TOPICS
from screening.evaluation.topics import TOPIC_RULES
from tests.evaluation.answers import after_surgery, evaluated, surgery, topic

PERSISTENT = ["improved_then_returned", "never_improved", "new_different_pain", "worse"]


def pain(back: int = 0, leg: int = 0, *regions: str) -> dict[str, Any]:
    """Pain scores with body-map regions (lower back by default when there is pain)."""
    chosen = list(regions) or (["lower_back"] if back or leg else [])
    return {"back_pain_nrs": back, "leg_pain_nrs": leg, "pain_regions": chosen}


def ids(**changes: Any) -> tuple[str, ...]:
    return evaluated(**changes).topic_ids


def test_rules_cover_the_catalogue_in_order() -> None:
    assert tuple(TOPIC_RULES) == tuple(t.id for t in TOPICS)
    assert len(TOPICS) == 15


def test_the_baseline_has_no_topic() -> None:
    assert ids() == ()


# -- 1 post_surgical_pain ---------------------------------------------------------------------


@pytest.mark.parametrize("course", PERSISTENT)
def test_post_surgical_pain_with_a_persistent_course(course: str) -> None:
    result = evaluated(**pain(4), **after_surgery(course, surgery("other", 2015)))
    assert topic(result, "post_surgical_pain")


def test_post_surgical_pain_reason_cites_surgery_pain_and_course() -> None:
    result = evaluated(
        **pain(6),
        **after_surgery("new_different_pain", surgery("fusion", 2017, levels="L5-S1")),
    )
    assert topic(result, "post_surgical_pain") == (
        "Lumbar fusion (L5-S1) in 2017 (9 years ago); back pain 6/10 now, "
        "new or different pain since.",
    )


def test_post_surgical_pain_counts_leg_pain_as_pain_max() -> None:
    result = evaluated(**pain(0, 4, "thigh_left"), **after_surgery("worse", surgery("other", 2015)))
    assert "leg pain 4/10" in topic(result, "post_surgical_pain")[0]


def test_post_surgical_pain_needs_pain_4_or_more() -> None:
    changes = after_surgery("worse", surgery("other", 2015))
    assert "post_surgical_pain" not in ids(**pain(3, 3), **changes)


def test_post_surgical_pain_not_when_resolved() -> None:
    changes = after_surgery("resolved", surgery("other", 2015))
    assert "post_surgical_pain" not in ids(**pain(8), **changes)


# -- 2 recurrent_herniation and 3 scar_tissue -------------------------------------------------


def test_recurrent_herniation_after_discectomy_that_came_back() -> None:
    result = evaluated(
        **pain(1, 4, "below_knee_left"),
        **after_surgery("improved_then_returned", surgery("discectomy", 2020)),
    )
    assert topic(result, "recurrent_herniation") == (
        "Lumbar discectomy in 2020 (6 years ago); leg pain 4/10 now, "
        "pain improved, then came back.",
    )
    assert topic(result, "scar_tissue")


def test_recurrent_herniation_boundaries() -> None:
    returned = after_surgery("improved_then_returned", surgery("discectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(8, 3, "thigh_left"), **returned)
    never = after_surgery("never_improved", surgery("discectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(0, 8, "thigh_left"), **never)
    laminectomy = after_surgery("improved_then_returned", surgery("laminectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(0, 8, "thigh_left"), **laminectomy)


def test_recurrent_herniation_finds_a_discectomy_among_several_operations() -> None:
    result = evaluated(
        **pain(0, 5, "thigh_left"),
        **after_surgery(
            "improved_then_returned", surgery("fusion", 2010), surgery("discectomy", 2019)
        ),
    )
    assert topic(result, "recurrent_herniation") == (
        "Lumbar discectomy in 2019 (7 years ago); leg pain 5/10 now, "
        "pain improved, then came back.",
    )


@pytest.mark.parametrize("procedure", ["discectomy", "laminectomy"])
@pytest.mark.parametrize("course", ["improved_then_returned", "never_improved", "worse"])
def test_scar_tissue_after_decompression(procedure: str, course: str) -> None:
    result = evaluated(**pain(0, 4, "thigh_right"), **after_surgery(course, surgery(procedure)))
    assert topic(result, "scar_tissue")


def test_scar_tissue_boundaries() -> None:
    new = after_surgery("new_different_pain", surgery("laminectomy"))
    assert "scar_tissue" not in ids(**pain(0, 9, "thigh_left"), **new)
    worse = after_surgery("worse", surgery("laminectomy"))
    assert "scar_tissue" not in ids(**pain(9, 3, "thigh_left"), **worse)
    fusion = after_surgery("worse", surgery("fusion"))
    assert "scar_tissue" not in ids(**pain(0, 9, "thigh_left"), **fusion)


# -- 4 adjacent_segment_disease and 5 fusion_healing ------------------------------------------


@pytest.mark.parametrize(
    ("year", "adjacent", "healing"),
    [
        (2023, True, False),  # 3 years
        (2024, True, True),  # exactly 2 years: both
        (2025, False, True),  # 1 year
        (2026, False, True),  # this year
    ],
)
def test_years_since_a_fusion(year: int, adjacent: bool, healing: bool) -> None:
    found = ids(**pain(5), **after_surgery("improved_then_returned", surgery("fusion", year)))
    assert ("adjacent_segment_disease" in found) is adjacent
    assert ("fusion_healing" in found) is healing


def test_exactly_two_years_reasons() -> None:
    result = evaluated(**pain(5), **after_surgery("worse", surgery("fusion", 2024)))
    expected = ("Lumbar fusion in 2024 (2 years ago), back pain 5/10, pain worse since.",)
    assert topic(result, "adjacent_segment_disease") == expected
    assert topic(result, "fusion_healing") == expected


def test_adjacent_segment_disease_example_reason() -> None:
    result = evaluated(**pain(6), **after_surgery("new_different_pain", surgery("fusion", 2017)))
    assert topic(result, "adjacent_segment_disease") == (
        "Lumbar fusion in 2017 (9 years ago), back pain 6/10, new or different pain since.",
    )


@pytest.mark.parametrize(
    ("course", "adjacent", "healing"),
    [
        ("improved_then_returned", True, True),
        ("new_different_pain", True, False),
        ("never_improved", False, True),
        ("worse", True, True),
        ("resolved", False, False),
    ],
)
def test_fusion_topics_by_course(course: str, adjacent: bool, healing: bool) -> None:
    found = ids(**pain(4), **after_surgery(course, surgery("fusion", 2024)))
    assert ("adjacent_segment_disease" in found) is adjacent
    assert ("fusion_healing" in found) is healing


def test_fusion_topics_need_pain_4_or_more() -> None:
    found = ids(**pain(3, 3, "thigh_left"), **after_surgery("worse", surgery("fusion", 2024)))
    assert "adjacent_segment_disease" not in found
    assert "fusion_healing" not in found


def test_fusion_topics_cite_only_the_qualifying_fusion() -> None:
    result = evaluated(
        **pain(7),
        **after_surgery("worse", surgery("fusion", 2012), surgery("fusion", 2026)),
    )
    assert topic(result, "adjacent_segment_disease") == (
        "Lumbar fusion in 2012 (14 years ago), back pain 7/10, pain worse since.",
    )
    assert topic(result, "fusion_healing") == (
        "Lumbar fusion in 2026 (this year), back pain 7/10, pain worse since.",
    )


def test_fusion_topics_need_a_fusion() -> None:
    found = ids(**pain(7), **after_surgery("worse", surgery("disc_replacement", 2024)))
    assert "adjacent_segment_disease" not in found
    assert "fusion_healing" not in found


# -- 6 herniated_disc and 7 sciatica ----------------------------------------------------------


def test_herniated_disc_from_the_diagnosis() -> None:
    result = evaluated(diagnoses=["herniated_disc"])
    assert topic(result, "herniated_disc") == (
        "Told by a doctor they have a herniated disc (patient report).",
    )
    assert "sciatica" not in result.topic_ids


def test_radiating_leg_pain_gives_herniated_disc_and_sciatica() -> None:
    result = evaluated(**pain(2, 7, "buttock_right", "thigh_right", "below_knee_right"))
    assert topic(result, "herniated_disc") == (
        "Leg pain 7/10, reaching below the right knee; back pain 2/10; "
        "no claudication pattern (stand-or-walk pain eased by sitting).",
    )
    assert topic(result, "sciatica") == ("Leg pain 7/10, reaching below the right knee.",)


def test_both_branches_give_two_reasons() -> None:
    result = evaluated(diagnoses=["herniated_disc", "sciatica"], **pain(0, 5, "foot_left"))
    assert len(topic(result, "herniated_disc")) == 2
    assert topic(result, "sciatica") == (
        "Told by a doctor they have sciatica (patient report).",
        "Leg pain 5/10, reaching to the left foot.",
    )


@pytest.mark.parametrize(
    ("regions", "words"),
    [
        (("below_knee_left",), "below the left knee"),
        (("below_knee_left", "below_knee_right"), "below both knees"),
        (("foot_right",), "to the right foot"),
        (("foot_left", "foot_right"), "to both feet"),
        (("below_knee_left", "foot_left"), "below the left knee and the left foot"),
    ],
)
def test_radiating_regions_in_words(regions: tuple[str, ...], words: str) -> None:
    result = evaluated(**pain(0, 6, *regions))
    assert topic(result, "sciatica") == (f"Leg pain 6/10, reaching {words}.",)


@pytest.mark.parametrize(("back", "leg", "applies"), [(3, 4, True), (4, 4, True), (5, 4, False)])
def test_herniated_disc_needs_leg_pain_at_least_back_pain(
    back: int, leg: int, applies: bool
) -> None:
    found = ids(**pain(back, leg, "below_knee_left"))
    assert ("herniated_disc" in found) is applies
    assert "sciatica" in found


@pytest.mark.parametrize(("leg", "applies"), [(3, False), (4, True)])
def test_radiating_leg_pain_needs_4_or_more(leg: int, applies: bool) -> None:
    found = ids(**pain(0, leg, "foot_right"))
    assert ("herniated_disc" in found) is applies
    assert ("sciatica" in found) is applies


def test_pain_above_the_knee_is_not_radiating() -> None:
    found = ids(**pain(0, 9, "buttock_left", "thigh_left"))
    assert "herniated_disc" not in found
    assert "sciatica" not in found


def test_claudication_rules_out_the_herniated_disc_branch_only() -> None:
    found = ids(
        **pain(0, 8, "below_knee_left"), worse_standing_walking=True, relief_sitting_bending=True
    )
    assert "herniated_disc" not in found
    assert "sciatica" in found
    assert "spinal_stenosis" in found


def test_half_of_claudication_does_not_rule_it_out() -> None:
    found = ids(**pain(0, 8, "below_knee_left"), worse_standing_walking=True)
    assert "herniated_disc" in found
    assert "spinal_stenosis" not in found


# -- 8 spinal_stenosis, 9 degenerative_disc_disease, 10 chronic_low_back_pain -----------------


def test_spinal_stenosis_from_diagnosis_and_from_claudication() -> None:
    result = evaluated(diagnoses=["spinal_stenosis"])
    assert topic(result, "spinal_stenosis") == (
        "Told by a doctor they have spinal stenosis (patient report).",
    )
    result = evaluated(
        worse_standing_walking=True, relief_sitting_bending=True, walking_limit="under_10_min"
    )
    assert topic(result, "spinal_stenosis") == (
        "Leg or buttock pain on standing or walking, eased by sitting or bending forward "
        "(walks less than 10 minutes).",
    )


def test_relief_alone_is_not_claudication() -> None:
    assert "spinal_stenosis" not in ids(relief_sitting_bending=True)


@pytest.mark.parametrize(
    ("diagnoses", "count"),
    [
        (["degenerative_disc_disease"], 1),
        (["spondylolisthesis"], 1),
        (["degenerative_disc_disease", "spondylolisthesis"], 2),
        (["scoliosis", "arthritis", "spinal_fracture"], 0),
    ],
)
def test_degenerative_disc_disease(diagnoses: list[str], count: int) -> None:
    result = evaluated(diagnoses=diagnoses)
    if count:
        assert len(topic(result, "degenerative_disc_disease")) == count
    else:
        assert result.topic_ids == ()


@pytest.mark.parametrize(
    ("duration", "applies"),
    [
        ("under_6_weeks", False),
        ("6_to_12_weeks", False),
        ("3_to_12_months", True),
        ("over_1_year", True),
    ],
)
def test_chronic_low_back_pain_duration(duration: str, applies: bool) -> None:
    found = ids(**pain(4), pain_duration=duration)
    assert ("chronic_low_back_pain" in found) is applies


def test_chronic_low_back_pain_boundaries_and_reason() -> None:
    assert "chronic_low_back_pain" not in ids(**pain(3), pain_duration="over_1_year")
    assert "chronic_low_back_pain" not in ids(
        **pain(8, 0, "upper_back"), pain_duration="over_1_year"
    )
    result = evaluated(**pain(4), pain_duration="3_to_12_months")
    assert topic(result, "chronic_low_back_pain") == ("Lower back pain 4/10 for 3 to 12 months.",)


# -- 11 conservative_care, 12 imaging ---------------------------------------------------------


@pytest.mark.parametrize(
    ("therapy", "reason"),
    [
        ("none", "No physical therapy for this episode yet."),
        ("under_6_weeks", "Physical therapy for less than 6 weeks so far."),
    ],
)
def test_conservative_care_when_therapy_is_short(therapy: str, reason: str) -> None:
    assert topic(evaluated(physical_therapy=therapy), "conservative_care") == (reason,)


@pytest.mark.parametrize(
    ("flag", "applies"),
    [
        ({}, True),  # routine
        ({"fever_chills": True}, True),  # review
        ({"both_legs_symptoms": True}, False),  # urgent
        ({"saddle_numbness": True}, False),  # emergency
    ],
)
def test_conservative_care_depends_on_triage(flag: dict[str, Any], applies: bool) -> None:
    assert ("conservative_care" in ids(physical_therapy="none", **flag)) is applies


def test_no_conservative_care_topic_after_6_weeks_of_therapy() -> None:
    assert "conservative_care" not in ids(physical_therapy="6_weeks_or_more")


@pytest.mark.parametrize(
    ("mri", "reason"),
    [
        ("never", "No spine MRI so far."),
        ("over_12_months_ago", "Latest spine MRI more than 12 months ago."),
        ("unsure", "Not sure when the latest spine MRI was."),
    ],
)
def test_imaging_unless_an_mri_within_12_months(mri: str, reason: str) -> None:
    assert topic(evaluated(mri_when=mri), "imaging") == (reason,)


# -- 13 risk_factors --------------------------------------------------------------------------

OPIOIDS_DAILY = "Takes opioid pain medicine every day."
RISK_FACTORS = [
    ({"smoking": "current"}, "Current smoker or nicotine user (vaping included)."),
    ({"diabetes": "yes_diet_or_tablets"}, "Diabetes, treated with diet or tablets."),
    ({"diabetes": "yes_insulin"}, "Diabetes, treated with insulin."),
    ({"height_cm": 200, "weight_kg": 140}, "BMI 35.0 (35 or more)."),
    ({"blood_thinners": True}, "Takes a blood thinner or antiplatelet medicine."),
    ({"diagnoses": ["osteoporosis"]}, "Osteoporosis (patient report)."),
    ({"opioid_use": "daily", "medications_tried": ["opioids"]}, OPIOIDS_DAILY),
    ({"long_term_steroids": True}, "Oral steroids for 3 months or more."),
    ({"heart_or_lung_disease": True}, "Heart or lung disease under a doctor's care."),
    ({"prior_spine_infection": True}, "Earlier spine infection, or infection after spine surgery."),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "reason"), RISK_FACTORS)
def test_each_risk_factor_alone(changes: dict[str, Any], reason: str) -> None:
    assert topic(evaluated(**changes), "risk_factors") == (reason,)


def test_one_reason_per_risk_factor_in_order() -> None:
    changes: dict[str, Any] = {}
    for factor, _ in RISK_FACTORS:
        if factor.get("diabetes") != "yes_diet_or_tablets":
            changes.update(factor)
    reasons = topic(evaluated(**changes), "risk_factors")
    assert reasons == tuple(
        r for f, r in RISK_FACTORS if f.get("diabetes") != "yes_diet_or_tablets"
    )


@pytest.mark.parametrize(
    ("height", "weight", "applies"),
    [
        (200, 139.6, False),  # 34.9
        (200, 139.79, False),  # 34.9475 rounds to 34.9
        (200, 139.8, True),  # 34.95 rounds to 35.0
        (200, 140, True),  # 35.0
    ],
)
def test_bmi_35_on_the_rounded_value(height: float, weight: float, applies: bool) -> None:
    assert ("risk_factors" in ids(height_cm=height, weight_kg=weight)) is applies


@pytest.mark.parametrize(
    "changes",
    [
        {"smoking": "former"},
        {"opioid_use": "occasional", "medications_tried": ["opioids"]},
        {"diabetes": "no"},
        {"height_cm": 200},  # BMI unknown
    ],
)
def test_not_risk_factors(changes: dict[str, Any]) -> None:
    assert "risk_factors" not in ids(**changes)


# -- 14 mood_and_coping -----------------------------------------------------------------------

PHQ2_POSITIVE = "PHQ-2 3/6: positive depression screen (3 or more)."
GAD2_POSITIVE = "GAD-2 3/6: positive anxiety screen (3 or more)."


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"phq2_interest": 2}, ()),
        ({"phq2_interest": 2, "phq2_down": 1}, (PHQ2_POSITIVE,)),
        ({"gad2_worry": 2}, ()),
        ({"gad2_nervous": 1, "gad2_worry": 2}, (GAD2_POSITIVE,)),
        (
            {"phq2_interest": 3, "phq2_down": 3, "gad2_nervous": 3, "gad2_worry": 3},
            (
                "PHQ-2 6/6: positive depression screen (3 or more).",
                "GAD-2 6/6: positive anxiety screen (3 or more).",
            ),
        ),
    ],
)  # fmt: skip
def test_mood_and_coping_at_3_or_more(changes: dict[str, Any], reasons: tuple[str, ...]) -> None:
    result = evaluated(**changes)
    if reasons:
        assert topic(result, "mood_and_coping") == reasons
    else:
        assert "mood_and_coping" not in result.topic_ids


# -- 15 recovery_planning ---------------------------------------------------------------------

HEAVY_JOB = {"work_status": "working", "work_demand": "heavy"}
HEAVY_JOB_REASON = "Heavy physical job (lifting, manual labour)."


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (HEAVY_JOB, HEAVY_JOB_REASON),
        ({"work_status": "off_work_due_to_pain", "work_demand": "heavy"}, HEAVY_JOB_REASON),
        ({"caregiver": True}, "Physically cares for someone who depends on them."),
        ({"concerns": ["recovery_time"]}, "Worried about how long recovery takes."),
        ({"concerns": ["time_off_work"]}, "Worried about time off work."),
    ],
)  # fmt: skip
def test_recovery_planning_branches(changes: dict[str, Any], reason: str) -> None:
    result = evaluated(diagnoses=["spinal_stenosis"], **changes)
    assert topic(result, "recovery_planning") == (reason,)


def test_recovery_planning_needs_a_topic_from_1_to_10() -> None:
    # Conservative care, imaging, risk factors and mood are not enough.
    found = ids(
        caregiver=True,
        physical_therapy="none",
        mri_when="never",
        smoking="current",
        phq2_interest=3,
        **HEAVY_JOB,
    )
    assert found == ("conservative_care", "imaging", "risk_factors", "mood_and_coping")


@pytest.mark.parametrize(
    "condition",
    [
        {"diagnoses": ["degenerative_disc_disease"]},
        {**pain(5), "pain_duration": "over_1_year"},
        {**pain(5), **after_surgery("never_improved", surgery("other", 2015))},
    ],
)
def test_recovery_planning_follows_any_condition_topic(condition: dict[str, Any]) -> None:
    assert ids(caregiver=True, **condition)[-1] == "recovery_planning"


@pytest.mark.parametrize(
    "changes",
    [
        {"work_status": "working", "work_demand": "light"},
        {"concerns": ["cost", "complications", "anesthesia", "pain_after_surgery"]},
        {"caregiver": False},
    ],
)
def test_recovery_planning_needs_a_reason(changes: dict[str, Any]) -> None:
    assert "recovery_planning" not in ids(diagnoses=["spinal_stenosis"], **changes)


def test_all_reasons_together_and_topics_in_catalogue_order() -> None:
    operations = (surgery("discectomy", 2024), surgery("fusion", 2024))
    result = evaluated(
        diagnoses=["herniated_disc", "spinal_stenosis", "spondylolisthesis", "sciatica"],
        caregiver=True,
        concerns=["time_off_work", "recovery_time"],
        physical_therapy="none",
        mri_when="unsure",
        smoking="current",
        gad2_worry=3,
        **HEAVY_JOB,
        **pain(5, 6, "lower_back", "foot_left"),
        pain_duration="over_1_year",
        **after_surgery("improved_then_returned", *operations),
    )  # fmt: skip
    assert result.topic_ids == tuple(t.id for t in TOPICS)
    assert topic(result, "recovery_planning") == (
        "Heavy physical job (lifting, manual labour).",
        "Physically cares for someone who depends on them.",
        "Worried about how long recovery takes.",
        "Worried about time off work.",
    )
    assert all(t.reasons for t in result.topics)
    assert [t.title for t in result.topics] == [t.title for t in TOPICS]
