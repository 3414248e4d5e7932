"""What the patient is told about a warning, in their own terms (evaluation.md, "What each
level means").

The evaluation says which triage rules hold (`cauda_equina`, `cord_compression_cancer`, ...);
this module turns them and the patient's own answers into the plain sentences of the emergency
and urgent pages: which signs they ticked, their cancer history, whether the clinic has been
told. The templates only lay the result out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screening.evaluation.catalogue import ACT_NOW_LEVELS
from screening.models import Screening
from screening.questionnaire.model import N_
from screening.services import screenings
from screening.services.alerts import alert_channels_configured
from screening.translations_cache import gettext as _


@dataclass(frozen=True)
class WarningWords:
    """The emergency or urgent message for one patient; `variant` picks the template wording.

    variant: "cauda_equina", "cord_compression_cancer" or "general" (emergency), "urgent".
    signs: the signs or, when urgent, the reasons behind it, in the patient's words.
    """

    level: str
    variant: str
    signs: list[str] = field(default_factory=list)
    cancer: str | None = None
    clinic_told: bool = False


def _yes(answers: Mapping[str, Any], item_id: str) -> bool:
    return answers.get(item_id) is True


def cauda_equina_signs(answers: Mapping[str, Any]) -> list[str]:
    """The cauda equina signs the patient ticked, in their words."""
    signs = []
    if _yes(answers, "bladder_bowel_change"):
        signs.append(_("a new problem passing urine, or with control of your bladder or bowels"))
    if _yes(answers, "saddle_numbness"):
        signs.append(_("new numbness around your genitals, bottom or inner thighs"))
    if _yes(answers, "both_legs_symptoms"):
        signs.append(_("pain, numbness or weakness that has spread to both legs"))
    if _yes(answers, "sexual_dysfunction_new"):
        signs.append(_("new problems with sex"))
    if answers.get("leg_weakness") == "getting_worse":
        signs.append(_("leg weakness that is getting worse"))
    if answers.get("walking_limit") == "cannot_walk":
        signs.append(_("you cannot walk"))
    return signs


def cord_compression_changes(answers: Mapping[str, Any]) -> list[str]:
    """The leg, hand or balance changes that, with a recent cancer, need checking today."""
    changes = []
    if answers.get("leg_weakness") == "getting_worse":
        changes.append(_("leg weakness that is getting worse"))
    if _yes(answers, "both_legs_symptoms"):
        changes.append(_("pain, numbness or weakness that has spread to both legs"))
    if answers.get("balance_problem") == "getting_worse":
        changes.append(_("your balance is getting worse"))
    if _yes(answers, "hand_clumsiness"):
        changes.append(_("your hands are newly clumsy"))
    return changes


# Each urgent rule but cauda_equina_not_changing (which names the signs ticked), in the
# patient's words; the rules that need two answers together say so without listing them.
URGENT_REASONS: dict[str, str] = {
    "sexual_dysfunction": N_("new problems with sex"),
    "progressive_weakness": N_("leg weakness that is getting worse"),
    "both_legs": N_("pain, numbness or weakness that has spread to both legs"),
    "worsening_balance": N_("your balance is getting worse"),
    "infection_risk": N_("fever, chills or night sweats, with a higher risk of infection"),
    "wound": N_("a scar from spine surgery that is red, swollen, hot or leaking"),
    "cancer_risk": N_("cancer, with other signs that need checking"),
    "fracture_risk": N_("a recent fall or injury, with a higher risk of a broken bone"),
}


def urgent_reasons(rules: Iterable[str], answers: Mapping[str, Any]) -> list[str]:
    """What made an answer set urgent, in the patient's words, one line per reason.

    The patient is asked to call the clinic today; knowing which answers matter tells them
    what to say on the phone, and that the call is about these and not their pain in general.
    Follows the urgent rules (evaluation.md) in order; a sign two rules share is said once.
    """
    reasons: list[str] = []
    for rule in rules:
        if rule == "cauda_equina_not_changing":
            reasons.extend(cauda_equina_signs(answers))
        elif rule in URGENT_REASONS:
            reasons.append(_(URGENT_REASONS[rule]))
    return list(dict.fromkeys(reasons))


def cancer_words(answers: Mapping[str, Any]) -> str:
    """Their cancer history as they told it."""
    status = answers.get("cancer_status")
    if status == "active_or_in_treatment":
        return _("you have cancer now, or are being treated for it")
    if status == "treated_within_5_years":
        return _("you were treated for cancer in the last 5 years")
    return _("you have had cancer")


def warning_words(
    level: str | None, rules: Iterable[str], answers: Mapping[str, Any]
) -> WarningWords | None:
    """The message for an emergency or urgent level, or None for review and routine."""
    if level not in ACT_NOW_LEVELS:
        return None
    # The pages say "we are letting the clinic know" only when an alert is really sent.
    told = alert_channels_configured()
    rules = tuple(rules)
    if level == "urgent":
        return WarningWords(level, "urgent", urgent_reasons(rules, answers), clinic_told=told)
    if "cauda_equina" in rules:
        return WarningWords(level, "cauda_equina", cauda_equina_signs(answers), clinic_told=told)
    if "cord_compression_cancer" in rules:
        return WarningWords(
            level,
            "cord_compression_cancer",
            cord_compression_changes(answers),
            cancer=cancer_words(answers),
            clinic_told=told,
        )
    # Rules not given (a version 1 evaluation): the signs ticked, without naming a condition.
    return WarningWords(level, "general", cauda_equina_signs(answers), clinic_told=told)


def words_for(screening: Screening) -> WarningWords | None:
    """The message a screening calls for now (its stored evaluation once it is sent)."""
    return warning_words(
        screenings.current_triage(screening),
        screenings.current_triage_rules(screening),
        screening.answers,
    )


def reports_back_or_leg_pain(answers: Mapping[str, Any]) -> bool:
    """Whether the final page lists the cauda equina signs to watch for."""
    return any(
        isinstance(answers.get(item_id), int) and answers[item_id] > 0
        for item_id in ("back_pain_nrs", "leg_pain_nrs")
    )
