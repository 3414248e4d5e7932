"""Questionnaire and rules version 2, patient side (issue 11, items 2, 3 and 5; issue 12, item 6).

The new items on their steps, shown only when they apply; what the emergency and urgent pages
say (and whether they say the clinic is told); the confirmation page; a version 1 screening
carrying on under version 2.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screening.extensions import db
from screening.models import Screening
from screening.questionnaire import QUESTIONNAIRE
from screening.services import access
from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    example_answers,
    fill_steps,
    post_step,
    start,
    step_url,
    submit,
)
from tests.patient.test_warnings import BASE, save_first_three, warning_answers


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def visible_text(html: str) -> str:
    """The page's words (tags removed), to check what a patient reads and in which order."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- the new items on their steps ------------------------------------------------------------------


def test_about_step_asks_phone_email_and_claim(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "about")))
    assert re.search(r'<input[^>]*name="phone"[^>]*type="tel"', html)
    assert re.search(r'<input[^>]*name="email"[^>]*type="email"', html)
    assert 'name="compensation_claim" type="radio" value="prefer_not_to_say"' in html
    # Optional answers are marked before anything is pressed; required ones are not.
    assert re.search(r"Email address<span class=\"field-optional\"> \(optional\)", html)
    assert not re.search(r"call you on\?<span class=\"field-optional\">", html)
    assert "Please answer every question, unless it is marked (optional)." in html


def test_surgery_month_is_an_optional_drop_down(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "surgery")))
    assert re.search(r'<select[^>]*name="surgeries-0-month"', html)
    assert "What month, if you remember?" in html
    assert re.search(r'<option value="">I don(\'|&#39;)t remember</option>', html)
    answers = {k: v for k, v in example_answers("after_fusion").items() if k in SURGERY_IDS}
    entry = {**answers["surgeries"][0], "month": 3}
    response = post_step(client, token, "surgery", {**answers, "surgeries": [entry]})
    assert response.status_code == 302
    assert load_screening(token).answers["surgeries"][0]["month"] == 3
    again = text(client.get(step_url(token, "surgery")))
    assert '<option selected value="3">March</option>' in again


SURGERY_IDS = QUESTIONNAIRE.section("surgery").item_ids


def test_neck_and_arm_pain_show_only_with_their_area(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "symptoms")))
    assert 'data-show-name="pain_regions" data-show-values="neck"' in html
    assert 'data-show-name="pain_regions" data-show-values="arm_left arm_right"' in html
    assert "Only if you marked an arm as a place that hurts." in html


def test_warning_step_onset_shows_when_any_sign_is_yes(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "warning_signs")))
    assert (
        'data-show-name="bladder_bowel_change saddle_numbness both_legs_symptoms '
        'sexual_dysfunction_new" data-show-values="yes"'
    ) in html
    assert 'data-show-name="cancer_history" data-show-values="yes"' in html
    # Each cauda equina sign is its own question.
    for sign in ("bladder_bowel_change", "saddle_numbness", "both_legs_symptoms"):
        assert f'name="{sign}" type="radio" value="yes"' in html
    assert 'name="balance_problem" type="radio" value="getting_worse"' in html
    assert 'name="hand_clumsiness"' in html
    # The scar question depends on the surgery step: asked only after a "yes" there.
    assert 'name="wound_problem"' not in html
    assert post_step(client, token, "surgery", {"prior_spine_surgery": False}).status_code == 302
    assert 'name="wound_problem"' not in text(client.get(step_url(token, "warning_signs")))
    fusion = {k: v for k, v in example_answers("after_fusion").items() if k in SURGERY_IDS}
    assert post_step(client, token, "surgery", fusion).status_code == 302
    html = text(client.get(step_url(token, "warning_signs")))
    assert 'name="wound_problem" type="radio" value="yes"' in html


def test_recent_injection_is_asked_only_after_injections(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "treatments")))
    assert 'data-show-name="injections" data-show-values="one two_or_more"' in html
    assert "Only if you have had shots in your spine." in html


# -- phone and email from the invitation -----------------------------------------------------------


def test_phone_and_email_come_from_the_invitation(app: Flask, client: FlaskClient) -> None:
    token = access.new_token()
    db.session.add(
        Screening(
            public_id=access.new_public_id(),
            status="invited",
            answers_json="{}",
            questionnaire_version="2",
            token_hash=access.hash_token(token),
            patient_first_name="Jordan",
            patient_last_name="Reyes",
            invited_date_of_birth=date(1984, 9, 12),
            invited_phone="555-0199",
            invited_email="jordan@example.com",
            expires_at=datetime.now(UTC) + timedelta(days=7),
            dob_failures=0,
        )
    )
    db.session.commit()
    client.post(f"/s/{token}/confirm", data={"date_of_birth": "1984-09-12"})
    html = text(client.get(step_url(token, "about")))
    assert re.search(r'name="phone"[^>]*value="555-0199"', html)
    assert re.search(r'name="email"[^>]*value="jordan@example.com"', html)


# -- what the patient is told ----------------------------------------------------------------------


def emergency_page(client: FlaskClient, **signs: Any) -> str:
    token, _code = start(client)
    save_first_three(client, token)
    response = post_step(client, token, "warning_signs", warning_answers(**signs))
    assert "/warning" in response.location
    return text(client.get(response.location))


def test_cauda_equina_page_names_the_signs_ticked(client: FlaskClient) -> None:
    page = visible_text(emergency_page(client, saddle_numbness=True, bladder_bowel_change=True))
    assert "Go to an emergency department now" in page
    assert "new numbness around your genitals, bottom or inner thighs" in page
    assert "a new problem passing urine, or with control of your bladder or bowels" in page
    assert "new problems with sex" not in page, "only the signs ticked"
    assert "tell the staff at the emergency department that you may have cauda equina" in (
        page.lower()
    )
    assert "You do not need to finish this form first." in page


def test_cord_compression_page_names_cancer_and_the_change(client: FlaskClient) -> None:
    page = visible_text(
        emergency_page(
            client,
            cancer_history=True,
            cancer_status="active_or_in_treatment",
            hand_clumsiness=True,
        )
    )
    assert "Go to an emergency department now" in page
    assert "you have cancer now, or are being treated for it" in page
    assert "your hands are newly clumsy" in page
    assert "pressure on your spinal cord" in page
    assert "cauda equina" not in page
    assert "You do not need to finish this form first." in page


def test_emergency_answer_next_page_says_emergency_department(client: FlaskClient) -> None:
    """The interface: the page right after saving says "emergency department"; routine not.

    Both legs while unable to walk is an emergency whatever the onset answer.
    """
    token2, _code = start(client)
    save_first_three(client, token2)
    symptoms = {k: v for k, v in BASE.items() if k in QUESTIONNAIRE.section("symptoms").item_ids}
    post_step(client, token2, "symptoms", {**symptoms, "walking_limit": "cannot_walk"})
    emergency = post_step(
        client,
        token2,
        "warning_signs",
        warning_answers(both_legs_symptoms=True, warning_signs_onset="longer_not_changing"),
    )
    assert "emergency department" in text(client.get(emergency.location))
    token3, _code = start(client)
    save_first_three(client, token3)
    routine = post_step(client, token3, "warning_signs", warning_answers())
    assert routine.location.endswith(step_url(token3, "history"))
    assert "emergency department" not in text(client.get(routine.location))


def test_warning_saved_with_an_error_is_shown_above_the_errors(client: FlaskClient) -> None:
    """An emergency sign saved while another answer is missing: the warning comes first."""
    token, _code = start(client)
    save_first_three(client, token)
    answers = warning_answers(bladder_bowel_change=True)
    del answers["fever_chills"]
    response = post_step(client, token, "warning_signs", answers)
    assert response.status_code == 200
    html = text(response)
    assert html.index("Go to an emergency department now") < html.index("error-summary")
    assert load_screening(token).answers["bladder_bowel_change"] is True


def test_without_an_alert_channel_the_patient_is_asked_to_call(client: FlaskClient) -> None:
    page = visible_text(emergency_page(client, saddle_numbness=True))
    assert "Please also call Spine Clinic at 555\u2011" in page
    assert "letting" not in page


class TestWithAlertChannel:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"ALERT_EMAIL_TO": "oncall@clinic.example"}

    def test_emergency_page_says_the_clinic_is_told(self, client: FlaskClient) -> None:
        page = visible_text(emergency_page(client, saddle_numbness=True))
        assert "We are letting Spine Clinic know now." in page
        assert "Please also call" not in page

    def test_urgent_page_says_the_clinic_is_told(self, client: FlaskClient) -> None:
        token, _code = start(client)
        save_first_three(client, token)
        signs = warning_answers(balance_problem="getting_worse")
        response = post_step(client, token, "warning_signs", signs)
        page = visible_text(text(client.get(response.location)))
        assert "Please call us today" in page
        assert "We are letting the clinic know now" in page


# -- the confirmation page -------------------------------------------------------------------------


def test_confirmation_puts_the_warning_first_and_alone(client: FlaskClient) -> None:
    answers = example_answers("cauda_equina_warning")
    token, _code = start(client)
    fill_steps(client, token, answers)
    assert submit(client, token).status_code == 302
    page = visible_text(text(client.get(f"/s/{token}/done")))
    assert page.index("Go to an emergency department now") < page.index("Your answers are sent")
    assert "What happens next" not in page, "routine next steps only without a warning"
    assert "Warning signs to watch for" in page


def test_routine_confirmation_lists_signs_and_the_phone_once(client: FlaskClient) -> None:
    token, _code = start(client)
    fill_steps(client, token, BASE)
    submit(client, token)
    html = text(client.get(f"/s/{token}/done"))
    page = visible_text(html)
    assert "Thank you, your answers are sent" in page
    assert "What happens next" in page
    assert "Warning signs to watch for" in page  # back or leg pain reported
    assert "losing control of your bladder or bowels" in page
    assert html.count("555\u20110100") == 1, "the clinic's phone once"
    assert "emergency department straight away" in page


def test_no_watch_list_without_back_or_leg_pain(client: FlaskClient) -> None:
    token, _code = start(client)
    fill_steps(client, token, {**BASE, "back_pain_nrs": 0, "leg_pain_nrs": 0, "pain_regions": []})
    submit(client, token)
    assert "Warning signs to watch for" not in text(client.get(f"/s/{token}/done"))


def test_welcome_back_is_never_above_the_emergency_box(client: FlaskClient) -> None:
    token, code = start(client)
    save_first_three(client, token)
    post_step(client, token, "warning_signs", warning_answers(saddle_numbness=True))
    other = client.application.test_client()
    resumed = other.post("/resume", data={"code": code})
    page = other.get(resumed.location, follow_redirects=True)
    html = text(page)
    assert "Welcome back" in html
    assert html.index("Go to an emergency department now") < html.index("Welcome back")


def test_progress_bar_is_empty_on_an_empty_form(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "review")))
    assert "Step 8 of 8" in html
    assert "0 of 7 steps done" in html
    assert '<progress max="7" value="0"' in html


# -- a version 1 screening carries on under version 2 ----------------------------------------------

V2_ONLY = {
    "phone",
    "email",
    "compensation_claim",
    "neck_pain_nrs",
    "arm_pain_nrs",
    "warning_signs_onset",
    "cancer_status",
    "hand_clumsiness",
    "balance_problem",
    "wound_problem",
    "injection_within_3_months",
}


def test_version_1_screening_resumes_under_version_2(client: FlaskClient) -> None:
    token, _code = start(client)
    v1 = {k: v for k, v in BASE.items() if k not in V2_ONLY}
    screening = load_screening(token)
    screening.answers_json = json.dumps(v1)
    screening.questionnaire_version = "1"
    db.session.commit()

    # The resume lands on the first step that is now incomplete: the phone number is new.
    landing = client.get(f"/s/{token}")
    assert landing.location.endswith(step_url(token, "about"))
    about = text(client.get(landing.location))
    assert 'value="Jordan"' in about, "what was stored is shown"
    about_answers = {k: v for k, v in v1.items() if k in QUESTIONNAIRE.section("about").item_ids}
    saved = post_step(client, token, "about", {**about_answers, "phone": "555-0134"})
    assert saved.status_code == 302

    # Next: the warning signs (hand clumsiness and balance are new and required).
    assert client.get(f"/s/{token}").location.endswith(step_url(token, "warning_signs"))
    signs = {k: v for k, v in BASE.items() if k in QUESTIONNAIRE.section("warning_signs").item_ids}
    assert post_step(client, token, "warning_signs", signs).status_code == 302
    assert client.get(f"/s/{token}").location.endswith(step_url(token, "review"))

    stored = load_screening(token).answers
    assert {k: stored[k] for k in v1} == v1, "nothing stored under version 1 is lost"
    assert stored["phone"] == "555-0134" and stored["balance_problem"] == "none"
    assert submit(client, token).status_code == 302
    sent = load_screening(token)
    assert sent.questionnaire_version == "2" and sent.rules_version == "2"
