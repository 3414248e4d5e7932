"""The outbox: messages written in the same transaction as the change that causes them.

A service that must tell someone something (a red-flag alert, an invitation email) calls
`enqueue_email` or `enqueue_webhook` before its own commit; nothing here commits and nothing is
sent during the request. `screening worker` (screening/outbox/worker.py) delivers the rows
afterwards, with retries, so a message is never lost to a crash between "saved" and "sent".

Each message has a `dedupe_key` (for example ``red_flag_alert:<screening>:emergency:email``):
enqueueing the same key twice adds nothing, so a retried request or a second tab cannot queue a
second alert.

Periodic work that decides *whether* to enqueue (escalating an unacknowledged emergency,
reminding a patient) registers a sweep with `@register_sweep`; the worker runs every sweep at
the start of each cycle, each in its own short transaction, with the cycle's clock (tests move
it). A sweep module must be imported for its decorator to run: list it in
`screening.outbox.worker.SWEEP_MODULES`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from screening.extensions import db
from screening.models import OutboxMessage, OutboxStatus
from screening.outbox.retry import max_attempts_for, priority_for

__all__ = [
    "cancel",
    "enqueue_email",
    "enqueue_webhook",
    "register_sweep",
    "registered_sweeps",
]

EMAIL = "email"
WEBHOOK = "webhook"
# The webhook's address is read from ALERT_WEBHOOK_URL when it is delivered (it may carry a
# secret token, so it is not copied into the database); this name stands in as the recipient.
ALERT_WEBHOOK = "ALERT_WEBHOOK_URL"

Sweep = Callable[[datetime], int]
_SWEEPS: dict[str, Sweep] = {}


def register_sweep(fn: Sweep) -> Sweep:
    """Run `fn(now) -> number of messages queued` at the start of every worker cycle."""
    _SWEEPS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def registered_sweeps() -> list[Sweep]:
    return list(_SWEEPS.values())


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _insert(
    *,
    message_id: str,
    kind: str,
    channel: str,
    recipient: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    screening_id: int | None,
    not_before: datetime | None,
) -> OutboxMessage | None:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING, in the caller's transaction.

    A plain "look, then add" would let two concurrent requests both add the row and one of
    them fail at commit, losing the answers it was saving with it.
    """
    now = _utcnow()
    values = {
        "id": message_id,
        "kind": kind,
        "channel": channel,
        "recipient": recipient,
        "payload_json": json.dumps(payload, sort_keys=True, ensure_ascii=False),
        "dedupe_key": dedupe_key,
        "priority": priority_for(kind),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "max_attempts": max_attempts_for(kind),
        "next_attempt_at": not_before or now,
        "created_at": now,
        "screening_id": screening_id,
    }
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    inserted = db.session.execute(statement).scalar_one_or_none()
    if inserted is None:
        return None
    return db.session.get(OutboxMessage, inserted)


def enqueue_email(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    dedupe_key: str,
    screening_id: int | None = None,
    not_before: datetime | None = None,
    headers: Mapping[str, str] | None = None,
) -> OutboxMessage | None:
    """Queue one email to one address; None when `dedupe_key` was queued before.

    Does not commit: the caller's service commits it with the change that caused it. The
    Message-ID is made from the row's id, so a retry is recognisably the same email.
    """
    payload = {"subject": subject, "text": text, "html": html, "headers": dict(headers or {})}
    return _insert(
        message_id=uuid.uuid4().hex,
        kind=kind,
        channel=EMAIL,
        recipient=to,
        payload=payload,
        dedupe_key=dedupe_key,
        screening_id=screening_id,
        not_before=not_before,
    )


def enqueue_webhook(
    *,
    kind: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    screening_id: int | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue one JSON POST to ALERT_WEBHOOK_URL; None when `dedupe_key` was queued before.

    The body is serialised here, once: the worker sends these exact bytes and signs them, so
    the receiver's HMAC check never depends on how anyone re-serialises JSON. The body carries
    the message id (also sent as the `webhook-id` header) and the kind.
    """
    message_id = uuid.uuid4().hex
    body = json.dumps(
        {"id": message_id, "kind": kind, **payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return _insert(
        message_id=message_id,
        kind=kind,
        channel=WEBHOOK,
        recipient=ALERT_WEBHOOK,
        payload={"body": body},
        dedupe_key=dedupe_key,
        screening_id=screening_id,
        not_before=not_before,
    )


def cancel(*, kind: str, screening_id: int) -> int:
    """Cancel a screening's pending messages of one kind (a reminder no longer needed).

    Messages already being delivered or sent are left alone. Does not commit.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.screening_id == screening_id,
            OutboxMessage.status == OutboxStatus.PENDING.value,
        )
        .values(status=OutboxStatus.CANCELLED.value, locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def messages_for(screening_id: int, kinds: tuple[str, ...] | None = None) -> list[OutboxMessage]:
    """A screening's messages, oldest first (the staff detail page lists its alerts)."""
    query = select(OutboxMessage).where(OutboxMessage.screening_id == screening_id)
    if kinds:
        query = query.where(OutboxMessage.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id)))
