"""The MISS discussion topics: one small rule per topic (evaluation.md, rules version 2).

Each rule reads the `Facts` of one answer set and returns its reasons: short sentences for the
surgeon that cite the actual answers. An empty list means the topic does not apply; a topic that
applies always has at least one reason. Where a rule has an "or", each branch that holds gives
its own reason, so the surgeon sees why. Where a rule names a surgery, the reason names that
operation and its months since ("14 months ago", or "13 to 24 months ago" when only the year is
known).

Topics 1-6 read only the latest surgeries (the ones `symptoms_since_surgery` describes), and
1 and 4-6 only those whose region matches where it hurts now.
"""

from __future__ import annotations

from collections.abc import Callable

from screening.evaluation.facts import Facts, Surgery, reach_words

PAIN_THRESHOLD = 4  # "≥ 4" on the 0-10 scales
RECURRENCE_MONTHS = 6  # a recurrent herniation needs a pain-free spell after the discectomy
FUSION_MONTHS = 12  # a fusion is judged (adjacent segment, non-union) from 12 months on
EARLY_MONTHS = 12  # an operation less than 12 months ago is still "early"
BMI_THRESHOLD = 30.0
BMI_CLASSES = ((40.0, 3), (35.0, 2), (30.0, 1))  # the WHO obesity classes, highest first
BONE_AGE_FEMALE = 65
SCREEN_POSITIVE = 3  # PHQ-2 and GAD-2

TopicRule = Callable[[Facts], list[str]]

DIAGNOSIS_WORDS = {
    "herniated_disc": "a herniated disc",
    "sciatica": "sciatica",
    "spinal_stenosis": "spinal stenosis",
    "degenerative_disc_disease": "degenerative disc disease",
    "spondylolisthesis": "spondylolisthesis",
    "osteoporosis": "osteoporosis",
    "spinal_fracture": "a spinal fracture",
}

WALKING_WORDS = {
    "no_limit": "pain does not limit walking",
    "over_30_min": "walks more than 30 minutes",
    "10_to_30_min": "walks 10 to 30 minutes",
    "under_10_min": "walks less than 10 minutes",
    "cannot_walk": "cannot walk",
}

DURATION_WORDS = {"3_to_12_months": "3 to 12 months", "over_1_year": "more than 1 year"}

LUMBAR_OR_UNKNOWN = ("lumbar", "unknown")


def _diagnosed(f: Facts, diagnosis: str) -> list[str]:
    if diagnosis not in f.diagnoses:
        return []
    return [f"Told by a doctor they have {DIAGNOSIS_WORDS[diagnosis]} (patient report)."]


def _latest(f: Facts, procedures: tuple[str, ...] | None = None) -> list[Surgery]:
    """The latest surgeries, of these procedures when given."""
    return [s for s in f.latest_surgeries if procedures is None or s.procedure in procedures]


def _radiating_leg_pain(f: Facts) -> str:
    return f"Leg pain {f.leg_pain}/10, reaching {reach_words(f.regions)}"


def _after(f: Facts, s: Surgery) -> str:
    """'Lumbar fusion, 2017 (107 to 118 months ago); back pain 6/10 now, new or different...'"""
    return f"{s.describe()}; {f.region_pain_words(s)} now, {f.course_words}."


# -- 1-6: after earlier spine surgery ---------------------------------------------------------


def _troubled_in_region(f: Facts, s: Surgery) -> bool:
    return f.region_match(s) and f.region_pain(s) >= PAIN_THRESHOLD


def post_surgical_pain(f: Facts) -> list[str]:
    """A latest surgery in the region that hurts (pain ≥ 4 there), and a persistent course."""
    if not f.persistent:
        return []
    return [_after(f, s) for s in _latest(f) if _troubled_in_region(f, s)]


def recurrent_herniation(f: Facts) -> list[str]:
    """A latest lumbar (or unknown) discectomy 6 or more months ago, leg pain ≥ 4, and pain
    that improved then came back."""
    if f.leg_pain < PAIN_THRESHOLD or f.course != "improved_then_returned":
        return []
    return [
        f"{s.describe()}; leg pain {f.leg_pain}/10 now, {f.course_words}."
        for s in _latest(f, ("discectomy",))
        if s.region in LUMBAR_OR_UNKNOWN and s.months_max >= RECURRENCE_MONTHS
    ]


def scar_tissue(f: Facts) -> list[str]:
    """A latest lumbar (or unknown) discectomy or laminectomy, leg pain ≥ 4, and pain that
    returned, never eased or is worse."""
    if f.leg_pain < PAIN_THRESHOLD or f.course not in (
        "improved_then_returned",
        "never_improved",
        "worse",
    ):
        return []
    return [
        f"{s.describe()}; leg pain {f.leg_pain}/10 now, {f.course_words}."
        for s in _latest(f, ("discectomy", "laminectomy"))
        if s.region in LUMBAR_OR_UNKNOWN
    ]


def _judged_fusions(f: Facts, courses: tuple[str, ...]) -> list[str]:
    if f.course not in courses:
        return []
    return [
        _after(f, s)
        for s in _latest(f, ("fusion",))
        if s.months_max >= FUSION_MONTHS and _troubled_in_region(f, s)
    ]


def adjacent_segment_disease(f: Facts) -> list[str]:
    """A latest fusion 12 or more months ago, in the region that hurts (pain ≥ 4 there), and
    pain that returned, is new or is worse."""
    return _judged_fusions(f, ("improved_then_returned", "new_different_pain", "worse"))


def fusion_healing(f: Facts) -> list[str]:
    """A latest fusion 12 or more months ago, in the region that hurts (pain ≥ 4 there), and
    pain that returned, never eased or is worse."""
    return _judged_fusions(f, ("improved_then_returned", "never_improved", "worse"))


def early_postop_course(f: Facts) -> list[str]:
    """A latest surgery less than 12 months ago, in the region that hurts (pain ≥ 4 there),
    that is not settling (a persistent course)."""
    if not f.persistent:
        return []
    return [
        _after(f, s)
        for s in _latest(f)
        if s.months_min < EARLY_MONTHS and _troubled_in_region(f, s)
    ]


# -- 7-14: the condition itself (7-13 are the condition topics) ----------------------------------


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
    """Degenerative disc disease diagnosed."""
    return _diagnosed(f, "degenerative_disc_disease")


def spondylolisthesis(f: Facts) -> list[str]:
    """Spondylolisthesis diagnosed."""
    return _diagnosed(f, "spondylolisthesis")


BALANCE_WORDS = {
    "stable": "unsteady walking, not changing",
    "getting_worse": "unsteady walking, getting worse",
}


def _neck_and_arm_pain(f: Facts) -> str:
    """'Neck pain 5/10; arm pain 6/10 (right arm).'"""
    parts = []
    if f.neck_pain is not None:
        parts.append(f"neck pain {f.neck_pain}/10")
    if f.arm_pain is not None:
        arms = [side for side in ("left", "right") if f"arm_{side}" in f.regions]
        where = "both arms" if len(arms) == 2 else f"{arms[0]} arm" if arms else "arm"
        parts.append(f"arm pain {f.arm_pain}/10 ({where})")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def cervical_radiculopathy_myelopathy(f: Facts) -> list[str]:
    """Neck or arm pain ≥ 4; or a sign of possible myelopathy (hand clumsiness, balance)."""
    reasons = []
    if f.cervical_pain and f.neck_arm_max >= PAIN_THRESHOLD:
        reasons.append(_neck_and_arm_pain(f))
    if f.possible_myelopathy:
        signs = []
        if f.yes("hand_clumsiness"):
            signs.append("new hand clumsiness")
        balance = BALANCE_WORDS.get(f.get("balance_problem"))
        if balance:
            signs.append(balance)
        reasons.append(f"Possible myelopathy: {' and '.join(signs)}.")
    return reasons


def facet_or_si_joint_pain(f: Facts) -> list[str]:
    """Lower back or buttock pain ≥ 4, at least the leg pain, not radiating, 3 months or more."""
    duration = DURATION_WORDS.get(f.get("pain_duration"))
    where = [
        words
        for region, words in (
            ("lower_back", "lower back"),
            ("buttock_left", "left buttock"),
            ("buttock_right", "right buttock"),
        )
        if region in f.regions
    ]
    if (
        not where
        or f.back_pain < PAIN_THRESHOLD
        or f.back_pain < f.leg_pain
        or f.radiating
        or duration is None
    ):
        return []
    return [
        f"Back pain {f.back_pain}/10 ({', '.join(where)}), leg pain {f.leg_pain}/10, "
        f"not below the knee, for {duration}."
    ]


def chronic_low_back_pain(f: Facts) -> list[str]:
    """Lower back marked, back pain ≥ 4, for 3 months or more."""
    duration = DURATION_WORDS.get(f.get("pain_duration"))
    if "lower_back" not in f.regions or f.back_pain < PAIN_THRESHOLD or duration is None:
        return []
    return [f"Lower back pain {f.back_pain}/10 for {duration}."]


# -- 15-20: around the operation ----------------------------------------------------------------


def bone_quality(f: Facts) -> list[str]:
    """Osteoporosis or a spinal fracture diagnosed; or long-term steroids; or a woman of 65+."""
    reasons = _diagnosed(f, "osteoporosis") + _diagnosed(f, "spinal_fracture")
    if f.yes("long_term_steroids"):
        reasons.append("Steroid tablets for 3 months or more.")
    if f.get("sex") == "female" and f.age is not None and f.age >= BONE_AGE_FEMALE:
        reasons.append(f"Woman aged {f.age} (65 or over).")
    return reasons


THERAPY_WORDS = {
    "none": "No physical therapy for this episode yet.",
    "under_6_weeks": "Physical therapy for less than 6 weeks so far.",
}

INJECTION_WORDS = {"one": "one spinal injection", "two_or_more": "two or more spinal injections"}


def conservative_care(f: Facts) -> list[str]:
    """Less than 6 weeks of physical therapy when triage leaves room for elective care; or
    6 weeks or more and spinal injections, with pain ≥ 4 still (care tried, pain remains)."""
    therapy = f.get("physical_therapy")
    words = THERAPY_WORDS.get(therapy)
    if words is not None and f.triage in ("routine", "review"):
        return [words]
    injections = INJECTION_WORDS.get(f.get("injections"))
    if therapy == "6_weeks_or_more" and injections and f.pain_max >= PAIN_THRESHOLD:
        return [
            f"Physical therapy for 6 weeks or more and {injections}; {f.pain_max_words} remains."
        ]
    return []


MRI_WORDS = {
    "never": "No spine MRI so far.",
    "over_12_months_ago": "Latest spine MRI more than 12 months ago.",
    "unsure": "Not sure when the latest spine MRI was.",
}


def imaging(f: Facts) -> list[str]:
    """No spine MRI within the last 12 months; or a spinal cord stimulator (MRI only if the
    device is MR-conditional: bring the device card)."""
    reasons = [MRI_WORDS[f.get("mri_when")]] if f.get("mri_when") in MRI_WORDS else []
    reasons.extend(
        f"{s.describe()}: MRI only if the device is MR-conditional; bring the device card."
        for s in f.surgeries
        if s.procedure == "spinal_cord_stimulator"
    )
    return reasons


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


def bmi_class(bmi: float) -> int | None:
    """The obesity class of a reported BMI: 30-34.9 class 1, 35-39.9 class 2, 40+ class 3."""
    for lowest, obesity_class in BMI_CLASSES:
        if bmi >= lowest:
            return obesity_class
    return None


def _bmi(f: Facts) -> str | None:
    if f.bmi is None or f.bmi < BMI_THRESHOLD:
        return None
    return f"BMI {f.bmi:.1f} (obesity class {bmi_class(f.bmi)})."


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
    """A positive PHQ-2 or GAD-2 screen, off work because of pain, a claim or legal case, or
    daily opioids: one reason per factor."""
    reasons = []
    if f.phq2 >= SCREEN_POSITIVE:
        reasons.append(f"PHQ-2 {f.phq2}/6: positive depression screen (3 or more).")
    if f.gad2 >= SCREEN_POSITIVE:
        reasons.append(f"GAD-2 {f.gad2}/6: positive anxiety screen (3 or more).")
    if f.get("work_status") == "off_work_due_to_pain":
        reasons.append("Off work because of the pain.")
    if f.get("compensation_claim") == "yes":
        reasons.append("An injury claim, disability claim or legal case about this pain.")
    if f.get("opioid_use") == "daily":
        reasons.append("Takes opioid pain medicine every day.")
    return reasons


CONCERN_WORDS = {
    "recovery_time": "Worried about how long recovery takes.",
    "time_off_work": "Worried about time off work.",
}


def recovery_planning(f: Facts) -> list[str]:
    """A condition topic (1-13) applies, and work, caring or worries make recovery matter."""
    if not any(rule(f) for rule in CONDITION_RULES.values()):
        return []
    reasons = []
    if f.get("work_demand") == "heavy":
        reasons.append("Heavy physical job (lifting, manual labour).")
    if f.yes("caregiver"):
        reasons.append("Physically cares for someone who depends on them.")
    reasons.extend(words for concern, words in CONCERN_WORDS.items() if concern in f.concerns)
    return reasons


# Topics 1-13, the "condition topics" (recovery_planning depends on them).
CONDITION_RULES: dict[str, TopicRule] = {
    "post_surgical_pain": post_surgical_pain,
    "recurrent_herniation": recurrent_herniation,
    "scar_tissue": scar_tissue,
    "adjacent_segment_disease": adjacent_segment_disease,
    "fusion_healing": fusion_healing,
    "early_postop_course": early_postop_course,
    "herniated_disc": herniated_disc,
    "sciatica": sciatica,
    "spinal_stenosis": spinal_stenosis,
    "degenerative_disc_disease": degenerative_disc_disease,
    "spondylolisthesis": spondylolisthesis,
    "cervical_radiculopathy_myelopathy": cervical_radiculopathy_myelopathy,
    "facet_or_si_joint_pain": facet_or_si_joint_pain,
}

# Every topic, in catalogue order.
TOPIC_RULES: dict[str, TopicRule] = {
    **CONDITION_RULES,
    "chronic_low_back_pain": chronic_low_back_pain,
    "bone_quality": bone_quality,
    "conservative_care": conservative_care,
    "imaging": imaging,
    "risk_factors": risk_factors,
    "mood_and_coping": mood_and_coping,
    "recovery_planning": recovery_planning,
}
