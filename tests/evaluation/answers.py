"""Hand-made answer sets for rule tests: a quiet baseline plus the few answers a test changes.

Every set goes through the real validator first, so a rule is only ever tested on answers the
web form or the CLI could actually hand it.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from screening.evaluation import Evaluation, evaluate
from screening.questionnaire import validate_answer_set

AS_OF = date(2026, 11, 21)

# Nothing applies: no red flag, no topic, no check (retired, no pain, MRI recent, 6+ weeks PT).
BASELINE: dict[str, Any] = {
    "first_name": "Test",
    "last_name": "Patient",
    "date_of_birth": "1980-05-10",
    "phone": "555-0100",
    "work_status": "retired",
    "caregiver": False,
    "prior_spine_surgery": False,
    "back_pain_nrs": 0,
    "leg_pain_nrs": 0,
    "pain_duration": "under_6_weeks",
    "numbness_tingling": False,
    "leg_weakness": "none",
    "walking_limit": "no_limit",
    "worse_standing_walking": False,
    "relief_sitting_bending": False,
    "worse_sitting_bending": False,
    "night_pain": False,
    "interference_nrs": 0,
    "bladder_bowel_change": False,
    "saddle_numbness": False,
    "both_legs_symptoms": False,
    "sexual_dysfunction_new": False,
    "fever_chills": False,
    "weight_loss_unexplained": False,
    "cancer_history": False,
    "immunosuppressed": False,
    "long_term_steroids": False,
    "iv_drug_use": False,
    "recent_trauma": False,
    "hand_clumsiness": False,
    "balance_problem": "none",
    "mri_when": "within_12_months",
    "diabetes": "no",
    "smoking": "never",
    "blood_thinners": False,
    "heart_or_lung_disease": False,
    "prior_spine_infection": False,
    "physical_therapy": "6_weeks_or_more",
    "injections": "none",
    "opioid_use": "none",
    "phq2_interest": 0,
    "phq2_down": 0,
    "gad2_nervous": 0,
    "gad2_worry": 0,
}


def surgery(procedure: str = "fusion", year: int = 2017, **more: Any) -> dict[str, Any]:
    """One surgeries entry; set `prior_spine_surgery` and `symptoms_since_surgery` with it."""
    return {
        "procedure": procedure,
        "region": "lumbar",
        "year": year,
        "approach": "open",
        "outcome": "better",
        **more,
    }


def after_surgery(course: str, *entries: dict[str, Any]) -> dict[str, Any]:
    """The answers of the surgery step for these operations and this course since (and the
    warning-signs answer that applies after surgery: no trouble with the wound)."""
    return {
        "prior_spine_surgery": True,
        "surgeries": list(entries),
        "symptoms_since_surgery": course,
        "wound_problem": False,
    }


def answers(as_of: date = AS_OF, **changes: Any) -> dict[str, Any]:
    """The baseline with `changes` (a value of None removes the item), validated at `as_of`."""
    raw = copy.deepcopy(BASELINE)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    validated = validate_answer_set(raw, as_of)
    assert validated.ok, [str(error) for error in validated.errors]
    return validated.answers


def evaluated(as_of: date = AS_OF, **changes: Any) -> Evaluation:
    """`evaluate` on the baseline with `changes`, at `as_of`."""
    return evaluate(answers(as_of, **changes), as_of)


def topic(result: Evaluation, topic_id: str) -> tuple[str, ...]:
    """The reasons of `topic_id` in `result` (a failing assertion when it does not apply)."""
    for found in result.topics:
        if found.id == topic_id:
            return found.reasons
    raise AssertionError(f"{topic_id} does not apply; topics: {result.topic_ids}")


def born(age: int, days_to_birthday: int = 0, as_of: date = AS_OF) -> str:
    """A date of birth whose `age`-th birthday falls `days_to_birthday` days after `as_of`.

    0: the birthday is the as-of date itself (age `age`); 1: it is tomorrow (still `age` - 1).
    """
    birthday = as_of + timedelta(days=days_to_birthday)
    return birthday.replace(year=birthday.year - age).isoformat()
