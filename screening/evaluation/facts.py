"""The helper terms of the evaluation spec, read from one canonical answer set.

Triage, topics and checks all ask the same questions ("is the pain radiating?", "how many years
since that fusion?"); answering them once here keeps the rules short and makes sure two rules
never read the same answer differently. Every reader tolerates a missing item (it simply does
not hold), because triage runs on partial answer sets in the web form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from screening.questionnaire import age_on, parse_iso_date

RADIATING_REGIONS = ("below_knee_left", "below_knee_right", "foot_left", "foot_right")
PERSISTENT_COURSES = ("improved_then_returned", "never_improved", "new_different_pain", "worse")

# How the course since the last operation reads in a reason ("..., new or different pain since").
COURSE_WORDS = {
    "resolved": "pain went away",
    "improved_then_returned": "pain improved, then came back",
    "never_improved": "pain never improved",
    "new_different_pain": "new or different pain since",
    "worse": "pain worse since",
}

PROCEDURE_WORDS = {
    "discectomy": "Discectomy",
    "laminectomy": "Laminectomy",
    "fusion": "Fusion",
    "disc_replacement": "Disc replacement",
    "spinal_cord_stimulator": "Spinal cord stimulator",
    "other": "Other spine surgery",
    "unknown": "Spine surgery (type unknown)",
}

REGION_WORDS = {"lumbar": "lumbar", "thoracic": "thoracic", "cervical": "cervical"}


def answer_is(answers: Mapping[str, Any], item_id: str, value: Any) -> bool:
    """The item is answered and equals `value` (a missing item never holds)."""
    return item_id in answers and answers[item_id] is not None and answers[item_id] == value


def chosen(answers: Mapping[str, Any], item_id: str) -> tuple[str, ...]:
    """The codes of a multi item; absent means none chosen."""
    return tuple(answers.get(item_id) or ())


def number(answers: Mapping[str, Any], item_id: str) -> int | float | None:
    value = answers.get(item_id)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def age(answers: Mapping[str, Any], as_of: date) -> int | None:
    """Whole years at the as-of date, or None when the date of birth is not known yet."""
    born = parse_iso_date(answers.get("date_of_birth"))
    return None if born is None else age_on(born, as_of)


def bmi(answers: Mapping[str, Any]) -> float | None:
    """Weight / height², rounded half away from zero to 1 decimal (None unless both are given).

    Decimal from the answers' own digits, so 34.95 rounds to 35.0 as a clinician would, not to
    34.9 as binary floats and banker's rounding might.
    """
    height = number(answers, "height_cm")
    weight = number(answers, "weight_kg")
    if height is None or weight is None or height <= 0:
        return None
    metres = Decimal(str(height)) / 100
    value = Decimal(str(weight)) / (metres * metres)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Surgery:
    """One earlier operation, with its years since the as-of date worked out."""

    procedure: str
    region: str
    year: int
    levels: str | None
    years_since: int

    def describe(self) -> str:
        """'Lumbar fusion (L5-S1) in 2017 (9 years ago)': what a reason cites."""
        words = PROCEDURE_WORDS.get(self.procedure, self.procedure)
        region = REGION_WORDS.get(self.region)
        if region and self.procedure not in ("other", "unknown"):
            words = f"{region.capitalize()} {words.lower()}"
        if self.levels:
            words += f" ({self.levels})"
        return f"{words} in {self.year} ({years_ago(self.years_since)})"


def years_ago(years: int) -> str:
    if years <= 0:
        return "this year"
    if years == 1:
        return "1 year ago"
    return f"{years} years ago"


def surgeries(answers: Mapping[str, Any], as_of: date) -> tuple[Surgery, ...]:
    """The surgeries group (absent unless prior_spine_surgery), years since = as-of year − year."""
    if answers.get("prior_spine_surgery") is not True:
        return ()
    found = []
    for entry in answers.get("surgeries") or ():
        year = entry.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            continue
        found.append(
            Surgery(
                procedure=entry.get("procedure", "unknown"),
                region=entry.get("region", "unknown"),
                year=year,
                levels=entry.get("levels") or None,
                years_since=as_of.year - year,
            )
        )
    return tuple(found)


def pain_words(back: int, leg: int) -> str:
    """pain_max in a reason: 'back pain 6/10', 'leg pain 7/10', 'back and leg pain 5/10'."""
    if back == leg:
        return f"back and leg pain {back}/10"
    if back > leg:
        return f"back pain {back}/10"
    return f"leg pain {leg}/10"


def reach_words(regions: tuple[str, ...]) -> str:
    """Where radiating pain reaches: 'below the right knee', 'below both knees and both feet'."""
    parts = []
    knees = [side for side in ("left", "right") if f"below_knee_{side}" in regions]
    feet = [side for side in ("left", "right") if f"foot_{side}" in regions]
    if len(knees) == 2:
        parts.append("below both knees")
    elif knees:
        parts.append(f"below the {knees[0]} knee")
    if len(feet) == 2:
        parts.append("both feet" if parts else "to both feet")
    elif feet:
        parts.append(f"the {feet[0]} foot" if parts else f"to the {feet[0]} foot")
    return " and ".join(parts)


@dataclass(frozen=True)
class Facts:
    """Everything the topic and check rules read: the answers plus the spec's helper terms."""

    answers: Mapping[str, Any]
    as_of: date
    triage: str
    age: int | None
    bmi: float | None
    back_pain: int
    leg_pain: int
    pain_max: int
    interference: int
    phq2: int
    gad2: int
    regions: tuple[str, ...]
    diagnoses: tuple[str, ...]
    concerns: tuple[str, ...]
    radiating: bool
    claudication: bool
    course: str | None
    persistent: bool
    surgeries: tuple[Surgery, ...]

    @classmethod
    def of(cls, answers: Mapping[str, Any], as_of: date, triage: str) -> Facts:
        def whole(item_id: str) -> int:
            return int(number(answers, item_id) or 0)

        back = whole("back_pain_nrs")
        leg = whole("leg_pain_nrs")
        regions = chosen(answers, "pain_regions")
        course = answers.get("symptoms_since_surgery")
        return cls(
            answers=answers,
            as_of=as_of,
            triage=triage,
            age=age(answers, as_of),
            bmi=bmi(answers),
            back_pain=back,
            leg_pain=leg,
            pain_max=max(back, leg),
            interference=whole("interference_nrs"),
            phq2=whole("phq2_interest") + whole("phq2_down"),
            gad2=whole("gad2_nervous") + whole("gad2_worry"),
            regions=regions,
            diagnoses=chosen(answers, "diagnoses"),
            concerns=chosen(answers, "concerns"),
            radiating=any(region in regions for region in RADIATING_REGIONS),
            claudication=answer_is(answers, "worse_standing_walking", True)
            and answer_is(answers, "relief_sitting_bending", True),
            course=course,
            persistent=course in PERSISTENT_COURSES,
            surgeries=surgeries(answers, as_of),
        )

    def get(self, item_id: str) -> Any:
        return self.answers.get(item_id)

    def yes(self, item_id: str) -> bool:
        return answer_is(self.answers, item_id, True)

    @property
    def course_words(self) -> str:
        return COURSE_WORDS.get(self.course or "", "")

    @property
    def pain_max_words(self) -> str:
        return pain_words(self.back_pain, self.leg_pain)
