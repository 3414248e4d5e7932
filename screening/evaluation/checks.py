"""Answers to double-check: pairs of answers that disagree with each other.

Patients in pain fill in long forms on phones; a tapped "no" next to a medicine list that names
warfarin matters before surgery. These checks only point a clinician at the pair of answers;
they never change triage or topics (the rules read the answers as given). Medicine names are
matched as whole words, case-insensitively, in the free-text medicine list, so "Eliquis 5 mg"
matches and "heparinoid cream" does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from screening.evaluation.facts import RADIATING_REGIONS, Facts

SEVERE_PAIN = 7

BLOOD_THINNERS = (
    "warfarin", "coumadin", "jantoven", "acenocoumarol", "phenprocoumon",
    "apixaban", "eliquis", "rivaroxaban", "xarelto", "edoxaban", "savaysa", "lixiana",
    "dabigatran", "pradaxa", "heparin", "enoxaparin", "lovenox", "clexane", "dalteparin",
    "fragmin", "tinzaparin", "fondaparinux", "arixtra",
    "clopidogrel", "plavix", "prasugrel", "effient", "ticagrelor", "brilinta", "ticlopidine",
    "dipyridamole", "aggrenox", "cilostazol", "aspirin",
)  # fmt: skip

OPIOIDS = (
    "oxycodone", "oxycontin", "percocet", "roxicodone", "endocet", "hydrocodone", "norco",
    "vicodin", "lortab", "tramadol", "ultram", "morphine", "ms contin", "codeine",
    "tapentadol", "nucynta", "hydromorphone", "dilaudid", "fentanyl", "duragesic",
    "buprenorphine", "suboxone", "subutex", "butrans", "belbuca", "methadone", "oxymorphone",
    "opana", "meperidine", "pethidine", "demerol", "levorphanol",
)  # fmt: skip

DIABETES_MEDICINES = (
    "metformin", "glucophage", "insulin", "lantus", "levemir", "tresiba", "toujeo", "basaglar",
    "humalog", "novolog", "novorapid", "humulin", "novolin", "glipizide", "glyburide",
    "glibenclamide", "gliclazide", "glimepiride", "pioglitazone", "actos", "sitagliptin",
    "januvia", "janumet", "linagliptin", "tradjenta", "saxagliptin", "semaglutide", "ozempic",
    "rybelsus", "dulaglutide", "trulicity", "liraglutide", "victoza", "exenatide",
    "tirzepatide", "mounjaro", "empagliflozin", "jardiance", "dapagliflozin", "farxiga",
    "forxiga", "canagliflozin", "invokana",
)  # fmt: skip

INSULINS = (
    "insulin", "lantus", "levemir", "tresiba", "toujeo", "basaglar", "humalog", "novolog",
    "novorapid", "humulin", "novolin",
)  # fmt: skip

ORAL_STEROIDS = (
    "prednisone", "prednisolone", "methylprednisolone", "medrol", "dexamethasone", "decadron",
    "deltasone",
)  # fmt: skip

OSTEOPOROSIS_MEDICINES = (
    "alendronate", "alendronic acid", "fosamax", "risedronate", "actonel", "atelvia",
    "ibandronate", "boniva", "zoledronic acid", "reclast", "aclasta", "denosumab", "prolia",
    "teriparatide", "forteo", "abaloparatide", "tymlos", "romosozumab", "evenity",
    "raloxifene", "evista",
)  # fmt: skip


def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(names, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in words)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


_BLOOD_THINNERS = _pattern(BLOOD_THINNERS)
_OPIOIDS = _pattern(OPIOIDS)
_DIABETES_MEDICINES = _pattern(DIABETES_MEDICINES)
_INSULINS = _pattern(INSULINS)
_ORAL_STEROIDS = _pattern(ORAL_STEROIDS)
_OSTEOPOROSIS_MEDICINES = _pattern(OSTEOPOROSIS_MEDICINES)


def named_medicines(text: str | None, pattern: re.Pattern[str]) -> list[str]:
    """The medicine names `pattern` finds in `text`, as written, first mention of each only."""
    found: dict[str, str] = {}
    for match in pattern.finditer(text or ""):
        written = " ".join(match.group(0).split())
        found.setdefault(written.lower(), written)
    return list(found.values())


@dataclass(frozen=True)
class Check:
    """One answer to double-check: a stable id and a message citing the answers."""

    id: str
    message: str


def _medicines(f: Facts, pattern: re.Pattern[str]) -> str:
    return ", ".join(named_medicines(f.get("current_medications"), pattern))


def leg_pain_zero_with_leg_regions(f: Facts) -> str | None:
    marked = [region for region in RADIATING_REGIONS if region in f.regions]
    if f.get("leg_pain_nrs") != 0 or not marked:
        return None
    where = ", ".join(region.replace("_", " ") for region in marked)
    return f"Leg pain is 0/10, but pain is marked on the body map at: {where}. Ask which is right."


def resolved_but_severe_pain(f: Facts) -> str | None:
    if f.course != "resolved" or f.pain_max < SEVERE_PAIN:
        return None
    return (
        "Says the pain went away after the last spine surgery, but reports "
        f"{f.pain_max_words} now. Ask whether this is a new problem or the answer was mis-tapped."
    )


def blood_thinner_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _BLOOD_THINNERS)
    if not names or f.get("blood_thinners") is not False:
        return None
    return (
        f"Answered 'no blood thinners', but current medicines name: {names}. "
        "Confirm before any procedure."
    )


def opioid_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _OPIOIDS)
    if not names or f.get("opioid_use") != "none":
        return None
    return f"Answered 'no opioid pain medicine now', but current medicines name: {names}."


def diabetes_medicine_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _DIABETES_MEDICINES)
    if not names or f.get("diabetes") != "no":
        return None
    return (
        f"Answered 'no diabetes', but current medicines name: {names} "
        "(mostly used for diabetes; some also for weight or the heart)."
    )


def insulin_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _INSULINS)
    if not names or f.get("diabetes") != "yes_diet_or_tablets":
        return None
    return f"Answered 'diabetes treated with diet or tablets', but current medicines name: {names}."


def steroid_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _ORAL_STEROIDS)
    if not names or f.get("long_term_steroids") is not False:
        return None
    return (
        f"Answered 'no steroid tablets for 3 months or more', but current medicines name: "
        f"{names}. Ask how long they have taken it."
    )


def opioids_not_in_tried(f: Facts) -> str | None:
    use = f.get("opioid_use")
    if use not in ("occasional", "daily") or "opioids" in (f.get("medications_tried") or ()):
        return None
    how_often = "every day" if use == "daily" else "sometimes"
    return f"Takes opioid pain medicine {how_often}, but opioids are not ticked as tried."


def osteoporosis_medicine_not_declared(f: Facts) -> str | None:
    names = _medicines(f, _OSTEOPOROSIS_MEDICINES)
    if not names or "osteoporosis" in f.diagnoses:
        return None
    return (
        f"Osteoporosis is not ticked among diagnoses, but current medicines name: {names}. "
        "Bone quality matters for fusion and screws."
    )


CheckRule = Callable[[Facts], "str | None"]

# In catalogue order (catalogue.CHECKS).
CHECK_RULES: dict[str, CheckRule] = {
    "leg_pain_zero_with_leg_regions": leg_pain_zero_with_leg_regions,
    "resolved_but_severe_pain": resolved_but_severe_pain,
    "blood_thinner_not_declared": blood_thinner_not_declared,
    "opioid_not_declared": opioid_not_declared,
    "diabetes_medicine_not_declared": diabetes_medicine_not_declared,
    "insulin_not_declared": insulin_not_declared,
    "steroid_not_declared": steroid_not_declared,
    "opioids_not_in_tried": opioids_not_in_tried,
    "osteoporosis_medicine_not_declared": osteoporosis_medicine_not_declared,
}


def answer_checks(f: Facts) -> tuple[Check, ...]:
    """Every check whose pair of answers disagrees, in catalogue order."""
    found = []
    for check_id, rule in CHECK_RULES.items():
        message = rule(f)
        if message:
            found.append(Check(check_id, message))
    return tuple(found)
