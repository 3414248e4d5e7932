"""Red flags, the triage level and the triage rules behind it (evaluation.md, rules version 2).

One function, `assess_triage`, serves the whole answer set (inside `evaluate`) and the partial
set the web form holds right after the warning-signs step (to tell the patient at once to go to
an emergency department or to call the clinic). Because both use this one function they cannot
disagree.

Why a partial set is never triaged higher than the complete one: every rule is an "or" of
answers that hold, and an item not answered yet (diabetes, diagnoses, a recent injection, an
earlier spine infection: all asked after the warning signs) simply does not hold, so answering
it can only add. The onset of the cauda equina signs and the cancer status are the exceptions
the other way: left out, they count as the worse case (facts.py), so leaving them out never
lowers triage.

Each rule is a small function that returns its reason (citing the answers) or None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from screening.evaluation.catalogue import RED_FLAGS
from screening.evaluation.facts import Facts

FRACTURE_AGE = 70
RECENT_SURGERY_MONTHS = 12

TriageRule = Callable[[Facts], "str | None"]


@dataclass(frozen=True)
class TriageResult:
    """The triage level, the rules of that level that held (with their reasons, in the same
    order) and the red flags that hold, in catalogue order."""

    triage: str
    red_flags: tuple[str, ...]
    triage_rules: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        return self.triage


# -- red flags --------------------------------------------------------------------------------


def _flag_holds(f: Facts, flag: str) -> bool:
    if flag == "progressive_weakness":
        return f.get("leg_weakness") == "getting_worse"
    if flag == "possible_myelopathy":
        return f.possible_myelopathy
    return f.yes(flag)


def red_flags_of(f: Facts) -> tuple[str, ...]:
    """Each red flag that holds, in the spec's order."""
    return tuple(flag for flag in RED_FLAGS if _flag_holds(f, flag))


def red_flags(answers: Mapping[str, Any], as_of: date | None = None) -> tuple[str, ...]:
    """Each red flag that holds in `answers`, in the spec's order (none reads the date)."""
    return red_flags_of(Facts.of(answers, as_of or date.min))


# -- words the reasons share ------------------------------------------------------------------


def _cauda_equina_signs(f: Facts) -> list[str]:
    """The cauda equina signs that hold, as a reason names them."""
    signs = []
    if f.yes("bladder_bowel_change"):
        signs.append("new bladder or bowel change")
    if f.yes("saddle_numbness"):
        signs.append("new saddle numbness")
    if f.yes("sexual_dysfunction_new") and f.leg_involved:
        signs.append("new sexual dysfunction with leg symptoms")
    if f.bilateral_deficit:
        signs.append(_bilateral_words(f))
    return signs


def _bilateral_words(f: Facts) -> str:
    deficits = []
    if f.get("leg_weakness") == "getting_worse":
        deficits.append("leg weakness getting worse")
    if f.get("walking_limit") == "cannot_walk":
        deficits.append("inability to walk")
    return "symptoms spread to both legs with " + " and ".join(deficits)


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _listed(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# -- 1. emergency -----------------------------------------------------------------------------


def cauda_equina(f: Facts) -> str | None:
    """(cauda_equina_signs and onset_acute) or bilateral_deficit: possible cauda equina
    syndrome (a worsening deficit in both legs is an emergency whatever the onset answer)."""
    if not ((f.cauda_equina_signs and f.onset_acute) or f.bilateral_deficit):
        return None
    return _sentence([", ".join(_cauda_equina_signs(f)), f.onset_words])


def _cord_changes(f: Facts) -> list[str]:
    changes = []
    if f.get("leg_weakness") == "getting_worse":
        changes.append("leg weakness getting worse")
    if f.yes("both_legs_symptoms"):
        changes.append("symptoms spread to both legs")
    if f.get("balance_problem") == "getting_worse":
        changes.append("balance getting worse")
    if f.yes("hand_clumsiness"):
        changes.append("new hand clumsiness")
    return changes


def cord_compression_cancer(f: Facts) -> str | None:
    """A relevant, recent cancer with a leg, hand or balance change: possible cord compression."""
    changes = _cord_changes(f)
    if not (f.cancer_relevant and f.cancer_recent and changes):
        return None
    return f"{f.cancer_words}, with {_listed(changes)}."


# -- 2. urgent --------------------------------------------------------------------------------


def cauda_equina_not_changing(f: Facts) -> str | None:
    """Cauda equina signs that began longer ago and are not changing."""
    if not f.cauda_equina_signs:
        return None
    return _sentence([", ".join(_cauda_equina_signs(f)), f.onset_words])


def sexual_dysfunction(f: Facts) -> str | None:
    if not f.yes("sexual_dysfunction_new"):
        return None
    return "New sexual dysfunction since the back or leg pain began."


def progressive_weakness(f: Facts) -> str | None:
    return "Leg weakness getting worse." if f.get("leg_weakness") == "getting_worse" else None


def both_legs(f: Facts) -> str | None:
    if not f.yes("both_legs_symptoms"):
        return None
    return "Pain, numbness or weakness recently spread to both legs."


def worsening_balance(f: Facts) -> str | None:
    if f.get("balance_problem") != "getting_worse":
        return None
    return "Unsteady walking, getting worse."


INFECTION_FACTORS = {
    "immunosuppressed": "a weakened immune system",
    "iv_drug_use": "injected drug use",
    "long_term_steroids": "steroid tablets for 3 months or more",
    "prior_spine_infection": "an earlier spine infection",
    "injection_within_3_months": "a spinal injection in the last 3 months",
    "weight_loss_unexplained": "unexplained weight loss",
}

DIABETES_WORDS = {
    "yes_diet_or_tablets": "diabetes (diet or tablets)",
    "yes_insulin": "diabetes (insulin)",
}


def _infection_factors(f: Facts) -> list[str]:
    factors = [words for item, words in INFECTION_FACTORS.items() if f.yes(item)]
    if f.get("diabetes") not in (None, "no"):
        factors.append(DIABETES_WORDS.get(f.get("diabetes"), "diabetes"))
    factors.extend(s.describe() for s in f.surgeries if s.months_min <= RECENT_SURGERY_MONTHS)
    return factors


def infection_risk(f: Facts) -> str | None:
    """Fever with a reason to fear a spinal infection (immune, drugs, steroids, diabetes, a
    recent injection or operation, earlier infection, weight loss)."""
    if not f.yes("fever_chills"):
        return None
    factors = _infection_factors(f)
    if not factors:
        return None
    return f"Fever, chills or night sweats, with {_listed(factors)}."


def wound(f: Facts) -> str | None:
    if not f.yes("wound_problem"):
        return None
    return "Spine surgery scar red, swollen, hot or leaking fluid."


def cancer_risk(f: Facts) -> str | None:
    """A relevant cancer with weight loss, or a recent one with night pain or pain in the
    upper back or neck."""
    if not f.cancer_relevant:
        return None
    features = []
    if f.yes("weight_loss_unexplained"):
        features.append("unexplained weight loss")
    if f.cancer_recent:
        if f.yes("night_pain"):
            features.append("night or rest pain")
        if f.thoracic_pain:
            features.append("upper back pain")
        if "neck" in f.regions:
            features.append("neck pain")
    if not features:
        return None
    return f"{f.cancer_words}, with {_listed(features)}."


def fracture_risk(f: Facts) -> str | None:
    """An injury with thin bones, steroids or age 70 and over."""
    if not f.yes("recent_trauma"):
        return None
    factors = []
    if "osteoporosis" in f.diagnoses:
        factors.append("osteoporosis")
    if "spinal_fracture" in f.diagnoses:
        factors.append("an earlier spinal fracture")
    if f.yes("long_term_steroids"):
        factors.append("steroid tablets for 3 months or more")
    if f.age is not None and f.age >= FRACTURE_AGE:
        factors.append(f"age {f.age}")
    if not factors:
        return None
    return f"Fall, accident or injury before the pain began, with {_listed(factors)}."


# -- 3. review --------------------------------------------------------------------------------


def any_red_flag(f: Facts) -> str | None:
    flags = red_flags_of(f)
    if not flags:
        return None
    return "; ".join(RED_FLAGS[flag] for flag in flags) + "."


# The rules of each level, in the spec's order. The first level with a rule that holds is the
# triage; `triage_rules` lists every rule of that level that holds.
TRIAGE_RULES: dict[str, dict[str, TriageRule]] = {
    "emergency": {
        "cauda_equina": cauda_equina,
        "cord_compression_cancer": cord_compression_cancer,
    },
    "urgent": {
        "cauda_equina_not_changing": cauda_equina_not_changing,
        "sexual_dysfunction": sexual_dysfunction,
        "progressive_weakness": progressive_weakness,
        "both_legs": both_legs,
        "worsening_balance": worsening_balance,
        "infection_risk": infection_risk,
        "wound": wound,
        "cancer_risk": cancer_risk,
        "fracture_risk": fracture_risk,
    },
    "review": {"red_flags": any_red_flag},
}


def triage_of_facts(f: Facts) -> TriageResult:
    """The triage of already-read facts (what `evaluate` and `assess_triage` share)."""
    flags = red_flags_of(f)
    for level, rules in TRIAGE_RULES.items():
        held = [(rule_id, rule(f)) for rule_id, rule in rules.items()]
        found = [(rule_id, reason) for rule_id, reason in held if reason]
        if found:
            return TriageResult(
                level,
                flags,
                tuple(rule_id for rule_id, _ in found),
                tuple(reason for _, reason in found),
            )
    return TriageResult("routine", flags)


def assess_triage(answers: Mapping[str, Any], as_of: date) -> TriageResult:
    """The triage of a (possibly partial) canonical answer set at the as-of date.

    The first level whose rule holds: emergency, urgent, review (any red flag), routine. Works
    on the answers saved up to the warning-signs step: what is not answered yet does not hold,
    except a missing onset or cancer status, which count as the worse case.
    """
    return triage_of_facts(Facts.of(answers, as_of))


def with_triage(f: Facts, result: TriageResult) -> Facts:
    """The facts with the triage level filled in (for the topics that read it)."""
    return replace(f, triage=result.triage)
