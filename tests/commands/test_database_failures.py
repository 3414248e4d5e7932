"""A database the commands cannot use: one line saying what to fix, never a traceback.

A fresh DATABASE_URL without `screening db upgrade`, an older schema, a server that is down or
a SQLite file in a folder that does not exist each end every database command with one line
and exit status 1 (guarded once, centrally: screening/commands/failures.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from screening import create_app
from screening.extensions import db
from tests.outbox.servers import free_port
from tests.test_config_and_migrations import _screening

ROOT = Path(__file__).resolve().parent.parent.parent
STRONG = "plum river 77 lantern\n"
NO_TABLES = "Error: the database has no tables yet: run `screening db upgrade`"


def _app(url: str) -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database that exists but was never migrated."""
    yield from _app(f"sqlite:///{tmp_path / 'fresh.db'}")


def _one_line_error(result, says: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert result.exc_info[0] is SystemExit, result.exc_info  # no exception escaped
    assert says in result.output
    assert "Traceback" not in result.output


DATABASE_COMMANDS = [
    ["create-user", "a@clinic.example", "--role", "admin"],
    ["deactivate-user", "a@clinic.example"],
    ["reactivate-user", "a@clinic.example"],
    ["disable-two-factor", "a@clinic.example"],
    ["export"],
    ["audit"],
    ["api-token", "list"],
    ["api-token", "create", "--name", "EHR"],
    ["rerender-summaries"],
    ["purge"],
    ["worker", "--once"],
    ["worker"],  # continuous: it stops at once, rather than failing every second for ever
]


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_a_database_without_tables_says_to_run_db_upgrade(
    empty_app: Flask, args: list[str]
) -> None:
    result = empty_app.test_cli_runner().invoke(args=args, input=STRONG * 2)
    _one_line_error(result, NO_TABLES)


def test_the_fhir_export_too(empty_app: Flask, tmp_path: Path) -> None:
    result = empty_app.test_cli_runner().invoke(
        args=["export", "--format", "fhir", "-o", str(tmp_path / "out")]
    )
    _one_line_error(result, NO_TABLES)


def test_staff_hint_says_to_run_db_upgrade_before_create_user(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["staff-hint"])
    assert result.exit_code == 0
    upgrade = result.output.index(".venv/bin/screening db upgrade")
    assert upgrade < result.output.index(".venv/bin/screening create-user")
    assert "No staff account exists yet" not in result.output


def test_an_older_schema_says_to_run_db_upgrade(app: Flask, runner: FlaskCliRunner) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE api_client"))
        connection.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (v VARCHAR(32))"))
    try:
        result = runner.invoke(args=["api-token", "list"])
        _one_line_error(result, "the database is older than this version of the app")
        assert "run `screening db upgrade`" in result.output
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
        db.create_all()


def test_a_sqlite_file_in_a_missing_folder_cannot_be_reached(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'screening.db'}"
    for app in _app(url):
        result = app.test_cli_runner().invoke(args=["api-token", "list"])
        _one_line_error(result, f"Error: cannot reach the database at {url}: ")
        assert f"the folder {tmp_path / 'missing'} does not exist" in result.output


def test_a_database_server_that_is_down_is_named_without_its_password() -> None:
    url = f"postgresql+psycopg://clinic:s3cret-pw@127.0.0.1:{free_port()}/screening"
    for app in _app(url):
        result = app.test_cli_runner().invoke(args=["audit"])
        _one_line_error(
            result,
            "Error: cannot reach the database at postgresql+psycopg://clinic:***@127.0.0.1:",
        )
        assert "s3cret-pw" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_flasks_own_commands_are_guarded_too(tmp_path: Path) -> None:
    """`screening db upgrade` (Flask-Migrate's) with the database out of reach."""
    url = f"sqlite:///{tmp_path / 'missing' / 'screening.db'}"
    ran = _screening(["db", "upgrade"], url, SECRET_KEY="x")
    assert ran.returncode == 1
    assert f"Error: cannot reach the database at {url}: " in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
