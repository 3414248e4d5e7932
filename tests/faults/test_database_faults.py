"""Database faults get the app's own pages, and a sent patient still sees their confirmation.

A PostgreSQL restart is played by a real TCP proxy between the app and PostgreSQL that can drop
new connections (the server is "restarting") or cut the live ones. Those tests need
PostgreSQL (TEST_DATABASE_URL); the teardown test runs everywhere.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask

from screening import create_app
from screening.extensions import db
from screening.services import screenings
from tests.patient.helpers import example_answers


class FlakyProxy:
    """Forwards TCP to PostgreSQL; `refuse_next` new connections are closed at once."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.refuse_next = 0
        self.refused = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _w, _x = select.select([a, b], [], [], 5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()

    def close(self) -> None:
        self._stop = True
        self.listener.close()


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    return url


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[FlakyProxy]:
    parts = urlsplit(postgres_url)
    flaky = FlakyProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    yield flaky
    flaky.close()


@pytest.fixture
def app_behind_proxy(postgres_url: str, proxy: FlakyProxy) -> Iterator[Flask]:
    parts = urlsplit(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0] + "@" if len(netloc) == 2 else ""
    url = urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))
    behind = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    yield behind
    with behind.app_context():
        db.engine.dispose()


def _sent_screening_token() -> str:
    new = screenings.start_screening()
    answers = example_answers("stenosis")
    for section in screenings.QUESTIONNAIRE.sections:
        if section.id == screenings.REVIEW_STEP:
            continue
        own = {k: v for k, v in answers.items() if k in section.item_ids}
        assert screenings.save_section(new.screening, section.id, own).ok
    assert screenings.submit(new.screening, consent=True).ok
    return new.token


def test_confirmation_page_survives_a_database_restart(
    app: Flask, app_behind_proxy: Flask, proxy: FlakyProxy
) -> None:
    token = _sent_screening_token()
    client = app_behind_proxy.test_client()
    proxy.refuse_next = 1  # the server is restarting for the first connection attempt
    response = client.get(f"/s/{token}/done")
    assert proxy.refused == 1
    assert response.status_code == 200
    assert "something went wrong" not in response.get_data(as_text=True).lower()


def test_a_database_that_stays_down_gets_the_apps_own_error_page(
    app: Flask, app_behind_proxy: Flask, proxy: FlakyProxy
) -> None:
    token = _sent_screening_token()
    client = app_behind_proxy.test_client()
    proxy.refuse_next = 10
    response = client.get(f"/s/{token}/done")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in html and "<html" in html
    assert "Traceback" not in html and "psycopg" not in html


def test_an_error_after_the_view_still_gets_the_apps_own_page(database_url: str) -> None:
    """An exception in a teardown escapes Flask's handlers; it must not reach the server.

    A fresh app with no app context pushed around the request, so the request's own context
    (and its teardown) ends inside the WSGI call, as under gunicorn.
    """
    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)

    calls: list[None] = []

    def failing_teardown(_error: Any) -> None:
        calls.append(None)
        if len(calls) == 1:  # the request's own teardown; not the clean-up below
            raise RuntimeError("connection lost while closing")

    fresh.teardown_appcontext(failing_teardown)
    response = fresh.test_client().get("/start")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in html
    assert "connection lost" not in html and "Traceback" not in html
    with fresh.app_context():
        db.engine.dispose()


def _end_backend(postgres_url: str, pid: int) -> None:
    """What a restart or an operator does to one session: the server ends it (and this waits
    until its process has gone, so its goodbye is on the socket)."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
            if alive.fetchone() is None:
                return
            time.sleep(0.02)


def _pooled_backend_pid(app: Flask) -> int:
    """The server process behind the one connection waiting in `app`'s pool."""
    with app.app_context(), db.engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_a_connection_the_server_ended_in_the_pool_is_replaced_before_it_is_used(
    app: Flask, postgres_url: str
) -> None:
    """No pre-ping round trip on PostgreSQL: the checkout reads the socket instead, and a
    connection the server has closed never reaches a request (no error after a restart)."""
    from screening.models import Screening

    assert db.engine.pool._pre_ping is False  # the round trip this replaces
    token = _sent_screening_token()
    db.session.remove()
    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    ended = _pooled_backend_pid(fresh)
    _end_backend(postgres_url, ended)
    with fresh.app_context():
        # A plain read, without the patient pages' one retry: it must get a live connection.
        assert db.session.scalars(db.select(Screening.status)).all() == ["submitted"]
        db.session.remove()
    response = fresh.test_client().get(f"/s/{token}/done")
    assert response.status_code == 200
    assert _pooled_backend_pid(fresh) != ended
    with fresh.app_context():
        db.engine.dispose()


def test_only_psycopg_connections_go_without_the_pre_ping() -> None:
    from screening.postgres_settings import DEFAULT_CONNECTION_LIMITS, engine_options

    base = {"pool_pre_ping": True, "hide_parameters": True}
    assert engine_options("postgresql+psycopg://u@h/db", base) == {
        "pool_pre_ping": False,
        "hide_parameters": True,
        "connect_args": DEFAULT_CONNECTION_LIMITS,
    }
    for other in ("sqlite:///x.db", "postgresql+psycopg2://u@h/db", "mysql://u@h/db", None):
        assert engine_options(other, base) == base


def test_the_connection_limits_give_way_to_the_operators_own() -> None:
    from screening.postgres_settings import DEFAULT_CONNECTION_LIMITS, engine_options

    assert DEFAULT_CONNECTION_LIMITS["connect_timeout"] == 5
    assert DEFAULT_CONNECTION_LIMITS["tcp_user_timeout"] < 30_000  # gunicorn's worker timeout
    url = "postgresql+psycopg://u@h/db?connect_timeout=12&keepalives_idle=60"
    limits = engine_options(url, {})["connect_args"]
    assert "connect_timeout" not in limits and "keepalives_idle" not in limits  # the URL's
    assert limits["tcp_user_timeout"] == DEFAULT_CONNECTION_LIMITS["tcp_user_timeout"]
    given = {"connect_args": {"tcp_user_timeout": 1_000, "sslmode": "require"}}
    limits = engine_options("postgresql+psycopg://u@h/db", given)["connect_args"]
    assert limits["tcp_user_timeout"] == 1_000 and limits["sslmode"] == "require"
    assert limits["connect_timeout"] == 5


class SilentServer:
    """A TCP server that accepts connections and never says a word: a database host that
    stopped answering (or a server hung before it could log anyone in)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self) -> None:
        while True:
            try:
                connection, _addr = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


def test_a_database_that_never_answers_gets_the_apps_own_error_page_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libpq alone would wait for ever for the silent server; the app's connection limits
    make it give up, and the patient gets the app's own page (after the one retry). The
    limit is shortened to libpq's least (2 s) to keep the test quick; no PostgreSQL needed."""
    from screening import postgres_settings

    monkeypatch.setitem(postgres_settings.DEFAULT_CONNECTION_LIMITS, "connect_timeout", 2)
    silent = SilentServer()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent.port}/screening"
    behind = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    responses: list[Any] = []

    def ask() -> None:
        responses.append(behind.test_client().get("/s/abcdefghijklmnopqrstuvwxyz012345/done"))

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(timeout=60)  # a generous bound, so that a hang fails instead of stalling CI
    try:
        assert responses, "the request was still waiting for the silent database after 60 s"
        assert silent.held  # it did try the silent server
        html = responses[0].get_data(as_text=True)
        assert responses[0].status_code == 500
        assert "Sorry, something went wrong" in html and "Traceback" not in html
    finally:
        silent.close()
        with behind.app_context():
            db.engine.dispose()


def test_postgresql_connections_carry_the_limits(app: Flask, postgres_url: str) -> None:
    """What libpq was given on a real connection of the app's pool."""
    from screening.postgres_settings import DEFAULT_CONNECTION_LIMITS

    with db.engine.connect() as connection:
        given = connection.connection.dbapi_connection.info.get_parameters()
    for key, value in DEFAULT_CONNECTION_LIMITS.items():
        assert given.get(key) == str(value), key
