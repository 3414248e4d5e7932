"""When to try a message again: pure schedules, no clock and no database.

Alerts are retried quickly (a clinician must hear of a warning sign within minutes), then every
ten minutes until someone fixes the channel; other emails follow Indico's mail schedule. Every
delay is jittered by up to 20 % either way, so a channel that comes back is not hit by every
waiting message at the same second, and capped at one hour.
"""

from __future__ import annotations

import random

# Seconds to wait after the 1st, 2nd, ... failed attempt; the last value repeats.
ALERT_DELAYS: tuple[int, ...] = (5, 30, 120, 300, 600)
EMAIL_DELAYS: tuple[int, ...] = (30, 60, 120, 300, 600, 1800, 3600)
MAX_DELAY_SECONDS = 3600
JITTER = 0.2

# Kinds that page a clinician: retried on the fast schedule and delivered before anything
# else. A channel that is down is retried for as long as it takes (worker._record_failure);
# the attempt limits below only end a message whose delivery kills the worker again and again.
ALERT_KINDS = frozenset({"red_flag_alert", "escalation"})
ALERT_PRIORITY = 10
ALERT_MAX_ATTEMPTS = 300
DEFAULT_MAX_ATTEMPTS = 12


def is_alert(kind: str) -> bool:
    return kind in ALERT_KINDS


def priority_for(kind: str) -> int:
    return ALERT_PRIORITY if is_alert(kind) else 0


def max_attempts_for(kind: str) -> int:
    return ALERT_MAX_ATTEMPTS if is_alert(kind) else DEFAULT_MAX_ATTEMPTS


def retry_delay(
    kind: str,
    failed_attempts: int,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next try after `failed_attempts` (1 or more) failures.

    `retry_after` (a webhook's Retry-After) is honoured when it asks for longer, up to the cap.
    """
    schedule = ALERT_DELAYS if is_alert(kind) else EMAIL_DELAYS
    base = schedule[min(max(failed_attempts, 1), len(schedule)) - 1]
    # Jitter spreads retries; not security sensitive.
    jitter = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    delay = base * jitter
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, MAX_DELAY_SECONDS)
