"""A step page left behind in the browser's history cannot save older answers over newer ones.

The patient saved a step with a mistake, fixed it, went on, and pressed Back twice: the browser
showed the first page again, filled in with the mistake, and Save stored it over the fix. Each
step page now carries its own id and a digest of the step as it showed it; a save from a page
shown before the step last changed (and not changed by that page itself) is refused.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.extensions import db
from screening.models import OutboxMessage
from screening.questionnaire import QUESTIONNAIRE
from screening.services.step_pages import PAGE_KEY, PageSeen, out_of_date, step_version
from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    _multi,
    csrf_token_from,
    example_answers,
    step_post_data,
    step_url,
)
from tests.patient.test_steps import section_answers, text
from tests.patient.test_warnings import save_first_three, warning_answers

OUT_OF_DATE = "This page was out of date, so we did not save it."
HIDDEN = re.compile(r'<input [^>]*name="(page|loaded)"[^>]*value="([^"]*)"')


def _opened(client: FlaskClient, token: str, section: str) -> dict[str, str]:
    """Open a step as a browser does: what its hidden page fields and form address say."""
    html = text(client.get(step_url(token, section)))
    fields = dict(HIDDEN.findall(html))
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*id="step-form"', html)
    assert action, "the step form"
    return {**fields, "action": action.group(1), "csrf_token": csrf_token_from(html) or ""}


def _post_from(
    client: FlaskClient, page: dict[str, str], section: str, answers: dict[str, Any], **pressed: str
) -> Any:
    """Press a button on an opened page (`page`, from `_opened`) with `answers` in it."""
    data = _multi(step_post_data(section, answers))
    data.update({name: [page[name]] for name in ("page", "loaded", "csrf_token")})
    data.update({name: [value] for name, value in (pressed or {"save": "1"}).items()})
    return client.post(page["action"], data=data)


def test_every_step_page_has_its_own_id_and_an_address_that_changes_with_the_step(
    client: FlaskClient, token: str
) -> None:
    first, second = _opened(client, token, "about"), _opened(client, token, "about")
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", first["page"])
    assert first["page"] != second["page"]
    about_now = step_version(QUESTIONNAIRE.section("about"), {}, None)
    assert first["loaded"] == second["loaded"] == about_now
    # The same address while the step is unchanged (the browser may then refill the page with
    # what was typed), another once it changes; keyed, so it never carries the digest itself.
    assert first["action"] == second["action"]
    assert first["action"].startswith(f"{step_url(token, 'about')}/as/")
    assert first["loaded"] not in first["action"]
    assert _post_from(client, first, "about", section_answers("about")).status_code == 302
    assert _opened(client, token, "about")["action"] != first["action"]
    # Opened as an address (shown after Add operation, say), it is the step page.
    response = client.get(first["action"])
    assert response.status_code == 302 and response.location.endswith(step_url(token, "about"))


def test_an_address_opened_from_the_review_page_goes_back_there(
    client: FlaskClient, token: str
) -> None:
    """The review page's Change link opens a step on its way back to the review; its form's
    address says so too, so that address opened again (from the address bar, after an out of
    date page) still returns to the review."""
    html = text(client.get(f"{step_url(token, 'about')}?from=review"))
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*id="step-form"', html)
    assert action and action.group(1).endswith("?from=review")
    response = client.get(action.group(1))
    assert response.status_code == 302
    assert response.location.endswith(f"{step_url(token, 'about')}?from=review")
    plain = _opened(client, token, "about")["action"]
    assert client.get(plain).location.endswith(step_url(token, "about"))


def test_back_twice_to_the_first_attempt_saves_nothing_over_the_fix(
    client: FlaskClient, token: str
) -> None:
    about = section_answers("about")
    first_page = _opened(client, token, "about")
    mistake = {**about, "first_name": "Ann", "email": "not-an-email"}
    assert _post_from(client, first_page, "about", mistake).status_code == 303
    errors_page = _opened(client, token, "about")
    fixed = {**about, "first_name": "Anna", "email": "anna@example.org"}
    assert _post_from(client, errors_page, "about", fixed).status_code == 302

    # Back twice: the first page, as it was left, sent again.
    response = _post_from(client, first_page, "about", mistake)
    html = text(response)
    assert response.status_code == 409
    assert OUT_OF_DATE in html
    assert 'value="Anna"' in html and 'value="anna@example.org"' in html
    assert 'value="not-an-email"' not in html
    stored = load_screening(token)
    assert stored.answers["first_name"] == "Anna"
    assert stored.answers["email"] == "anna@example.org"
    assert not stored.draft["about"].get("unsaved")

    # The page it answered with is up to date: a change made on it is saved.
    current = dict(re.findall(r'<input [^>]*name="(page|loaded)"[^>]*value="([^"]*)"', html))
    again = {**current, "csrf_token": csrf_token_from(html) or "", "action": first_page["action"]}
    assert _post_from(client, again, "about", {**fixed, "first_name": "Annie"}).status_code == 302
    assert load_screening(token).answers["first_name"] == "Annie"


def test_answers_put_back_as_they_were_still_leave_the_first_page_out_of_date(
    client: FlaskClient, token: str
) -> None:
    """Jordan, then Jordx, then Jordan again: the page that showed the first Jordan (and was
    typed over with Jordx) matches the answers again, but not the step's version."""
    about = {**section_answers("about"), "first_name": "Jordan"}
    assert _post_from(client, _opened(client, token, "about"), "about", about).status_code == 302
    first_page = _opened(client, token, "about")
    jordx = {**about, "first_name": "Jordx"}
    assert _post_from(client, first_page, "about", jordx).status_code == 302
    assert _post_from(client, _opened(client, token, "about"), "about", about).status_code == 302
    assert _opened(client, token, "about")["action"] != first_page["action"]
    response = _post_from(client, first_page, "about", jordx)
    assert response.status_code == 409
    assert load_screening(token).answers["first_name"] == "Jordan"


def test_the_page_that_made_the_last_save_may_save_again(client: FlaskClient, token: str) -> None:
    """Back once: the browser shows the page the patient saved from, as they left it."""
    about = section_answers("about")
    page = _opened(client, token, "about")
    assert _post_from(client, page, "about", about).status_code == 302
    # Pressed twice, or changed and saved again from the same page: both are theirs.
    assert _post_from(client, page, "about", about).status_code == 302
    assert _post_from(client, page, "about", {**about, "first_name": "Robin"}).status_code == 302
    assert load_screening(token).answers["first_name"] == "Robin"


def test_of_two_devices_on_one_step_the_later_page_is_refused(
    client: FlaskClient, token: str, app: Any
) -> None:
    about = section_answers("about")
    phone, tablet = client, app.test_client()
    on_phone, on_tablet = _opened(phone, token, "about"), _opened(tablet, token, "about")
    assert _post_from(phone, on_phone, "about", {**about, "last_name": "Phone"}).status_code == 302
    response = _post_from(tablet, on_tablet, "about", {**about, "last_name": "Tablet"})
    assert response.status_code == 409 and OUT_OF_DATE in text(response)
    assert load_screening(token).answers["last_name"] == "Phone"
    # Opened again, the tablet shows the phone's answer, and saves.
    on_tablet = _opened(tablet, token, "about")
    assert (
        _post_from(tablet, on_tablet, "about", {**about, "last_name": "Tablet"}).status_code == 302
    )
    assert load_screening(token).answers["last_name"] == "Tablet"


def test_an_add_operation_page_sent_again_after_a_save_is_refused(
    client: FlaskClient, token: str
) -> None:
    """Back to the page that answered "Add another operation", after saving the second
    operation: the browser sends the Add post again. The page it answers with did not make
    the save, so a save from it cannot drop the second operation."""
    one = section_answers("surgery", example_answers("after_fusion"))
    second = {**one["surgeries"][0], "region": "cervical", "year": 2020, "levels": "C5-C6"}
    surgery = {**one, "surgeries": [*one["surgeries"], second]}
    opened = _opened(client, token, "surgery")
    added = text(_post_from(client, opened, "surgery", one, add_surgery="1"))
    add_page = {**dict(HIDDEN.findall(added)), "csrf_token": opened["csrf_token"]}
    add_page["action"] = opened["action"]
    assert add_page["page"] != opened["page"] and add_page["loaded"] == opened["loaded"]
    assert _post_from(client, add_page, "surgery", surgery).status_code == 302

    resent = text(_post_from(client, opened, "surgery", one, add_surgery="1"))
    again = {**dict(HIDDEN.findall(resent)), "csrf_token": opened["csrf_token"]}
    response = _post_from(client, {**again, "action": opened["action"]}, "surgery", one)
    assert response.status_code == 409
    assert len(load_screening(token).answers["surgeries"]) == 2


def test_another_step_saved_meanwhile_does_not_make_a_page_out_of_date(
    client: FlaskClient, token: str
) -> None:
    symptoms_page = _opened(client, token, "symptoms")
    about = _opened(client, token, "about")
    assert _post_from(client, about, "about", section_answers("about")).status_code == 302
    symptoms = section_answers("symptoms")
    assert _post_from(client, symptoms_page, "symptoms", symptoms).status_code == 302
    assert load_screening(token).answers["back_pain_nrs"] == symptoms["back_pain_nrs"]


def test_back_to_go_back_and_finish_later_are_checked_too(client: FlaskClient, token: str) -> None:
    about = section_answers("about")
    old = _opened(client, token, "about")
    assert _post_from(client, _opened(client, token, "about"), "about", about).status_code == 302
    for pressed in ({"back": "1"}, {"later": "1"}, {"switch_language": "es"}):
        response = _post_from(client, old, "about", {**about, "first_name": "Old"}, **pressed)
        assert response.status_code == 409, pressed
    assert load_screening(token).answers["first_name"] == about["first_name"]


def test_an_emergency_on_an_out_of_date_page_still_gets_the_advice(
    client: FlaskClient, token: str
) -> None:
    """The refused page may be the newer news (another device): its advice is not held back.
    Nothing was saved, so no alert went out and the words do not say the clinic was told."""
    save_first_three(client, token)
    old = _opened(client, token, "warning_signs")
    now = _opened(client, token, "warning_signs")
    assert _post_from(client, now, "warning_signs", warning_answers()).status_code == 302
    response = _post_from(client, old, "warning_signs", warning_answers(saddle_numbness=True))
    html = text(response)
    assert response.status_code == 409 and OUT_OF_DATE in html
    assert "Go to an emergency department now" in html
    assert "We are letting" not in html
    assert load_screening(token).answers["saddle_numbness"] is False
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_post_without_the_page_fields_is_saved_as_before(client: FlaskClient, token: str) -> None:
    """Not ours (a script): saved without the check, and nothing is kept about a page."""
    about = section_answers("about")
    opened = _opened(client, token, "about")
    assert _post_from(client, _opened(client, token, "about"), "about", about).status_code == 302
    for page, loaded in (("", ""), ("x" * 5000, opened["loaded"]), (opened["page"], "zz")):
        tampered = {**opened, "page": page, "loaded": loaded}
        response = _post_from(client, tampered, "about", {**about, "first_name": "Kit"})
        assert response.status_code == 302, (page[:12], loaded)
    assert load_screening(token).answers["first_name"] == "Kit"
    assert "x" * 20 not in (load_screening(token).draft_json or "")


@pytest.mark.parametrize(
    ("loaded_now", "last_saved_by", "refused"),
    [
        (True, None, False),  # nothing changed since the page was shown
        (True, "someone-else", False),
        (False, "this-page-id", False),  # changed by this page itself (Back once)
        (False, "someone-else", True),  # changed by another page, tab or device
        (False, None, True),
    ],
)
def test_the_rule(loaded_now: bool, last_saved_by: str | None, refused: bool) -> None:
    section = QUESTIONNAIRE.section("about")
    answers = {"first_name": "Sam"}
    draft = {PAGE_KEY: last_saved_by} if last_saved_by else None
    loaded = step_version(section, answers if loaded_now else {"first_name": "Samuel"}, draft)
    seen = PageSeen("this-page-id", loaded)
    assert out_of_date(seen, section, {**answers, "back_pain_nrs": 4}, draft) is refused
