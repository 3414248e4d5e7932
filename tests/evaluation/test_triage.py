"""Red flags and triage: every flag, every branch of every level, the age and year boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from screening.evaluation import RED_FLAGS, TRIAGE_LEVELS, TRIAGE_RANK, assess_triage
from tests.evaluation.answers import AS_OF, after_surgery, answers, born, evaluated, surgery

YES_NO_FLAGS = [flag for flag in RED_FLAGS if flag != "progressive_weakness"]

# What each red flag gives on its own (the baseline patient is 46, with no other answers set).
ALONE = {
    "bladder_bowel_change": "emergency",
    "saddle_numbness": "emergency",
    "both_legs_symptoms": "urgent",
    "progressive_weakness": "urgent",
    "sexual_dysfunction_new": "review",
    "fever_chills": "review",
    "weight_loss_unexplained": "review",
    "cancer_history": "review",
    "immunosuppressed": "review",
    "long_term_steroids": "review",
    "iv_drug_use": "review",
    "recent_trauma": "review",
}


def flag_answers(flag: str) -> dict[str, Any]:
    if flag == "progressive_weakness":
        return {"leg_weakness": "getting_worse"}
    return {flag: True}


def test_catalogue_levels_are_ordered_most_serious_first() -> None:
    assert TRIAGE_LEVELS == ("emergency", "urgent", "review", "routine")
    assert TRIAGE_RANK == {"emergency": 0, "urgent": 1, "review": 2, "routine": 3}
    assert list(ALONE) == list(RED_FLAGS)


def test_no_red_flag_is_routine() -> None:
    result = evaluated()
    assert (result.triage, result.red_flags) == ("routine", ())


@pytest.mark.parametrize("flag", list(RED_FLAGS))
def test_each_red_flag_alone(flag: str) -> None:
    result = evaluated(**flag_answers(flag))
    assert result.red_flags == (flag,)
    assert result.triage == ALONE[flag]


def test_stable_leg_weakness_is_not_a_red_flag() -> None:
    assert evaluated(leg_weakness="stable").red_flags == ()


def test_all_red_flags_are_listed_in_catalogue_order() -> None:
    changes: dict[str, Any] = {flag: True for flag in YES_NO_FLAGS}
    changes["leg_weakness"] = "getting_worse"
    result = evaluated(**changes)
    assert result.red_flags == tuple(RED_FLAGS)
    assert result.triage == "emergency"


def test_both_legs_with_progressive_weakness_is_an_emergency() -> None:
    result = evaluated(both_legs_symptoms=True, leg_weakness="getting_worse")
    assert result.triage == "emergency"
    assert result.red_flags == ("both_legs_symptoms", "progressive_weakness")


def test_the_first_level_whose_rule_holds_wins() -> None:
    # Urgent (cancer + weight loss) and emergency (bladder) together: emergency.
    result = evaluated(bladder_bowel_change=True, cancer_history=True, weight_loss_unexplained=True)
    assert result.triage == "emergency"


# -- urgent: fever ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "companion",
    [
        {"immunosuppressed": True},
        {"iv_drug_use": True},
        {"long_term_steroids": True},
        {"prior_spine_infection": True},
    ],
)
def test_fever_with_an_infection_risk_is_urgent(companion: dict[str, Any]) -> None:
    assert evaluated(fever_chills=True, **companion).triage == "urgent"
    # Without the fever the same answer is at most a review.
    assert evaluated(**companion).triage in ("review", "routine")


def test_prior_spine_infection_is_not_a_red_flag_by_itself() -> None:
    assert evaluated(prior_spine_infection=True).triage == "routine"


@pytest.mark.parametrize(
    ("year", "triage"),
    [(2026, "urgent"), (2025, "urgent"), (2024, "review"), (2010, "review")],
)
def test_fever_after_surgery_this_year_or_last_is_urgent(year: int, triage: str) -> None:
    result = evaluated(fever_chills=True, **after_surgery("resolved", surgery("discectomy", year)))
    assert result.triage == triage


def test_fever_looks_at_every_surgery_not_only_the_first() -> None:
    result = evaluated(
        fever_chills=True,
        **after_surgery("resolved", surgery("fusion", 2001), surgery("discectomy", 2025)),
    )
    assert result.triage == "urgent"


def test_a_recent_surgery_without_fever_is_routine() -> None:
    assert evaluated(**after_surgery("resolved", surgery("fusion", 2026))).triage == "routine"


# -- urgent: cancer ---------------------------------------------------------------------------


def test_cancer_with_unexplained_weight_loss_is_urgent() -> None:
    assert evaluated(cancer_history=True, weight_loss_unexplained=True).triage == "urgent"


def test_cancer_with_night_pain_is_urgent() -> None:
    assert evaluated(cancer_history=True, night_pain=True).triage == "urgent"
    assert evaluated(night_pain=True).triage == "routine"


@pytest.mark.parametrize(("days_to_birthday", "triage"), [(1, "review"), (0, "urgent")])
def test_cancer_from_the_50th_birthday_is_urgent(days_to_birthday: int, triage: str) -> None:
    result = evaluated(cancer_history=True, date_of_birth=born(50, days_to_birthday))
    assert result.triage == triage


def test_age_alone_raises_nothing() -> None:
    assert evaluated(date_of_birth=born(90)).triage == "routine"


# -- urgent: trauma ---------------------------------------------------------------------------


def test_trauma_with_osteoporosis_is_urgent() -> None:
    assert evaluated(recent_trauma=True, diagnoses=["osteoporosis"]).triage == "urgent"
    assert evaluated(recent_trauma=True, diagnoses=["arthritis"]).triage == "review"


def test_trauma_with_long_term_steroids_is_urgent() -> None:
    result = evaluated(recent_trauma=True, long_term_steroids=True)
    assert result.triage == "urgent"
    assert result.red_flags == ("long_term_steroids", "recent_trauma")


@pytest.mark.parametrize(("days_to_birthday", "triage"), [(1, "review"), (0, "urgent")])
def test_trauma_from_the_70th_birthday_is_urgent(days_to_birthday: int, triage: str) -> None:
    result = evaluated(recent_trauma=True, date_of_birth=born(70, days_to_birthday))
    assert result.triage == triage


def test_trauma_at_50_is_still_only_a_review() -> None:
    assert evaluated(recent_trauma=True, date_of_birth=born(69)).triage == "review"


# -- partial answer sets (the web form, right after the warning-signs step) -------------------


def test_an_empty_answer_set_is_routine() -> None:
    assert assess_triage({}, AS_OF) == assess_triage({}, AS_OF)
    assert assess_triage({}, AS_OF).triage == "routine"
    assert assess_triage({}, AS_OF).red_flags == ()


def test_missing_items_do_not_hold() -> None:
    # Warning signs answered, history (osteoporosis, prior infection) and age not yet known.
    partial = {"recent_trauma": True, "fever_chills": True, "cancer_history": True}
    result = assess_triage(partial, AS_OF)
    assert result.triage == "review"
    assert result.red_flags == ("fever_chills", "cancer_history", "recent_trauma")


def test_partial_answers_use_what_is_there() -> None:
    partial = {"date_of_birth": born(72), "recent_trauma": True}
    assert assess_triage(partial, AS_OF).triage == "urgent"
    partial = {"saddle_numbness": True}
    assert assess_triage(partial, AS_OF).triage == "emergency"
    partial = {
        "prior_spine_surgery": True,
        "surgeries": [surgery("fusion", 2025)],
        "fever_chills": True,
    }
    assert assess_triage(partial, AS_OF).triage == "urgent"


def test_surgeries_do_not_count_unless_prior_surgery_is_yes() -> None:
    partial = {"surgeries": [surgery("fusion", 2025)], "fever_chills": True}
    assert assess_triage(partial, AS_OF).triage == "review"


def test_evaluate_and_assess_triage_agree() -> None:
    full = answers(cancer_history=True, date_of_birth=born(55))
    triage = assess_triage(full, AS_OF)
    result = evaluated(cancer_history=True, date_of_birth=born(55))
    assert (result.triage, result.red_flags) == (triage.triage, triage.red_flags)
