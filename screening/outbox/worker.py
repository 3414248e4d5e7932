"""`screening worker`: deliver the outbox, run the sweeps, retry what failed.

One cycle (`run_once`):

1. Rows left in "sending" by a worker that died (its lease ran out) go back to "pending".
2. Each registered sweep runs in its own short transaction (escalations, reminders).
3. Due rows are claimed in a short transaction: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so
   several workers never take the same row; on every database the claim is also a guarded
   `UPDATE ... WHERE id = ? AND status = 'pending'` whose row count says who won.
   Claiming sets "sending", a lease and attempts + 1 *before* anything is sent.
4. Each claimed message is delivered outside any transaction, then marked sent, or rescheduled
   with backoff, or failed when retrying cannot help (or the attempts are used up).

A worker killed mid-delivery therefore leaves its rows to be retried after the lease; the
email's Message-ID and the webhook's `webhook-id` are the outbox id, so a receiver can tell a
retry from a new message. Alerts are claimed before other mail, and a failing row is
rescheduled rather than retried in place, so one bad message never blocks the others.

Nothing urgent waits behind a batch (`deliver_batch`): the rest of a claimed batch is handed
back, due at once and with no attempt spent, when an alert is queued meanwhile (it is claimed
next), when the worker is asked to stop (SIGTERM: it stops after the message in hand), and,
for one channel, once that channel is down (a relay that does not answer costs one timeout a
cycle, not one per message, and the webhook goes on meanwhile). A channel that takes a
message again wakes the alerts waiting out a retry delay on it (`wake_waiting_alerts`): they
go next, oldest first, rather than minutes after their own escalation.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, case, select, update

from screening.extensions import db
from screening.models import OutboxMessage, OutboxStatus
from screening.outbox import registered_sweeps
from screening.outbox.channels import Channels, DeliveryError, Outgoing
from screening.outbox.retry import ALERT_PRIORITY, retry_delay

logger = logging.getLogger("screening.outbox")

# Modules whose import registers a sweep (`@register_sweep`), one a line.
SWEEP_MODULES: list[str] = [
    "screening.services.reminders",  # invitation reminders (issue 13)
]

# How long a claimed row stays "sending" before another worker may take it back. Longer than
# the slowest delivery (SMTP timeout 30 s, webhook 15 s) with room to spare.
LEASE = timedelta(minutes=2)
BATCH_SIZE = 20


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """Who holds a lease: host, process and a random part (a restarted pid is a new worker)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class CycleReport:
    queued_by_sweeps: int = 0
    released: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    handed_back: int = 0
    woken: int = 0


def release_expired_leases(now: datetime) -> int:
    """Rows whose worker died mid-delivery go back to pending (or fail, attempts used up)."""
    expired = (
        OutboxMessage.status == OutboxStatus.SENDING.value,
        OutboxMessage.locked_until < now,
    )
    # Read first: an idle worker then takes no write lock every cycle (SQLite shares one).
    if db.session.scalar(select(OutboxMessage.id).where(*expired).limit(1)) is None:
        db.session.rollback()
        return 0
    failed = db.session.execute(
        update(OutboxMessage)
        .where(*expired, OutboxMessage.attempts >= OutboxMessage.max_attempts)
        .values(
            status=OutboxStatus.FAILED.value,
            locked_by=None,
            locked_until=None,
            last_error="worker stopped during delivery; no attempts left",
        )
        .execution_options(synchronize_session=False)
    )
    released = db.session.execute(
        update(OutboxMessage)
        .where(*expired)
        .values(
            status=OutboxStatus.PENDING.value,
            locked_by=None,
            locked_until=None,
            next_attempt_at=now,
            last_error="worker stopped during delivery",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(released.rowcount or 0) + int(failed.rowcount or 0)  # type: ignore[attr-defined]


def run_sweeps(now: datetime) -> int:
    """Each sweep in its own transaction; one failing sweep does not stop the others."""
    for module in SWEEP_MODULES:
        importlib.import_module(module)
    queued = 0
    for sweep in registered_sweeps():
        try:
            queued += int(sweep(now) or 0)
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            # The type only: SQL errors carry parameters, which may hold patient data.
            logger.error("sweep %s failed: %s", sweep.__qualname__, type(exc).__name__)
    return queued


def _due(now: datetime, skip_channels: Collection[str] = ()) -> Select[tuple[str]]:
    """Ids of the messages due at `now`, most urgent first, leaving out `skip_channels`."""
    due = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.PENDING.value,
        OutboxMessage.next_attempt_at <= now,
    )
    if skip_channels:
        due = due.where(OutboxMessage.channel.not_in(sorted(skip_channels)))
    return due.order_by(
        OutboxMessage.priority.desc(), OutboxMessage.next_attempt_at, OutboxMessage.id
    )


def claim(
    now: datetime, worker: str, limit: int = BATCH_SIZE, skip_channels: Collection[str] = ()
) -> list[Outgoing]:
    """Take up to `limit` due rows for this worker, in one short transaction (none on
    `skip_channels`: channels found down this cycle)."""
    due = _due(now, skip_channels).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    won: list[str] = []
    for message_id in ids:
        result = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == OutboxStatus.PENDING.value,
            )
            .values(
                status=OutboxStatus.SENDING.value,
                locked_by=worker,
                locked_until=now + LEASE,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            won.append(message_id)
    claimed: list[Outgoing] = []
    if won:
        rows = db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(won))
            .execution_options(populate_existing=True)
        ).scalars()
        by_id = {
            row.id: Outgoing(
                id=row.id,
                kind=row.kind,
                channel=row.channel,
                recipient=row.recipient,
                payload=row.payload,
                attempts=row.attempts,
                max_attempts=row.max_attempts,
                priority=row.priority or 0,
            )
            for row in rows
        }
        claimed = [by_id[message_id] for message_id in won if message_id in by_id]
    db.session.commit()
    return claimed


def _update_held(message: Outgoing, worker: str, **values: object) -> bool:
    """UPDATE `message`'s row only while this worker still holds it (claimed, not taken back
    by another worker); whether it did. Does not commit."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.locked_by == worker,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _finish(message: Outgoing, worker: str, **values: object) -> None:
    """Record the outcome, only while this worker still holds the row."""
    _update_held(message, worker, locked_by=None, locked_until=None, **values)
    db.session.commit()


def _renew_lease(message: Outgoing, worker: str, now: datetime) -> bool:
    """Hold `message` for one more LEASE, just before sending it, if this worker still does.

    A batch is claimed under one lease; sending it may take longer (20 messages to a slow
    relay), and another worker then takes the rest back. Without this check both would send
    them.
    """
    renewed = _update_held(message, worker, locked_until=now + LEASE)
    db.session.commit()
    return renewed


def hand_back(messages: Sequence[Outgoing], worker: str) -> int:
    """Return claimed, unsent messages to "pending", due as before and with the attempt the
    claim counted given back (nothing was tried). Only rows this worker still holds."""
    handed = sum(
        _update_held(
            message,
            worker,
            status=OutboxStatus.PENDING.value,
            locked_by=None,
            locked_until=None,
            attempts=OutboxMessage.attempts - 1,
        )
        for message in messages
    )
    db.session.commit()
    return handed


def _more_urgent_due(message: Outgoing, now: datetime, skip_channels: Collection[str]) -> bool:
    """Whether a message more urgent than `message` (an alert, before other mail) is due."""
    more_urgent = _due(now, skip_channels).where(OutboxMessage.priority > message.priority)
    found = db.session.scalar(more_urgent.limit(1)) is not None
    db.session.commit()  # end the read: SQLite shares one database lock
    return found


def deliver_batch(
    batch: Sequence[Outgoing],
    channels: Channels,
    worker: str,
    clock: Callable[[], datetime],
    report: CycleReport,
    *,
    down: set[str],
    stop: threading.Event | None = None,
) -> bool:
    """Deliver a claimed batch in order, recording each outcome in `report`.

    Hands back what is left (see the module docstring) when the worker is asked to stop or a
    more urgent message is due, and returns False then (claim again, or stop); hands back each
    message of a channel found down (added to `down`) and goes on with the others.
    """
    for position, message in enumerate(batch):
        now = clock()
        # The first message was the most urgent at the claim, and taking it first means
        # every claim makes progress, even while another worker holds the urgent one.
        urgent_waiting = position > 0 and _more_urgent_due(message, now, down)
        if (stop is not None and stop.is_set()) or urgent_waiting:
            report.handed_back += hand_back(batch[position:], worker)
            return False
        if message.channel in down:
            report.handed_back += hand_back([message], worker)
            continue
        outcome = deliver(message, channels, worker, now, down=down)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "sent":
            report.woken += wake_waiting_alerts(message.channel, now)
    return True


def wake_waiting_alerts(channel: str, now: datetime) -> int:
    """`channel` just took a message, so it works again: alerts waiting out a retry delay on
    it are due at once, oldest first (due from when they were written), instead of after up
    to ten more minutes. Returns how many.

    Without this, a clinician whose alert channel came back after an outage got the newer
    "not acknowledged" escalation, and even invitations, before the alert itself, which then
    arrived minutes later saying what had already happened. Other mail keeps its jittered
    schedule, so a channel that comes back is not flooded.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.channel == channel,
            OutboxMessage.priority >= ALERT_PRIORITY,
            OutboxMessage.attempts > 0,
            OutboxMessage.next_attempt_at > now,
        )
        .values(
            next_attempt_at=case(
                (OutboxMessage.created_at < now, OutboxMessage.created_at), else_=now
            )
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    woken = result.rowcount  # type: ignore[attr-defined]
    if woken:
        logger.info("%s works again: %d waiting alert(s) due now", channel, woken)
    return woken


def deliver(
    message: Outgoing,
    channels: Channels,
    worker: str,
    now: datetime,
    *,
    down: set[str] | None = None,
) -> str:
    """Send one claimed message and record the outcome: "sent", "retrying" or "failed", or
    "released" when another worker has taken it back meanwhile (it sends it instead).
    A failure that says the channel itself is down adds it to `down`."""
    if not _renew_lease(message, worker, now):
        logger.info("%s %s was taken back by another worker", message.kind, message.id)
        return "released"
    try:
        channels.get(message.channel).send(message)
    except DeliveryError as exc:
        if exc.channel_down and down is not None:
            down.add(message.channel)
        return _record_failure(message, worker, now, exc)
    except Exception as exc:
        # A bug in a channel must not kill the worker or lose the message.
        error = DeliveryError(f"unexpected {type(exc).__name__}")
        return _record_failure(message, worker, now, error)
    _finish(message, worker, status=OutboxStatus.SENT.value, sent_at=now, last_error=None)
    logger.info("sent %s %s via %s", message.kind, message.id, message.channel)
    return "sent"


def _record_failure(message: Outgoing, worker: str, now: datetime, error: DeliveryError) -> str:
    # A channel that is down (a relay out over a weekend, SMTP_HOST not set yet) is retried
    # for as long as it takes, at most an hour apart: nothing is given up for waiting. Only a
    # refusal retrying cannot change fails; max_attempts bounds worker deaths instead (a
    # message that kills the worker again and again, see release_expired_leases).
    if error.permanent:
        _finish(message, worker, status=OutboxStatus.FAILED.value, last_error=error.reason)
        logger.error(
            "gave up on %s %s via %s: %s", message.kind, message.id, message.channel, error.reason
        )
        return "failed"
    delay = retry_delay(message.kind, message.attempts, retry_after=error.retry_after)
    _finish(
        message,
        worker,
        status=OutboxStatus.PENDING.value,
        next_attempt_at=now + timedelta(seconds=delay),
        last_error=error.reason,
    )
    logger.warning(
        "%s %s via %s failed (attempt %d): %s; retrying in %.0f s",
        message.kind,
        message.id,
        message.channel,
        message.attempts,
        error.reason,
        delay,
    )
    return "retrying"


def run_cycle(
    now: datetime | None = None,
    *,
    worker: str | None = None,
    stop: threading.Event | None = None,
) -> CycleReport:
    """One full cycle; `now` fixes the clock for the whole cycle (tests move it). With `stop`
    set, the cycle ends after the message in hand."""
    clock = (lambda: now) if now is not None else utcnow
    worker = worker or worker_name()
    report = CycleReport()
    report.released = release_expired_leases(clock())
    report.queued_by_sweeps = run_sweeps(clock())
    channels = Channels(current_app.config)
    down: set[str] = set()  # channels that did not answer this cycle
    try:
        while stop is None or not stop.is_set():
            batch = claim(clock(), worker, skip_channels=down)
            woken_before = report.woken
            finished = deliver_batch(batch, channels, worker, clock, report, down=down, stop=stop)
            # Alerts woken by a channel that works again go in this cycle, not the next.
            if finished and len(batch) < BATCH_SIZE and report.woken == woken_before:
                break
    finally:
        channels.close()
    return report


def run_once(now: datetime | None = None) -> int:
    """Sweep, then deliver everything due; returns how many messages were sent."""
    return run_cycle(now).sent


def run_forever(stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Deliver continuously until `stop` is set (SIGTERM/SIGINT in the CLI)."""
    worker = worker_name()
    logger.info("outbox worker %s started", worker)
    while not stop.is_set():
        try:
            run_cycle(worker=worker, stop=stop)
        except Exception as exc:
            # The database may be restarting: log, wait, try again.
            db.session.rollback()
            logger.error("worker cycle failed: %s", type(exc).__name__)
        finally:
            # A fresh session each cycle: nothing cached survives from the last one.
            db.session.remove()
        stop.wait(poll_seconds)
    logger.info("outbox worker %s stopped", worker)
