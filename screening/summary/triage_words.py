"""The triage banner in words: one sentence per triage rule that held, for the surgeon.

A stored version 2 evaluation lists the ids of the rules that made its level (`triage_rules`,
../shared/spec/evaluation.md). The banner names each in clinical words and then the answers
behind it ("Possible cauda equina syndrome: new saddle numbness, began in the last 2 weeks"),
read from the stored answers, so the surgeon sees why without opening the answers. The rules
themselves live in the pure core; this module only words them, and only with answers the rule
reads. Each sentence also says which red flags it has already named, so the banner's list of
other red flags does not repeat them.

A version 1 evaluation has no `triage_rules`: its banner keeps the level title and red flags
it had (see view_model._triage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from screening.questionnaire.model import N_

Translate = Callable[..., str]
# A rule's sentence and the red-flag ids it names.
Worded = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class RuleLine:
    """One triage rule in words, and the red-flag ids those words already name."""

    rule_id: str
    text: str
    names_flags: frozenset[str]


# When the cauda equina signs began (warning_signs_onset), as the end of a banner sentence.
ONSET_WORDS = {
    "within_2_weeks": N_("began in the last 2 weeks"),
    "longer_getting_worse": N_("began longer ago and getting worse"),
    "longer_not_changing": N_("began longer ago and not changing"),
    "not_sure": N_("the patient is not sure when it began"),
}

# Where the cancer stands now (cancer_status), in a surgeon's words.
CANCER_STATUS_WORDS = {
    "active_or_in_treatment": N_("active or in treatment"),
    "treated_within_5_years": N_("treated in the last 5 years"),
    "treated_over_5_years_ago": N_("treated more than 5 years ago"),
    "skin_not_melanoma_only": N_("non-melanoma skin cancer only"),
    "not_sure": N_("status not known to the patient"),
}

# cancer_recent of the spec: an absent status counts as the worse case.
_CANCER_RECENT = (None, "active_or_in_treatment", "treated_within_5_years", "not_sure")


def _yes(answers: Mapping[str, Any], item_id: str) -> bool:
    return answers.get(item_id) is True


def _joined(parts: list[str], _: Translate) -> str:
    """ "a", "a and b", "a, b and c" (the last two joined by the translated "and")."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def cancer_words(answers: Mapping[str, Any], _: Translate) -> str:
    """ "Cancer (treated more than 5 years ago)", or plain "Cancer" without a status."""
    status = answers.get("cancer_status")
    if status in CANCER_STATUS_WORDS:
        return _("cancer (%(status)s)", status=_(CANCER_STATUS_WORDS[status]))
    return _("cancer")


def months_since_at_most_12(surgery: Mapping[str, Any], as_of: date) -> bool:
    """months_min <= 12 for one surgery (evaluation spec: months since a surgery)."""
    year = surgery.get("year")
    if not isinstance(year, int):
        return False
    month = surgery.get("month")
    elapsed = (as_of.year - year) * 12 + as_of.month
    months_min = elapsed - month if isinstance(month, int) else max(0, elapsed - 12)
    return months_min <= 12


def _cauda_equina(answers: Mapping[str, Any], as_of: date | None, _: Translate) -> Worded:
    signs: list[str] = []
    named = set()
    for flag_id, words in (
        ("bladder_bowel_change", N_("new bladder or bowel change")),
        ("saddle_numbness", N_("new saddle numbness")),
        ("sexual_dysfunction_new", N_("new sexual dysfunction")),
        ("both_legs_symptoms", N_("symptoms spread to both legs")),
    ):
        if _yes(answers, flag_id):
            signs.append(_(words))
            named.add(flag_id)
    if _yes(answers, "both_legs_symptoms"):
        if answers.get("leg_weakness") == "getting_worse":
            signs.append(_("leg weakness getting worse"))
            named.add("progressive_weakness")
        if answers.get("walking_limit") == "cannot_walk":
            signs.append(_("cannot walk"))
    onset = answers.get("warning_signs_onset")
    if onset in ONSET_WORDS:
        signs.append(_(ONSET_WORDS[onset]))
    text = _("Possible cauda equina syndrome: %(signs)s", signs=", ".join(signs))
    return text, frozenset(named)


def _cord_compression(answers: Mapping[str, Any], as_of: date | None, _: Translate) -> Worded:
    changes: list[str] = []
    named = {"cancer_history"}
    if answers.get("leg_weakness") == "getting_worse":
        changes.append(_("leg weakness getting worse"))
        named.add("progressive_weakness")
    if _yes(answers, "both_legs_symptoms"):
        changes.append(_("symptoms spread to both legs"))
        named.add("both_legs_symptoms")
    if answers.get("balance_problem") == "getting_worse":
        changes.append(_("balance getting worse"))
    if _yes(answers, "hand_clumsiness"):
        changes.append(_("new hand clumsiness"))
    if answers.get("balance_problem") == "getting_worse" or _yes(answers, "hand_clumsiness"):
        named.add("possible_myelopathy")
    text = _(
        "Possible spinal cord compression from cancer: %(cancer)s, with %(changes)s",
        cancer=cancer_words(answers, _),
        changes=_joined(changes, _),
    )
    return text, frozenset(named)


def _infection(answers: Mapping[str, Any], as_of: date | None, _: Translate) -> Worded:
    factors: list[str] = []
    named = {"fever_chills"}
    for item_id, words in (
        ("immunosuppressed", N_("a weakened immune system")),
        ("iv_drug_use", N_("injected drug use")),
        ("long_term_steroids", N_("long-term steroids")),
        ("prior_spine_infection", N_("an earlier spine infection")),
        ("injection_within_3_months", N_("a spinal injection in the last 3 months")),
        ("weight_loss_unexplained", N_("unexplained weight loss")),
    ):
        if _yes(answers, item_id):
            factors.append(_(words))
            named.add(item_id)
    if answers.get("diabetes") not in (None, "no"):
        factors.append(_("diabetes"))
    if as_of is not None and any(
        months_since_at_most_12(s, as_of) for s in answers.get("surgeries") or []
    ):
        factors.append(_("spine surgery in the last 12 months"))
    text = _(
        "Possible spinal infection: fever, chills or night sweats with %(factors)s",
        factors=_joined(factors, _),
    )
    return text, frozenset(named - {"prior_spine_infection"})


def _cancer_risk(answers: Mapping[str, Any], as_of: date | None, _: Translate) -> Worded:
    signs: list[str] = []
    named = {"cancer_history"}
    if _yes(answers, "weight_loss_unexplained"):
        signs.append(_("unexplained weight loss"))
        named.add("weight_loss_unexplained")
    if answers.get("cancer_status") in _CANCER_RECENT:
        regions = answers.get("pain_regions") or []
        if _yes(answers, "night_pain"):
            signs.append(_("night or rest pain"))
        if "upper_back" in regions:
            signs.append(_("upper back pain"))
        if "neck" in regions:
            signs.append(_("neck pain"))
    text = _(
        "Possible spinal metastasis: %(cancer)s, with %(signs)s",
        cancer=cancer_words(answers, _),
        signs=_joined(signs, _),
    )
    return text, frozenset(named)


def _fracture(
    answers: Mapping[str, Any], as_of: date | None, _: Translate, age: int | None
) -> Worded:
    factors: list[str] = []
    named = {"recent_trauma"}
    diagnoses = answers.get("diagnoses") or []
    if "osteoporosis" in diagnoses:
        factors.append(_("osteoporosis"))
    if "spinal_fracture" in diagnoses:
        factors.append(_("an earlier spinal fracture"))
    if _yes(answers, "long_term_steroids"):
        factors.append(_("long-term steroids"))
        named.add("long_term_steroids")
    if age is not None and age >= 70:
        factors.append(_("age %(age)s", age=age))
    text = _(
        "Possible fracture: a fall or injury just before the pain, with %(factors)s",
        factors=_joined(factors, _),
    )
    return text, frozenset(named)


# Rules whose sentence is fixed: (words, the red flags they name).
_FIXED = {
    "sexual_dysfunction": (
        N_("New sexual dysfunction since the pain began"),
        {"sexual_dysfunction_new"},
    ),
    "progressive_weakness": (N_("Leg weakness getting worse"), {"progressive_weakness"}),
    "both_legs": (N_("Symptoms recently spread to both legs"), {"both_legs_symptoms"}),
    "worsening_balance": (
        N_("Balance getting worse: possible myelopathy"),
        {"possible_myelopathy"},
    ),
    "wound": (
        N_("Surgical wound red, swollen, hot or leaking: possible wound infection"),
        {"wound_problem"},
    ),
}

_WORDED: dict[str, Callable[[Mapping[str, Any], date | None, Translate], Worded]] = {
    "cauda_equina": _cauda_equina,
    "cauda_equina_not_changing": _cauda_equina,
    "cord_compression_cancer": _cord_compression,
    "infection_risk": _infection,
    "cancer_risk": _cancer_risk,
}


def rule_lines(
    rule_ids: list[str],
    answers: Mapping[str, Any],
    *,
    as_of: date | None,
    age: int | None,
    _: Translate,
) -> list[RuleLine]:
    """The banner's sentences for `rule_ids` (a stored `triage_rules`), in their order.

    "red_flags" (the review rule) has no sentence: the banner lists the red flags themselves.
    An id these rules do not know (a later rules version) is shown as it is, made readable.
    """
    lines = []
    for rule_id in rule_ids:
        if rule_id == "red_flags":
            continue
        if rule_id in _FIXED:
            words, flags = _FIXED[rule_id]
            text, named = _(words), frozenset(flags)
        elif rule_id in _WORDED:
            text, named = _WORDED[rule_id](answers, as_of, _)
        elif rule_id == "fracture_risk":
            text, named = _fracture(answers, as_of, _, age)
        else:
            text, named = rule_id.replace("_", " ").capitalize(), frozenset()
        lines.append(RuleLine(rule_id, text, named))
    return lines
