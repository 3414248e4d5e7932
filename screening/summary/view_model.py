"""The summary view model: one plain dict that both the PDF and the staff page render.

Built from a screening's canonical answers and its STORED evaluation dict (as kept in JSON at
submission, so a summary made later still shows what was found then), never from ORM objects,
so the PDF, the staff HTML page and any export cannot disagree.

Everything in the result is plain data (dicts, lists, strings, numbers, booleans, None) and every
key is always present (None or [] when there is nothing to show), so templates can test a key
without guessing. Items that were not answered, or do not apply, are left out rather than shown
as blanks. Wording comes from the questionnaire definition; a handful of first-person patient
labels ("Yes, I do now") are reworded for the surgeon in `SURGEON_WORDING`.

Both questionnaire versions render: a version 1 answer set simply lacks the version 2 items
(phone, neck and arm pain, onset, cancer status, hands, balance, wound, claim, surgery month),
which are left out like any unanswered item, and a version 1 evaluation has no `triage_rules`,
so its banner shows its level title and red flags as they were found.

What a surgeon asked for is laid out here once for both renderings: the triage rules in words
at the top, medicines and allergies before the topics (surgical planning), a reason given
under several topics written out once and referred to after ("same reason as 1"), BMI of 30
or more marked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from screening.evaluation import risk_factors_present
from screening.evaluation.catalogue import RED_FLAGS, TRIAGE_RULE_TITLES, TRIAGE_TITLES
from screening.evaluation.facts import months_since
from screening.evaluation.topics import SCREEN_POSITIVE
from screening.evaluation.withdrawn import withdrawn
from screening.questionnaire import QUESTIONNAIRE, parse_iso_date
from screening.questionnaire.model import N_
from screening.summary.body_map import body_map_svg
from screening.translations_cache import gettext

# When the warning signs began (warning_signs_onset), as the banner's own line: the rules'
# reasons name the onset only for cauda equina, yet it matters as much for the other signs it
# is asked after (symptoms spreading to both legs, new sexual dysfunction): recent or
# worsening is what decides a call today.
ONSET_LINES = {
    "within_2_weeks": N_("These warning signs began in the last 2 weeks."),
    "longer_getting_worse": N_("These warning signs began longer ago and are getting worse."),
    "longer_not_changing": N_("These warning signs began longer ago and are not changing."),
    "not_sure": N_("The patient is not sure when these warning signs began."),
}
# Onsets marked in bold: recent, or getting worse.
ONSET_MARKED = frozenset({"within_2_weeks", "longer_getting_worse"})

# How the pain has been since the latest operation (symptoms_since_surgery): marked in bold
# when it is a reason to look again; "The pain went away" is good news, not a flag.
SINCE_SURGERY_MARKED = frozenset(
    {"improved_then_returned", "never_improved", "new_different_pain", "worse"}
)

# Where the cancer stands now (cancer_status), in a surgeon's words.
CANCER_STATUS_WORDS = {
    "active_or_in_treatment": N_("active or in treatment"),
    "treated_within_5_years": N_("treated in the last 5 years"),
    "treated_over_5_years_ago": N_("treated more than 5 years ago"),
    "skin_not_melanoma_only": N_("non-melanoma skin cancer only"),
    "not_sure": N_("status not known to the patient"),
}

# Patient wording that reads oddly in a surgeon's summary (first person), reworded here.
SURGEON_WORDING: dict[tuple[str, Any], str] = {
    ("sex", "prefer_not_to_say"): N_("Not stated"),
    ("work_status", "working"): N_("Working"),
    ("work_status", "working_reduced"): N_("Working reduced hours because of pain"),
    ("work_status", "off_work_due_to_pain"): N_("Off work because of pain"),
    ("work_status", "not_working"): N_("Not working"),
    ("work_status", "retired"): N_("Retired"),
    ("smoking", "never"): N_("Never"),
    ("smoking", "former"): N_("Former"),
    ("smoking", "current"): N_("Current"),
    ("mri_when", "never"): N_("Never had one"),
    ("mri_when", "unsure"): N_("Not sure"),
    ("walking_limit", "no_limit"): N_("Not limited by pain"),
    ("walking_limit", "cannot_walk"): N_("Cannot walk"),
    ("diabetes", "yes_diet_or_tablets"): N_("Yes, diet or tablets"),
    ("diabetes", "yes_insulin"): N_("Yes, insulin"),
    ("symptoms_since_surgery", "resolved"): N_("The pain went away"),
    ("symptoms_since_surgery", "improved_then_returned"): N_("Improved, then came back"),
    ("symptoms_since_surgery", "never_improved"): N_("Never improved"),
    ("symptoms_since_surgery", "new_different_pain"): N_("New or different pain"),
    ("symptoms_since_surgery", "worse"): N_("Worse"),
    ("opioid_use", "occasional"): N_("Occasionally"),
    ("opioid_use", "daily"): N_("Daily"),
    ("leg_weakness", "none"): N_("None"),
    ("leg_weakness", "stable"): N_("Yes, stable"),
    ("leg_weakness", "getting_worse"): N_("Yes, getting worse"),
    ("work_demand", "sedentary"): N_("Mostly sitting"),
    ("work_demand", "light"): N_("Light"),
    ("work_demand", "heavy"): N_("Heavy (lifting, manual labour)"),
    ("compensation_claim", "no"): N_("No"),
    ("compensation_claim", "yes"): N_("Yes"),
    ("compensation_claim", "prefer_not_to_say"): N_("Not stated"),
    ("balance_problem", "none"): N_("Steady"),
    ("balance_problem", "stable"): N_("Unsteady, not changing"),
    ("balance_problem", "getting_worse"): N_("Unsteady, getting worse"),
    ("wound_problem", True): N_("Red, swollen, hot or leaking"),
    ("wound_problem", False): N_("No"),
    ("injection_within_3_months", True): N_("Yes, in the last 3 months"),
    ("injection_within_3_months", False): N_("Not in the last 3 months"),
    # The surgery table: clinical terms, not the patient's plain-language explanations.
    ("procedure", "discectomy"): N_("Discectomy"),
    ("procedure", "laminectomy"): N_("Laminectomy"),
    ("procedure", "fusion"): N_("Fusion"),
    ("procedure", "disc_replacement"): N_("Disc replacement"),
    ("procedure", "spinal_cord_stimulator"): N_("Spinal cord stimulator"),
    ("procedure", "other"): N_("Other"),
    ("procedure", "unknown"): N_("Unknown"),
    ("region", "lumbar"): N_("Lumbar"),
    ("region", "thoracic"): N_("Thoracic"),
    ("region", "cervical"): N_("Cervical"),
    ("region", "unknown"): N_("Unknown"),
    ("approach", "open"): N_("Open"),
    ("approach", "minimally_invasive"): N_("Minimally invasive"),
    ("approach", "unknown"): N_("Unknown"),
    **{("cancer_status", code): words for code, words in CANCER_STATUS_WORDS.items()},
}

# Short month names for the surgery table ("Apr 2019").
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)

# The pain scores drawn as bars, top to bottom, with their labels (both renderings).
SCORE_LABELS = (
    ("back", N_("Back pain")),
    ("leg", N_("Leg pain")),
    ("neck", N_("Neck pain")),
    ("arm", N_("Arm pain")),
    ("interference", N_("Interference")),
)
# Answer items behind each score, read from the answers first (the stored score otherwise).
_SCORE_ITEMS = {
    "back": "back_pain_nrs",
    "leg": "leg_pain_nrs",
    "neck": "neck_pain_nrs",
    "arm": "arm_pain_nrs",
    "interference": "interference_nrs",
}
_SCORE_IDS = {
    "back": "back_pain",
    "leg": "leg_pain",
    "neck": "neck_pain",
    "arm": "arm_pain",
    "interference": "interference",
}

# BMI classes of obesity (evaluation spec, risk_factors): from 30 the BMI is marked.
BMI_MARKED_FROM = 30.0

# Red flags that are not a single questionnaire item, for an id the catalogue does not know
# (a summary of an evaluation stored under other rules).
_FALLBACK_FLAG_WORDS = {"progressive_weakness": N_("Leg weakness getting worse")}

# The patient's own words shown at the end (medicines and allergies are at the top).
OWN_WORDS_ITEMS = ("visit_reason", "other_treatments", "goals_text")

Translate = Callable[..., str]


def _item(item_id: str) -> Any:
    return QUESTIONNAIRE.item(item_id)


def _surgery_item(sub_id: str) -> Any:
    return QUESTIONNAIRE.item("surgeries").sub_item(sub_id)


def _label(item_id: str, _: Translate) -> str:
    return _(_item(item_id).label)


def _value(item_id: str, value: Any, _: Translate, item: Any = None) -> str:
    """The wording of one answer: surgeon wording first, then the questionnaire's own label."""
    key = (item_id, value)
    if key in SURGEON_WORDING:
        return _(SURGEON_WORDING[key])
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    item = item or _item(item_id)
    if item.codes:
        return _(item.code_label(value))
    return str(value)


def _labels(item_id: str, values: Any, _: Translate) -> list[str]:
    item = _item(item_id)
    return [_(item.code_label(v)) for v in values or []]


def _fmt_datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """Date and time to the minute in the clinic's zone, with its name (stored times are UTC)."""
    if value is None:
        return None
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    zone = value.tzname() or ""
    return f"{value:%Y-%m-%d %H:%M} {zone}".strip()


def _red_flag_text(flag_id: str, answers: Mapping[str, Any], _: Translate) -> str:
    """The catalogue's plain words (with the cancer's status where known); an id the
    catalogue does not know (other rules) falls back to labels."""
    if flag_id == "cancer_history" and answers.get("cancer_status") in CANCER_STATUS_WORDS:
        status = _(CANCER_STATUS_WORDS[answers["cancer_status"]])
        return _("History of cancer (%(status)s)", status=status)
    if flag_id in RED_FLAGS:
        return _(RED_FLAGS[flag_id])
    if flag_id in _FALLBACK_FLAG_WORDS:
        return _(_FALLBACK_FLAG_WORDS[flag_id])
    try:
        return _label(flag_id, _)
    except KeyError:
        return flag_id.replace("_", " ")


def _patient(answers: Mapping[str, Any], scores: Mapping[str, Any], _: Translate) -> dict:
    first = answers.get("first_name", "")
    last = answers.get("last_name", "")
    sex = answers.get("sex")
    work = None
    if "work_status" in answers:
        work = _value("work_status", answers["work_status"], _)
        if "work_demand" in answers:
            demand = _value("work_demand", answers["work_demand"], _)
            work = f"{work} – {_('job')}: {demand}"
    claim = answers.get("compensation_claim")
    return {
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}".strip(),
        "date_of_birth": answers.get("date_of_birth"),
        "age": scores.get("age"),
        "sex": _value("sex", sex, _) if sex else None,
        "phone": answers.get("phone"),
        "email": answers.get("email"),
        "work": work,
        "caregiver": answers.get("caregiver"),
        # An injury or disability claim or legal case: worth knowing before the visit.
        "claim": (
            {"text": _value("compensation_claim", claim, _), "flag": claim == "yes"}
            if claim
            else None
        ),
    }


# Version 1 had one emergency rule, which its title named; version 2's banner names its rules.
_V1_TITLES = {"emergency": N_("Emergency: possible cauda equina syndrome")}


def _triage(evaluation: Mapping[str, Any], answers: Mapping[str, Any], _: Translate) -> dict:
    """The banner: the level's title, the rules that held in words, then every red flag.

    A version 2 evaluation stores the rules that made its level (`triage_rules`) and each
    one's title and reason citing the answers (`triage_reasons`), worded by the rules at
    submission ("Possible cauda equina syndrome: New saddle numbness, began in the last 2
    weeks."). A version 1 evaluation has neither: its banner is its level and red flags, as
    they were found.
    """
    level = evaluation.get("triage") or "routine"
    rule_ids = evaluation.get("triage_rules")
    reasons = {
        rule.get("id"): rule
        for rule in evaluation.get("triage_reasons") or []
        if isinstance(rule, Mapping)
    }
    rules = []
    for rule_id in rule_ids or []:
        if rule_id == "red_flags":
            continue  # the review level: the red flags below are its reason
        stored = reasons.get(rule_id, {})
        title = stored.get("title") or TRIAGE_RULE_TITLES.get(rule_id) or rule_id
        reason = stored.get("reason") or ""
        text = _(title)
        rules.append({"id": rule_id, "text": f"{text}: {reason}" if reason else text})
    flags = [
        {"id": flag_id, "text": _red_flag_text(flag_id, answers, _)}
        for flag_id in evaluation.get("red_flags") or []
    ]
    routine = level not in TRIAGE_TITLES or level == "routine"
    title = TRIAGE_TITLES.get(level, level)
    if rule_ids is None and level in _V1_TITLES:
        title = _V1_TITLES[level]
    onset = answers.get("warning_signs_onset")
    return {
        "level": level,
        "routine": routine,
        "title": _(title),
        "rules": rules,
        "red_flags": flags,
        "onset": (
            {"text": _(ONSET_LINES[onset]), "flag": onset in ONSET_MARKED}
            if onset in ONSET_LINES
            else None
        ),
    }


def _warning_changed(
    warning: Mapping[str, Any] | None,
    evaluation: Mapping[str, Any],
    zone: tzinfo | None,
    _: Translate,
) -> dict | None:
    """A warning the patient's answers gave while filling in the form and no longer give.

    A patient told to go to an emergency department may change the answer before sending
    (it was a misread question, or they were frightened). The banner shows only what the sent
    answers give, so without this the surgeon's record would hold no trace of a warning the
    clinic was alerted to and had to act on. `warning` is what the screening kept at its
    highest level (`level`, `at`, and the `triage_rules` and `red_flags` that held then, None
    for a screening flagged before they were kept). What was taken back is decided by
    `screening.evaluation.withdrawn`, as on the staff page: the level fell, or an answer that
    gave it was withdrawn while another still gives the same level.
    """
    if not warning:
        return None
    level_now = evaluation.get("triage") or "routine"
    taken = withdrawn(
        warning.get("level"),
        warning.get("triage_rules"),
        warning.get("red_flags"),
        level_now,
        evaluation.get("triage_rules") or (),
        evaluation.get("red_flags") or (),
    )
    if taken is None:
        return None
    level = str(warning["level"])
    when = _fmt_datetime(warning.get("at"), zone)
    level_title = _(TRIAGE_TITLES[level])
    return {
        "level": level,
        "title": _("Warning during the form, since changed"),
        "gave": (
            _("At %(when)s the answers gave: %(level)s.", when=when, level=level_title)
            if when
            else _("While filling in the form, the answers gave: %(level)s.", level=level_title)
        ),
        # In the catalogue's words only: the sent answers (which might add the cancer's
        # status) are not the ones that gave the warning.
        "rules": [_(TRIAGE_RULE_TITLES.get(rule_id, rule_id)) for rule_id in taken.rules],
        "red_flags": [_red_flag_text(flag_id, {}, _) for flag_id in taken.red_flags],
        "known": taken.known,
        "now": _(
            "The patient changed these answers before sending; they now give: %(level)s. "
            "Ask about them at the visit.",
            level=_(TRIAGE_TITLES.get(level_now, level_now)),
        ),
    }


def _topics(evaluation: Mapping[str, Any], _: Translate) -> list[dict]:
    """The topics, numbered, with a reason already given under an earlier topic replaced by
    a reference to it: `same_as` on a reason is that topic's number, and on the topic when
    every one of its reasons is the same as one earlier topic's."""
    first_given: dict[str, int] = {}
    topics = []
    for number, topic in enumerate(evaluation.get("topics") or [], start=1):
        reasons = []
        # A reason given twice within one topic (two operations the patient described the
        # same way) is written once: "same as 1" inside topic 1 would point at itself.
        for text in dict.fromkeys(topic.get("reasons") or []):
            reasons.append({"text": text, "same_as": first_given.get(text)})
        for reason in reasons:
            first_given.setdefault(reason["text"], number)
        earlier = {reason["same_as"] for reason in reasons}
        same_as = earlier.pop() if len(earlier) == 1 and None not in earlier else None
        topics.append(
            {
                "id": topic.get("id"),
                "number": number,
                "title": _(topic.get("title") or topic.get("id") or ""),
                "same_as": same_as,
                "reasons": [] if same_as else reasons,
            }
        )
    return topics


def _score(value: Any, maximum: int) -> dict | None:
    if value is None:
        return None
    return {"value": value, "max": maximum, "step": max(0, min(int(value), maximum))}


def _sides(answers: Mapping[str, Any], codes: tuple[str, ...], _: Translate) -> str | None:
    chosen = set(answers.get("pain_regions") or [])
    left = any(f"{code}_left" in chosen for code in codes)
    right = any(f"{code}_right" in chosen for code in codes)
    if left and right:
        return _("both sides")
    if left:
        return _("left")
    if right:
        return _("right")
    return None


def _pain(answers: Mapping[str, Any], scores: Mapping[str, Any], _: Translate) -> dict:
    values = {
        key: answers.get(_SCORE_ITEMS[key], scores.get(_SCORE_IDS[key])) for key in _SCORE_IDS
    }
    back, leg = values["back"], values["leg"]
    pattern: list[str] = []
    if back is not None and leg is not None and (back or leg):
        if leg > back:
            pattern.append(_("Leg-dominant"))
        elif back > leg:
            pattern.append(_("Back-dominant"))
        else:
            pattern.append(_("Back and leg pain equal"))
    below_knee = _sides(answers, ("below_knee", "foot"), _)
    if below_knee:
        pattern.append(_("Radiating below the knee (%(side)s)", side=below_knee))
    arm = _sides(answers, ("arm",), _)
    if arm:
        pattern.append(_("Arm pain (%(side)s)", side=arm))
    if answers.get("worse_standing_walking"):
        pattern.append(_("Worse standing or walking"))
    if answers.get("relief_sitting_bending"):
        pattern.append(_("Eased by sitting or bending forward"))
    if answers.get("worse_sitting_bending"):
        pattern.append(_("Worse sitting or bending forward"))
    if answers.get("night_pain"):
        pattern.append(_("Night or rest pain"))

    # Progressive weakness is a red flag; walking stopped, new hand clumsiness and any
    # unsteadiness (possible myelopathy) are worth the eye.
    facts = _answer_facts(
        answers,
        (
            "pain_duration",
            "walking_limit",
            "leg_weakness",
            "numbness_tingling",
            "hand_clumsiness",
            "balance_problem",
        ),
        lambda item_id, value: (
            value in ("getting_worse", "cannot_walk")
            or (item_id == "hand_clumsiness" and value is True)
            # Unsteady at all is the possible-myelopathy red flag, as new clumsiness is.
            or (item_id == "balance_problem" and value != "none")
        ),
        _,
    )

    regions = answers.get("pain_regions") or []
    region_words = _labels("pain_regions", regions, _)
    scores_shown = [
        {"id": key, "label": _(label), **score}
        for key, label in SCORE_LABELS
        if (score := _score(values[key], 10)) is not None
    ]
    return {
        **{key: _score(value, 10) for key, value in values.items()},
        "scores": scores_shown,
        "duration": (
            _value("pain_duration", answers["pain_duration"], _)
            if "pain_duration" in answers
            else None
        ),
        "pattern": pattern,
        "facts": facts,
        "regions": region_words,
        "region_codes": list(regions),
        # What the two figures of the diagram are, said once in the section title (both renderings).
        "diagram_legend": _("diagram: front on the left, back on the right, shaded where it hurts"),
        "scores_in_words": "; ".join(
            _("%(label)s %(value)s of %(max)s", **score) for score in scores_shown
        ),
        "body_map_svg": body_map_svg(
            regions,
            label=_("Pain regions: %(regions)s", regions=", ".join(region_words) or _("none")),
        ),
    }


def _time_since(year: Any, month: Any, as_of: date | None, _: Translate) -> str | None:
    """How long ago an operation was, in calendar months as the rules count them (a range when
    only the year is known), or in years from two years on."""
    if as_of is None or not isinstance(year, int):
        return None
    low, high = months_since(year, month if isinstance(month, int) else None, as_of)
    if low >= 24:
        # In whole years as the months count them: with no month, the operation may be
        # either side of its anniversary ("2–3 y ago"), as the rules' range of months says.
        if low // 12 == high // 12:
            return _("%(n)s y ago", n=low // 12)
        return _("%(low)s–%(high)s y ago", low=low // 12, high=high // 12)
    if low == high:
        return _("%(n)s mo ago", n=low)
    return _("%(low)s–%(high)s mo ago", low=low, high=high)


def _surgery(answers: Mapping[str, Any], as_of: date | None, _: Translate) -> dict | None:
    """The operations, newest first, and how things have been since; `none` when the patient
    said they had no spine surgery (said, so it does not read like a question not asked)."""
    if answers.get("prior_spine_surgery") is False:
        return {"none": True, "rows": [], "symptoms_since": None, "since_flag": False, "wound": []}
    if not answers.get("prior_spine_surgery"):
        return None
    rows = []
    entries = sorted(
        answers.get("surgeries") or [],
        key=lambda e: (e.get("year", 0), e.get("month") or 0),
        reverse=True,
    )
    for entry in entries:
        year, month = entry.get("year"), entry.get("month")
        when = str(year)
        if isinstance(month, int) and 1 <= month <= 12:
            when = f"{_(MONTHS[month - 1])} {year}"
        rows.append(
            {
                "year": year,
                "month": month,
                "when": when,
                "ago": _time_since(year, month, as_of, _),
                "procedure": _value(
                    "procedure", entry.get("procedure"), _, _surgery_item("procedure")
                ),
                "region": _value("region", entry.get("region"), _, _surgery_item("region")),
                "levels": entry.get("levels") or "",
                "approach": _value("approach", entry.get("approach"), _, _surgery_item("approach")),
                "outcome": _value("outcome", entry.get("outcome"), _, _surgery_item("outcome")),
            }
        )
    since = answers.get("symptoms_since_surgery")
    return {
        "none": False,
        "rows": rows,
        "symptoms_since": _value("symptoms_since_surgery", since, _) if since else None,
        "since_flag": since in SINCE_SURGERY_MARKED,
        "wound": _answer_facts(answers, ("wound_problem",), lambda i, v: v is True, _),
    }


def _answer_facts(
    answers: Mapping[str, Any],
    item_ids: tuple[str, ...],
    flagged: Callable[[str, Any], bool],
    _: Translate,
) -> list[dict]:
    """ "Label: value" facts for the answered items among `item_ids`, in that order."""
    return [
        {
            "label": _label(item_id, _),
            "value": _value(item_id, answers[item_id], _),
            "flag": flagged(item_id, answers[item_id]),
        }
        for item_id in item_ids
        if item_id in answers and answers[item_id] is not None
    ]


def _planning(answers: Mapping[str, Any], risky: frozenset[str], _: Translate) -> dict:
    """Medicines, allergies and blood thinners: what surgical planning needs first."""

    def text(item_id: str) -> str | None:
        value = answers.get(item_id)
        return value if isinstance(value, str) and value.strip() else None

    return {
        "medications": text("current_medications"),
        "allergies": text("allergies"),
        "facts": _answer_facts(
            answers, ("blood_thinners",), lambda i, v: v is True or i in risky, _
        ),
    }


def _care(answers: Mapping[str, Any], risky: frozenset[str], _: Translate) -> list[dict]:
    """Care so far, with `flag` on daily opioids (one of the risk-factor rules)."""
    facts = _answer_facts(
        answers,
        ("physical_therapy", "injections", "injection_within_3_months", "opioid_use", "mri_when"),
        lambda item_id, value: item_id in risky,
        _,
    )
    for item_id in ("medications_tried", "diagnoses"):
        if answers.get(item_id):
            facts.append(
                {
                    "label": _label(item_id, _),
                    "value": "; ".join(_labels(item_id, answers[item_id], _)),
                    "flag": False,
                }
            )
    return facts


def _bmi_fact(answers: Mapping[str, Any], bmi: float, flagged: bool, _: Translate) -> dict:
    """BMI with height and weight; from 30 marked, with its obesity class."""
    detail = _(
        "%(bmi)s (%(height)s cm, %(weight)s kg)",
        bmi=bmi,
        height=answers.get("height_cm"),
        weight=answers.get("weight_kg"),
    )
    if bmi >= BMI_MARKED_FROM:
        obesity_class = 1 if bmi < 35 else 2 if bmi < 40 else 3
        detail = _("%(detail)s, obesity class %(n)s", detail=detail, n=obesity_class)
    return {"label": _("BMI"), "value": detail, "flag": flagged or bmi >= BMI_MARKED_FROM}


def _health(
    answers: Mapping[str, Any], scores: Mapping[str, Any], risky: frozenset[str], _: Translate
) -> list[dict]:
    """Health factors, each with `flag` set when the risk_factors rule counts it (`risky`)."""
    factors: list[dict] = []
    bmi = scores.get("bmi")
    if bmi is not None:
        factors.append(_bmi_fact(answers, bmi, "bmi" in risky, _))
    else:  # one of the two without the other: no BMI, but what was given still shows
        if answers.get("height_cm") is not None:
            factors.append(
                {
                    "label": _("Height"),
                    "value": _("%(n)s cm", n=answers["height_cm"]),
                    "flag": False,
                }
            )
        if answers.get("weight_kg") is not None:
            factors.append(
                {
                    "label": _("Weight"),
                    "value": _("%(n)s kg", n=answers["weight_kg"]),
                    "flag": False,
                }
            )
    factors += _answer_facts(answers, ("smoking", "diabetes"), lambda i, v: i in risky, _)
    if "diagnoses" in answers:
        osteoporosis = "osteoporosis" in (answers.get("diagnoses") or [])
        factors.append(
            {
                "label": _("Osteoporosis"),
                "value": _("Yes") if osteoporosis else _("Not reported"),
                "flag": "osteoporosis" in risky,
            }
        )
    factors += _answer_facts(
        answers,
        ("long_term_steroids", "heart_or_lung_disease", "prior_spine_infection"),
        lambda i, v: i in risky,
        _,
    )
    return factors


def _mood(answers: Mapping[str, Any], scores: Mapping[str, Any], _: Translate) -> list[dict]:
    mood = []
    for score_id, name in (("phq2", _("PHQ-2 (depression)")), ("gad2", _("GAD-2 (anxiety)"))):
        value = scores.get(score_id)
        if value is None:
            continue
        mood.append(
            {
                "id": score_id,
                "label": name,
                "value": value,
                "max": 6,
                "positive": value >= SCREEN_POSITIVE,
            }
        )
    return mood


def _own_words(answers: Mapping[str, Any], _: Translate) -> list[dict]:
    words = []
    for item_id in OWN_WORDS_ITEMS:
        text = answers.get(item_id)
        if isinstance(text, str) and text.strip():
            words.append({"id": item_id, "label": _label(item_id, _), "text": text})
    return words


def _counted_as_of(as_of: date | None, moment: datetime, zone: tzinfo | None) -> str | None:
    """The as-of date ages and "years ago" were counted on, when it is not the day the
    summary says it was submitted (or made): `screening pdf --as-of` prints it, else no one
    reading the PDF could tell what "age 67" counts from."""
    day = moment.astimezone(zone).date() if zone is not None else moment.date()
    return as_of.isoformat() if as_of is not None and as_of != day else None


def build_summary(
    answers: dict,
    evaluation: dict,
    *,
    clinic_name: str,
    generated_at: datetime,
    submitted_at: datetime | None = None,
    appointment_at: datetime | None = None,
    clinician: str | None = None,
    questionnaire_version: str = QUESTIONNAIRE.version,
    zone: tzinfo | None = None,
    warning_during_form: Mapping[str, Any] | None = None,
) -> dict:
    """The view model of one screening's summary (see the module docstring).

    `evaluation` is the stored evaluation dict (`Evaluation.to_dict()` as kept in JSON), of
    rules version 1 or 2. Wording goes through Flask-Babel's gettext, which also works without
    an app (the CLI). Times are written in `zone` (the clinic's, CLINIC_TIMEZONE), or as given
    when it is None. `warning_during_form` is the highest warning the screening reached while
    it was filled in (see `_warning_changed`); None where there is no screening (the CLI).
    """
    _ = gettext
    scores = evaluation.get("scores") or {}
    as_of = parse_iso_date(evaluation.get("as_of"))
    patient = _patient(answers, scores, _)
    checks = [
        {"id": check.get("id"), "message": check.get("message", "")}
        for check in evaluation.get("checks") or []
    ]
    name = patient["name"]
    # Which risk factors hold is asked of the rule itself, so the bold marks in the care and
    # health facts can never disagree with the risk_factors topic's reasons. (A version 1
    # summary is marked by today's rules, which differ only in counting BMI from 30, not 35;
    # its topics and their reasons stay as stored.)
    risky = risk_factors_present(answers, as_of) if as_of else frozenset()
    return {
        "lang": "en",
        "title": _("Pre-consultation summary – %(name)s", name=name),
        "subject": _("Pre-consultation summary for minimally invasive spine surgery (MISS)"),
        "clinic_name": clinic_name,
        "clinician": clinician,
        "generated_at": _fmt_datetime(generated_at, zone),
        "submitted_at": _fmt_datetime(submitted_at, zone),
        "appointment_at": _fmt_datetime(appointment_at, zone),
        "questionnaire_version": str(questionnaire_version),
        "rules_version": str(evaluation.get("rules_version", "")),
        "as_of": evaluation.get("as_of"),
        "counted_as_of": _counted_as_of(as_of, submitted_at or generated_at, zone),
        "disclaimer": _("Decision support for the consultation, not a diagnosis."),
        "patient": patient,
        "triage": _triage(evaluation, answers, _),
        "warning_changed": _warning_changed(warning_during_form, evaluation, zone, _),
        "planning": _planning(answers, risky, _),
        "topics": _topics(evaluation, _),
        "pain": _pain(answers, scores, _),
        "surgery": _surgery(answers, as_of, _),
        "care": _care(answers, risky, _),
        "health": _health(answers, scores, risky, _),
        "mood": _mood(answers, scores, _),
        "goals": _labels("goals", answers.get("goals"), _),
        "concerns": _labels("concerns", answers.get("concerns"), _),
        "checks": checks,
        "own_words": _own_words(answers, _),
    }
