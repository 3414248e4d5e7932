"""The red-flag loop on the clinic's side: provisional triage, the save log, what was done.

From the warning-signs step on, every save stores the screening's provisional triage (level,
triage rules, red flags) in the same transaction as the answers, and logs the save. When the
screening first reaches emergency or urgent, or rises from urgent to emergency, an alert is
queued in that same transaction (services/alerts.py), so a patient who saves a warning sign and
leaves is known to the clinic within seconds, without sending the form.

A clinician closes the loop by recording what was done (a call and its outcome, a referral to
the emergency department); the first record acknowledges the red flags, later ones are kept
beside it. A flagged screening cannot be marked reviewed before that.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from screening import outbox
from screening.evaluation import RULES_VERSION
from screening.evaluation.catalogue import (
    ACT_NOW_LEVELS,
    RED_FLAGS,
    TRIAGE_RANK,
    TRIAGE_RULE_TITLES,
)
from screening.evaluation.withdrawn import withdrawn
from screening.extensions import db
from screening.models import (
    OutboxMessage,
    RedFlagAction,
    RedFlagOutcome,
    Screening,
    ScreeningSave,
    ScreeningStatus,
    StaffUser,
)
from screening.questionnaire import QUESTIONNAIRE
from screening.services import alerts, audit

WARNING_STEP = "warning_signs"
OUTCOME_LABELS: dict[str, Any] = {
    RedFlagOutcome.CALLED_REACHED.value: _l("Called: reached the patient"),
    RedFlagOutcome.CALLED_NO_ANSWER.value: _l("Called: no answer"),
    RedFlagOutcome.CALLED_LEFT_MESSAGE.value: _l("Called: left a message"),
    RedFlagOutcome.SENT_TO_ED.value: _l("Sent to the emergency department"),
    RedFlagOutcome.OTHER.value: _l("Other (say what in the note)"),
}
SAFETY_WINDOW_DAYS = 30


class RedFlagError(ValueError):
    """The action does not apply; the message says why, in words for the clinician."""


def is_act_now(level: str | None) -> bool:
    return level in ACT_NOW_LEVELS


def is_flagged(screening: Screening) -> bool:
    """Emergency or urgent now, or at any time before (a warning answered and then changed
    still needs a clinician to look)."""
    return is_act_now(screening.triage) or is_act_now(screening.highest_triage)


def needs_acknowledgement(screening: Screening) -> bool:
    return is_flagged(screening) and screening.flags_acknowledged_at is None


def callback_needed(screening: Screening) -> bool:
    """What the front desk sees (without the reason): put this patient through to a clinician."""
    return is_flagged(screening) and screening.status != ScreeningStatus.REVIEWED.value


def flagged_level(screening: Screening) -> str | None:
    """The level the red-flag loop acts on: the higher of now and the highest reached."""
    levels = [lvl for lvl in (screening.triage, screening.highest_triage) if is_act_now(lvl)]
    return min(levels, key=TRIAGE_RANK.__getitem__) if levels else None


# -- on every save ---------------------------------------------------------------------------


def record_save(
    screening: Screening,
    section_id: str,
    assessment: Any | None,
    now: datetime,
) -> dict[str, Any]:
    """Log one save and work out its provisional triage, in the caller's transaction.

    `assessment` is the core's TriageResult of the saved answers, or None before the
    warning-signs step has been answered (nothing to triage yet). Returns the screening
    columns the triage changes (empty when there is nothing to triage): the caller writes them
    in the same UPDATE as the answers, so a save is one UPDATE, and an alert the rise calls for
    is already queued in the same transaction.
    """
    # A table-level INSERT, built once: nothing reads the row back in this request.
    db.session.execute(
        _LOG_SAVE,
        {
            "screening_id": screening.id,
            "section_id": section_id,
            "saved_at": now,
            "triage": assessment.triage if assessment is not None else None,
        },
    )
    if assessment is None:
        return {}
    values, alert_due = triage_values(
        screening,
        level=assessment.triage,
        triage_rules=getattr(assessment, "triage_rules", ()),
        red_flags=assessment.red_flags,
        now=now,
    )
    if alert_due:
        alerts.queue_alert(screening, assessment.triage, now)
    return values


_LOG_SAVE = ScreeningSave.__table__.insert()


def triage_values(
    screening: Screening,
    *,
    level: str,
    triage_rules: Iterable[Any],
    red_flags: Iterable[str],
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """The columns that store this triage (keeping the highest level reached), and whether it
    is a rise to an act-now level, which the clinic must be alerted to.

    `screening` must hold the stored row as of this transaction (the callers refresh it
    under a row lock).
    """
    rank = TRIAGE_RANK[level]
    rule_ids = [getattr(rule, "id", rule) for rule in triage_rules]
    flags = list(red_flags)
    values: dict[str, Any] = {
        "triage": level,
        "triage_rank": rank,
        "triage_rules_json": json.dumps(rule_ids),
        "red_flags_json": json.dumps(flags),
        "triage_assessed_at": now,
        "rules_version": RULES_VERSION,
    }
    highest_rank = screening.highest_triage_rank
    rises = highest_rank is None or rank < highest_rank
    if rises:
        values.update(
            highest_triage=level,
            highest_triage_rank=rank,
            highest_triage_at=now,
            highest_triage_rules_json=values["triage_rules_json"],
            highest_red_flags_json=values["red_flags_json"],
        )
    elif rank == highest_rank:
        # The same level again, perhaps for other answers: keep everything that held at it.
        values.update(
            highest_triage_rules_json=_together(screening.highest_triage_rules_json, rule_ids),
            highest_red_flags_json=_together(screening.highest_red_flags_json, flags),
        )
    alert_due = rises and is_act_now(level)
    if alert_due:
        if screening.warning_saved_at is None:
            values["warning_saved_at"] = now
        if is_act_now(screening.highest_triage):
            # Urgent became emergency: a new level needs its own acknowledgement and may be
            # escalated again.
            values.update(
                flags_acknowledged_at=None, flags_acknowledged_by_id=None, escalated_at=None
            )
    return values, alert_due


def _together(stored: str | None, now: Iterable[str]) -> str:
    """The ids stored before and those holding now, in first-seen order, as JSON."""
    return json.dumps(list(dict.fromkeys([*json.loads(stored or "[]"), *now])))


def record_triage(
    screening: Screening,
    *,
    level: str,
    triage_rules: Iterable[Any],
    red_flags: Iterable[str],
    now: datetime,
) -> None:
    """Store the current triage, keep the highest level reached, queue an alert on a rise.

    `screening` must hold the stored row as of this transaction (the callers refresh it
    under a row lock). No commit.
    """
    values, alert_due = triage_values(
        screening, level=level, triage_rules=triage_rules, red_flags=red_flags, now=now
    )
    db.session.execute(
        update(Screening)
        .where(Screening.id == screening.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if alert_due:
        alerts.queue_alert(screening, level, now)


# -- what the clinician sees -----------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str
    # A red flag holds on this answer: shown first and marked.
    flag: bool = False


@dataclass(frozen=True)
class AlertLine:
    """One outbox message about this screening, as the detail page lists it."""

    written_at: datetime
    kind: str
    channel: str
    recipient: str
    state: str  # delivered, retrying, waiting, failed, cancelled
    attempts: int
    delivered_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ActionLine:
    at: datetime
    by: str
    level: str
    outcome: str
    note: str | None


@dataclass(frozen=True)
class TakenBack:
    """A warning the patient's answers no longer give: what it was, so the clinician who must
    still acknowledge it can see why (the answers shown are today's)."""

    level: str
    at: datetime | None
    # In the clinician's words; None for a screening flagged before they were kept.
    rules: list[str] | None
    red_flags: list[str] | None
    level_now: str | None


def taken_back(screening: Screening) -> TakenBack | None:
    """The highest warning reached, when the answers no longer give all of it (the level fell,
    or an answer that gave it was withdrawn while another still gives the same level), with
    what was withdrawn; else None. Decided as the summary decides it (evaluation.withdrawn)."""

    def kept(column: str | None) -> list[str] | None:
        return None if column is None else list(json.loads(column))

    taken = withdrawn(
        screening.highest_triage,
        kept(screening.highest_triage_rules_json),
        kept(screening.highest_red_flags_json),
        screening.triage,
        json.loads(screening.triage_rules_json or "[]"),
        json.loads(screening.red_flags_json or "[]"),
    )
    if taken is None:
        return None
    return TakenBack(
        level=str(screening.highest_triage),
        at=screening.highest_triage_at,
        rules=[_(TRIAGE_RULE_TITLES.get(rule, rule)) for rule in taken.rules]
        if taken.known
        else None,
        red_flags=[_(RED_FLAGS.get(flag, flag)) for flag in taken.red_flags]
        if taken.known
        else None,
        level_now=screening.triage,
    )


@dataclass(frozen=True)
class RedFlagPanel:
    """What a clinician needs to act on a warning, for a submitted or unfinished screening."""

    level: str | None
    reference: str
    warning_saved_at: datetime | None
    highest_triage_at: datetime | None
    acknowledged: bool
    phones: list[tuple[str, str]]
    warning_answers: list[AnswerLine]
    taken_back: TakenBack | None
    saves: list[tuple[datetime, str, str | None]]
    alerts: list[AlertLine]
    actions: list[ActionLine]


def _answer_text(item: Any, value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_(item.code_label(v)) for v in value)
    if item.codes:
        return _(item.code_label(value))
    return str(value)


def warning_answers(answers: Mapping[str, Any], flags: Iterable[str] = ()) -> list[AnswerLine]:
    """The warning-signs step's answers in the questionnaire's words, red flags first."""
    section = QUESTIONNAIRE.section(WARNING_STEP)
    flagged = set(flags)
    lines = [
        AnswerLine(
            _(item.label or item.question),
            _answer_text(item, answers[item.id]),
            flag=item.id in flagged,
        )
        for item in section.items
        if item.id in answers
    ]
    return sorted(lines, key=lambda line: not line.flag)


def phone_numbers(screening: Screening) -> list[tuple[str, str]]:
    """Where to call the patient: their own answer first, then the invitation's number."""
    found: list[tuple[str, str]] = []
    answered = screening.answers.get("phone")
    if answered:
        found.append((_("Given by the patient"), str(answered)))
    invited = getattr(screening, "invited_phone", None)
    if invited and invited != answered:
        found.append((_("From the invitation"), str(invited)))
    return found


def _alert_state(message: OutboxMessage) -> str:
    if message.status == "sent":
        return "delivered"
    if message.status == "pending" and message.attempts > 0:
        return "retrying"
    if message.status in ("pending", "sending"):
        return "waiting"
    return message.status


def _section_title(section_id: str) -> str:
    try:
        return _(QUESTIONNAIRE.section(section_id).title)
    except KeyError:
        return section_id


def panel(screening: Screening) -> RedFlagPanel:
    """The red-flag panel of the detail page: answers, phone, saves, alerts, actions."""
    saves = db.session.execute(
        select(ScreeningSave.saved_at, ScreeningSave.section_id, ScreeningSave.triage)
        .where(ScreeningSave.screening_id == screening.id)
        .order_by(ScreeningSave.saved_at.desc(), ScreeningSave.id.desc())
    ).all()
    actions = db.session.execute(
        select(RedFlagAction, func.coalesce(StaffUser.display_name, StaffUser.email))
        .join(StaffUser, StaffUser.id == RedFlagAction.by_id)
        .where(RedFlagAction.screening_id == screening.id)
        .order_by(RedFlagAction.at, RedFlagAction.id)
    ).all()
    return RedFlagPanel(
        level=flagged_level(screening),
        reference=alerts.alert_reference(screening.public_id),
        warning_saved_at=screening.warning_saved_at,
        highest_triage_at=screening.highest_triage_at,
        acknowledged=screening.flags_acknowledged_at is not None,
        phones=phone_numbers(screening),
        warning_answers=warning_answers(
            screening.answers, json.loads(screening.red_flags_json or "[]")
        ),
        taken_back=taken_back(screening),
        saves=[(at, _section_title(section), level) for at, section, level in saves],
        alerts=[
            AlertLine(
                written_at=message.created_at,
                kind=message.kind,
                channel=message.channel,
                recipient=message.recipient if message.channel == "email" else "",
                state=_alert_state(message),
                attempts=message.attempts,
                delivered_at=message.sent_at,
                last_error=message.last_error,
            )
            for message in outbox.messages_for(screening.id, alerts.ALERT_KINDS)
        ],
        actions=[
            ActionLine(
                at=action.at,
                by=name,
                level=action.level,
                outcome=str(OUTCOME_LABELS.get(action.outcome, action.outcome)),
                note=action.note,
            )
            for action, name in actions
        ],
    )


# -- closing the loop ------------------------------------------------------------------------


def record_action(
    screening: Screening,
    *,
    clinician: StaffUser,
    outcome: str,
    note: str | None,
    seen_level: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> RedFlagAction:
    """Keep what a clinician did about the red flags; the first record acknowledges them.

    `seen_level` is the level the clinician's page showed. When the patient's answers changed
    it since (urgent became emergency while the clinician was on the phone), nothing is
    recorded: a record would acknowledge a level nobody has read, and its escalation would
    never go out. Audited (the outcome, never the note).
    """
    level = flagged_level(screening)
    if level is None:
        raise RedFlagError(_("Only emergency or urgent screenings need this."))
    if seen_level != level:
        raise RedFlagError(
            _(
                "Nothing was recorded: the patient's answers changed after you opened this "
                "page, and it is now %(level)s. Read the red flags again, then record what "
                "was done.",
                level=level.upper(),
            )
        )
    if outcome not in OUTCOME_LABELS:
        raise RedFlagError(_("Choose what was done."))
    note = (note or "").strip() or None
    if outcome == RedFlagOutcome.OTHER.value and not note:
        raise RedFlagError(_("Say in the note what was done."))
    now = now or datetime.now(UTC)
    action = RedFlagAction(
        screening_id=screening.id,
        at=now,
        by_id=clinician.id,
        level=level,
        outcome=outcome,
        note=note,
    )
    db.session.add(action)
    if screening.flags_acknowledged_at is None:
        screening.flags_acknowledged_at = now
        screening.flags_acknowledged_by_id = clinician.id
    audit.record(
        "acknowledge_flags",
        actor=clinician.email,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=outcome,
    )
    db.session.commit()
    return action


# -- the clinical lead's safety figure -------------------------------------------------------


@dataclass(frozen=True)
class SafetyFigure:
    """Time from a warning being saved to the first record of what was done (30 days)."""

    days: int
    acknowledged: int
    waiting: int
    median: timedelta | None
    longest: timedelta | None


def safety_figure(now: datetime, days: int = SAFETY_WINDOW_DAYS) -> SafetyFigure:
    """Median and longest warning-to-acknowledgement time over warnings saved in `days`.

    Still-unacknowledged warnings are counted apart (`waiting`), not hidden in the median.
    """
    since = now - timedelta(days=days)
    first_action = (
        select(RedFlagAction.screening_id, func.min(RedFlagAction.at).label("first_at"))
        .group_by(RedFlagAction.screening_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Screening.warning_saved_at, first_action.c.first_at)
        .outerjoin(first_action, first_action.c.screening_id == Screening.id)
        .where(Screening.warning_saved_at >= since)
    ).all()
    seconds = [
        max((first_at - saved_at).total_seconds(), 0.0)
        for saved_at, first_at in rows
        if first_at is not None
    ]
    waiting = sum(1 for _saved, first_at in rows if first_at is None)
    return SafetyFigure(
        days=days,
        acknowledged=len(seconds),
        waiting=waiting,
        median=timedelta(seconds=statistics.median(seconds)) if seconds else None,
        longest=timedelta(seconds=max(seconds)) if seconds else None,
    )
