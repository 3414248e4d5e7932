"""Invited screenings (issue 5, item 3, patient side): date of birth first, lock, expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screening.extensions import db
from screening.models import Screening
from screening.services import access
from tests.patient.conftest import load_screening
from tests.patient.helpers import example_answers, fill_steps, post_step, step_url, submit

BORN = date(1984, 9, 12)


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def invite(
    app: Flask,
    *,
    expires_in: timedelta = timedelta(days=7),
    revoked: bool = False,
    date_of_birth: date | None = BORN,
) -> str:
    """An invitation as staff create it (synthetic patient)."""
    token = access.new_token()
    now = datetime.now(UTC)
    db.session.add(
        Screening(
            public_id=access.new_public_id(),
            status="invited",
            answers_json="{}",
            questionnaire_version="1",
            token_hash=access.hash_token(token),
            resume_code_hash=access.hash_resume_code(
                access.new_resume_code(), app.config["SECRET_KEY"]
            ),
            patient_first_name="Jordan",
            patient_last_name="Reyes",
            patient_name_search="jordan reyes",
            invited_date_of_birth=date_of_birth,
            expires_at=now + expires_in,
            revoked_at=now if revoked else None,
            dob_failures=0,
        )
    )
    db.session.commit()
    return token


def confirm(client: FlaskClient, token: str, typed: str) -> Any:
    return client.post(f"/s/{token}/confirm", data={"date_of_birth": typed})


def test_date_of_birth_comes_before_anything(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    for url in (f"/s/{token}", step_url(token, "about"), step_url(token, "review")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.endswith(f"/s/{token}/confirm")
    page = text(client.get(f"/s/{token}/confirm"))
    assert "Jordan" not in page
    posted = client.post(step_url(token, "about"), data={"first_name": "X", "save": "1"})
    assert posted.location.endswith("/confirm")
    assert load_screening(token).answers == {}


def test_right_date_opens_the_form_with_invitation_details(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    response = confirm(client, token, "09/12/1984")
    assert response.status_code == 302
    landing = client.get(response.location)
    assert landing.location.endswith(step_url(token, "about"))
    html = text(client.get(landing.location))
    assert 'value="Jordan"' in html and 'value="Reyes"' in html
    assert 'value="1984-09-12"' in html
    # Another browser must confirm again.
    assert app.test_client().get(step_url(token, "about")).location.endswith("/confirm")


def test_first_save_moves_invited_to_in_progress(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    confirm(client, token, "1984-09-12")
    answers = example_answers("disc_herniation")
    about = {
        k: v
        for k, v in answers.items()
        if k
        in (
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "work_status",
            "work_demand",
            "caregiver",
        )
    }
    assert post_step(client, token, "about", {**about, "first_name": "Jo"}).status_code == 302
    screening = load_screening(token)
    assert screening.status == "in_progress"
    # One identity (issue 13): the record keeps the invited name, the search finds both.
    assert screening.patient_first_name == "Jordan"
    assert screening.answers["first_name"] == "Jo"
    assert screening.patient_name_search == "jordan reyes jo reyes"


def test_five_wrong_dates_lock_the_link(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    for attempt in range(1, 5):
        response = confirm(client, token, "1990-01-01")
        assert response.status_code == 200
        left = 5 - attempt
        assert f"You can try {left} more {'time' if left == 1 else 'times'}." in text(response)
    assert load_screening(token).locked_at is None
    locked = confirm(client, token, "1990-01-01")
    assert locked.status_code == 403
    assert "This link is locked" in text(locked)
    assert "555-0100" in text(locked)
    screening = load_screening(token)
    assert screening.dob_failures == 5 and screening.locked_at is not None
    # Even the right date no longer works, on any page.
    assert confirm(client, token, "1984-09-12").status_code == 403
    assert client.get(step_url(token, "about")).status_code == 403


def test_malformed_date_does_not_count_as_a_try(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    response = confirm(client, token, "yesterday")
    assert "Enter a date like 1975-03-14" in text(response)
    assert load_screening(token).dob_failures == 0


def test_an_empty_date_of_birth_asks_for_it(app: Flask, client: FlaskClient) -> None:
    """Nothing entered got "Enter a date like 1975-03-14", a format the page never shows."""
    token = invite(app)
    response = confirm(client, token, "  ")
    assert "Enter your date of birth." in text(response)
    assert "Enter a date like" not in text(response)
    assert load_screening(token).dob_failures == 0


def test_expired_link_shows_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    token = invite(app, expires_in=timedelta(days=-1))
    for url in (f"/s/{token}", f"/s/{token}/confirm", step_url(token, "about")):
        response = client.get(url)
        assert response.status_code == 410
        html = text(response)
        assert "This link has expired" in html and "555-0100" in html
        assert "Jordan" not in html


def test_revoked_link_shows_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    token = invite(app, revoked=True)
    response = client.get(f"/s/{token}")
    assert response.status_code == 410
    assert "This link no longer works" in text(response)


def test_after_submission_the_link_shows_only_the_confirmation(
    app: Flask, client: FlaskClient
) -> None:
    token = invite(app)
    confirm(client, token, "1984-09-12")
    answers = example_answers("disc_herniation")
    fill_steps(client, token, answers)
    assert submit(client, token).status_code == 302
    stranger = app.test_client()
    for url in (f"/s/{token}", step_url(token, "about"), step_url(token, "review")):
        response = stranger.get(url)
        assert response.location.endswith(f"/s/{token}/done")
    # The confirmation, too, asks for the date of birth first (issue 16).
    assert stranger.get(f"/s/{token}/done").location.endswith(f"/s/{token}/confirm")
    confirm(stranger, token, "1984-09-12")
    done = text(stranger.get(f"/s/{token}/done"))
    assert "Thank you" in done
    assert "Jordan" not in done and "Reyes" not in done


@pytest.mark.parametrize("date_of_birth", [None])
def test_invitation_without_date_of_birth_needs_no_confirmation(
    app: Flask, client: FlaskClient, date_of_birth: date | None
) -> None:
    token = invite(app, date_of_birth=date_of_birth)
    assert client.get(f"/s/{token}").location.endswith(step_url(token, "about"))
