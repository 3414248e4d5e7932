"""Review, submit and what happens after: one submission, locked answers, the export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, update

from screening.extensions import db
from screening.models import AuditEvent, Screening, Summary
from screening.services import screenings
from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    complete_screening,
    example_answers,
    fill_steps,
    post_step,
    start,
    step_url,
    submit,
)

Stored = Callable[[str], dict[str, Any]]
ANSWERS = example_answers("after_fusion")


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_review_lists_every_answer_in_words_with_change_links(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS, send=False)
    html = text(client.get(step_url(token, "review")))
    assert "Step 8 of 8" in html
    assert "Have you had surgery on your spine before?" in html
    assert "Joining bones together (fusion)" in html  # surgery entry in words
    assert "L5-S1" in html
    assert "175 cm" in html and "78 kg" in html
    assert "6 out of 10" in html
    assert "I have new or different pain" in html
    assert "June 21, 1959" in html
    for section in ("about", "surgery", "symptoms", "warning_signs", "history", "wellbeing"):
        assert f"/step/{section}?from=review" in html
    assert 'name="consent_confirm"' in html and 'value="yes"' in html


def test_change_link_returns_to_review(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS, send=False)
    page = text(client.get(step_url(token, "history") + "?from=review"))
    assert 'name="return_to" type="hidden" value="review"' in page
    answers = {k: v for k, v in ANSWERS.items() if k in ("diagnoses", "mri_when", "diabetes")}
    answers |= {
        k: ANSWERS[k]
        for k in ("smoking", "blood_thinners", "heart_or_lung_disease", "prior_spine_infection")
    }
    response = post_step(client, token, "history", answers, extra=[("return_to", "review")])
    assert response.location.endswith(step_url(token, "review"))


def test_submit_needs_consent(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS, send=False)
    response = submit(client, token, consent=False)
    assert response.status_code == 200
    assert "Please tick the box to confirm before you send." in text(response)
    assert 'href="#consent_confirm"' in text(response)
    assert load_screening(token).status == "in_progress"


def test_submit_with_missing_steps_points_to_them(client: FlaskClient) -> None:
    token, _code = start(client)
    response = submit(client, token)
    html = text(response)
    assert response.status_code == 200
    assert 'href="#section-about"' in html
    assert load_screening(token).status == "in_progress"


def test_submit_stores_evaluation_and_summary_and_thanks(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS)
    screening = load_screening(token)
    assert screening.status == "submitted"
    assert screening.submitted_at is not None
    assert screening.answers == {**ANSWERS, "consent_confirm": True}
    assert screening.triage == "routine"
    assert screening.triage_rank is not None
    assert screening.rules_version == "2"
    evaluation = json.loads(screening.evaluation_json or "{}")
    assert evaluation["triage"] == "routine"
    count = db.session.scalar(select(func.count()).select_from(Summary))
    assert count == 1
    page = client.get(f"/s/{token}")
    assert page.location.endswith(f"/s/{token}/done")
    done = text(client.get(page.location))
    assert "Thank you" in done and "What happens next" in done


def test_after_submission_posts_change_nothing(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS)
    before = load_screening(token)
    answers, submitted_at = before.answers, before.submitted_at
    for section in ("about", "surgery", "review"):
        response = client.post(
            step_url(token, section), data={"first_name": "Mallory", "save": "1", "submit": "1"}
        )
        assert response.status_code == 302
        assert response.location.endswith(f"/s/{token}/done")
    after = load_screening(token)
    assert after.answers == answers
    assert after.submitted_at == submitted_at
    assert client.get(step_url(token, "about")).location.endswith(f"/s/{token}/done")


def test_double_submission_gives_one_submission(client: FlaskClient) -> None:
    token = complete_screening(client, ANSWERS, send=False)
    first = submit(client, token)
    second = submit(client, token)
    assert first.location == second.location
    assert second.location.endswith("/done")
    count = db.session.scalar(select(func.count()).select_from(Summary))
    assert count == 1


def test_submission_race_with_a_stale_object(client: FlaskClient) -> None:
    """Two tabs both loaded the open screening; only the first UPDATE claims it."""
    token = complete_screening(client, ANSWERS, send=False)
    stale = load_screening(token)
    assert stale.status == "in_progress"
    first_time = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with db.engine.begin() as other_tab:
        other_tab.execute(
            update(Screening)
            .where(Screening.id == stale.id)
            .values(status="submitted", submitted_at=first_time)
        )
    assert stale.status == "in_progress", "this copy has not seen the other tab's submission"
    result = screenings.submit(stale, True)
    assert result.ok
    again = load_screening(token)
    assert again.submitted_at == first_time
    assert db.session.scalar(select(func.count()).select_from(Summary)) == 0


def test_export_prints_exactly_the_answers(client: FlaskClient, runner: FlaskCliRunner) -> None:
    token = complete_screening(client, ANSWERS)
    complete_screening(client, example_answers("disc_herniation"), send=False)  # not submitted
    result = runner.invoke(args=["export"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    record = lines[0]
    screening = load_screening(token)
    assert record["id"] == screening.public_id
    assert record["questionnaire_version"] == "2"
    assert record["answers"] == {**ANSWERS, "consent_confirm": True}
    assert record["submitted_at"].endswith("Z") and "T" in record["submitted_at"]
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars()
    rows = list(events)
    # One row per exported screening (its id), then the total; never the contents.
    assert [row.screening_public_id for row in rows] == [record["id"], None]
    assert all(row.actor == "cli" for row in rows)
    assert not any("Robin" in (row.detail or "") for row in rows)


def test_fill_steps_helper_works_for_existing_links(client: FlaskClient) -> None:
    token, _code = start(client)
    fill_steps(client, token, ANSWERS)
    assert screenings.first_incomplete_step(load_screening(token)) == "review"


def test_submission_is_evaluated_on_the_clinic_calendar_date(client: FlaskClient, app) -> None:
    """New Year's Eve, 11:30 pm in New York, is already 1 January in UTC: the evaluation (ages,
    "this year" for surgeries) follows the clinic's date, not UTC's."""
    app.config["CLINIC_TIMEZONE"] = "America/New_York"
    token = complete_screening(client, ANSWERS, send=False)
    screening = load_screening(token)
    late_evening = datetime(2027, 1, 1, 4, 30, tzinfo=UTC)  # 23:30 on 31 Dec in New York
    assert screenings.submit(screening, True, now=late_evening).ok
    stored = load_screening(token)
    assert stored.evaluation["as_of"] == "2026-12-31"
    assert stored.submitted_at == late_evening
