"""Red flags and the triage level (evaluation.md, "Red flags and triage").

One function serves the whole answer set (inside `evaluate`) and the partial set the web form
holds right after the warning-signs step (to tell the patient at once to go to an emergency
department or to call the clinic). Because both use this one function they cannot disagree; an
item not answered yet simply does not hold, so a partial set is never triaged higher than the
complete one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from screening.evaluation import facts
from screening.evaluation.catalogue import RED_FLAGS


@dataclass(frozen=True)
class TriageResult:
    """The triage level and the red flags that hold, in catalogue order."""

    triage: str
    red_flags: tuple[str, ...]


def red_flags(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Each red flag that holds, in the spec's order."""
    found = []
    for flag in RED_FLAGS:
        if flag == "progressive_weakness":
            holds = facts.answer_is(answers, "leg_weakness", "getting_worse")
        else:
            holds = facts.answer_is(answers, flag, True)
        if holds:
            found.append(flag)
    return tuple(found)


def _is_emergency(flags: frozenset[str]) -> bool:
    """Possible cauda equina syndrome."""
    return (
        "bladder_bowel_change" in flags
        or "saddle_numbness" in flags
        or ("both_legs_symptoms" in flags and "progressive_weakness" in flags)
    )


def _is_urgent(flags: frozenset[str], answers: Mapping[str, Any], as_of: date) -> bool:
    age = facts.age(answers, as_of)
    if "progressive_weakness" in flags or "both_legs_symptoms" in flags:
        return True
    if "fever_chills" in flags and (
        flags & {"immunosuppressed", "iv_drug_use", "long_term_steroids"}
        or facts.answer_is(answers, "prior_spine_infection", True)
        # A surgery this calendar year or last: "years since" is 0 or 1.
        or any(s.years_since in (0, 1) for s in facts.surgeries(answers, as_of))
    ):
        return True
    if "cancer_history" in flags and (
        "weight_loss_unexplained" in flags
        or facts.answer_is(answers, "night_pain", True)
        or (age is not None and age >= 50)
    ):
        return True
    return "recent_trauma" in flags and (
        "osteoporosis" in facts.chosen(answers, "diagnoses")
        or "long_term_steroids" in flags
        or (age is not None and age >= 70)
    )


def assess_triage(answers: Mapping[str, Any], as_of: date) -> TriageResult:
    """The triage level of a (possibly partial) canonical answer set at the as-of date.

    The first level whose rule holds: emergency, urgent, review (any red flag), routine.
    """
    flags = red_flags(answers)
    held = frozenset(flags)
    if _is_emergency(held):
        level = "emergency"
    elif _is_urgent(held, answers, as_of):
        level = "urgent"
    elif held:
        level = "review"
    else:
        level = "routine"
    return TriageResult(level, flags)
