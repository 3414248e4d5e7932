"""With CSRF on: an expired token re-renders the page with everything typed, saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    _multi,
    complete_screening,
    example_answers,
    start,
    step_post_data,
    step_url,
)

TIMED_OUT = "For your safety this page timed out. Your answers are still here"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_whole_questionnaire_with_csrf(client: FlaskClient) -> None:
    token = complete_screening(client, example_answers("after_fusion"))
    assert load_screening(token).status == "submitted"


def test_missing_or_stale_token_rerenders_with_values(client: FlaskClient) -> None:
    token, _code = start(client)
    for bad in (None, "stale-token-from-yesterday"):
        data = {"first_name": "Ann-Marie", "visit_reason": "Sore back\nfor weeks", "save": "1"}
        if bad:
            data["csrf_token"] = bad
        response = client.post(step_url(token, "about"), data=data)
        html = text(response)
        assert response.status_code == 200
        assert TIMED_OUT in html
        assert 'value="Ann-Marie"' in html
        assert "Sore back\nfor weeks" in html
        assert 'name="csrf_token"' in html, "a fresh token to try again with"
        assert load_screening(token).answers == {}


@pytest.mark.parametrize(
    ("pressed", "again"),
    [
        ({"save": "1"}, "please press Save and continue again."),
        ({"later": "1"}, "please press Save and finish later again."),
        ({"back": "1"}, "please press Back again."),
        ({"switch_language": "es"}, "please press Español again."),
    ],
)
def test_the_timed_out_notice_names_the_button_pressed(
    client: FlaskClient, pressed: dict[str, str], again: str
) -> None:
    """Told "press Save and continue" after "finish later", a patient would be sent on to the
    next step instead of stopping; nothing is saved and no language changes meanwhile."""
    token, _code = start(client)
    data = {"first_name": "Ann-Marie", "csrf_token": "stale", **pressed}
    html = text(client.post(step_url(token, "about"), data=data))
    assert f"{TIMED_OUT} — {again}" in html
    assert '<html lang="en">' in html and 'value="Ann-Marie"' in html
    assert load_screening(token).answers == {}


def test_the_timed_out_notice_in_spanish_names_the_spanish_button(client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    token, _code = start(client)
    data = {"first_name": "Ana", "csrf_token": "stale", "later": "1"}
    html = text(client.post(step_url(token, "about"), data=data))
    assert "Presione otra vez Guardar y terminar después." in html


def test_new_browser_without_session_also_rerenders(app: Flask, client: FlaskClient) -> None:
    token, _code = start(client)
    page = text(client.get(step_url(token, "about")))
    other = app.test_client()  # no session cookie: the token cannot match
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = other.post(
        step_url(token, "about"), data={"first_name": "Ann", "csrf_token": csrf, "save": "1"}
    )
    assert response.status_code == 200
    assert TIMED_OUT in text(response)
    assert load_screening(token).answers == {}


def test_submit_without_token_changes_nothing(client: FlaskClient) -> None:
    token = complete_screening(client, example_answers("after_fusion"), send=False)
    response = client.post(step_url(token, "review"), data={"consent_confirm": "yes"})
    assert response.status_code == 200
    assert "timed out" in text(response)
    assert load_screening(token).status == "in_progress"


def test_resume_and_confirm_without_token_rerender(client: FlaskClient) -> None:
    response = client.post("/resume", data={"code": "ABCDE-12345"})
    assert response.status_code == 200 and "timed out" in text(response)


def test_the_step_names_are_the_same_whichever_app_asked_first(client: FlaskClient) -> None:
    """The names a step accepts are worked out once per form class, and the form classes are
    shared by every app in a process: an app with CSRF off asking first (as the tests' do)
    once left the CSRF field out for this one, and every step post here was a 400."""
    from screening.patient.fields import step_form_class
    from screening.patient.posted_names import _ALLOWED, allowed_names
    from screening.questionnaire import QUESTIONNAIRE

    section = QUESTIONNAIRE.section("about")
    _ALLOWED.clear()
    other = Flask(__name__)
    other.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    with other.test_request_context():
        assert "csrf_token" in allowed_names(section, step_form_class("about"))[0]
    token = complete_screening(client, example_answers("after_fusion"))
    assert load_screening(token).status == "submitted"


def test_an_emergency_answer_on_a_timed_out_page_still_shows_the_advice(
    client: FlaskClient,
) -> None:
    """An outside review: warning signs sent from a page whose form token had expired (a
    phone left open overnight) came back with only "press Save again": no advice. The advice
    is shown at once; nothing is saved and no alert goes out, so it asks the patient to call."""
    from sqlalchemy import func, select

    from screening.extensions import db
    from screening.models import OutboxMessage
    from screening.questionnaire import QUESTIONNAIRE

    token, _code = start(client)
    section = QUESTIONNAIRE.section("warning_signs")
    answers = {
        k: v for k, v in example_answers("cauda_equina_warning").items() if k in section.item_ids
    }
    data = _multi([*step_post_data("warning_signs", answers), ("save", "1")])
    data["csrf_token"] = ["stale-token-from-yesterday"]
    response = client.post(step_url(token, "warning_signs"), data=data)
    html = text(response)
    assert response.status_code == 200
    assert TIMED_OUT in html
    assert "Go to an emergency department now" in html
    assert "Please also call" in html and "We are letting" not in html
    assert load_screening(token).answers == {}
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_routine_answers_on_a_timed_out_page_show_no_advice(client: FlaskClient) -> None:
    from screening.questionnaire import QUESTIONNAIRE

    token, _code = start(client)
    section = QUESTIONNAIRE.section("warning_signs")
    answers = {k: v for k, v in example_answers("stenosis").items() if k in section.item_ids}
    data = _multi([*step_post_data("warning_signs", answers), ("save", "1")])
    html = text(client.post(step_url(token, "warning_signs"), data=data))
    assert TIMED_OUT in html
    assert "alert-emergency" not in html and "alert-urgent" not in html
