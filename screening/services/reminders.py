"""Invitation reminders: found by the worker's sweep, stopped by the patient's one click.

An invited patient with an email who has not sent is reminded at each of REMINDER_DAYS_BEFORE
days before the appointment, counted in the clinic's calendar (CLINIC_TIMEZONE, so a
daylight-saving change moves nothing), from REMINDER_HOUR clinic time, at most one email a day
(the invitation counts). None after sending, revoking, expiry, a DOB lock or "stop reminders".
The sweep decides; the outbox delivers; the dedupe key makes each reminder happen once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from screening.extensions import db
from screening.models import Screening
from screening.outbox import cancel, register_sweep
from screening.services import audit
from screening.services.invitation_messages import (
    clinic_zone,
    queue_patient_email,
    render_invitation_email,
    scrub_delivered_emails,
)
from screening.services.screenings import DONE_STATUSES, OPEN_STATUSES

WORKER_ACTOR = "worker"
PATIENT_ACTOR = "patient"


def reminder_days() -> tuple[int, ...]:
    """REMINDER_DAYS_BEFORE (config checks it: whole days, 0 to 60), largest first."""
    return tuple(sorted(set(current_app.config.get("REMINDER_DAYS_BEFORE", (3, 1))), reverse=True))


def _reminder_candidates(now: datetime, latest_day: int) -> Iterable[Screening]:
    return db.session.scalars(
        select(Screening).where(
            Screening.status.in_(OPEN_STATUSES),
            Screening.invited_email.is_not(None),
            Screening.link_seed.is_not(None),
            Screening.reminders_stopped_at.is_(None),
            Screening.revoked_at.is_(None),
            Screening.locked_at.is_(None),
            Screening.expires_at > now,
            Screening.appointment_at > now,
            Screening.appointment_at <= now + timedelta(days=latest_day + 1),
        )
    )


def due_reminder(screening: Screening, now: datetime, days: tuple[int, ...]) -> int | None:
    """How many days before the appointment today's reminder is, or None if none is due.

    Counted in clinic calendar days (CLINIC_TIMEZONE), so a daylight-saving change between
    now and the appointment moves nothing; sent from REMINDER_HOUR clinic time; at most one
    email a day, counting the invitation itself.
    """
    assert screening.appointment_at is not None
    zone = clinic_zone()
    local_now = now.astimezone(zone)
    days_left = (screening.appointment_at.astimezone(zone).date() - local_now.date()).days
    if days_left not in days:
        return None
    if local_now.hour < int(current_app.config.get("REMINDER_HOUR", 9)):
        return None
    last = screening.last_emailed_at
    if last is not None and last.astimezone(zone).date() == local_now.date():
        return None
    return days_left


@register_sweep
def send_due_reminders(now: datetime | None = None) -> int:
    """The worker's sweep: queue every reminder due now (one commit); returns how many.

    The dedupe key names the screening, the appointment day and the reminder, so a sweep run
    twice (two workers, a crash and restart) never sends the same reminder twice; a
    rescheduled appointment gets its own reminders. Also forgets seeds no longer needed.
    """
    now = now or datetime.now(UTC)
    days = reminder_days()
    count = 0
    secret_key = current_app.config["SECRET_KEY"]
    if days:
        for screening in list(_reminder_candidates(now, max(days))):
            days_left = due_reminder(screening, now, days)
            if days_left is None:
                continue
            assert screening.appointment_at is not None and screening.invited_email
            day = screening.appointment_at.astimezone(clinic_zone()).date()
            email = render_invitation_email(screening, secret_key, reminder_days=days_left)
            key = f"reminder:{screening.public_id}:{day.isoformat()}:{days_left}"
            if not queue_patient_email(screening, email, kind="reminder", dedupe_key=key, now=now):
                continue
            audit.record(
                "send_reminder",
                actor=WORKER_ACTOR,
                screening_public_id=screening.public_id,
                detail=f"reminder queued, {days_left} days before the appointment",
            )
            count += 1
    forget_unusable_links(now)
    scrub_delivered_emails()
    db.session.commit()
    return count


def forget_unusable_links(now: datetime) -> int:
    """Drop the seed of links that can no longer be used (sent, revoked or expired); does
    not commit. After this the link exists nowhere, not even derivably."""
    result = db.session.execute(
        update(Screening)
        .where(
            Screening.link_seed.is_not(None),
            Screening.status.in_(DONE_STATUSES)
            | Screening.revoked_at.is_not(None)
            | (Screening.expires_at <= now),
        )
        .values(link_seed=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def stop_reminders(screening: Screening, *, ip: str | None = None) -> bool:
    """The patient's one click: no more reminders (audited). False when already stopped."""
    if screening.reminders_stopped_at is not None:
        return False
    screening.reminders_stopped_at = datetime.now(UTC)
    cancel(kind="reminder", screening_id=screening.id)
    audit.record(
        "stop_reminders", actor=PATIENT_ACTOR, screening_public_id=screening.public_id, ip=ip
    )
    db.session.commit()
    return True
