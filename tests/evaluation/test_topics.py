"""MISS discussion topics (rules version 2): every branch of every rule, at its boundaries,
with its reasons: months since surgery (with and without a month), the latest surgeries, the
region of each operation against where it hurts now, BMI on its rounded value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screening.evaluation import TOPICS
from screening.evaluation.topics import CONDITION_RULES, TOPIC_RULES
from tests.evaluation.answers import AS_OF, after_surgery, born, evaluated, surgery, topic

PERSISTENT = ["improved_then_returned", "never_improved", "new_different_pain", "worse"]


def pain(back: int = 0, leg: int = 0, *regions: str, **more: Any) -> dict[str, Any]:
    """Pain scores with body-map regions (lower back by default when there is pain); neck and
    arm pain scores are given whenever those regions are marked, as the validator requires."""
    chosen = list(regions) or (["lower_back"] if back or leg else [])
    answers = {"back_pain_nrs": back, "leg_pain_nrs": leg, "pain_regions": chosen, **more}
    if "neck" in chosen:
        answers.setdefault("neck_pain_nrs", 0)
    if "arm_left" in chosen or "arm_right" in chosen:
        answers.setdefault("arm_pain_nrs", 0)
    return answers


def ids(as_of: date = AS_OF, **changes: Any) -> tuple[str, ...]:
    return evaluated(as_of, **changes).topic_ids


def test_rules_cover_the_catalogue_in_order() -> None:
    assert tuple(TOPIC_RULES) == tuple(t.id for t in TOPICS)
    assert len(TOPICS) == 20
    # Topics 1-13 are the condition topics recovery_planning depends on.
    assert tuple(CONDITION_RULES) == tuple(t.id for t in TOPICS[:13])


def test_the_baseline_has_no_topic() -> None:
    assert ids() == ()


# -- 1 post_surgical_pain ---------------------------------------------------------------------


@pytest.mark.parametrize("course", PERSISTENT)
def test_post_surgical_pain_with_a_persistent_course(course: str) -> None:
    result = evaluated(**pain(4), **after_surgery(course, surgery("other", 2015)))
    assert topic(result, "post_surgical_pain")


def test_post_surgical_pain_reason_cites_surgery_months_pain_and_course() -> None:
    result = evaluated(
        **pain(6),
        **after_surgery("new_different_pain", surgery("fusion", 2017, levels="L5-S1")),
    )
    assert topic(result, "post_surgical_pain") == (
        "Lumbar fusion (L5-S1), 2017 (107 to 118 months ago); back pain 6/10 now, "
        "new or different pain since.",
    )


def test_a_surgery_month_gives_exact_months() -> None:
    result = evaluated(**pain(6), **after_surgery("worse", surgery("laminectomy", 2025, month=9)))
    assert topic(result, "post_surgical_pain") == (
        "Lumbar laminectomy, September 2025 (14 months ago); back pain 6/10 now, pain worse since.",
    )


def test_post_surgical_pain_counts_leg_pain_as_pain_max() -> None:
    result = evaluated(**pain(0, 4, "thigh_left"), **after_surgery("worse", surgery("other", 2015)))
    assert "leg pain 4/10" in topic(result, "post_surgical_pain")[0]


@pytest.mark.parametrize(("score", "applies"), [(3, False), (4, True)])
def test_post_surgical_pain_needs_pain_4_or_more(score: int, applies: bool) -> None:
    changes = after_surgery("worse", surgery("other", 2015))
    assert ("post_surgical_pain" in ids(**pain(score, score), **changes)) is applies


def test_post_surgical_pain_not_when_resolved() -> None:
    changes = after_surgery("resolved", surgery("other", 2015))
    assert "post_surgical_pain" not in ids(**pain(8), **changes)


# Where it hurts now, by region of the operation: (pain answers, applies).
LOWER_BACK_6 = pain(6)
NECK_5 = pain(0, 0, "neck", neck_pain_nrs=5)
ARM_5 = pain(0, 0, "arm_left", arm_pain_nrs=5)
UPPER_BACK_6 = pain(6, 0, "upper_back")
BUTTOCK_6 = pain(6, 0, "buttock_right")
FOOT_LEG_6 = pain(0, 6, "foot_left")
NECK_3_BACK_9 = pain(9, 0, "neck", "lower_back", neck_pain_nrs=3)


@pytest.mark.parametrize(
    ("region", "where", "applies"),
    [
        ("lumbar", LOWER_BACK_6, True),
        ("lumbar", BUTTOCK_6, True),
        ("lumbar", FOOT_LEG_6, True),
        ("lumbar", NECK_5, False),
        ("lumbar", UPPER_BACK_6, False),
        ("cervical", NECK_5, True),
        ("cervical", ARM_5, True),
        ("cervical", LOWER_BACK_6, False),
        # The neck hurts, but only 3/10: cervical reads neck and arm pain, not back pain.
        ("cervical", NECK_3_BACK_9, False),
        ("thoracic", UPPER_BACK_6, True),
        ("thoracic", LOWER_BACK_6, True),
        ("thoracic", NECK_5, False),
        ("unknown", LOWER_BACK_6, True),
        ("unknown", NECK_5, True),
        ("unknown", ARM_5, True),
    ],
)
def test_post_surgical_pain_region_must_match_where_it_hurts(
    region: str, where: dict[str, Any], applies: bool
) -> None:
    changes = after_surgery("worse", surgery("discectomy", 2015, region=region))
    assert ("post_surgical_pain" in ids(**where, **changes)) is applies


def test_a_cervical_operation_cites_neck_and_arm_pain() -> None:
    result = evaluated(
        **pain(0, 0, "neck", "arm_right", neck_pain_nrs=4, arm_pain_nrs=7),
        **after_surgery("never_improved", surgery("fusion", 2020, region="cervical")),
    )
    assert topic(result, "post_surgical_pain") == (
        "Cervical fusion, 2020 (71 to 82 months ago); arm pain 7/10 now, pain never improved.",
    )


def test_an_unknown_region_reads_the_worst_of_back_leg_neck_and_arm() -> None:
    result = evaluated(
        **pain(2, 0, "lower_back", "neck", neck_pain_nrs=6),
        **after_surgery("worse", surgery("fusion", 2020, region="unknown")),
    )
    assert topic(result, "post_surgical_pain") == (
        "Fusion (region not known), 2020 (71 to 82 months ago); neck pain 6/10 now, "
        "pain worse since.",
    )


def test_only_the_latest_surgery_is_read_against_the_course() -> None:
    # An old lumbar fusion and a recent neck operation; the course describes the neck one,
    # and the neck does not hurt: no post-surgical topic for the old lumbar fusion.
    changes = after_surgery(
        "worse",
        surgery("fusion", 2010),
        surgery("discectomy", 2024, region="cervical"),
    )
    found = ids(**pain(7), **changes)
    assert "post_surgical_pain" not in found
    assert "adjacent_segment_disease" not in found


@pytest.mark.parametrize(
    ("months", "cited"),
    [
        # Two operations the same year: the later month is the latest.
        ((3, 8), ["August 2024"]),
        ((8, 3), ["August 2024"]),
        # The same month: both.
        ((5, 5), ["May 2024", "May 2024"]),
        # One with no month stays (it may be the latest); the other month is compared only
        # with months given.
        ((None, 8), ["2024 (", "August 2024"]),
        ((None, None), ["2024 (", "2024 ("]),
    ],
)
def test_the_latest_surgery_when_two_share_a_year(
    months: tuple[int | None, int | None], cited: list[str]
) -> None:
    entries = [
        surgery("fusion", 2024, **({"month": month} if month else {}), levels=f"L{n}")
        for n, month in enumerate(months, start=3)
    ]
    reasons = topic(evaluated(**pain(6), **after_surgery("worse", *entries)), "post_surgical_pain")
    assert len(reasons) == len(cited)
    for reason, words in zip(reasons, cited, strict=True):
        assert words in reason


def test_a_later_year_beats_a_later_month() -> None:
    changes = after_surgery(
        "worse", surgery("fusion", 2023, month=12), surgery("discectomy", 2024, month=1)
    )
    reasons = topic(evaluated(**pain(6), **changes), "post_surgical_pain")
    assert reasons == (
        "Lumbar discectomy, January 2024 (34 months ago); back pain 6/10 now, pain worse since.",
    )


# -- 2 recurrent_herniation and 3 scar_tissue -------------------------------------------------

RETURNED = "improved_then_returned"


def test_recurrent_herniation_after_discectomy_that_came_back() -> None:
    result = evaluated(
        **pain(1, 4, "below_knee_left"),
        **after_surgery(RETURNED, surgery("discectomy", 2020)),
    )
    assert topic(result, "recurrent_herniation") == (
        "Lumbar discectomy, 2020 (71 to 82 months ago); leg pain 4/10 now, "
        "pain improved, then came back.",
    )
    assert topic(result, "scar_tissue")


@pytest.mark.parametrize(
    ("as_of", "entry", "applies"),
    [
        (AS_OF, {"year": 2026, "month": 6}, False),  # 5 months
        (AS_OF, {"year": 2026, "month": 5}, True),  # 6 months
        (date(2026, 6, 15), {"year": 2026}, False),  # 0 to 5 months
        (date(2026, 7, 1), {"year": 2026}, True),  # 0 to 6 months
    ],
)
def test_recurrent_herniation_needs_6_months(
    as_of: date, entry: dict[str, Any], applies: bool
) -> None:
    changes = after_surgery(RETURNED, surgery("discectomy", **entry))
    assert ("recurrent_herniation" in ids(as_of, **pain(0, 6, "thigh_left"), **changes)) is applies


@pytest.mark.parametrize(
    ("region", "applies"),
    [("lumbar", True), ("unknown", True), ("thoracic", False), ("cervical", False)],
)
def test_recurrent_herniation_and_scar_tissue_only_low_in_the_back(
    region: str, applies: bool
) -> None:
    changes = after_surgery(RETURNED, surgery("discectomy", 2020, region=region))
    found = ids(**pain(0, 6, "thigh_left"), **changes)
    assert ("recurrent_herniation" in found) is applies
    assert ("scar_tissue" in found) is applies


def test_recurrent_herniation_boundaries() -> None:
    returned = after_surgery(RETURNED, surgery("discectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(8, 3, "thigh_left"), **returned)
    never = after_surgery("never_improved", surgery("discectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(0, 8, "thigh_left"), **never)
    laminectomy = after_surgery(RETURNED, surgery("laminectomy", 2020))
    assert "recurrent_herniation" not in ids(**pain(0, 8, "thigh_left"), **laminectomy)


def test_an_older_discectomy_is_not_read_against_a_later_fusion() -> None:
    changes = after_surgery(RETURNED, surgery("discectomy", 2010), surgery("fusion", 2019))
    found = ids(**pain(0, 5, "thigh_left"), **changes)
    assert "recurrent_herniation" not in found
    assert "scar_tissue" not in found


@pytest.mark.parametrize("procedure", ["discectomy", "laminectomy"])
@pytest.mark.parametrize("course", [RETURNED, "never_improved", "worse"])
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


# -- 4 adjacent_segment_disease, 5 fusion_healing, 6 early_postop_course ----------------------


@pytest.mark.parametrize(
    ("as_of", "entry", "judged", "early"),
    [
        (AS_OF, {"year": 2025, "month": 12}, False, True),  # 11 months
        (AS_OF, {"year": 2025, "month": 11}, True, False),  # 12 months
        (AS_OF, {"year": 2025, "month": 10}, True, False),  # 13 months
        (AS_OF, {"year": 2026}, False, True),  # 0 to 10 months
        (AS_OF, {"year": 2025}, True, True),  # 11 to 22 months: both questions are open
        (date(2026, 12, 1), {"year": 2025}, True, False),  # 12 to 23 months
        (date(2027, 1, 1), {"year": 2026}, True, True),  # 1 to 12 months
        (AS_OF, {"year": 2017}, True, False),
    ],
)
def test_months_since_a_fusion(
    as_of: date, entry: dict[str, Any], judged: bool, early: bool
) -> None:
    changes = after_surgery(RETURNED, surgery("fusion", **entry))
    found = ids(as_of, **pain(5), **changes)
    assert ("adjacent_segment_disease" in found) is judged
    assert ("fusion_healing" in found) is judged
    assert ("early_postop_course" in found) is early


def test_fusion_topics_reasons() -> None:
    result = evaluated(**pain(5), **after_surgery("worse", surgery("fusion", 2024, month=3)))
    expected = ("Lumbar fusion, March 2024 (32 months ago); back pain 5/10 now, pain worse since.",)
    assert topic(result, "adjacent_segment_disease") == expected
    assert topic(result, "fusion_healing") == expected


@pytest.mark.parametrize(
    ("course", "adjacent", "healing"),
    [
        (RETURNED, True, True),
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


def test_fusion_topics_need_pain_4_or_more_in_the_region() -> None:
    found = ids(**pain(3, 3, "thigh_left"), **after_surgery("worse", surgery("fusion", 2024)))
    assert "adjacent_segment_disease" not in found
    assert "fusion_healing" not in found
    cervical = after_surgery("worse", surgery("fusion", 2020, region="cervical"))
    found = ids(**pain(8, 0, "lower_back", "neck", neck_pain_nrs=3), **cervical)
    assert "fusion_healing" not in found
    found = ids(**pain(0, 0, "neck", neck_pain_nrs=4), **cervical)
    assert "fusion_healing" in found


def test_fusion_topics_need_a_fusion() -> None:
    found = ids(**pain(7), **after_surgery("worse", surgery("disc_replacement", 2024)))
    assert "adjacent_segment_disease" not in found
    assert "fusion_healing" not in found


@pytest.mark.parametrize("course", PERSISTENT)
def test_early_postop_course_when_not_settling(course: str) -> None:
    result = evaluated(
        **pain(0, 6, "thigh_left"), **after_surgery(course, surgery("discectomy", 2026, month=9))
    )
    (reason,) = topic(result, "early_postop_course")
    assert reason.startswith(
        "Lumbar discectomy, September 2026 (2 months ago); leg pain 6/10 now, "
    )


def test_early_postop_course_this_month() -> None:
    result = evaluated(**pain(5), **after_surgery(RETURNED, surgery("laminectomy", 2026, month=11)))
    assert "November 2026 (this month)" in topic(result, "early_postop_course")[0]


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({**pain(3, 3, "thigh_left")}, False),  # pain below 4
        ({**pain(0, 0, "neck", neck_pain_nrs=6)}, False),  # not where the operation was
        ({**pain(5)}, True),
    ],
)
def test_early_postop_course_boundaries(changes: dict[str, Any], applies: bool) -> None:
    found = ids(**changes, **after_surgery("never_improved", surgery("fusion", 2026, month=5)))
    assert ("early_postop_course" in found) is applies
    resolved = ids(**changes, **after_surgery("resolved", surgery("fusion", 2026, month=5)))
    assert "early_postop_course" not in resolved


# -- 7 herniated_disc and 8 sciatica ----------------------------------------------------------


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


# -- 9 spinal_stenosis -----------------


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


# -- 10 degenerative_disc_disease, 11 spondylolisthesis -----------------------------------------


@pytest.mark.parametrize(
    ("diagnoses", "found"),
    [
        (["degenerative_disc_disease"], ("degenerative_disc_disease",)),
        (["spondylolisthesis"], ("spondylolisthesis",)),
        (
            ["degenerative_disc_disease", "spondylolisthesis"],
            ("degenerative_disc_disease", "spondylolisthesis"),
        ),
        (["scoliosis", "arthritis"], ()),
    ],
)
def test_degenerative_disc_disease_and_spondylolisthesis(
    diagnoses: list[str], found: tuple[str, ...]
) -> None:
    result = evaluated(diagnoses=diagnoses)
    assert result.topic_ids == found
    for topic_id in found:
        assert len(topic(result, topic_id)) == 1


# -- 12 cervical_radiculopathy_myelopathy ------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        (pain(0, 0, "neck", neck_pain_nrs=4), ("Neck pain 4/10.",)),
        (pain(0, 0, "neck", neck_pain_nrs=3), ()),
        (pain(0, 0, "arm_left", arm_pain_nrs=4), ("Arm pain 4/10 (left arm).",)),
        (
            pain(0, 0, "neck", "arm_left", "arm_right", neck_pain_nrs=2, arm_pain_nrs=5),
            ("Neck pain 2/10; arm pain 5/10 (both arms).",),
        ),
        (pain(0, 0, "arm_right", arm_pain_nrs=3), ()),
        # Back pain does not count.
        (pain(9, 9, "lower_back", "neck", neck_pain_nrs=0), ()),
        ({"hand_clumsiness": True}, ("Possible myelopathy: new hand clumsiness.",)),
        ({"balance_problem": "stable"}, ("Possible myelopathy: unsteady walking, not changing.",)),
        (
            {"balance_problem": "getting_worse", "hand_clumsiness": True},
            ("Possible myelopathy: new hand clumsiness and unsteady walking, getting worse.",),
        ),
    ],
)
def test_cervical_radiculopathy_myelopathy(
    changes: dict[str, Any], reasons: tuple[str, ...]
) -> None:
    result = evaluated(**changes)
    if reasons:
        assert topic(result, "cervical_radiculopathy_myelopathy") == reasons
    else:
        assert "cervical_radiculopathy_myelopathy" not in result.topic_ids


def test_cervical_topic_gives_both_branches() -> None:
    result = evaluated(**pain(0, 0, "neck", neck_pain_nrs=7), hand_clumsiness=True)
    assert topic(result, "cervical_radiculopathy_myelopathy") == (
        "Neck pain 7/10.",
        "Possible myelopathy: new hand clumsiness.",
    )


# -- 13 facet_or_si_joint_pain, 14 chronic_low_back_pain -----------------------------------------

CHRONIC = {"pain_duration": "over_1_year"}


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({**pain(4), **CHRONIC}, True),
        ({**pain(3), **CHRONIC}, False),
        ({**pain(5, 0, "buttock_left"), **CHRONIC}, True),
        ({**pain(5, 0, "buttock_right"), **CHRONIC}, True),
        ({**pain(5, 0, "upper_back"), **CHRONIC}, False),
        ({**pain(4, 4, "lower_back", "thigh_left"), **CHRONIC}, True),
        ({**pain(4, 5, "lower_back", "thigh_left"), **CHRONIC}, False),
        ({**pain(6, 2, "lower_back", "below_knee_left"), **CHRONIC}, False),
        ({**pain(6, 2, "lower_back", "foot_right"), **CHRONIC}, False),
        ({**pain(6), "pain_duration": "3_to_12_months"}, True),
        ({**pain(6), "pain_duration": "6_to_12_weeks"}, False),
        ({**pain(6), "pain_duration": "under_6_weeks"}, False),
    ],
)
def test_facet_or_si_joint_pain(changes: dict[str, Any], applies: bool) -> None:
    assert ("facet_or_si_joint_pain" in ids(**changes)) is applies


def test_facet_or_si_joint_pain_reason() -> None:
    result = evaluated(**pain(6, 1, "lower_back", "buttock_left", "thigh_left"), **CHRONIC)
    assert topic(result, "facet_or_si_joint_pain") == (
        "Back pain 6/10 (lower back, left buttock), leg pain 1/10, not below the knee, "
        "for more than 1 year.",
    )


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
    assert "chronic_low_back_pain" not in ids(**pain(3), **CHRONIC)
    assert "chronic_low_back_pain" not in ids(**pain(8, 0, "upper_back"), **CHRONIC)
    result = evaluated(**pain(4), pain_duration="3_to_12_months")
    assert topic(result, "chronic_low_back_pain") == ("Lower back pain 4/10 for 3 to 12 months.",)


# -- 15 bone_quality --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        (
            {"diagnoses": ["osteoporosis"]},
            ("Told by a doctor they have osteoporosis (patient report).",),
        ),
        (
            {"diagnoses": ["spinal_fracture"]},
            ("Told by a doctor they have a spinal fracture (patient report).",),
        ),
        ({"long_term_steroids": True}, ("Steroid tablets for 3 months or more.",)),
        ({"sex": "female", "date_of_birth": born(65)}, ("Woman aged 65 (65 or over).",)),
        ({"sex": "female", "date_of_birth": born(65, 1)}, ()),
        ({"sex": "male", "date_of_birth": born(85)}, ()),
        ({"sex": "prefer_not_to_say", "date_of_birth": born(85)}, ()),
        ({"date_of_birth": born(85)}, ()),
    ],
)
def test_bone_quality(changes: dict[str, Any], reasons: tuple[str, ...]) -> None:
    result = evaluated(**changes)
    if reasons:
        assert topic(result, "bone_quality") == reasons
    else:
        assert "bone_quality" not in result.topic_ids


# -- 16 conservative_care, 17 imaging ---------------------------------------------------------


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
        ({"both_legs_symptoms": True, "warning_signs_onset": "within_2_weeks"}, False),  # urgent
        ({"saddle_numbness": True, "warning_signs_onset": "within_2_weeks"}, False),  # emergency
    ],
)
def test_conservative_care_short_therapy_depends_on_triage(
    flag: dict[str, Any], applies: bool
) -> None:
    assert ("conservative_care" in ids(physical_therapy="none", **flag)) is applies


@pytest.mark.parametrize(
    ("injections", "score", "applies"),
    [("one", 4, True), ("two_or_more", 9, True), ("one", 3, False), ("none", 9, False)],
)
def test_conservative_care_tried_and_pain_remains(
    injections: str, score: int, applies: bool
) -> None:
    changes: dict[str, Any] = {"injections": injections, **pain(0, score, "thigh_left")}
    if injections != "none":
        changes["injection_within_3_months"] = False
    result = evaluated(physical_therapy="6_weeks_or_more", **changes)
    assert ("conservative_care" in result.topic_ids) is applies
    if applies:
        words = "one spinal injection" if injections == "one" else "two or more spinal injections"
        assert topic(result, "conservative_care") == (
            f"Physical therapy for 6 weeks or more and {words}; leg pain {score}/10 remains.",
        )


def test_care_tried_with_pain_remaining_applies_whatever_the_triage() -> None:
    found = ids(
        physical_therapy="6_weeks_or_more",
        injections="one",
        injection_within_3_months=False,
        **pain(6),
        saddle_numbness=True,
        warning_signs_onset="within_2_weeks",
    )
    assert "conservative_care" in found


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


def test_imaging_with_a_spinal_cord_stimulator_even_if_not_the_latest_surgery() -> None:
    changes = after_surgery(
        "resolved",
        surgery("spinal_cord_stimulator", 2019, region="thoracic"),
        surgery("discectomy", 2024),
    )
    assert topic(evaluated(**changes), "imaging") == (
        "Thoracic spinal cord stimulator, 2019 (83 to 94 months ago): MRI only if the device is "
        "MR-conditional; bring the device card.",
    )
    both = topic(evaluated(mri_when="never", **changes), "imaging")
    assert len(both) == 2


# -- 18 risk_factors --------------------------------------------------------------------------

OPIOIDS_DAILY = "Takes opioid pain medicine every day."
RISK_FACTORS = [
    ({"smoking": "current"}, "Current smoker or nicotine user (vaping included)."),
    ({"diabetes": "yes_diet_or_tablets"}, "Diabetes, treated with diet or tablets."),
    ({"diabetes": "yes_insulin"}, "Diabetes, treated with insulin."),
    ({"height_cm": 200, "weight_kg": 120}, "BMI 30.0 (obesity class 1)."),
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
    ("height", "weight", "reason"),
    [
        (200, 119.6, None),  # 29.9
        (200, 119.79, None),  # 29.9475 rounds to 29.9
        (200, 119.8, "BMI 30.0 (obesity class 1)."),  # 29.95 rounds half up to 30.0
        (200, 120, "BMI 30.0 (obesity class 1)."),
        (200, 139.6, "BMI 34.9 (obesity class 1)."),
        (200, 139.8, "BMI 35.0 (obesity class 2)."),  # 34.95
        (200, 159.6, "BMI 39.9 (obesity class 2)."),
        (200, 159.8, "BMI 40.0 (obesity class 3)."),  # 39.95
        (160, 80, "BMI 31.3 (obesity class 1)."),  # 31.25: the spec's own example
        (150, 250, "BMI 111.1 (obesity class 3)."),
    ],
)
def test_bmi_from_30_on_the_rounded_value_with_its_class(
    height: float, weight: float, reason: str | None
) -> None:
    result = evaluated(height_cm=height, weight_kg=weight)
    if reason:
        assert topic(result, "risk_factors") == (reason,)
    else:
        assert "risk_factors" not in result.topic_ids


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


# -- 19 mood_and_coping -----------------------------------------------------------------------

PHQ2_POSITIVE = "PHQ-2 3/6: positive depression screen (3 or more)."
GAD2_POSITIVE = "GAD-2 3/6: positive anxiety screen (3 or more)."
OFF_WORK = "Off work because of the pain."
CLAIM = "An injury claim, disability claim or legal case about this pain."


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"phq2_interest": 2}, ()),
        ({"phq2_interest": 2, "phq2_down": 1}, (PHQ2_POSITIVE,)),
        ({"gad2_worry": 2}, ()),
        ({"gad2_nervous": 1, "gad2_worry": 2}, (GAD2_POSITIVE,)),
        ({"work_status": "off_work_due_to_pain", "work_demand": "light"}, (OFF_WORK,)),
        ({"work_status": "working_reduced", "work_demand": "light"}, ()),
        ({"compensation_claim": "yes"}, (CLAIM,)),
        ({"compensation_claim": "no"}, ()),
        ({"compensation_claim": "prefer_not_to_say"}, ()),
        ({"opioid_use": "daily", "medications_tried": ["opioids"]}, (OPIOIDS_DAILY,)),
        (
            {
                "phq2_interest": 3, "phq2_down": 3, "gad2_nervous": 3, "gad2_worry": 3,
                "work_status": "off_work_due_to_pain", "work_demand": "heavy",
                "compensation_claim": "yes", "opioid_use": "daily",
                "medications_tried": ["opioids"],
            },
            (
                "PHQ-2 6/6: positive depression screen (3 or more).",
                "GAD-2 6/6: positive anxiety screen (3 or more).",
                OFF_WORK,
                CLAIM,
                OPIOIDS_DAILY,
            ),
        ),
    ],
)  # fmt: skip
def test_mood_and_coping_one_reason_per_factor(
    changes: dict[str, Any], reasons: tuple[str, ...]
) -> None:
    result = evaluated(**changes)
    if reasons:
        assert topic(result, "mood_and_coping") == reasons
    else:
        assert "mood_and_coping" not in result.topic_ids


# -- 20 recovery_planning ---------------------------------------------------------------------

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


def test_recovery_planning_needs_a_condition_topic() -> None:
    # Chronic low back pain (14), bone quality, conservative care, imaging, risk factors and
    # mood are not condition topics.
    found = ids(
        caregiver=True,
        physical_therapy="none",
        mri_when="never",
        smoking="current",
        phq2_interest=3,
        long_term_steroids=True,
        **pain(4, 5, "lower_back", "thigh_left"),
        **CHRONIC,
        **HEAVY_JOB,
    )
    assert found == (
        "chronic_low_back_pain",
        "bone_quality",
        "conservative_care",
        "imaging",
        "risk_factors",
        "mood_and_coping",
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"diagnoses": ["degenerative_disc_disease"]},
        {"diagnoses": ["spondylolisthesis"]},
        {**pain(5), **CHRONIC},  # facet_or_si_joint_pain
        {"hand_clumsiness": True},  # cervical_radiculopathy_myelopathy
        {**pain(5), **after_surgery("never_improved", surgery("other", 2026, month=2))},
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


def test_all_twenty_topics_together_in_catalogue_order() -> None:
    # A discectomy and a fusion in 2025 (no month): 11 to 22 months ago, so both the early
    # course and the fusion questions are open.
    operations = (surgery("discectomy", 2025), surgery("fusion", 2025))
    result = evaluated(
        diagnoses=[
            "herniated_disc", "spinal_stenosis", "degenerative_disc_disease",
            "spondylolisthesis", "sciatica", "osteoporosis",
        ],
        caregiver=True,
        concerns=["time_off_work", "recovery_time"],
        physical_therapy="none",
        mri_when="unsure",
        smoking="current",
        gad2_worry=3,
        hand_clumsiness=True,
        **HEAVY_JOB,
        **pain(6, 5, "lower_back", "thigh_left"),
        **CHRONIC,
        **after_surgery(RETURNED, *operations),
    )  # fmt: skip
    assert result.triage == "review"
    assert result.topic_ids == tuple(t.id for t in TOPICS)
    assert topic(result, "recovery_planning") == (
        "Heavy physical job (lifting, manual labour).",
        "Physically cares for someone who depends on them.",
        "Worried about how long recovery takes.",
        "Worried about time off work.",
    )
    assert all(t.reasons for t in result.topics)
    assert [t.title for t in result.topics] == [t.title for t in TOPICS]
