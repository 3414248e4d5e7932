"""Start, the private link and the resume code: leave after step 3, come back anywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screening.services.access import CODE_ALPHABET
from tests.cookies import readable_session
from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    csrf_token_from,
    example_answers,
    post_step,
    start,
    step_url,
)

Stored = Callable[[str], dict[str, Any]]
ANSWERS = example_answers("after_fusion")


def first_steps(client: FlaskClient, token: str, count: int) -> None:
    from screening.questionnaire import QUESTIONNAIRE

    for section in QUESTIONNAIRE.sections[:count]:
        answers = {k: v for k, v in ANSWERS.items() if k in section.item_ids}
        assert post_step(client, token, section.id, answers).status_code == 302


def test_start_page_explains_and_starts(client: FlaskClient) -> None:
    page = client.get("/start")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "About 10 minutes." in html
    assert "Private." in html
    token, code = start(client)
    assert len(token) >= 22  # 128 bits or more, URL-safe
    assert len(code) == 11 and code[5] == "-"
    assert all(ch in CODE_ALPHABET for ch in code.replace("-", ""))
    screening = load_screening(token)
    assert screening.status == "in_progress"
    assert token not in (screening.token_hash or "")
    assert code.replace("-", "") not in (screening.resume_code_hash or "")


def test_reloading_the_code_page_shows_the_same_code_and_starts_nothing(
    app: Flask, client: FlaskClient
) -> None:
    """The code is shown by a GET after the POST: a reload (a phone's pull-to-refresh) shows
    the same code again instead of starting a second screening with another code."""
    from screening.extensions import db
    from screening.models import Screening

    token, code = start(client)
    for _reload in range(2):
        again = client.get(f"/s/{token}/started").get_data(as_text=True)
        assert 'class="resume-code"' in again and f">{code}<" in again
    assert db.session.query(Screening).count() == 1
    # The code is in the session cookie only sealed.
    readable = readable_session(client)
    assert b"started" in readable and code.encode() not in readable
    # Another browser with the link sees no code: it is sent on to the questions.
    other = app.test_client().get(f"/s/{token}/started")
    assert other.status_code == 302 and other.headers["Location"].endswith(f"/s/{token}")
    # A later start in this browser shows its own code; the first one's page no longer does.
    second_token, second_code = start(client)
    assert second_code != code
    assert client.get(f"/s/{token}/started").status_code == 302
    assert f">{second_code}<" in client.get(f"/s/{second_token}/started").get_data(as_text=True)


def test_home_page_is_the_start_page(client: FlaskClient) -> None:
    assert "About 10 minutes." in client.get("/").get_data(as_text=True)


def test_opening_the_link_on_a_new_client_resumes_at_first_incomplete_step(
    app: Flask, client: FlaskClient
) -> None:
    token, _code = start(client)
    first_steps(client, token, 3)
    other_device = app.test_client()
    response = other_device.get(f"/s/{token}")
    assert response.status_code == 302
    assert response.location.endswith(step_url(token, "warning_signs"))
    page = other_device.get(response.location)
    assert page.status_code == 200
    assert "Step 4 of 8" in page.get_data(as_text=True)


def test_earlier_answers_are_shown_on_the_new_client(app: Flask, client: FlaskClient) -> None:
    token, _code = start(client)
    first_steps(client, token, 1)
    html = app.test_client().get(step_url(token, "about")).get_data(as_text=True)
    assert 'value="Robin"' in html
    assert 'value="1959-06-21"' in html


def test_partly_done_step_is_where_you_resume(app: Flask, client: FlaskClient) -> None:
    token, _code = start(client)
    first_steps(client, token, 2)
    post_step(client, token, "symptoms", {"back_pain_nrs": 3}, action="later")
    response = app.test_client().get(f"/s/{token}")
    assert response.location.endswith(step_url(token, "symptoms"))


def test_complete_answers_resume_at_review(app: Flask, client: FlaskClient) -> None:
    token, _code = start(client)
    first_steps(client, token, 7)
    response = app.test_client().get(f"/s/{token}")
    assert response.location.endswith(step_url(token, "review"))


def test_resume_code_on_a_new_client(app: Flask, client: FlaskClient, stored: Stored) -> None:
    token, code = start(client)
    first_steps(client, token, 3)
    other = app.test_client()
    page = other.get("/resume")
    assert page.status_code == 200
    typed = code.lower().replace("-", " ")  # people type codes loosely
    response = other.post("/resume", data={"code": typed})
    assert response.status_code == 302
    landing = other.get(response.location)
    assert landing.status_code == 302
    assert landing.location.endswith("/step/warning_signs")
    new_token = landing.location.split("/s/")[1].split("/")[0]
    assert stored(new_token)["first_name"] == "Robin"
    # The first link (perhaps printed by the clinic) keeps working beside the new one.
    assert client.get(f"/s/{token}").status_code == 302
    # Resuming by code again replaces the previous code-issued link, not the first one.
    again = app.test_client()
    newer = again.get(again.post("/resume", data={"code": code}).location).location
    newer_token = newer.split("/s/")[1].split("/")[0]
    assert newer_token not in (token, new_token)
    assert other.get(f"/s/{new_token}").status_code == 404
    assert client.get(f"/s/{token}").status_code == 302
    assert again.get(f"/s/{newer_token}").status_code == 302


def test_wrong_resume_code_gets_a_clear_message(client: FlaskClient) -> None:
    response = client.post("/resume", data={"code": "ABCDE-12345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We could not find a form with that code" in html
    assert 'href="#code"' in html
    response = client.post("/resume", data={"code": "x" * 5000})
    assert "We could not find a form with that code" in response.get_data(as_text=True)


def test_an_empty_resume_code_asks_for_it(client: FlaskClient) -> None:
    """Nothing typed was told "We could not find a form with that code"."""
    html = client.post("/resume", data={"code": " "}).get_data(as_text=True)
    assert "Enter your code, like ABCDE-12345." in html
    assert "We could not find" not in html


@pytest.fixture
def app_config() -> dict[str, object]:
    return {}


class TestSelfStartOff:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"SELF_START_ENABLED": False}

    def test_start_shows_use_your_link_page(self, client: FlaskClient) -> None:
        page = client.get("/start")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Please use your link" in html
        assert 'name="csrf_token"' not in html and "<form" not in html
        refused = client.post("/start")
        assert refused.status_code == 403
        from screening.extensions import db
        from screening.models import Screening

        assert db.session.query(Screening).count() == 0


class TestResumeRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_too_many_codes_from_one_address(self, app: Flask) -> None:
        from screening.extensions import limiter

        limiter.reset()
        client = app.test_client()
        codes = [
            client.post("/resume", data={"code": "ABCDE-12345"}).status_code for _ in range(11)
        ]
        assert codes[:10] == [200] * 10
        assert codes[10] == 429
        limiter.reset()


class TestCsrfOn:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"WTF_CSRF_ENABLED": True}

    def test_start_with_csrf(self, client: FlaskClient) -> None:
        token, _code = start(client)
        assert load_screening(token).status == "in_progress"

    def test_start_without_token_rerenders(self, client: FlaskClient) -> None:
        response = client.post("/start")
        assert response.status_code == 200
        assert "timed out" in response.get_data(as_text=True)
        assert csrf_token_from(response.get_data(as_text=True))
