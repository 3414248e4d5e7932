"""Migration c1a0e2f01201 on a database with history: no page about old screenings.

Screenings submitted before the red-flag loop get their triage as their highest level and are
marked escalated already, so the first worker cycle after an upgrade escalates nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_config_and_migrations import _screening

ROW = (
    "INSERT INTO screening (public_id, status, answers_json, questionnaire_version, token_hash,"
    " created_at, updated_at, submitted_at, dob_failures, triage, triage_rank)"
    " VALUES ('old1', 'submitted', '{}', '1', 'h1', '2026-01-01 10:00:00.000000',"
    " '2026-01-01 10:00:00.000000', '2026-01-01 10:00:00.000000', 0, 'emergency', 0)"
)


def test_history_keeps_its_triage_as_the_highest_and_is_not_escalated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.db"
    url = f"sqlite:///{path}"
    before = _screening(["db", "upgrade", "b7d41c2e9a10"], url)
    assert before.returncode == 0, before.stderr
    with sqlite3.connect(path) as conn:
        conn.execute(ROW)
    after = _screening(["db", "upgrade"], url)
    assert after.returncode == 0, after.stderr
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT highest_triage, highest_triage_rank, highest_triage_at, escalated_at"
            " FROM screening WHERE public_id = 'old1'"
        ).fetchone()
    assert row[:2] == ("emergency", 0)
    assert row[2] is not None and row[3] is not None
    # With an alert address set, an escalation would be queued (and written to the console).
    monkeypatch.setenv("ALERT_EMAIL_TO", "oncall@clinic.example")
    monkeypatch.delenv("SMTP_HOST", raising=False)
    once = _screening(["worker", "--once"], url)
    assert once.returncode == 0, once.stderr
    assert "queued by sweeps 0" in once.stdout


FLAGGED = (
    "INSERT INTO screening (public_id, status, answers_json, questionnaire_version, token_hash,"
    " created_at, updated_at, dob_failures, triage, triage_rank, triage_rules_json,"
    " red_flags_json, highest_triage, highest_triage_rank)"
    " VALUES (?, 'in_progress', '{}', '2', ?, '2026-11-01 10:00:00.000000',"
    " '2026-11-01 10:00:00.000000', 0, ?, ?, ?, ?, 'emergency', 0)"
)


def test_what_raised_the_highest_level_is_kept_where_it_still_holds(tmp_path: Path) -> None:
    """c1a0e2f01701: a screening at its highest level now takes today's rules and flags as
    what raised it; one whose warning was taken back has none to take (the page says so)."""
    path = tmp_path / "flagged.db"
    url = f"sqlite:///{path}"
    before = _screening(["db", "upgrade", "c1a0e2f01603"], url)
    assert before.returncode == 0, before.stderr
    with sqlite3.connect(path) as conn:
        conn.execute(
            FLAGGED,
            ("still", "h1", "emergency", 0, '["cauda_equina"]', '["saddle_numbness"]'),
        )
        conn.execute(FLAGGED, ("taken_back", "h2", "routine", 3, "[]", "[]"))
    after = _screening(["db", "upgrade"], url)
    assert after.returncode == 0, after.stderr
    with sqlite3.connect(path) as conn:
        rows = dict(
            (row[0], row[1:])
            for row in conn.execute(
                "SELECT public_id, highest_triage_rules_json, highest_red_flags_json FROM screening"
            )
        )
    assert rows["still"] == ('["cauda_equina"]', '["saddle_numbness"]')
    assert rows["taken_back"] == (None, None)
