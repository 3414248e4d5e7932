"""What one saved step costs the database and the rules: held so the step page stays cheap
(issue 17, item 4; the milliseconds themselves are printed by `make bench`, never asserted).

A save reads the screening twice (the link, then again under the write lock), logs the save,
and writes the answers and their provisional triage in one UPDATE; the rules run once for each
answer set (the answers before a save were assessed when they were saved), whatever the page
asks afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from screening.extensions import db
from screening.services import screenings
from tests.patient.helpers import (
    _multi,
    acknowledge_warning,
    post_step,
    step_post_data,
    step_url,
)
from tests.patient.test_warnings import save_first_three, warning_answers


@pytest.fixture
def app_config() -> dict[str, object]:
    # An alert address, so a warning queues a message (delivered later by the worker).
    return {"ALERT_EMAIL_TO": "on-call@clinic.example"}


@pytest.fixture
def statements() -> Any:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:3]) + " | " + statement[-120:].replace("\n", " "))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def rule_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    real = screenings.assess_triage

    def counting(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(screenings, "assess_triage", counting)
    monkeypatch.setattr(screenings, "_ASSESSED", screenings.AnswerSetMemo())
    return runs


def test_a_warning_save_is_two_reads_one_insert_and_one_update(
    client: FlaskClient, token: str, statements: list[str], rule_runs: list[int]
) -> None:
    save_first_three(client, token)
    assert post_step(client, token, "warning_signs", warning_answers()).status_code == 302
    data = _multi(step_post_data("warning_signs", warning_answers(saddle_numbness=True)))
    data["save"] = ["1"]
    statements.clear()
    rule_runs.clear()
    response = client.post(step_url(token, "warning_signs"), data=data)
    assert response.status_code == 302 and "/warning" in response.headers["Location"]
    screening_reads = [s for s in statements if s.startswith("SELECT screening.")]
    assert len(screening_reads) == 2, "\n".join(statements)  # the link, then under the lock
    assert [s.split(" | ")[0] for s in statements if s.startswith("UPDATE")] == [
        "UPDATE screening SET"
    ]
    # The save log and the clinic's alert, in the same transaction as the answers.
    inserts = [s.split(" | ")[0] for s in statements if s.startswith("INSERT")]
    assert inserts == ["INSERT INTO screening_save", "INSERT INTO outbox_message"], inserts
    # The stored answers were assessed when they were saved: only the new ones are.
    assert len(rule_runs) == 1


def test_stored_triage_matches_the_answers_after_the_save(client: FlaskClient, token: str) -> None:
    from tests.patient.conftest import load_screening

    save_first_three(client, token)
    post_step(client, token, "warning_signs", warning_answers(saddle_numbness=True))
    row = load_screening(token)
    assert (row.triage, row.highest_triage) == ("emergency", "emergency")
    assert row.warning_saved_at is not None and row.triage_assessed_at is not None
    acknowledge_warning(client, f"/s/{token}/warning")
    assert post_step(client, token, "warning_signs", warning_answers()).status_code == 302
    row = load_screening(token)
    assert row.triage != "emergency" and row.highest_triage == "emergency"
