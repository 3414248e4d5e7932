"""Configuration rules and the migrations: upgrade from empty, then no drift, on each database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_secret_and_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # Issue 16: production also needs these (tested in tests/security/).
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://screening.clinic.example")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        load_config("production", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/screening")
    with pytest.raises(ConfigError, match="32 characters"):
        load_config("production", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = load_config("production", str(tmp_path))
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://db/screening"


def test_development_generates_and_keeps_a_secret_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = load_config("development", str(tmp_path))
    second = load_config("development", str(tmp_path))
    assert first.SECRET_KEY and first.SECRET_KEY == second.SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'screening.db'}"


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLINIC_PHONE", "555-0199")
    monkeypatch.setenv("SELF_START_ENABLED", "false")
    monkeypatch.setenv("INVITATION_EXPIRY_DAYS", "nine")
    with pytest.raises(ConfigError, match="INVITATION_EXPIRY_DAYS"):
        load_config("development", str(tmp_path))
    monkeypatch.setenv("INVITATION_EXPIRY_DAYS", "9")
    config = load_config("development", str(tmp_path))
    assert config.CLINIC_PHONE == "555-0199"
    assert config.SELF_START_ENABLED is False
    assert config.INVITATION_EXPIRY_DAYS == 9
    monkeypatch.setenv("CLINIC_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ConfigError, match="CLINIC_TIMEZONE"):
        load_config("development", str(tmp_path))
    monkeypatch.setenv("CLINIC_TIMEZONE", "Europe/London")
    assert load_config("development", str(tmp_path)).CLINIC_TIMEZONE == "Europe/London"
    with pytest.raises(ConfigError, match="SCREENING_ENV"):
        load_config("staging", str(tmp_path))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DOB_MAX_ATTEMPTS", "0", "DOB_MAX_ATTEMPTS must be a whole number from 1 to 20, not 0"),
        ("INVITATION_EXPIRY_DAYS", "-7", "from 1 to 365, not -7"),
        ("SMTP_PORT", "70000", "SMTP_PORT must be a whole number from 1 to 65535"),
        ("ALERT_ESCALATE_MINUTES", "0", "ALERT_ESCALATE_MINUTES must be a whole number 1 or more"),
        ("STAFF_IDLE_MINUTES", "0", "STAFF_IDLE_MINUTES"),
        ("SESSION_COOKIE_SECURE", "ture", "SESSION_COOKIE_SECURE must be true or false"),
        ("WTF_CSRF_ENABLED", "nope", "WTF_CSRF_ENABLED must be true or false"),
    ],
)
def test_a_setting_out_of_its_range_stops_the_start_with_what_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    """A zero in a limit (locks every invited link at once) or a misspelt yes (read as no,
    switching Secure cookies off) is refused with a message, never taken quietly."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config("development", str(tmp_path))


def test_secure_cookies_follow_an_https_public_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://screening.clinic.example")
    config = load_config("development", str(tmp_path))
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.PREFERRED_URL_SCHEME == "https"
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")  # said outright: as said
    assert load_config("development", str(tmp_path)).SESSION_COOKIE_SECURE is False
    monkeypatch.delenv("SESSION_COOKIE_SECURE")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    assert load_config("development", str(tmp_path)).SESSION_COOKIE_SECURE is False


def _fresh_database_url(tmp_path: Path) -> str:
    """An empty database of the kind this run tests against."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    import psycopg
    from psycopg import sql

    base, _, _name = server.rpartition("/")
    name = "screening_migration_check"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{base}/{name}"


def _screening(
    args: list[str], database_url: str, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SCREENING_ENV": "development", **settings}
    return subprocess.run(
        [sys.executable, "-m", "screening.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrations_build_the_schema_from_empty_with_no_drift(tmp_path: Path) -> None:
    url = _fresh_database_url(tmp_path)
    upgrade = _screening(["db", "upgrade"], url)
    assert upgrade.returncode == 0, upgrade.stderr
    if url.startswith("postgresql"):
        # The PostgreSQL-only trigram index for name search is there, and `db check`
        # (below) does not read it as drift.
        import psycopg

        with psycopg.connect(url) as conn:
            names = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
        assert "ix_screening_name_search_trgm" in names
    check = _screening(["db", "check"], url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    # Downgrade to empty works too, so a bad release can be rolled back.
    downgrade = _screening(["db", "downgrade", "base"], url)
    assert downgrade.returncode == 0, downgrade.stderr


def test_a_sqlite_file_database_keeps_a_write_ahead_log_and_syncs_every_commit(
    tmp_path: Path,
) -> None:
    """Readers do not wait for a patient's save, and a save shown as done is on disk."""
    from sqlalchemy import text

    from screening import create_app
    from screening.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'clinic.db'}")
    with app.app_context():
        settings = (
            db.session.execute(text("PRAGMA journal_mode")).scalar(),
            db.session.execute(text("PRAGMA synchronous")).scalar(),
        )
        db.session.remove()
        db.engine.dispose()
    assert settings == ("wal", 2)  # 2: FULL


@pytest.mark.parametrize("args", [["worker", "--once"], ["--help"]])
def test_a_wrong_setting_stops_the_command_line_with_its_message_not_a_traceback(
    tmp_path: Path, args: list[str]
) -> None:
    """Flask's command line printed the whole traceback above the message that names the
    setting; now only the message shows, and a command ends with status 2."""
    ran = _screening(args, f"sqlite:///{tmp_path / 'screening.db'}", REMINDER_HOUR="25")
    assert "Error: REMINDER_HOUR must be an hour of the day, 0 to 23" in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
    assert ran.returncode == (0 if args == ["--help"] else 2)


def test_mail_backend_is_one_the_outbox_knows_in_any_letter_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An unknown MAIL_BACKEND was accepted, then no alert was ever delivered and the worker
    blamed SMTP_HOST, which was set."""
    from config import MAIL_BACKENDS
    from screening.outbox.channels import EMAIL_BACKENDS

    assert set(MAIL_BACKENDS) == set(EMAIL_BACKENDS)
    monkeypatch.setenv("SMTP_HOST", "mail.clinic.example")
    monkeypatch.setenv("MAIL_BACKEND", " SMTP ")
    assert load_config("development", str(tmp_path)).MAIL_BACKEND == "smtp"
    monkeypatch.setenv("MAIL_BACKEND", "bogus")
    with pytest.raises(ConfigError, match="MAIL_BACKEND must be one of smtp, console, memory"):
        load_config("development", str(tmp_path))
    monkeypatch.delenv("SMTP_HOST")
    monkeypatch.setenv("MAIL_BACKEND", "smtp")
    with pytest.raises(ConfigError, match="MAIL_BACKEND is smtp: set SMTP_HOST"):
        load_config("development", str(tmp_path))
    monkeypatch.setenv("MAIL_BACKEND", "")
    assert load_config("development", str(tmp_path)).MAIL_BACKEND is None


def test_production_refuses_the_test_only_memory_mail_backend(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/screening")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://screening.clinic.example")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAIL_BACKEND", "Memory")
    with pytest.raises(ConfigError, match="MAIL_BACKEND=memory"):
        load_config("production", str(tmp_path))


def test_pdf_page_size_is_one_the_renderer_knows_in_any_letter_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PDF_PAGE_SIZE=Tabloid was accepted, then every patient's Send failed."""
    from config import PDF_PAGE_SIZES
    from screening.summary.render import PAGE_SIZES

    assert set(PDF_PAGE_SIZES) == set(PAGE_SIZES)
    monkeypatch.setenv("PDF_PAGE_SIZE", "a4")
    assert load_config("development", str(tmp_path)).PDF_PAGE_SIZE == "A4"
    monkeypatch.setenv("PDF_PAGE_SIZE", "LETTER")
    assert load_config("development", str(tmp_path)).PDF_PAGE_SIZE == "Letter"
    monkeypatch.setenv("PDF_PAGE_SIZE", "Tabloid")
    with pytest.raises(ConfigError, match="PDF_PAGE_SIZE must be Letter or A4, not 'Tabloid'"):
        load_config("development", str(tmp_path))


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("garbage", "DATABASE_URL is not a database URL; it looks like postgresql://"),
        ("nosuchdb://host/name", "DATABASE_URL names a database this app does not support"),
    ],
)
def test_an_unreadable_database_url_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, says: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match=says):
        load_config("development", str(tmp_path))


def test_a_garbage_database_url_is_named_even_by_commands_that_need_no_database(
    tmp_path: Path,
) -> None:
    ran = _screening(["evaluate", str(tmp_path / "answers.json")], "garbage")
    assert "Error: DATABASE_URL is not a database URL" in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
    assert ran.returncode == 2
