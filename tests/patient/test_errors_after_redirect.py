"""A step saved with mistakes answers with a redirect to its own page (Post/Redirect/Get).

Before, the errors page was the answer to the POST. A patient who then fixed the step, went on
and pressed Back was offered the browser's "Confirm Form Resubmission", and confirming it saved
the older answers over the fixed ones. Now every page a patient can go Back to is a GET.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask.testing import FlaskClient

from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    acknowledge_warning,
    csrf_token_from,
    post_step,
    step_post_data,
    step_url,
)
from tests.patient.test_steps import section_answers, text
from tests.patient.test_warnings import save_first_three, warning_answers

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


def test_a_height_typed_in_centimeters_with_feet_chosen_comes_back_as_typed(
    client: FlaskClient, token: str
) -> None:
    """170 typed in the centimeters box while Feet and inches was still chosen is read as
    170 cm; the page after the redirect showed it back as 5 ft 6.9 in, and the next save stored
    169.9."""
    about = {k: v for k, v in section_answers("about").items() if k != "height_cm"}
    page = text(client.get(step_url(token, "about")))
    data: dict[str, list[str]] = {}
    for name, value in step_post_data("about", {**about, "email": "bad@"}):
        data.setdefault(name, []).append(value)
    data.update(
        height_unit=["ft_in"], height_cm=["170"], save=["1"], csrf_token=[csrf_token_from(page)]
    )
    response = client.post(step_url(token, "about"), data=data)
    assert response.status_code == 303
    assert load_screening(token).answers["height_cm"] == 170
    shown = text(client.get(response.location))
    assert re.search(r'<input[^>]*name="height_cm"[^>]*value="170"', shown)
    assert re.search(r'<input checked[^>]*name="height_unit"[^>]*value="cm"', shown)
    # Fixing only the email keeps the height at 170.
    fixed = post_step(client, token, "about", {**about, "height_cm": 170})
    assert fixed.status_code == 302
    assert load_screening(token).answers["height_cm"] == 170


def test_nothing_left_to_mark_shows_no_notice(client: FlaskClient, token: str) -> None:
    """Marks from a save on this phone, the answer put right on another device since: the
    reload shows the step with no notice about nothing."""
    about = section_answers("about")
    _raw_post(client, token, "about", {**about, "email": "odalys-at-example"}, later="1")
    assert "or leave them blank, before you save." in text(client.get(step_url(token, "about")))
    other = client.application.test_client()
    assert post_step(other, token, "about", about).status_code == 302
    page = text(client.get(step_url(token, "about")))
    assert "before you save." not in page and "field-error" not in page


def test_the_emergency_beside_the_errors_is_not_shown_again_once_understood(
    client: FlaskClient, token: str
) -> None:
    save_first_three(client, token)
    warning = warning_answers(saddle_numbness=True)
    del warning["balance_problem"]
    response = _raw_post(client, token, "warning_signs", warning, save="1")
    assert response.status_code == 303
    page = text(client.get(response.location))
    assert "Go to an emergency department now" in page and "field-error" in page
    acknowledge_warning(client, f"/s/{token}/warning")
    page = text(client.get(step_url(token, "warning_signs")))
    assert "field-error" in page, "the blank answer still to fix"
    assert "Go to an emergency department now" not in page, "understood already"
