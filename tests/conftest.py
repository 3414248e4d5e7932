"""Shared fixtures: an app on a throw-away database, a client, a CLI runner, a network guard.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set
(`make test-postgres` does that). Tables are emptied after each test, so tests never see each
other's rows.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from screening import create_app
from screening.extensions import db
from tests.outbox.servers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# The spec and the worked examples, copied into the repository so a fresh clone tests them.
DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLES = DOCS / "examples"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach a host other than this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address:
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change settings (e.g. WTF_CSRF_ENABLED=True)."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict[str, object]) -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **app_config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# Real local servers for what the app sends (issues 12, 13, 15): a fresh one per test.
@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret=WEBHOOK_SECRET)
    receiver.start()
    yield receiver
    receiver.stop()


# Poppler's tools read the PDFs the app makes (the summary, the handout), as a reader's would.
def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        message = f"{tool} not found (Debian: apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "poppler"
    folder.mkdir(exist_ok=True)
    path = folder / f"in-{tool}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, *args, str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def pdftotext(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Text of a PDF as poppler extracts it (UTF-8)."""
    return lambda pdf, *args: _poppler("pdftotext", pdf, tmp_path, "-enc", "UTF-8", *args)


@pytest.fixture
def pdfinfo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """pdfinfo's fields as a dict (Title, Author, Pages, Page size, Tagged, ...)."""

    def info(pdf: bytes) -> dict[str, str]:
        fields = {}
        for line in _poppler("pdfinfo", pdf, tmp_path, "-enc", "UTF-8").splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        return fields

    return info


@pytest.fixture
def pdffonts(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda pdf: _poppler("pdffonts", pdf, tmp_path)
