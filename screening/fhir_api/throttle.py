"""Refused bearer tokens, throttled per address (FHIR_TOKEN_REFUSAL_LIMIT, e.g. 10 a minute).

As the staff sign-in throttle does, only failures count: a request whose token opens nothing
(unknown, mistyped, revoked, or not a bearer token at all) is one refusal; a request with a
live client's token, or with no Authorization header (a signed-in clinician, or a plain 401
with nobody to name), is exempt, so it is neither counted nor held. Past the limit, a request
from that address with a refused token gets 429 with `Retry-After` and an OperationOutcome
(`throttled`), writes no row of its own, and is not counted (hammering does not make the wait
longer); the first one held in a window writes one `fhir_token_throttled` row (actor
`api:throttled`).

A valid token from a throttled address is still served, so an EHR behind the same NAT as a
script that guesses keeps working. That is safe because a token carries 256 random bits: what a
guesser learns from a 200 (the token is live) it would need about 2**255 tries to find.

The counts live in Flask-Limiter's storage (Redis when RATELIMIT_STORAGE_URI names it, shared
by every worker; memory otherwise; the in-memory fallback when Redis is down) with its key
prefix and strategy, and RATELIMIT_ENABLED switches them off, as for the other limits.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter import RouteLimit
from limits import RateLimitItem

from screening.extensions import limiter
from screening.staff.access import client_ip

log = logging.getLogger(__name__)

# Flask-Limiter scopes: one count of refusals per address over every guarded route, and a
# marker that the address's first held request in a window has been audited.
REFUSALS_SCOPE = "fhir-token-refusals"
THROTTLED_SCOPE = "fhir-token-throttled"
# Set on the request (its WSGI environ, which lives exactly as long) when its token is refused.
_REFUSED = "screening.fhir.token_refused"


def _address() -> str:
    return client_ip() or "unknown"


def _limit_value() -> str:
    return str(current_app.config["FHIR_TOKEN_REFUSAL_LIMIT"])


def note_refused() -> None:
    """This request's bearer token opened nothing: count it once the answer is made."""
    request.environ[_REFUSED] = True


def _was_refused(_response: Response) -> bool:
    return bool(request.environ.get(_REFUSED))


def refused_tokens(exempt_when: Callable[[], bool]) -> RouteLimit:
    """The decorator for the views that check a token: `exempt_when` is True when the request
    carries no token to refuse, or a live one (neither counted nor held)."""
    return limiter.shared_limit(
        _limit_value,
        REFUSALS_SCOPE,
        key_func=_address,
        exempt_when=exempt_when,
        deduct_when=_was_refused,
    )


def _now() -> float:
    return time.time()


def seconds_to_wait() -> int:
    """Whole seconds until this address may have a token refused again (at least 1)."""
    held = limiter.current_limit
    if held is None:  # pragma: no cover - Flask-Limiter sets it whenever it holds a request
        return 60
    try:
        reset = held.window.reset_time
    except Exception:  # the storage failed since the check: say the whole window
        log.warning("Could not read the FHIR token throttle's window", exc_info=True)
        return held.limit.get_expiry()
    return max(1, math.ceil(reset - _now()))


def first_held_in_window() -> bool:
    """Whether this is the address's first held request within the limit's window (the one
    that is audited). Counted in the same storage as the limit, so workers agree."""
    held = limiter.current_limit
    if held is None:  # pragma: no cover - see seconds_to_wait
        return True
    window: RateLimitItem = held.limit
    marker = type(window)(1, window.multiples)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    keys = [part for part in (prefix, _address(), THROTTLED_SCOPE) if part]
    try:
        return bool(limiter.limiter.hit(marker, *keys))
    except Exception:  # the storage failed since the check: audit rather than lose it
        log.warning("Could not mark the FHIR token throttle as audited", exc_info=True)
        return True
