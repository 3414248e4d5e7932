"""Migration c1a0e2f01801 on a database with history: every stored name-search key is worked
out again with apostrophes left out and hyphens read as spaces, so names saved before it are
found the same way as new ones (the names themselves are left as typed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.test_config_and_migrations import _screening

ROW = (
    "INSERT INTO screening (public_id, status, answers_json, questionnaire_version, token_hash,"
    " created_at, updated_at, dob_failures, patient_first_name, patient_last_name,"
    " patient_name_search, invited_date_of_birth)"
    " VALUES (?, 'in_progress', ?, '2', ?, '2026-11-01 10:00:00.000000',"
    " '2026-11-01 10:00:00.000000', 0, ?, ?, ?, ?)"
)


def test_stored_name_keys_are_worked_out_again(tmp_path: Path) -> None:
    path = tmp_path / "names.db"
    url = f"sqlite:///{path}"
    before = _screening(["db", "upgrade", "c1a0e2f01701"], url)
    assert before.returncode == 0, before.stderr
    typed = json.dumps({"first_name": "Ann", "last_name": "O’Connor"})
    with sqlite3.connect(path) as conn:
        conn.executemany(
            ROW,
            [
                # Self-started: the typed name is the record's.
                ("self", typed, "h1", "Ann", "O’Connor", "ann o’connor", None),
                # Invited as O'Connor, typed O’Connor: one name now, so one key.
                (
                    "invited",
                    typed,
                    "h2",
                    "Ann",
                    "O'Connor",
                    "ann o'connor ann o’connor",
                    "1961-03-04",
                ),
                ("hyphen", "{}", "h3", "Cy", "Smith-Jones", "cy smith-jones", "1961-03-04"),
                ("plain", "{}", "h4", "Lee", "Park", "lee park", None),
                ("nameless", "{}", "h5", None, None, None, None),
            ],
        )
    after = _screening(["db", "upgrade"], url)
    assert after.returncode == 0, after.stderr
    with sqlite3.connect(path) as conn:
        rows = dict(conn.execute("SELECT public_id, patient_name_search FROM screening").fetchall())
        names = conn.execute(
            "SELECT patient_last_name FROM screening WHERE public_id = 'self'"
        ).fetchone()
    assert rows == {
        "self": "ann oconnor",
        "invited": "ann oconnor",
        "hyphen": "cy smith jones",
        "plain": "lee park",
        "nameless": None,
    }
    assert names == ("O’Connor",)  # stored as typed

    back = _screening(["db", "downgrade", "c1a0e2f01701"], url)
    assert back.returncode == 0, back.stderr
    with sqlite3.connect(path) as conn:
        rows = dict(conn.execute("SELECT public_id, patient_name_search FROM screening").fetchall())
    assert rows["self"] == "ann o’connor" and rows["hyphen"] == "cy smith-jones"
    assert rows["invited"] == "ann o'connor ann o’connor"
