"""Red-flag alerts and their escalation, written to the outbox (delivered by the worker).

An alert says only what a page must say: the level, when the warning was saved, the clinic and
a staff link to the screening (which needs a sign-in). No name, date of birth, answers or
clinical reason: the email crosses mail servers and the webhook lands in a chat or paging
system, neither of which is the place for patient data.

Each alert is queued once per screening, level, channel and address (the outbox's dedupe key);
`escalate_unacknowledged`, a worker sweep, queues one escalation when an emergency is not
acknowledged by a clinician within ALERT_ESCALATE_MINUTES.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from screening import outbox
from screening.evaluation.catalogue import TRIAGE_RANK
from screening.extensions import db
from screening.models import Screening, ScreeningStatus
from screening.public_links import public_url

ALERT = "red_flag_alert"
ESCALATION = "escalation"
ALERT_KINDS: tuple[str, ...] = (ALERT, ESCALATION)
# Levels escalated when nobody acknowledges them in time (an urgent case is for today).
ESCALATED_LEVELS: tuple[str, ...] = ("emergency",)
ESCALATION_BATCH = 100


def alert_channels_configured() -> bool:
    """Whether anyone is told automatically (the patient's pages say so only when true)."""
    config = current_app.config
    return bool(
        (config.get("ALERT_EMAIL_TO") or "").strip()
        or (config.get("ALERT_WEBHOOK_URL") or "").strip()
    )


def staff_link(public_id: str) -> str:
    """The absolute staff URL of a screening, from PUBLIC_BASE_URL (the worker has no request)."""
    return public_url("staff.screening_detail", public_id=public_id)


def alert_reference(public_id: str) -> str:
    """A short code that tells one screening's alerts from another's ("K3F9QA").

    Two patients' alerts saved in the same minute would otherwise share a subject, and mail
    programs thread messages by subject: the on-call clinician could take the second alert for
    the first. Derived from the screening's id, so the alert, its escalation and the screening
    page all show the same code. Six characters of a hash in base 32 (capitals and 2-7, so no
    0 or 1 to take for O or I): it reads aloud over a phone and reveals nothing.
    """
    digest = hashlib.sha256(public_id.encode()).digest()
    return base64.b32encode(digest).decode()[:6]


def _addresses(value: str | None) -> list[str]:
    """One or more addresses, comma-separated."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass(frozen=True)
class AlertFacts:
    """Everything an alert says: deliberately nothing about the patient."""

    kind: str
    level: str
    public_id: str
    reference: str
    saved_at: datetime
    submitted: bool
    clinic: str
    link: str
    escalate_minutes: int


def _facts(screening: Screening, level: str, saved_at: datetime, kind: str) -> AlertFacts:
    config = current_app.config
    return AlertFacts(
        kind=kind,
        level=level,
        public_id=screening.public_id,
        reference=alert_reference(screening.public_id),
        saved_at=saved_at,
        submitted=screening.status
        in (ScreeningStatus.SUBMITTED.value, ScreeningStatus.REVIEWED.value),
        clinic=str(config.get("CLINIC_NAME") or ""),
        link=staff_link(screening.public_id),
        escalate_minutes=int(config.get("ALERT_ESCALATE_MINUTES") or 0),
    )


def _local_time(moment: datetime) -> str:
    zone_name = current_app.config.get("CLINIC_TIMEZONE") or "UTC"
    local = moment.astimezone(ZoneInfo(zone_name))
    return _(
        "%(time)s on %(day)s (%(zone)s)",
        time=f"{local:%H:%M}",
        day=f"{local:%a %d %b %Y}",
        zone=zone_name,
    )


def _subject_time(moment: datetime) -> str:
    """When the warning was saved, short enough for a subject line ("03:12 Tue 01 Dec", clinic
    time): with the day, so that alerts saved at the same clock time on different days do not
    share a subject (mail programs thread messages by subject)."""
    zone_name = current_app.config.get("CLINIC_TIMEZONE") or "UTC"
    return f"{moment.astimezone(ZoneInfo(zone_name)):%H:%M %a %d %b}"


def _level_words(level: str) -> tuple[str, str]:
    """(the level in capitals for the subject, what it means in one line)."""
    if level == "emergency":
        return _("EMERGENCY"), _(
            "A patient's screening answers show a possible emergency. Call the patient now."
        )
    return _("URGENT"), _(
        "A patient's screening answers show a warning sign. Call the patient today."
    )


def compose_email(facts: AlertFacts) -> tuple[str, str]:
    """(subject, text) of an alert email, in the clinic's default language.

    Written for someone woken at 3 a.m.: what, when, what to do, where; the first line says it.
    """
    level_word, meaning = _level_words(facts.level)
    if facts.kind == ESCALATION:
        subject = _(
            "NOT ACKNOWLEDGED: %(level)s red flag at %(clinic)s (saved %(time)s, ref %(ref)s)",
            level=level_word,
            clinic=facts.clinic,
            time=_subject_time(facts.saved_at),
            ref=facts.reference,
        )
        opening = _(
            "Nobody has recorded what was done about this %(level)s alert yet.",
            level=level_word,
        )
    else:
        subject = _(
            "%(level)s red flag at %(clinic)s (saved %(time)s, ref %(ref)s)",
            level=level_word,
            clinic=facts.clinic,
            time=_subject_time(facts.saved_at),
            ref=facts.reference,
        )
        opening = meaning
    form_state = (
        _("sent by the patient")
        if facts.submitted
        else _(
            "NOT SENT YET: the patient answered the warning-sign questions but has not sent "
            "the form (they may have left it)"
        )
    )
    lines = [
        opening,
        "",
        _("Level: %(level)s", level=level_word),
        _("Warning saved: %(when)s", when=_local_time(facts.saved_at)),
        _("Form: %(state)s", state=form_state),
        _("Clinic: %(clinic)s", clinic=facts.clinic),
        _("Reference: %(ref)s (also on the screening page)", ref=facts.reference),
        "",
        _(
            "1. Open the screening (staff sign-in needed). It shows the warning-sign answers and "
            "the patient's phone number:"
        ),
        "   " + facts.link,
        _("2. Call the patient."),
        _('3. On that page, record what was done ("Record what was done").'),
        "",
    ]
    if facts.kind == ALERT and facts.level in ESCALATED_LEVELS and facts.escalate_minutes:
        lines.append(
            _(
                "If nothing is recorded within %(minutes)s minutes, this alert is sent again "
                "to the escalation contact.",
                minutes=facts.escalate_minutes,
            )
        )
    lines.append(_("This message leaves out patient details on purpose."))
    return subject, "\n".join(lines) + "\n"


def webhook_payload(facts: AlertFacts) -> dict[str, Any]:
    """The JSON a paging or chat system receives; `text` suits chat webhooks as it is."""
    subject, _text = compose_email(facts)
    return {
        "event": facts.kind,
        "escalation": facts.kind == ESCALATION,
        "level": facts.level,
        "saved_at": facts.saved_at.isoformat(timespec="seconds"),
        "submitted": facts.submitted,
        "clinic": facts.clinic,
        "screening": facts.public_id,
        "reference": facts.reference,
        "url": facts.link,
        "text": f"{subject}: {facts.link}",
    }


def queue_alert(screening: Screening, level: str, saved_at: datetime, *, kind: str = ALERT) -> int:
    """Queue an alert (or an escalation) through every configured channel; no commit.

    Returns how many messages were queued (0 when none is configured or all were queued
    before).
    """
    config = current_app.config
    with force_locale(config.get("BABEL_DEFAULT_LOCALE") or "en"):
        facts = _facts(screening, level, saved_at, kind)
        subject, text = compose_email(facts)
        payload = webhook_payload(facts)
    if kind == ESCALATION:
        recipients = _addresses(config.get("ALERT_ESCALATION_EMAIL_TO")) or _addresses(
            config.get("ALERT_EMAIL_TO")
        )
    else:
        recipients = _addresses(config.get("ALERT_EMAIL_TO"))
    queued = 0
    key = f"{kind}:{screening.public_id}:{level}"
    for address in recipients:
        message = outbox.enqueue_email(
            kind=kind,
            to=address,
            subject=subject,
            text=text,
            dedupe_key=f"{key}:email:{address.lower()}"[:255],
            screening_id=screening.id,
            headers={"Importance": "high", "X-Priority": "1"},
        )
        queued += message is not None
    if config.get("ALERT_WEBHOOK_URL"):
        message = outbox.enqueue_webhook(
            kind=kind, payload=payload, dedupe_key=f"{key}:webhook", screening_id=screening.id
        )
        queued += message is not None
    return queued


@outbox.register_sweep
def escalate_unacknowledged(now: datetime) -> int:
    """Alert again about each emergency no clinician has acknowledged within the set minutes.

    Once per level: `escalated_at` is set here and cleared only when the level rises.
    ALERT_ESCALATE_MINUTES = 0 turns escalation off.
    """
    minutes = int(current_app.config.get("ALERT_ESCALATE_MINUTES") or 0)
    if minutes <= 0:
        return 0
    cutoff = now - timedelta(minutes=minutes)
    due = db.session.scalars(
        select(Screening)
        .where(
            # The rank, not the name: it is indexed, and this runs every worker cycle.
            Screening.highest_triage_rank.in_([TRIAGE_RANK[level] for level in ESCALATED_LEVELS]),
            Screening.flags_acknowledged_at.is_(None),
            Screening.escalated_at.is_(None),
            Screening.highest_triage_at <= cutoff,
            Screening.status != ScreeningStatus.REVIEWED.value,
        )
        .order_by(Screening.highest_triage_at)
        .limit(ESCALATION_BATCH)
    ).all()
    queued = 0
    for screening in due:
        level = screening.highest_triage or "emergency"
        saved_at = screening.highest_triage_at or now
        queued += queue_alert(screening, level, saved_at, kind=ESCALATION)
        screening.escalated_at = now
    return queued
