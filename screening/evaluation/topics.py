"""The MISS discussion topics: one small rule per topic (evaluation.md, "MISS discussion topics").

Each rule reads the `Facts` of one answer set and returns its reasons: short sentences for the
surgeon that cite the actual answers. An empty list means the topic does not apply; a topic that
applies always has at least one reason. Where a rule has an "or", each branch that holds gives
its own reason, so the surgeon sees why.
"""

from __future__ import annotations

from collections.abc import Callable

from screening.evaluation.facts import Facts, Surgery, reach_words

PAIN_THRESHOLD = 4  # "≥ 4" on the 0-10 scales
FUSION_YEARS = 2  # adjacent segment disease from 2 years, non-union up to 2 (both at exactly 2)
BMI_THRESHOLD = 35.0
SCREEN_POSITIVE = 3  # PHQ-2 and GAD-2

TopicRule = Callable[[Facts], list[str]]

DIAGNOSIS_WORDS = {
    "herniated_disc": "a herniated disc",
    "sciatica": "sciatica",
    "spinal_stenosis": "spinal stenosis",
    "degenerative_disc_disease": "degenerative disc disease",
    "spondylolisthesis": "spondylolisthesis",
}

WALKING_WORDS = {
    "no_limit": "pain does not limit walking",
    "over_30_min": "walks more than 30 minutes",
    "10_to_30_min": "walks 10 to 30 minutes",
    "under_10_min": "walks less than 10 minutes",
    "cannot_walk": "cannot walk",
}


def _diagnosed(f: Facts, diagnosis: str) -> list[str]:
    if diagnosis not in f.diagnoses:
        return []
    return [f"Told by a doctor they have {DIAGNOSIS_WORDS[diagnosis]} (patient report)."]


def _surgeries(f: Facts, procedures: tuple[str, ...]) -> list[Surgery]:
    return [s for s in f.surgeries if s.procedure in procedures]


def _radiating_leg_pain(f: Facts) -> str:
    return f"Leg pain {f.leg_pain}/10, reaching {reach_words(f.regions)}"


# -- 1-5: after earlier spine surgery ---------------------------------------------------------


def post_surgical_pain(f: Facts) -> list[str]:
    """Earlier spine surgery, pain_max ≥ 4, and a persistent course since."""
    if not (f.yes("prior_spine_surgery") and f.pain_max >= PAIN_THRESHOLD and f.persistent):
        return []
    operations = "; ".join(s.describe() for s in f.surgeries) or "Earlier spine surgery"
    return [f"{operations}; {f.pain_max_words} now, {f.course_words}."]


def recurrent_herniation(f: Facts) -> list[str]:
    """A discectomy, leg pain ≥ 4, and pain that improved then came back."""
    if f.leg_pain < PAIN_THRESHOLD or f.course != "improved_then_returned":
        return []
    return [
        f"{s.describe()}; leg pain {f.leg_pain}/10 now, {f.course_words}."
        for s in _surgeries(f, ("discectomy",))
    ]


def scar_tissue(f: Facts) -> list[str]:
    """A discectomy or laminectomy, leg pain ≥ 4, pain that returned, never eased or worsened."""
    if f.leg_pain < PAIN_THRESHOLD or f.course not in (
        "improved_then_returned",
        "never_improved",
        "worse",
    ):
        return []
    return [
        f"{s.describe()}; leg pain {f.leg_pain}/10 now, {f.course_words}."
        for s in _surgeries(f, ("discectomy", "laminectomy"))
    ]


def adjacent_segment_disease(f: Facts) -> list[str]:
    """A fusion 2 or more years ago, pain_max ≥ 4, pain that returned, is new or is worse."""
    if f.pain_max < PAIN_THRESHOLD or f.course not in (
        "improved_then_returned",
        "new_different_pain",
        "worse",
    ):
        return []
    return [
        f"{s.describe()}, {f.pain_max_words}, {f.course_words}."
        for s in _surgeries(f, ("fusion",))
        if s.years_since >= FUSION_YEARS
    ]


def fusion_healing(f: Facts) -> list[str]:
    """A fusion 2 or fewer years ago, pain_max ≥ 4, pain that returned, never eased or worsened."""
    if f.pain_max < PAIN_THRESHOLD or f.course not in (
        "improved_then_returned",
        "never_improved",
        "worse",
    ):
        return []
    return [
        f"{s.describe()}, {f.pain_max_words}, {f.course_words}."
        for s in _surgeries(f, ("fusion",))
        if s.years_since <= FUSION_YEARS
    ]


# -- 6-10: the condition itself ---------------------------------------------------------------


def herniated_disc(f: Facts) -> list[str]:
    """Diagnosed; or radiating leg pain ≥ 4, at least the back pain, without claudication."""
    reasons = _diagnosed(f, "herniated_disc")
    if (
        f.radiating
        and f.leg_pain >= PAIN_THRESHOLD
        and f.leg_pain >= f.back_pain
        and not f.claudication
    ):
        reasons.append(
            f"{_radiating_leg_pain(f)}; back pain {f.back_pain}/10; "
            "no claudication pattern (stand-or-walk pain eased by sitting)."
        )
    return reasons


def sciatica(f: Facts) -> list[str]:
    """Diagnosed; or radiating leg pain ≥ 4."""
    reasons = _diagnosed(f, "sciatica")
    if f.radiating and f.leg_pain >= PAIN_THRESHOLD:
        reasons.append(f"{_radiating_leg_pain(f)}.")
    return reasons


def spinal_stenosis(f: Facts) -> list[str]:
    """Diagnosed; or neurogenic claudication (worse standing/walking, eased by sitting/bending)."""
    reasons = _diagnosed(f, "spinal_stenosis")
    if f.claudication:
        walking = WALKING_WORDS.get(f.get("walking_limit"), "walking limit not given")
        reasons.append(
            "Leg or buttock pain on standing or walking, eased by sitting or bending forward "
            f"({walking})."
        )
    return reasons


def degenerative_disc_disease(f: Facts) -> list[str]:
    """Degenerative disc disease or spondylolisthesis diagnosed."""
    return _diagnosed(f, "degenerative_disc_disease") + _diagnosed(f, "spondylolisthesis")


DURATION_WORDS = {"3_to_12_months": "3 to 12 months", "over_1_year": "more than 1 year"}


def chronic_low_back_pain(f: Facts) -> list[str]:
    """Lower back marked, back pain ≥ 4, for 3 months or more."""
    duration = DURATION_WORDS.get(f.get("pain_duration"))
    if "lower_back" not in f.regions or f.back_pain < PAIN_THRESHOLD or duration is None:
        return []
    return [f"Lower back pain {f.back_pain}/10 for {duration}."]


# -- 11-15: around the operation --------------------------------------------------------------

THERAPY_WORDS = {
    "none": "No physical therapy for this episode yet.",
    "under_6_weeks": "Physical therapy for less than 6 weeks so far.",
}


def conservative_care(f: Facts) -> list[str]:
    """Less than 6 weeks of physical therapy, when triage leaves room for elective care."""
    words = THERAPY_WORDS.get(f.get("physical_therapy"))
    if words is None or f.triage not in ("routine", "review"):
        return []
    return [words]


MRI_WORDS = {
    "never": "No spine MRI so far.",
    "over_12_months_ago": "Latest spine MRI more than 12 months ago.",
    "unsure": "Not sure when the latest spine MRI was.",
}


def imaging(f: Facts) -> list[str]:
    """No spine MRI within the last 12 months."""
    words = MRI_WORDS.get(f.get("mri_when"))
    return [words] if words else []


DIABETES_WORDS = {
    "yes_diet_or_tablets": "Diabetes, treated with diet or tablets.",
    "yes_insulin": "Diabetes, treated with insulin.",
}


def _smoking(f: Facts) -> str | None:
    if f.get("smoking") != "current":
        return None
    return "Current smoker or nicotine user (vaping included)."


def _diabetes(f: Facts) -> str | None:
    return DIABETES_WORDS.get(f.get("diabetes"))


def _bmi(f: Facts) -> str | None:
    if f.bmi is None or f.bmi < BMI_THRESHOLD:
        return None
    return f"BMI {f.bmi:.1f} (35 or more)."


def _said_yes(item_id: str, words: str) -> Callable[[Facts], str | None]:
    def rule(f: Facts) -> str | None:
        return words if f.yes(item_id) else None

    return rule


def _osteoporosis(f: Facts) -> str | None:
    return "Osteoporosis (patient report)." if "osteoporosis" in f.diagnoses else None


def _daily_opioids(f: Facts) -> str | None:
    return "Takes opioid pain medicine every day." if f.get("opioid_use") == "daily" else None


# Each factor of the risk_factors topic, keyed by the item it reads (BMI: height and weight).
RISK_FACTOR_RULES: dict[str, Callable[[Facts], str | None]] = {
    "smoking": _smoking,
    "diabetes": _diabetes,
    "bmi": _bmi,
    "blood_thinners": _said_yes(
        "blood_thinners", "Takes a blood thinner or antiplatelet medicine."
    ),
    "osteoporosis": _osteoporosis,
    "opioid_use": _daily_opioids,
    "long_term_steroids": _said_yes("long_term_steroids", "Oral steroids for 3 months or more."),
    "heart_or_lung_disease": _said_yes(
        "heart_or_lung_disease", "Heart or lung disease under a doctor's care."
    ),
    "prior_spine_infection": _said_yes(
        "prior_spine_infection", "Earlier spine infection, or infection after spine surgery."
    ),
}


def risk_factor_reasons(f: Facts) -> dict[str, str]:
    """The risk factors that hold, by id, each with its reason (in the order above)."""
    found = {factor: rule(f) for factor, rule in RISK_FACTOR_RULES.items()}
    return {factor: reason for factor, reason in found.items() if reason}


def risk_factors(f: Facts) -> list[str]:
    """One reason per factor that raises surgical risk or slows healing."""
    return list(risk_factor_reasons(f).values())


def mood_and_coping(f: Facts) -> list[str]:
    """A positive PHQ-2 or GAD-2 screen (3 or more of 6)."""
    reasons = []
    if f.phq2 >= SCREEN_POSITIVE:
        reasons.append(f"PHQ-2 {f.phq2}/6: positive depression screen (3 or more).")
    if f.gad2 >= SCREEN_POSITIVE:
        reasons.append(f"GAD-2 {f.gad2}/6: positive anxiety screen (3 or more).")
    return reasons


CONCERN_WORDS = {
    "recovery_time": "Worried about how long recovery takes.",
    "time_off_work": "Worried about time off work.",
}


def recovery_planning(f: Facts) -> list[str]:
    """A surgical topic (1-10) applies, and work, caring or worries make recovery matter."""
    if not any(rule(f) for rule in CONDITION_RULES.values()):
        return []
    reasons = []
    if f.get("work_demand") == "heavy":
        reasons.append("Heavy physical job (lifting, manual labour).")
    if f.yes("caregiver"):
        reasons.append("Physically cares for someone who depends on them.")
    reasons.extend(words for concern, words in CONCERN_WORDS.items() if concern in f.concerns)
    return reasons


# Topics 1-10: the ones that put an operation on the table (recovery_planning depends on them).
CONDITION_RULES: dict[str, TopicRule] = {
    "post_surgical_pain": post_surgical_pain,
    "recurrent_herniation": recurrent_herniation,
    "scar_tissue": scar_tissue,
    "adjacent_segment_disease": adjacent_segment_disease,
    "fusion_healing": fusion_healing,
    "herniated_disc": herniated_disc,
    "sciatica": sciatica,
    "spinal_stenosis": spinal_stenosis,
    "degenerative_disc_disease": degenerative_disc_disease,
    "chronic_low_back_pain": chronic_low_back_pain,
}

# Every topic, in catalogue order.
TOPIC_RULES: dict[str, TopicRule] = {
    **CONDITION_RULES,
    "conservative_care": conservative_care,
    "imaging": imaging,
    "risk_factors": risk_factors,
    "mood_and_coping": mood_and_coping,
    "recovery_planning": recovery_planning,
}
