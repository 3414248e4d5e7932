"""The helper terms of the evaluation spec, read from one canonical answer set.

Triage, topics and checks all ask the same questions ("is the pain radiating?", "how many months
since that fusion?", "does that operation's region match where it hurts now?"); answering them
once here keeps the rules short and makes sure two rules never read the same answer differently.

Every reader tolerates a missing item, because triage runs on the partial answer set the web form
holds after the warning-signs step. A missing item simply does not hold, with two deliberate
exceptions: a missing `warning_signs_onset` counts as a recent onset and a missing
`cancer_status` as a recent cancer, so leaving either out never lowers triage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from screening.questionnaire import age_on, parse_iso_date

RADIATING_REGIONS = ("below_knee_left", "below_knee_right", "foot_left", "foot_right")
LUMBAR_REGIONS = (
    "lower_back",
    "buttock_left",
    "buttock_right",
    "thigh_left",
    "thigh_right",
    *RADIATING_REGIONS,
)
CERVICAL_REGIONS = ("neck", "arm_left", "arm_right")
THORACIC_REGIONS = ("upper_back",)
PERSISTENT_COURSES = ("improved_then_returned", "never_improved", "new_different_pain", "worse")
ACUTE_ONSETS = ("within_2_weeks", "longer_getting_worse", "not_sure")
RECENT_CANCER = ("active_or_in_treatment", "treated_within_5_years", "not_sure")

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

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

ONSET_WORDS = {
    "within_2_weeks": "began in the last 2 weeks",
    "longer_getting_worse": "began longer ago and getting worse",
    "longer_not_changing": "began longer ago and not changing",
    "not_sure": "not sure when they began",
}

CANCER_STATUS_WORDS = {
    "active_or_in_treatment": "active or in treatment",
    "treated_within_5_years": "treated within the last 5 years",
    "treated_over_5_years_ago": "treated more than 5 years ago",
    "skin_not_melanoma_only": "skin cancer other than melanoma only",
    "not_sure": "status not sure",
}


def answer_is(answers: Mapping[str, Any], item_id: str, value: Any) -> bool:
    """The item is answered and equals `value` (a missing item never holds)."""
    return item_id in answers and answers[item_id] is not None and answers[item_id] == value


def answered_other_than(answers: Mapping[str, Any], item_id: str, value: Any) -> bool:
    """The item is answered with something other than `value` ("diabetes is not no").

    A missing item does not hold: an answer not given yet cannot add to triage.
    """
    return answers.get(item_id) is not None and answers[item_id] != value


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
    """Weight / height², rounded half up to 1 decimal (None unless both are given).

    Decimal from the answers' own digits, so 29.95 rounds to 30.0 as a clinician would, not to
    29.9 as binary floats and banker's rounding might. Every BMI threshold compares this value.
    """
    height = number(answers, "height_cm")
    weight = number(answers, "weight_kg")
    if height is None or weight is None or height <= 0:
        return None
    metres = Decimal(str(height)) / 100
    value = Decimal(str(weight)) / (metres * metres)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def months_since(year: int, month: int | None, as_of: date) -> tuple[int, int]:
    """(months_min, months_max) from a surgery to the as-of date, in calendar months.

    The day of the month is ignored. With a month both are the same; with only the year the
    surgery could have been in any month of it, so the range runs from December of that year
    (never below 0: an operation this year is at least "this month") to January.
    """
    whole_years = (as_of.year - year) * 12 + as_of.month
    if month is not None:
        exact = whole_years - month
        return exact, exact
    return max(0, whole_years - 12), whole_years - 1


def months_ago(months_min: int, months_max: int) -> str:
    """'this month', '1 month ago', '14 months ago', '13 to 24 months ago', '0 to 10 ...'."""

    def one(months: int) -> str:
        if months <= 0:
            return "this month"
        return "1 month ago" if months == 1 else f"{months} months ago"

    if months_min == months_max:
        return one(months_min)
    return f"{max(months_min, 0)} to {months_max} months ago"


@dataclass(frozen=True)
class Surgery:
    """One earlier operation, with its months since the as-of date worked out."""

    procedure: str
    region: str
    year: int
    month: int | None
    levels: str | None
    months_min: int
    months_max: int

    def describe(self) -> str:
        """'Lumbar fusion (L5-S1), 2017 (107 to 118 months ago)': what a reason cites."""
        words = PROCEDURE_WORDS.get(self.procedure, self.procedure)
        region = REGION_WORDS.get(self.region)
        if region and self.procedure not in ("other", "unknown"):
            words = f"{region.capitalize()} {words.lower()}"
        elif self.region == "unknown" and self.procedure not in ("other", "unknown"):
            words = f"{words} (region not known)"
        if self.levels:
            words += f" ({self.levels})"
        when = str(self.year)
        if self.month is not None:
            when = f"{MONTH_NAMES[self.month - 1]} {self.year}"
        return f"{words}, {when} ({months_ago(self.months_min, self.months_max)})"


def surgeries(answers: Mapping[str, Any], as_of: date) -> tuple[Surgery, ...]:
    """The surgeries group (absent unless prior_spine_surgery), with months since each."""
    if answers.get("prior_spine_surgery") is not True:
        return ()
    found = []
    for entry in answers.get("surgeries") or ():
        year = entry.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            continue
        month = entry.get("month")
        if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
            month = None
        low, high = months_since(year, month, as_of)
        found.append(
            Surgery(
                procedure=entry.get("procedure", "unknown"),
                region=entry.get("region", "unknown"),
                year=year,
                month=month,
                levels=entry.get("levels") or None,
                months_min=low,
                months_max=high,
            )
        )
    return tuple(found)


def latest(operations: tuple[Surgery, ...]) -> tuple[Surgery, ...]:
    """The latest surgeries: those of the greatest year, less any whose month is earlier than
    another's that year (one with no month always stays: it may be the latest).

    `symptoms_since_surgery` asks about "the most recent operation", so only these are read
    against it.
    """
    if not operations:
        return ()
    year = max(s.year for s in operations)
    that_year = [s for s in operations if s.year == year]
    months = [s.month for s in that_year if s.month is not None]
    last_month = max(months) if months else None
    return tuple(s for s in that_year if s.month is None or s.month == last_month)


def pain_words(back: int, leg: int) -> str:
    """pain_max in a reason: 'back pain 6/10', 'leg pain 7/10', 'back and leg pain 5/10'."""
    if back == leg:
        return f"back and leg pain {back}/10"
    if back > leg:
        return f"back pain {back}/10"
    return f"leg pain {leg}/10"


def neck_arm_words(neck: int | None, arm: int | None) -> str:
    """neck_arm_max in a reason: 'neck pain 5/10', 'arm pain 6/10', 'neck and arm pain 5/10'."""
    if neck is None and arm is None:
        return "no neck or arm pain marked"
    if arm is None or (neck is not None and neck > arm):
        return f"neck pain {neck}/10"
    if neck is None or arm > neck:
        return f"arm pain {arm}/10"
    return f"neck and arm pain {neck}/10"


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
    """Everything the triage, topic and check rules read: the answers plus the helper terms.

    `triage` is filled in once triage has been assessed (conservative_care reads it).
    """

    answers: Mapping[str, Any]
    as_of: date
    triage: str
    age: int | None
    bmi: float | None
    back_pain: int
    leg_pain: int
    neck_pain: int | None
    arm_pain: int | None
    pain_max: int
    neck_arm_max: int
    interference: int
    phq2: int
    gad2: int
    regions: tuple[str, ...]
    diagnoses: tuple[str, ...]
    concerns: tuple[str, ...]
    radiating: bool
    claudication: bool
    lumbar_pain: bool
    cervical_pain: bool
    thoracic_pain: bool
    leg_involved: bool
    course: str | None
    persistent: bool
    surgeries: tuple[Surgery, ...]
    latest_surgeries: tuple[Surgery, ...]
    onset_acute: bool
    cancer_recent: bool
    cancer_relevant: bool
    bilateral_deficit: bool
    cauda_equina_signs: bool
    possible_myelopathy: bool

    @classmethod
    def of(cls, answers: Mapping[str, Any], as_of: date, triage: str = "") -> Facts:
        def whole(item_id: str) -> int:
            return int(number(answers, item_id) or 0)

        def optional(item_id: str) -> int | None:
            value = number(answers, item_id)
            return None if value is None else int(value)

        def yes(item_id: str) -> bool:
            return answer_is(answers, item_id, True)

        back = whole("back_pain_nrs")
        leg = whole("leg_pain_nrs")
        neck = optional("neck_pain_nrs")
        arm = optional("arm_pain_nrs")
        regions = chosen(answers, "pain_regions")
        radiating = any(region in regions for region in RADIATING_REGIONS)
        course = answers.get("symptoms_since_surgery")
        operations = surgeries(answers, as_of)
        leg_involved = (
            leg >= 1
            or radiating
            or yes("numbness_tingling")
            or answered_other_than(answers, "leg_weakness", "none")
            or yes("both_legs_symptoms")
        )
        bilateral_deficit = yes("both_legs_symptoms") and (
            answer_is(answers, "leg_weakness", "getting_worse")
            or answer_is(answers, "walking_limit", "cannot_walk")
        )
        status = answers.get("cancer_status")
        return cls(
            answers=answers,
            as_of=as_of,
            triage=triage,
            age=age(answers, as_of),
            bmi=bmi(answers),
            back_pain=back,
            leg_pain=leg,
            neck_pain=neck,
            arm_pain=arm,
            pain_max=max(back, leg),
            neck_arm_max=max(neck or 0, arm or 0),
            interference=whole("interference_nrs"),
            phq2=whole("phq2_interest") + whole("phq2_down"),
            gad2=whole("gad2_nervous") + whole("gad2_worry"),
            regions=regions,
            diagnoses=chosen(answers, "diagnoses"),
            concerns=chosen(answers, "concerns"),
            radiating=radiating,
            claudication=yes("worse_standing_walking") and yes("relief_sitting_bending"),
            lumbar_pain=any(region in regions for region in LUMBAR_REGIONS),
            cervical_pain=any(region in regions for region in CERVICAL_REGIONS),
            thoracic_pain=any(region in regions for region in THORACIC_REGIONS),
            leg_involved=leg_involved,
            course=course,
            persistent=course in PERSISTENT_COURSES,
            surgeries=operations,
            latest_surgeries=latest(operations),
            # Absent counts as the worse case (see the module docstring).
            onset_acute=answers.get("warning_signs_onset") in (None, *ACUTE_ONSETS),
            cancer_recent=status in (None, *RECENT_CANCER),
            cancer_relevant=yes("cancer_history") and status != "skin_not_melanoma_only",
            bilateral_deficit=bilateral_deficit,
            cauda_equina_signs=(
                yes("bladder_bowel_change")
                or yes("saddle_numbness")
                or (yes("sexual_dysfunction_new") and leg_involved)
                or bilateral_deficit
            ),
            possible_myelopathy=yes("hand_clumsiness")
            or answered_other_than(answers, "balance_problem", "none"),
        )

    def get(self, item_id: str) -> Any:
        return self.answers.get(item_id)

    def yes(self, item_id: str) -> bool:
        return answer_is(self.answers, item_id, True)

    def region_match(self, s: Surgery) -> bool:
        """The operated region is where it hurts now (thoracic also reads lumbar pain; an
        unknown region always matches)."""
        if s.region == "lumbar":
            return self.lumbar_pain
        if s.region == "cervical":
            return self.cervical_pain
        if s.region == "thoracic":
            return self.thoracic_pain or self.lumbar_pain
        return True

    def region_pain(self, s: Surgery) -> int:
        """The pain score that belongs to the operated region (the worst of all if unknown)."""
        if s.region == "cervical":
            return self.neck_arm_max
        if s.region in ("lumbar", "thoracic"):
            return self.pain_max
        return max(self.pain_max, self.neck_arm_max)

    def region_pain_words(self, s: Surgery) -> str:
        """`region_pain(s)` as a reason cites it ('back pain 6/10', 'arm pain 5/10')."""
        if s.region == "cervical":
            return self.neck_arm_words
        if s.region in ("lumbar", "thoracic") or self.pain_max >= self.neck_arm_max:
            return self.pain_max_words
        return self.neck_arm_words

    @property
    def course_words(self) -> str:
        return COURSE_WORDS.get(self.course or "", "")

    @property
    def pain_max_words(self) -> str:
        return pain_words(self.back_pain, self.leg_pain)

    @property
    def neck_arm_words(self) -> str:
        return neck_arm_words(self.neck_pain, self.arm_pain)

    @property
    def onset_words(self) -> str:
        onset = self.get("warning_signs_onset")
        return ONSET_WORDS.get(onset, "onset not answered") if onset else "onset not answered"

    @property
    def cancer_words(self) -> str:
        """'History of cancer (active or in treatment)' for a reason."""
        status = self.get("cancer_status")
        words = CANCER_STATUS_WORDS.get(status, "status not answered") if status else None
        return f"History of cancer ({words or 'status not answered'})"
