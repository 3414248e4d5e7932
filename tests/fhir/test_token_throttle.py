"""Refused FHIR bearer tokens are throttled per address (FHIR_TOKEN_REFUSAL_LIMIT): past the
limit, 429 with Retry-After and an OperationOutcome `throttled`, one audit row for the throttle
instead of one per try; successes never count, and a valid token is still served.

The window is moved with a controllable clock (the limiter's in-memory storage and the
throttle's own clock), not by sleeping. All tokens and addresses are synthetic (TEST-NET).
"""

from __future__ import annotations

import secrets
import types
import uuid
from collections.abc import Iterator

import limits.storage.memory
import pytest
from flask import Flask
from sqlalchemy import select

from config import ConfigError, load_config
from screening import create_app
from screening.extensions import db, limiter
from screening.fhir_api import throttle
from screening.models import AuditEvent, Screening
from screening.services import api_clients
from tests.fhir.helpers import validate_r4b
from tests.outbox.servers import free_port
from tests.security.test_shared_rate_limits import REDIS_URL, _redis_or_skip
from tests.staff.helpers import submitted_example

FHIR_JSON = "application/fhir+json"
LIMIT = 5
ATTACKER = "192.0.2.66"
NEIGHBOUR = "198.51.100.7"
# A read: the token is checked before the id is looked up, so no screening is needed to refuse.
PATH = "/fhir/Patient/synthetic-0001"


def _throttled_config() -> dict[str, object]:
    return {
        "FHIR_CANONICAL_BASE": "https://clinic.example/fhir",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FHIR_TOKEN_REFUSAL_LIMIT": f"{LIMIT} per minute",
    }


@pytest.fixture
def app_config() -> dict[str, object]:
    return _throttled_config()


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import time

    clock = Clock(time.time())
    monkeypatch.setattr(limits.storage.memory, "time", types.SimpleNamespace(time=clock))
    monkeypatch.setattr(throttle, "_now", clock)
    return clock


@pytest.fixture
def token(app: Flask) -> str:
    return api_clients.create_client("EHR").token


@pytest.fixture
def screening(app: Flask) -> Screening:
    return submitted_example("cervical_myelopathy")


def _read_path(screening: Screening) -> str:
    return f"/fhir/Patient/{screening.public_id.replace('_', '.')}"


def _wrong_token() -> str:
    """A token of our shape that no client holds (synthetic, new each time)."""
    return api_clients.TOKEN_PREFIX + secrets.token_urlsafe(32)


def _get(client, path: str, token: str | None, address: str = ATTACKER):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": address})


def _refusals() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(("access_refused", "fhir_token_throttled")))
            .order_by(AuditEvent.id)
        )
    )


def _throttled_outcome(response) -> dict:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    assert response.mimetype == FHIR_JSON
    body = response.get_json(force=True)
    validate_r4b(body)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "throttled"
    return body


def _refuse_until_throttled(client, path: str) -> None:
    for _ in range(LIMIT):
        assert _get(client, path, _wrong_token()).status_code == 401
    _throttled_outcome(_get(client, path, _wrong_token()))


def test_refused_tokens_past_the_limit_get_429_with_retry_after(client, clock):
    path = PATH
    statuses = [_get(client, path, _wrong_token()).status_code for _ in range(LIMIT)]
    assert statuses == [401] * LIMIT
    held = _get(client, path, _wrong_token())
    body = _throttled_outcome(held)
    wait = int(held.headers["Retry-After"])
    assert 1 <= wait <= 61
    assert f"try again in {wait} seconds" in body["issue"][0]["diagnostics"]
    # Searching shares the count, and so does a header of another scheme.
    _throttled_outcome(_get(client, "/fhir/Observation", _wrong_token()))
    basic = client.get(
        "/fhir/Observation",
        headers={"Authorization": "Basic dXNlcjpwYXNz"},
        environ_base={"REMOTE_ADDR": ATTACKER},
    )
    _throttled_outcome(basic)
    # Another address is not held.
    assert _get(client, path, _wrong_token(), NEIGHBOUR).status_code == 401


def test_read_and_search_count_together(client, clock):
    for n in range(LIMIT):
        path = PATH if n % 2 else "/fhir/QuestionnaireResponse"
        assert _get(client, path, _wrong_token()).status_code == 401
    _throttled_outcome(_get(client, "/fhir/RiskAssessment", _wrong_token()))


def test_audit_rows_stay_bounded_after_100_tries(client, clock, token):
    path = PATH
    api_clients.revoke_client("EHR")
    statuses = [
        _get(client, path, token if n % 3 == 0 else _wrong_token()).status_code for n in range(100)
    ]
    assert statuses == [401] * LIMIT + [429] * (100 - LIMIT)
    rows = _refusals()
    assert len(rows) == LIMIT + 1
    assert all(row.ip == ATTACKER for row in rows)
    assert [row.actor for row in rows[:LIMIT]].count("api:ehr") == 2  # tries 0 and 3: revoked
    throttled = rows[-1]
    assert (throttled.action, throttled.actor) == ("fhir_token_throttled", "api:throttled")
    assert all(row.action == "access_refused" for row in rows[:LIMIT])
    assert "throttled" in (throttled.detail or "") and path in (throttled.detail or "")


def test_successes_never_count(client, clock, token, screening):
    path = _read_path(screening)
    for _ in range(6 * LIMIT):
        assert _get(client, path, token).status_code == 200
        assert _get(client, "/fhir/Observation", token).status_code == 200
    # The full allowance of refusals is still there, and the reads were all audited.
    for _ in range(LIMIT):
        assert _get(client, path, _wrong_token()).status_code == 401
    _throttled_outcome(_get(client, path, _wrong_token()))
    # No token and no session: a 401 with nobody to name, neither counted nor held.
    assert _get(client, path, None).status_code == 401


def test_a_valid_token_from_a_throttled_address_is_still_served(client, clock, token, screening):
    path = _read_path(screening)
    _refuse_until_throttled(client, path)
    rows_before = len(_refusals())
    for _ in range(3):
        response = _get(client, path, token)
        assert response.status_code == 200 and response.mimetype == FHIR_JSON
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fhir_read")).all()
    assert len(reads) == 3 and {read.actor for read in reads} == {"api:ehr"}
    assert len(_refusals()) == rows_before
    # ...and it did not lift the throttle for the refused ones.
    _throttled_outcome(_get(client, path, _wrong_token()))


def test_it_works_again_once_the_window_has_passed(client, clock):
    path = PATH
    _refuse_until_throttled(client, path)
    wait = int(_get(client, path, _wrong_token()).headers["Retry-After"])
    clock.advance(wait - 1)
    _throttled_outcome(_get(client, path, _wrong_token()))
    clock.advance(1)
    assert _get(client, path, _wrong_token()).status_code == 401
    # A new window: the refusals are audited again, and so is being throttled again.
    clock.advance(61)
    _refuse_until_throttled(client, path)
    actors = [row.actor for row in _refusals()]
    assert actors.count("api:throttled") == 2
    assert len(actors) == LIMIT + 1 + 1 + LIMIT + 1


def test_no_response_or_row_ever_holds_the_token(client, clock, token):
    path = PATH
    api_clients.revoke_client("EHR")
    tried = [token] + [_wrong_token() for _ in range(LIMIT + 3)]
    for sent in tried:
        response = _get(client, path, sent)
        assert response.status_code in (401, 429)
        everything = response.get_data(as_text=True) + repr(list(response.headers.items()))
        assert not any(value in everything for value in tried)
        assert "miss_" not in everything
    stored = repr([vars(row) for row in db.session.scalars(select(AuditEvent))])
    assert not any(value in stored for value in tried)


class TestRateLimitsOff:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {**_throttled_config(), "RATELIMIT_ENABLED": False}

    def test_nothing_is_held(self, client):
        statuses = {_get(client, PATH, _wrong_token()).status_code for _ in range(2 * LIMIT)}
        assert statuses == {401}


def test_the_setting_has_a_default_and_refuses_nonsense(monkeypatch, tmp_path):
    monkeypatch.delenv("FHIR_TOKEN_REFUSAL_LIMIT", raising=False)
    assert load_config("testing", str(tmp_path)).FHIR_TOKEN_REFUSAL_LIMIT == "10 per minute"
    monkeypatch.setenv("FHIR_TOKEN_REFUSAL_LIMIT", "20/minute;100/hour")
    assert load_config("testing", str(tmp_path)).FHIR_TOKEN_REFUSAL_LIMIT == "20/minute;100/hour"
    for wrong in ("ten a minute", "0 per minute"):
        monkeypatch.setenv("FHIR_TOKEN_REFUSAL_LIMIT", wrong)
        with pytest.raises(ConfigError, match="FHIR_TOKEN_REFUSAL_LIMIT"):
            load_config("testing", str(tmp_path))


# -- shared storage --------------------------------------------------------------------------


class TestSharedRedis:
    """The count lives in Redis: a second app (as another worker would) opens its own
    connection and still finds the address throttled; with memory:// it would start afresh.

    The address is new for each run (IPv6 documentation range), so runs sharing one Redis never
    see each other's counts: Flask-Limiter keeps the key prefix of the first app a process
    initialises, so RATELIMIT_KEY_PREFIX alone does not keep this test's keys apart."""

    @pytest.fixture
    def address(self) -> str:
        return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"

    @pytest.fixture
    def app_config(self, address: str) -> Iterator[dict[str, object]]:
        redis_client = _redis_or_skip()
        prefix = f"screening-test-fhir-{uuid.uuid4().hex}"
        yield {
            **_throttled_config(),
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
        }
        for pattern in (f"*{prefix}*", f"*{address}*"):
            for key in redis_client.scan_iter(match=pattern):
                redis_client.delete(key)

    def test_two_workers_count_together(self, app, client, app_config, database_url, address):
        path = PATH
        for _ in range(LIMIT):
            assert _get(client, path, _wrong_token(), address).status_code == 401
        other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **app_config)
        try:
            with other.app_context():
                held = _get(other.test_client(), path, _wrong_token(), address)
                _throttled_outcome(held)
                assert int(held.headers["Retry-After"]) >= 1
                db.session.remove()
        finally:
            with other.app_context():
                db.engine.dispose()
        assert [row.actor for row in _refusals()][-1] == "api:throttled"
        assert len(_refusals()) == LIMIT + 1


class TestRedisDown:
    """Redis named but not answering: refused tokens are still throttled, counted in the
    worker's memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED), and nothing becomes a 500."""

    @pytest.fixture
    def app_config(self) -> Iterator[dict[str, object]]:
        yield {
            **_throttled_config(),
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
        }
        # The limiter is one object for the process: let it use its own storage again.
        limiter._storage_dead = False

    def test_the_throttle_holds_in_memory(self, client, token, caplog):
        statuses = [_get(client, PATH, _wrong_token()).status_code for _ in range(LIMIT + 2)]
        assert statuses == [401] * LIMIT + [429] * 2
        assert _get(client, "/fhir/Observation", token).status_code == 200
        assert len(_refusals()) == LIMIT + 1
        assert any("falling back to in-memory storage" in r.getMessage() for r in caplog.records)
