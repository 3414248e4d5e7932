"""The audit trail: who did what, when, from which address, to which screening.

Append-only by construction: this module only adds rows, no code path updates or deletes them,
and the ORM refuses if one ever tries (the listeners below). Rows never hold answer contents:
`detail` is for short operational facts ("note added", "role clinician"), not clinical text.

`record` adds the row to the caller's transaction, so an action and its audit row commit
together (or not at all); read-only views, which have nothing else to commit, use
`record_and_commit`.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, event, func, select

from screening.extensions import db
from screening.models import AuditEvent
from screening.questionnaire.text_input import printable_only

# Every action the app records; the audit page offers them as a filter.
ACTIONS: tuple[str, ...] = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "view_screening",
    "download_pdf",
    "export",
    "review",
    "acknowledge_flags",
    "create_invitation",
    "revoke_invitation",
    "reissue_invitation",
    # branch invites (issue 13)
    "edit_invitation",
    "email_invitation",
    "send_reminder",
    "stop_reminders",
    "view_invitation_letter",
    "create_user",
    "deactivate_user",
    "reactivate_user",
    "view_audit",
    # branch fhir: the FHIR API and its clients.
    "fhir_read",
    "create_api_token",
    "revoke_api_token",
)

DETAIL_MAX = 500


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly("audit events are never changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly("audit events are never deleted")


def record(
    action: str,
    *,
    actor: str | None,
    screening_public_id: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
) -> None:
    """Add an audit row to the current transaction; the calling service commits it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.session.add(
        AuditEvent(
            at=datetime.now(UTC),
            actor=printable_only(actor, 254) if actor else None,
            action=action,
            screening_public_id=screening_public_id,
            # Addresses may come from proxy headers: printable characters only (no NUL).
            ip=printable_only(ip, 64) if ip else None,
            detail=printable_only(detail, DETAIL_MAX) if detail else None,
        )
    )


def record_and_commit(
    action: str,
    *,
    actor: str | None,
    screening_public_id: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
) -> None:
    """Record an action that changes nothing else (viewing, downloading) and commit it."""
    record(action, actor=actor, screening_public_id=screening_public_id, ip=ip, detail=detail)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilter:
    """What the admin page and the command narrow the trail by; None means no limit."""

    actor: str | None = None
    action: str | None = None
    screening_public_id: str | None = None
    since: date | None = None
    until: date | None = None
    # The calendar `since` and `until` are days of: the admin page shows times in the clinic's
    # zone, so its day filters are the clinic's days too (the command's stay UTC, as it prints).
    zone: tzinfo = UTC


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _filtered(criteria: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if criteria.actor:
        query = query.where(AuditEvent.actor == criteria.actor.strip().lower())
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.screening_public_id:
        query = query.where(AuditEvent.screening_public_id == criteria.screening_public_id.strip())
    if criteria.since:
        query = query.where(AuditEvent.at >= _start_of(criteria.since, criteria.zone))
    if criteria.until:
        following = criteria.until + timedelta(days=1)
        query = query.where(AuditEvent.at < _start_of(following, criteria.zone))
    return query


def page_of_events(
    criteria: AuditFilter, *, page: int, per_page: int
) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and how many match in all."""
    query = _filtered(criteria)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(events), total


def iter_events(since: date | None = None) -> Generator[AuditEvent, None, None]:
    """Every event from `since` (UTC day) on, oldest first, streamed in batches."""
    query = _filtered(AuditFilter(since=since)).order_by(AuditEvent.at, AuditEvent.id)
    # Closed however the reader stops (`| head`): on PostgreSQL it is a server-side cursor.
    with db.session.scalars(query.execution_options(yield_per=500)) as events:
        yield from events


def as_json_line(event_row: AuditEvent) -> dict[str, str | None]:
    """The export shape: exactly `at` (ISO 8601 UTC), `actor`, `action`, `screening_id`, `ip`."""
    return {
        "at": event_row.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "actor": event_row.actor,
        "action": event_row.action,
        "screening_id": event_row.screening_public_id,
        "ip": event_row.ip,
    }


# -- branch security (issue 16): appended here, not inside ACTIONS, so merges stay quiet ------

ACTIONS = (
    *ACTIONS,
    "patient_acknowledged_warning",
    "change_password",
    "reset_password",
    "enable_two_factor",
    "disable_two_factor",
    "new_recovery_codes",
    "sign_in_second_step_failed",
    "purge",
    "view_queue",
    "access_refused",
    "open_patient_link",
    "export_audit",
    "rerender_summary",
    # A right temporary password refused because it was issued TEMPORARY_PASSWORD_DAYS ago.
    "temporary_password_expired",
    # The edit-invitation page: it shows the patient's phone and email.
    "view_invitation_edit",
    # A date of birth typed at a patient's link that did not match (or locked the link).
    "patient_date_of_birth_refused",
)

# What admins read instead of clinical action names: a patient's red flags must not be learnt
# from the audit view (an emergency acknowledgement happens only when there was one).
NEUTRAL_NAMES: dict[str, str] = {
    "review": "clinical_action",
    "acknowledge_flags": "clinical_action",
    "patient_acknowledged_warning": "patient_activity",
    "open_patient_link": "patient_activity",
    "patient_date_of_birth_refused": "patient_activity",
}


def shown_action(action: str, *, clinical_reader: bool) -> str:
    """The action's name as this reader may see it (clinicians: the real one)."""
    return action if clinical_reader else NEUTRAL_NAMES.get(action, action)


def shown_detail(action: str, detail: str | None, *, clinical_reader: bool) -> str | None:
    """The detail as this reader may see it: none for an action shown under a neutral name,
    whose detail would tell what the name hides (an acknowledgement's outcome, "sent_to_ed",
    is only recorded for red flags; the emergency page's "I understand" lacks "by link")."""
    if clinical_reader or action not in NEUTRAL_NAMES:
        return detail
    return None


# Account changes the Users page shows every admin (who made or changed which account).
ACCOUNT_ACTIONS: tuple[str, ...] = (
    "create_user",
    "reset_password",
    "temporary_password_expired",
    "change_password",
    "deactivate_user",
    "reactivate_user",
    "enable_two_factor",
    "disable_two_factor",
)


# -- role change (the Users page): its own lines, so merges with the lists above stay quiet --
# Detail: "email from clinician to front_desk" (the old and the new role, nothing secret).
ACTIONS = (*ACTIONS, "change_role")
ACCOUNT_ACTIONS = (*ACCOUNT_ACTIONS, "change_role")


# -- a role change's hand-over: one row per open invitation given to another clinician --
# Detail: "from old@clinic to new@clinic, with a role change" (no patient detail).
ACTIONS = (*ACTIONS, "hand_over_invitation")


# -- the FHIR token throttle: its own lines, as above --------------------------------------
# One row per address and window once refused tokens are held (actor "api:throttled").
ACTIONS = (*ACTIONS, "fhir_token_throttled")


def recent_account_changes(limit: int = 20) -> list[AuditEvent]:
    """The latest account changes, newest first, so one admin's doings are seen by the others."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(ACCOUNT_ACTIONS))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
