"""Sign-in throttling: growing waits per account and per address, over a day, no lockout.

The old limits (5 a minute per typed email) let anyone lock a clinician out from other
addresses, and still allowed about 7,200 guesses a day. Now each failed sign-in (wrong password
or wrong two-step code, both already in the audit trail) makes the next try wait longer:

- per account: after 5 failures since its last successful sign-in (within 24 hours), 15 s,
  then doubling to at most 15 minutes: under 100 guesses a day, from any number of addresses;
- per address: after 10 failures within 24 hours, 30 s, doubling to at most an hour.

An attacker cannot lock the owner out: the account's wait does not apply in a browser where
that account signed in before (a signed "known device" cookie, as OWASP suggests), and the
address wait only slows the address that fails. Tries made while waiting are refused without
checking the password and are not counted, so hammering does not make the wait longer.

The counts come from the audit trail, so they hold across workers and restarts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from screening.extensions import db
from screening.models import AuditEvent

FAILED_ACTIONS = ("sign_in_failed", "sign_in_second_step_failed")
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Backoff:
    """After `free` failures, wait `base`, doubling with each further failure, up to `cap`."""

    free: int
    base: timedelta
    cap: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, 32)
        return min(self.base * (2**doublings), self.cap)


ACCOUNT = Backoff(free=5, base=timedelta(seconds=15), cap=timedelta(minutes=15))
ADDRESS = Backoff(free=10, base=timedelta(seconds=30), cap=timedelta(hours=1))


def _failures(*conditions: object, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.session.execute(
        select(func.count(AuditEvent.id), func.max(AuditEvent.at)).where(
            AuditEvent.action.in_(FAILED_ACTIONS), AuditEvent.at >= since, *conditions
        )
    ).one()
    if last is not None and last.tzinfo is None:  # SQLite's max() loses the type decorator
        last = last.replace(tzinfo=UTC)
    return int(count or 0), last


def second_step_failures(account_email: str, *, since: datetime) -> int:
    """Wrong two-step codes for this account since `since` (when its password was accepted).

    Counted from the audit trail, not kept in the browser: a count in the session cookie
    was reset by sending the cookie from before the first wrong code again.
    """
    count, _last = _failures(
        AuditEvent.actor == account_email,
        AuditEvent.action == "sign_in_second_step_failed",
        since=since,
    )
    return count


def _last_success(email: str) -> datetime | None:
    last = db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "sign_in", AuditEvent.actor == email
        )
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last


def _remaining(failures: int, last: datetime | None, backoff: Backoff, now: datetime) -> float:
    if last is None:
        return 0.0
    return max(0.0, (last + backoff.wait_after(failures) - now).total_seconds())


def seconds_to_wait(
    account_email: str | None,
    ip: str | None,
    *,
    unknown_detail: str | None = None,
    known_device: bool = False,
    now: datetime | None = None,
) -> int:
    """How long this sign-in must wait before its password is even checked (0: go ahead).

    `account_email` is the normalised email of an existing account; for an email with no
    account, `unknown_detail` is how its failures are recorded (see
    `staff.unknown_email_detail`), so both wait alike. `known_device` is True when this browser
    signed in to that account before.
    """
    now = now or datetime.now(UTC)
    since = now - WINDOW
    waits = [0.0]
    if account_email and not known_device:
        success = _last_success(account_email)
        start = max(since, success) if success else since
        count, last = _failures(AuditEvent.actor == account_email, since=start)
        waits.append(_remaining(count, last, ACCOUNT, now))
    elif not account_email and unknown_detail:
        count, last = _failures(
            AuditEvent.actor.is_(None), AuditEvent.detail == unknown_detail, since=since
        )
        waits.append(_remaining(count, last, ACCOUNT, now))
    if ip:
        count, last = _failures(AuditEvent.ip == ip[:64], since=since)
        waits.append(_remaining(count, last, ADDRESS, now))
    return int(-(-max(waits) // 1))  # whole seconds, rounded up


def known_device_ids(value: object) -> Collection[int]:
    """The account ids a known-device cookie vouches for (its shape is checked here)."""
    if not isinstance(value, list):
        return ()
    return [item for item in value if isinstance(item, int)][:10]
