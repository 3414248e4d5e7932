"""A step saved with mistakes answers with a redirect to its own page (Post/Redirect/Get).

Before, the errors page was the answer to the POST. A patient who then fixed the step, went on
and pressed Back was offered the browser's "Confirm Form Resubmission", and confirming it saved
the older answers over the fixed ones. Now every page a patient can go Back to is a GET.
"""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from tests.patient.conftest import load_screening
from tests.patient.helpers import csrf_token_from, post_step, step_post_data, step_url
from tests.patient.test_steps import section_answers, text

MARKED = 'id="first_name-error"'


def _raw_post(client: FlaskClient, token: str, section: str, answers: dict[str, Any], **extra: str):
    """Post a step as a browser does, without following anything."""
    page = text(client.get(step_url(token, section)))
    data: dict[str, list[str]] = {}
    for name, value in step_post_data(section, answers):
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in extra.items()})
    data["csrf_token"] = [csrf_token_from(page) or ""]
    return client.post(step_url(token, section), data=data)


def test_mistakes_redirect_to_the_step_which_shows_them_and_keeps_what_was_typed(
    client: FlaskClient, token: str
) -> None:
    about = {**section_answers("about"), "first_name": "", "date_of_birth": "14th of March"}
    response = _raw_post(client, token, "about", about, save="1")
    assert response.status_code == 303
    assert response.location.endswith(step_url(token, "about"))
    page = text(client.get(response.location))
    assert "There is a problem" in page or "error-summary" in page
    assert MARKED in page and 'id="date_of_birth-error"' in page
    assert 'value="14th of March"' in page  # the typed text, from the draft
    assert f'value="{about["last_name"]}"' in page  # the stored answers
    # A reload shows the same page: still a GET, still the marks.
    assert MARKED in text(client.get(response.location))


def test_back_after_fixing_the_step_shows_the_fixed_answers_and_saves_nothing(
    client: FlaskClient, token: str
) -> None:
    about = section_answers("about")
    assert (
        _raw_post(client, token, "about", {**about, "first_name": ""}, save="1").status_code == 303
    )
    fixed = _raw_post(client, token, "about", {**about, "first_name": "Robin"}, save="1")
    assert fixed.status_code == 302 and not fixed.location.endswith(step_url(token, "about"))
    saved = load_screening(token).answers
    # Back: the browser GETs the step page again (the page it left was a GET).
    back = text(client.get(step_url(token, "about")))
    assert 'value="Robin"' in back and MARKED not in back
    assert load_screening(token).answers == saved


def test_the_notice_for_back_and_finish_later_comes_through_the_redirect(
    client: FlaskClient, token: str
) -> None:
    wrong = {**section_answers("about"), "date_of_birth": "someday"}
    response = _raw_post(client, token, "about", wrong, back="1")
    assert response.status_code == 303
    page = text(client.get(response.location))
    assert "before you go back. Blank answers are fine." in page
    response = _raw_post(client, token, "about", wrong, later="1")
    page = text(client.get(response.location))
    assert "or leave them blank, before you save." in page
    assert "before you go back" not in page


def test_a_blank_answer_is_marked_only_right_after_the_save_that_found_it(
    client: FlaskClient, token: str
) -> None:
    about = section_answers("about")
    _raw_post(client, token, "about", {**about, "first_name": ""}, save="1")
    assert MARKED in text(client.get(step_url(token, "about")))
    # Another device (or the same link another day) has no marks: blank is not an error yet.
    other = client.application.test_client()
    assert MARKED not in text(other.get(step_url(token, "about")))
    # Any next save of a step decides anew.
    assert post_step(client, token, "surgery", section_answers("surgery")).status_code == 302
    assert MARKED not in text(client.get(step_url(token, "about")))


def test_a_step_reached_from_the_review_goes_back_there_after_the_redirect(
    client: FlaskClient, token: str
) -> None:
    about = section_answers("about")
    response = _raw_post(
        client, token, "about", {**about, "first_name": ""}, save="1", return_to="review"
    )
    assert response.status_code == 303 and response.location.endswith("about?from=review")
    assert 'name="return_to" type="hidden" value="review"' in text(client.get(response.location))


def test_the_session_keeps_item_names_never_what_was_typed(client: FlaskClient, token: str) -> None:
    typed = {**section_answers("about"), "first_name": "", "date_of_birth": "Zelda-1975"}
    _raw_post(client, token, "about", typed, save="1")
    cookie = client.get_cookie("session")
    assert cookie is not None
    app = client.application
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    assert session["step_marks"]["items"] == ["date_of_birth", "first_name"]
    assert "Zelda" not in json.dumps(session)
