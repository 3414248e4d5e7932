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
