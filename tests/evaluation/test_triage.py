"""Red flags, triage and triage rules (rules version 2): every flag, every rule, the onset codes,
the cancer status codes, the months-since-surgery and age boundaries, and partial answer sets."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from screening.evaluation import (
    RED_FLAGS,
    TRIAGE_LEVELS,
    TRIAGE_RANK,
    TRIAGE_RULE_TITLES,
    TRIAGE_RULES,
    Evaluation,
    assess_triage,
    evaluate,
)
from tests.evaluation.answers import AS_OF, after_surgery, answers, born, evaluated, surgery

NOW = {"warning_signs_onset": "within_2_weeks"}
NOT_CHANGING = {"warning_signs_onset": "longer_not_changing"}
OLD_CANCER = {"cancer_history": True, "cancer_status": "treated_over_5_years_ago"}
ACTIVE_CANCER = {"cancer_history": True, "cancer_status": "active_or_in_treatment"}
RESOLVED_SURGERY = after_surgery("resolved", surgery("discectomy", 2010))
WOUND = {**RESOLVED_SURGERY, "wound_problem": True}

# What each red flag gives on its own, with the least the validator needs beside it (the
# baseline patient is 46, with no pain, no surgery and every warning sign "no").
ALONE: dict[str, tuple[dict[str, Any], str, list[str]]] = {
    "bladder_bowel_change": ({"bladder_bowel_change": True, **NOW}, "emergency", ["cauda_equina"]),
    "saddle_numbness": ({"saddle_numbness": True, **NOW}, "emergency", ["cauda_equina"]),
    "both_legs_symptoms": ({"both_legs_symptoms": True, **NOW}, "urgent", ["both_legs"]),
    "progressive_weakness": (
        {"leg_weakness": "getting_worse"},
        "urgent",
        ["progressive_weakness"],
    ),
    # No leg involvement: not a cauda equina sign by itself, but urgent.
    "sexual_dysfunction_new": (
        {"sexual_dysfunction_new": True, **NOW},
        "urgent",
        ["sexual_dysfunction"],
    ),
    "fever_chills": ({"fever_chills": True}, "review", ["red_flags"]),
    "weight_loss_unexplained": ({"weight_loss_unexplained": True}, "review", ["red_flags"]),
    "cancer_history": (OLD_CANCER, "review", ["red_flags"]),
    "immunosuppressed": ({"immunosuppressed": True}, "review", ["red_flags"]),
    "long_term_steroids": ({"long_term_steroids": True}, "review", ["red_flags"]),
    "iv_drug_use": ({"iv_drug_use": True}, "review", ["red_flags"]),
    "recent_trauma": ({"recent_trauma": True}, "review", ["red_flags"]),
    "possible_myelopathy": ({"hand_clumsiness": True}, "review", ["red_flags"]),
    "wound_problem": (WOUND, "urgent", ["wound"]),
}


def rules(**changes: Any) -> tuple[str, list[str]]:
    """(triage, triage rule ids) of the baseline with `changes`, through `evaluate`."""
    result = evaluated(**changes)
    return result.triage, [rule.id for rule in result.triage_rules]


def test_catalogue_levels_are_ordered_most_serious_first() -> None:
    assert TRIAGE_LEVELS == ("emergency", "urgent", "review", "routine")
    assert TRIAGE_RANK == {"emergency": 0, "urgent": 1, "review": 2, "routine": 3}
    assert list(ALONE) == list(RED_FLAGS)


def test_triage_rules_in_spec_order_each_with_a_title() -> None:
    assert {level: list(found) for level, found in TRIAGE_RULES.items()} == {
        "emergency": ["cauda_equina", "cord_compression_cancer"],
        "urgent": [
            "cauda_equina_not_changing",
            "sexual_dysfunction",
            "progressive_weakness",
            "both_legs",
            "worsening_balance",
            "infection_risk",
            "wound",
            "cancer_risk",
            "fracture_risk",
        ],
        "review": ["red_flags"],
    }
    every = [rule for found in TRIAGE_RULES.values() for rule in found]
    assert list(TRIAGE_RULE_TITLES) == every


def test_no_red_flag_is_routine_with_no_rule() -> None:
    result = evaluated()
    assert (result.triage, result.red_flags, result.triage_rules) == ("routine", (), ())
    assert result.to_dict()["triage_rules"] == []


@pytest.mark.parametrize("flag", list(RED_FLAGS))
def test_each_red_flag_alone(flag: str) -> None:
    changes, triage, triage_rules = ALONE[flag]
    result = evaluated(**changes)
    assert result.red_flags == (flag,)
    assert (result.triage, [rule.id for rule in result.triage_rules]) == (triage, triage_rules)


def test_stable_leg_weakness_is_not_a_red_flag() -> None:
    assert evaluated(leg_weakness="stable").red_flags == ()


@pytest.mark.parametrize(
    ("balance", "hands", "flags", "triage"),
    [
        ("none", False, (), "routine"),
        ("stable", False, ("possible_myelopathy",), "review"),
        ("getting_worse", False, ("possible_myelopathy",), "urgent"),
        ("none", True, ("possible_myelopathy",), "review"),
    ],
)
def test_possible_myelopathy(balance: str, hands: bool, flags: tuple, triage: str) -> None:
    result = evaluated(balance_problem=balance, hand_clumsiness=hands)
    assert (result.red_flags, result.triage) == (flags, triage)


def test_all_red_flags_are_listed_in_catalogue_order() -> None:
    changes: dict[str, Any] = {
        flag: True
        for flag in RED_FLAGS
        if flag not in ("progressive_weakness", "possible_myelopathy")
    }
    changes.update(
        leg_weakness="getting_worse",
        hand_clumsiness=True,
        **NOW,
        **ACTIVE_CANCER,
        **WOUND,
    )
    result = evaluated(**changes)
    assert result.red_flags == tuple(RED_FLAGS)
    assert result.triage == "emergency"
    assert [rule.id for rule in result.triage_rules] == ["cauda_equina", "cord_compression_cancer"]


# -- emergency: cauda equina ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("onset", "triage", "triage_rules"),
    [
        ("within_2_weeks", "emergency", ["cauda_equina"]),
        ("longer_getting_worse", "emergency", ["cauda_equina"]),
        ("not_sure", "emergency", ["cauda_equina"]),
        ("longer_not_changing", "urgent", ["cauda_equina_not_changing"]),
    ],
)
@pytest.mark.parametrize("sign", ["bladder_bowel_change", "saddle_numbness"])
def test_each_onset_code(sign: str, onset: str, triage: str, triage_rules: list[str]) -> None:
    assert rules(**{sign: True}, warning_signs_onset=onset) == (triage, triage_rules)


def test_a_missing_onset_counts_as_recent() -> None:
    # Only a partial set can leave it out (the validator requires it).
    partial = {"saddle_numbness": True}
    result = assess_triage(partial, AS_OF)
    assert (result.level, result.triage_rules) == ("emergency", ("cauda_equina",))
    assert "onset not answered" in result.reasons[0]


@pytest.mark.parametrize(
    "leg",
    [
        {"leg_pain_nrs": 1, "pain_regions": ["thigh_left"]},
        {"numbness_tingling": True},
        {"leg_weakness": "stable"},
        {"back_pain_nrs": 0, "pain_regions": ["foot_right"]},
        {"both_legs_symptoms": True},
    ],
)
def test_new_sexual_dysfunction_with_the_legs_involved_is_a_cauda_equina_sign(
    leg: dict[str, Any],
) -> None:
    assert rules(sexual_dysfunction_new=True, **NOW, **leg)[0] == "emergency"
    # Longer ago and not changing: urgent, for both reasons.
    triage, found = rules(sexual_dysfunction_new=True, **NOT_CHANGING, **leg)
    assert triage == "urgent"
    assert found[:2] == ["cauda_equina_not_changing", "sexual_dysfunction"]


def test_new_sexual_dysfunction_without_leg_involvement_is_urgent_not_emergency() -> None:
    assert rules(sexual_dysfunction_new=True, **NOW) == ("urgent", ["sexual_dysfunction"])
    # Leg pain 0 and no leg region, weakness, numbness or both-legs answer: not involved.
    assert rules(
        sexual_dysfunction_new=True, back_pain_nrs=5, pain_regions=["lower_back"], **NOW
    ) == ("urgent", ["sexual_dysfunction"])


@pytest.mark.parametrize("onset", ["within_2_weeks", "longer_not_changing", "not_sure"])
@pytest.mark.parametrize(
    "deficit", [{"leg_weakness": "getting_worse"}, {"walking_limit": "cannot_walk"}]
)
def test_a_worsening_deficit_in_both_legs_is_an_emergency_whatever_the_onset(
    onset: str, deficit: dict[str, Any]
) -> None:
    result = evaluated(both_legs_symptoms=True, warning_signs_onset=onset, **deficit)
    assert result.triage == "emergency"
    assert [rule.id for rule in result.triage_rules] == ["cauda_equina"]


def test_both_legs_without_a_worsening_deficit_is_urgent() -> None:
    assert rules(both_legs_symptoms=True, walking_limit="under_10_min", **NOW) == (
        "urgent",
        ["both_legs"],
    )
    assert rules(both_legs_symptoms=True, leg_weakness="stable", **NOW) == ("urgent", ["both_legs"])


def test_cauda_equina_reason_names_the_signs_and_the_onset() -> None:
    result = evaluated(saddle_numbness=True, bladder_bowel_change=True, **NOW)
    (rule,) = result.triage_rules
    assert rule.title == "Possible cauda equina syndrome"
    assert (
        rule.reason
        == "New bladder or bowel change, new saddle numbness; began in the last 2 weeks."
    )
    worse = evaluated(both_legs_symptoms=True, walking_limit="cannot_walk", **NOT_CHANGING)
    assert worse.triage_rules[0].reason == (
        "Symptoms spread to both legs with inability to walk; began longer ago and not changing."
    )


# -- emergency: cord compression from a cancer ------------------------------------------------


@pytest.mark.parametrize(
    ("status", "triage", "triage_rules"),
    [
        ("active_or_in_treatment", "emergency", ["cord_compression_cancer"]),
        ("treated_within_5_years", "emergency", ["cord_compression_cancer"]),
        ("not_sure", "emergency", ["cord_compression_cancer"]),
        ("treated_over_5_years_ago", "urgent", ["progressive_weakness"]),
        ("skin_not_melanoma_only", "urgent", ["progressive_weakness"]),
    ],
)
def test_each_cancer_status_with_worsening_weakness(
    status: str, triage: str, triage_rules: list[str]
) -> None:
    changes = {"cancer_history": True, "cancer_status": status, "leg_weakness": "getting_worse"}
    assert rules(**changes) == (triage, triage_rules)


@pytest.mark.parametrize(
    ("change", "urgent_rule"),
    [
        ({"leg_weakness": "getting_worse"}, "progressive_weakness"),
        ({"both_legs_symptoms": True, **NOT_CHANGING}, "both_legs"),
        ({"balance_problem": "getting_worse"}, "worsening_balance"),
        ({"hand_clumsiness": True}, None),
    ],
)
def test_recent_cancer_with_a_leg_hand_or_balance_change_is_an_emergency(
    change: dict[str, Any], urgent_rule: str | None
) -> None:
    assert rules(**ACTIVE_CANCER, **change) == ("emergency", ["cord_compression_cancer"])
    # The same change without the cancer.
    expected = ("urgent", [urgent_rule]) if urgent_rule else ("review", ["red_flags"])
    assert rules(**change) == expected


def test_recent_cancer_with_stable_balance_or_weakness_is_not_an_emergency() -> None:
    assert rules(**ACTIVE_CANCER, balance_problem="stable")[0] == "review"
    assert rules(**ACTIVE_CANCER, leg_weakness="stable")[0] == "review"


def test_a_missing_cancer_status_counts_as_recent() -> None:
    partial = {"cancer_history": True, "leg_weakness": "getting_worse"}
    result = assess_triage(partial, AS_OF)
    assert (result.level, result.triage_rules) == ("emergency", ("cord_compression_cancer",))
    assert result.reasons == (
        "History of cancer (status not answered), with leg weakness getting worse.",
    )


def test_any_cancer_at_50_is_no_longer_urgent_by_itself() -> None:
    for age in (50, 65, 90):
        assert rules(**ACTIVE_CANCER, date_of_birth=born(age)) == ("review", ["red_flags"])


# -- urgent: several rules at once ------------------------------------------------------------


def test_every_urgent_rule_that_holds_is_listed_in_order() -> None:
    result = evaluated(
        sexual_dysfunction_new=True,
        **NOW,
        fever_chills=True,
        long_term_steroids=True,
        **WOUND,
        recent_trauma=True,
    )
    assert result.triage == "urgent"
    assert [rule.id for rule in result.triage_rules] == [
        "sexual_dysfunction",
        "infection_risk",
        "wound",
        "fracture_risk",
    ]
    assert all(rule.reason.endswith(".") for rule in result.triage_rules)


def test_the_first_level_whose_rule_holds_wins() -> None:
    # Urgent (cancer + weight loss) and emergency (bladder) together: only emergency rules.
    result = evaluated(bladder_bowel_change=True, **NOW, **OLD_CANCER, weight_loss_unexplained=True)
    assert result.triage == "emergency"
    assert [rule.id for rule in result.triage_rules] == ["cauda_equina"]


# -- urgent: infection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("companion", "words"),
    [
        ({"immunosuppressed": True}, "a weakened immune system"),
        ({"iv_drug_use": True}, "injected drug use"),
        ({"long_term_steroids": True}, "steroid tablets for 3 months or more"),
        ({"prior_spine_infection": True}, "an earlier spine infection"),
        ({"diabetes": "yes_diet_or_tablets"}, "diabetes (diet or tablets)"),
        ({"diabetes": "yes_insulin"}, "diabetes (insulin)"),
        (
            {"injections": "one", "injection_within_3_months": True},
            "a spinal injection in the last 3 months",
        ),
        ({"weight_loss_unexplained": True}, "unexplained weight loss"),
    ],
)
def test_fever_with_an_infection_risk_is_urgent(companion: dict[str, Any], words: str) -> None:
    result = evaluated(fever_chills=True, **companion)
    assert [rule.id for rule in result.triage_rules] == ["infection_risk"]
    assert result.triage_rules[0].reason == f"Fever, chills or night sweats, with {words}."
    # Without the fever the same answer is at most a review.
    assert evaluated(**companion).triage in ("review", "routine")


def test_fever_without_a_companion_is_a_review() -> None:
    assert rules(
        fever_chills=True, diabetes="no", injections="one", injection_within_3_months=False
    ) == (
        "review",
        ["red_flags"],
    )


def test_prior_spine_infection_is_not_a_red_flag_by_itself() -> None:
    assert evaluated(prior_spine_infection=True).triage == "routine"


@pytest.mark.parametrize(
    ("as_of", "entry", "phrase", "triage"),
    [
        # With a month: months_min = months_max, exactly that many months.
        (AS_OF, {"year": 2025, "month": 12}, "December 2025 (11 months ago)", "urgent"),
        (AS_OF, {"year": 2025, "month": 11}, "November 2025 (12 months ago)", "urgent"),
        (AS_OF, {"year": 2025, "month": 10}, None, "review"),
        (AS_OF, {"year": 2026, "month": 11}, "November 2026 (this month)", "urgent"),
        # With only the year: months_min counts from its December.
        (date(2026, 11, 21), {"year": 2025}, "2025 (11 to 22 months ago)", "urgent"),
        (date(2026, 12, 1), {"year": 2025}, "2025 (12 to 23 months ago)", "urgent"),
        (date(2027, 1, 1), {"year": 2025}, None, "review"),
        (AS_OF, {"year": 2026}, "2026 (0 to 10 months ago)", "urgent"),
        (date(2026, 1, 15), {"year": 2026}, "2026 (this month)", "urgent"),
        (AS_OF, {"year": 2010}, None, "review"),
    ],
)
def test_fever_after_surgery_within_12_months_is_urgent(
    as_of: date, entry: dict[str, Any], phrase: str | None, triage: str
) -> None:
    operation = surgery("discectomy", **entry)
    result = evaluated(as_of, fever_chills=True, **after_surgery("resolved", operation))
    assert result.triage == triage
    if phrase:
        assert result.triage_rules[0].reason == (
            f"Fever, chills or night sweats, with Lumbar discectomy, {phrase}."
        )


def test_fever_looks_at_every_surgery_not_only_the_latest() -> None:
    result = evaluated(
        fever_chills=True,
        **after_surgery("resolved", surgery("discectomy", 2025, month=12), surgery("fusion", 2001)),
    )
    assert result.triage == "urgent"
    assert "December 2025 (11 months ago)" in result.triage_rules[0].reason


def test_a_recent_surgery_without_fever_is_routine() -> None:
    assert evaluated(**after_surgery("resolved", surgery("fusion", 2026))).triage == "routine"


def test_a_troubled_wound_is_urgent() -> None:
    result = evaluated(**WOUND)
    assert [(rule.id, rule.reason) for rule in result.triage_rules] == [
        ("wound", "Spine surgery scar red, swollen, hot or leaking fluid.")
    ]


# -- urgent: cancer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        "active_or_in_treatment",
        "treated_within_5_years",
        "treated_over_5_years_ago",
        "not_sure",
    ],
)
def test_relevant_cancer_with_unexplained_weight_loss_is_urgent(status: str) -> None:
    changes = {"cancer_history": True, "cancer_status": status, "weight_loss_unexplained": True}
    assert rules(**changes) == ("urgent", ["cancer_risk"])


def test_skin_cancer_other_than_melanoma_does_not_count() -> None:
    skin = {"cancer_history": True, "cancer_status": "skin_not_melanoma_only"}
    assert rules(**skin, weight_loss_unexplained=True) == ("review", ["red_flags"])
    assert rules(**skin, night_pain=True) == ("review", ["red_flags"])


@pytest.mark.parametrize(
    "feature",
    [
        {"night_pain": True},
        {"back_pain_nrs": 3, "pain_regions": ["upper_back"]},
        {"pain_regions": ["neck"], "neck_pain_nrs": 2},
    ],
)
def test_recent_cancer_with_night_pain_or_upper_back_or_neck_pain_is_urgent(
    feature: dict[str, Any],
) -> None:
    assert rules(**ACTIVE_CANCER, **feature) == ("urgent", ["cancer_risk"])
    # More than 5 years after treatment, the same feature is only a review.
    assert rules(**OLD_CANCER, **feature) == ("review", ["red_flags"])
    # And without cancer it is no red flag at all.
    assert rules(**feature) == ("routine", [])


def test_cancer_risk_reason_cites_status_and_features() -> None:
    result = evaluated(**ACTIVE_CANCER, night_pain=True, weight_loss_unexplained=True)
    assert result.triage_rules[0].reason == (
        "History of cancer (active or in treatment), with unexplained weight loss and "
        "night or rest pain."
    )


# -- urgent: trauma ---------------------------------------------------------------------------


@pytest.mark.parametrize("diagnosis", ["osteoporosis", "spinal_fracture"])
def test_trauma_with_weak_bone_is_urgent(diagnosis: str) -> None:
    assert rules(recent_trauma=True, diagnoses=[diagnosis]) == ("urgent", ["fracture_risk"])
    assert rules(recent_trauma=True, diagnoses=["arthritis"]) == ("review", ["red_flags"])


def test_trauma_with_long_term_steroids_is_urgent() -> None:
    result = evaluated(recent_trauma=True, long_term_steroids=True)
    assert result.triage == "urgent"
    assert result.red_flags == ("long_term_steroids", "recent_trauma")


@pytest.mark.parametrize(("days_to_birthday", "triage"), [(1, "review"), (0, "urgent")])
def test_trauma_from_the_70th_birthday_is_urgent(days_to_birthday: int, triage: str) -> None:
    result = evaluated(recent_trauma=True, date_of_birth=born(70, days_to_birthday))
    assert result.triage == triage
    if triage == "urgent":
        assert "age 70" in result.triage_rules[0].reason


def test_age_alone_raises_nothing() -> None:
    assert evaluated(date_of_birth=born(90)).triage == "routine"


# -- partial answer sets (the web form, right after the warning-signs step) -------------------


def test_an_empty_answer_set_is_routine() -> None:
    result = assess_triage({}, AS_OF)
    assert (result.level, result.triage_rules, result.red_flags) == ("routine", (), ())


def test_later_items_do_not_hold_until_answered() -> None:
    # Warning signs answered; history (diabetes, osteoporosis, prior infection), the recent
    # injection and age not yet known.
    partial = {"recent_trauma": True, "fever_chills": True, **OLD_CANCER}
    result = assess_triage(partial, AS_OF)
    assert (result.level, result.triage_rules) == ("review", ("red_flags",))
    assert result.red_flags == ("fever_chills", "cancer_history", "recent_trauma")
    later = {**partial, "diabetes": "yes_insulin", "diagnoses": ["osteoporosis"]}
    assert assess_triage(later, AS_OF).triage_rules == ("infection_risk", "fracture_risk")


def test_partial_answers_use_what_is_there() -> None:
    assert (
        assess_triage({"date_of_birth": born(72), "recent_trauma": True}, AS_OF).level == "urgent"
    )
    partial = {
        "prior_spine_surgery": True,
        "surgeries": [surgery("fusion", 2025)],
        "fever_chills": True,
    }
    assert assess_triage(partial, AS_OF).triage_rules == ("infection_risk",)


def test_surgeries_do_not_count_unless_prior_surgery_is_yes() -> None:
    partial = {"surgeries": [surgery("fusion", 2025)], "fever_chills": True}
    assert assess_triage(partial, AS_OF).level == "review"


def test_evaluate_and_assess_triage_agree() -> None:
    full = answers(fever_chills=True, diabetes="yes_insulin", **ACTIVE_CANCER, night_pain=True)
    triage = assess_triage(full, AS_OF)
    result = evaluated(fever_chills=True, diabetes="yes_insulin", **ACTIVE_CANCER, night_pain=True)
    assert (result.triage, result.red_flags) == (triage.triage, triage.red_flags)
    assert triage.triage_rules == ("infection_risk", "cancer_risk")
    assert tuple(rule.reason for rule in result.triage_rules) == triage.reasons


def test_a_partial_answer_set_evaluates_whole() -> None:
    # Saved up to the warning-signs step: no history, treatments or wellbeing yet.
    partial = {
        key: value
        for key, value in answers(saddle_numbness=True, **NOT_CHANGING).items()
        if key not in ("mri_when", "diabetes", "smoking", "physical_therapy", "injections")
    }
    result = evaluate(partial, AS_OF)
    assert (result.triage, [rule.id for rule in result.triage_rules]) == (
        "urgent",
        ["cauda_equina_not_changing"],
    )
    assert "imaging" not in result.topic_ids
    assert "conservative_care" not in result.topic_ids


def test_a_stored_version_1_result_reads_back_without_triage_rules() -> None:
    stored = {
        "rules_version": "1",
        "as_of": "2025-03-01",
        "triage": "urgent",
        "red_flags": ["cancer_history"],
        "topics": [{"id": "imaging", "title": "Imaging", "reasons": ["No spine MRI so far."]}],
        "scores": {"age": 55, "bmi": None, "back_pain": 5, "leg_pain": 0, "interference": 3,
                   "phq2": 0, "gad2": 0},
        "checks": [],
    }  # fmt: skip
    result = Evaluation.from_dict(stored)
    assert (result.rules_version, result.triage, result.triage_rules) == ("1", "urgent", ())
    assert result.scores["neck_pain"] is None
    assert result.to_dict()["triage_rules"] == []
