"""Redis, where the rate limits are counted, goes down: patients can still start and resume,
and the limits still hold, counted in the worker's memory until Redis is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from screening import create_app
from screening.extensions import db, limiter
from tests.outbox.servers import free_port


@pytest.fixture
def app_with_redis_down(app: Flask, database_url: str) -> Iterator[Flask]:
    """A second app on the suite's database (its schema made by `app`), with Redis down."""
    down = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
    )
    yield down
    # The limiter is one object for the process: leave it counting in its own storage again.
    limiter._storage_dead = False
    with down.app_context():
        db.engine.dispose()


def test_resume_works_and_stays_limited_while_redis_is_down(
    app_with_redis_down: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = app_with_redis_down.test_client()
    statuses = []
    for _ in range(11):
        response = client.post("/resume", data={"code": "ZZZZZ-ZZZZZ"})
        statuses.append(response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)
    # Ten tries a minute answer as usual (a code that matches nothing); the eleventh is held.
    assert 500 not in statuses
    assert statuses[:10] == [statuses[0]] * 10 and statuses[0] in (200, 400)
    assert statuses[10] == 429
    assert any("falling back to in-memory storage" in r.getMessage() for r in caplog.records)


def test_start_works_while_redis_is_down(app_with_redis_down: Flask) -> None:
    response = app_with_redis_down.test_client().post("/start", data={})
    assert response.status_code != 500
    assert "Sorry, something went wrong" not in response.get_data(as_text=True)
