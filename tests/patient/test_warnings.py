"""Warning signs change what the patient sees at once (issue 3, item 6)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from screening.questionnaire import QUESTIONNAIRE
from tests.patient.conftest import load_screening
from tests.patient.helpers import (
    _multi,
    acknowledge_warning,
    csrf_token_from,
    example_answers,
    fill_steps,
    post_step,
    start,
    step_post_data,
    step_url,
    submit,
)

BASE = example_answers("disc_herniation")
WARNING_IDS = QUESTIONNAIRE.section("warning_signs").item_ids


CAUDA_EQUINA_SIGNS = (
    "bladder_bowel_change",
    "saddle_numbness",
    "both_legs_symptoms",
    "sexual_dysfunction_new",
)


def warning_answers(**given: Any) -> dict[str, Any]:
    """A complete warning-signs step for a patient without earlier surgery: every sign no,
    except those given; the follow-up questions answered when they apply."""
    answers: dict[str, Any] = {
        item_id: False
        for item_id in WARNING_IDS
        if QUESTIONNAIRE.item(item_id).type == "yes_no"
        and QUESTIONNAIRE.item(item_id).applies_when is None
    }
    answers["balance_problem"] = "none"
    answers.update(given)
    if any(answers.get(sign) for sign in CAUDA_EQUINA_SIGNS):
        answers.setdefault("warning_signs_onset", "within_2_weeks")
    if answers.get("cancer_history"):
        answers.setdefault("cancer_status", "treated_over_5_years_ago")
    return answers


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def save_first_three(client: FlaskClient, token: str) -> None:
    for section in QUESTIONNAIRE.sections[:3]:
        answers = {k: v for k, v in BASE.items() if k in section.item_ids}
        assert post_step(client, token, section.id, answers).status_code == 302


def test_emergency_is_shown_first_and_needs_acknowledgement(client: FlaskClient) -> None:
    token, _code = start(client)
    save_first_three(client, token)
    response = post_step(client, token, "warning_signs", warning_answers(saddle_numbness=True))
    assert response.status_code == 302
    assert f"/s/{token}/warning" in response.location
    page = text(client.get(response.location))
    assert "Go to an emergency department now" in page
    assert "call 911" in page
    assert "It must be checked right away." in page
    # Both numbers can be tapped on a phone: the emergency number and the clinic's.
    assert 'href="tel:911"' in page
    assert 'call Spine Clinic at <a href="tel:555-0100">' in page
    assert "I understand" in page
    # Nothing else until acknowledged: steps and the link lead back to the warning.
    blocked = client.get(step_url(token, "history"))
    assert blocked.status_code == 302 and "/warning" in blocked.location
    assert "/warning" in client.get(f"/s/{token}").location
    assert load_screening(token).warning_acknowledged_at is None

    acknowledged = acknowledge_warning(client, response.location)
    assert acknowledged.status_code == 302
    assert acknowledged.location.endswith(step_url(token, "history"))
    assert load_screening(token).warning_acknowledged_at is not None
    assert client.get(step_url(token, "history")).status_code == 200


def test_emergency_is_shown_again_when_saved_again(client: FlaskClient) -> None:
    token, _code = start(client)
    save_first_three(client, token)
    first = post_step(client, token, "warning_signs", warning_answers(bladder_bowel_change=True))
    acknowledge_warning(client, first.location)
    again = post_step(
        client,
        token,
        "warning_signs",
        warning_answers(bladder_bowel_change=True, cancer_history=True),
    )
    assert "/warning" in again.location
    assert load_screening(token).warning_acknowledged_at is None
    assert "I understand" in text(client.get(again.location))


def test_emergency_reached_by_a_later_change_is_shown(client: FlaskClient) -> None:
    """Both legs (urgent) then weakness getting worse on the symptoms step: emergency."""
    token, _code = start(client)
    save_first_three(client, token)
    urgent = post_step(client, token, "warning_signs", warning_answers(both_legs_symptoms=True))
    assert "/warning" in urgent.location
    symptoms = {k: v for k, v in BASE.items() if k in QUESTIONNAIRE.section("symptoms").item_ids}
    worse = post_step(client, token, "symptoms", {**symptoms, "leg_weakness": "getting_worse"})
    assert "/warning" in worse.location
    assert "Go to an emergency department now" in text(client.get(worse.location))


def test_urgent_asks_to_call_the_clinic_today(client: FlaskClient) -> None:
    token, _code = start(client)
    save_first_three(client, token)
    response = post_step(client, token, "warning_signs", warning_answers(both_legs_symptoms=True))
    assert "/warning" in response.location
    page = text(client.get(response.location))
    assert "Please call us today" in page
    # What made it urgent, in the patient's words: what to tell the clinic on the phone.
    assert "You told us about:" in page
    assert "<li>pain, numbness or weakness that has spread to both legs</li>" in page
    # Shown with a non-breaking hyphen (never split across lines); dialled as configured.
    assert "Call 555\u20110100" in page
    assert 'href="tel:555-0100"' in page
    assert "I understand" not in page
    assert step_url(token, "history") in page  # Continue
    # Urgent does not block the form.
    assert client.get(step_url(token, "history")).status_code == 200


def test_review_level_shows_nothing_alarming(client: FlaskClient) -> None:
    token, _code = start(client)
    save_first_three(client, token)
    response = post_step(client, token, "warning_signs", warning_answers(cancer_history=True))
    assert response.location.endswith(step_url(token, "history"))
    page = text(client.get(response.location))
    assert "emergency department now" not in page
    assert "Please call us today" not in page
    fill_steps(client, token, {**BASE, **warning_answers(cancer_history=True)})
    submit(client, token)
    done = text(client.get(f"/s/{token}/done"))
    assert "emergency department now" not in done and "Please call us today" not in done


def test_final_page_repeats_the_emergency_message(client: FlaskClient) -> None:
    answers = example_answers("cauda_equina_warning")
    token, _code = start(client)
    fill_steps(client, token, answers)
    assert submit(client, token).status_code == 302
    done = text(client.get(f"/s/{token}/done"))
    assert "Go to an emergency department now" in done
    assert load_screening(token).triage == "emergency"


def test_final_page_repeats_the_urgent_message(client: FlaskClient) -> None:
    token, _code = start(client)
    fill_steps(client, token, {**BASE, **warning_answers(both_legs_symptoms=True)})
    submit(client, token)
    done = text(client.get(f"/s/{token}/done"))
    assert "Please call us today" in done
    assert "<li>pain, numbness or weakness that has spread to both legs</li>" in done


class TestClinicSettings:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"EMERGENCY_NUMBER": "112", "CLINIC_PHONE": "020 7946 0000", "CLINIC_NAME": "Test"}

    def test_numbers_come_from_configuration(self, client: FlaskClient) -> None:
        token, _code = start(client)
        save_first_three(client, token)
        response = post_step(client, token, "warning_signs", warning_answers(saddle_numbness=True))
        page = text(client.get(response.location))
        assert "call 112" in page and 'href="tel:112"' in page
        assert "Test" in page


def test_fixing_an_error_beside_the_emergency_warning_is_saved(client: FlaskClient) -> None:
    """New saddle numbness with one question left blank: the step comes back with the error
    and the emergency warning beside it. The patient answers the missing question and saves:
    that post was dropped on the way to the warning page, so the answer was lost and the
    patient was warned twice (an outside audit, on a phone, in Spanish)."""
    token, _code = start(client)
    save_first_three(client, token)
    answers = warning_answers(saddle_numbness=True)
    del answers["balance_problem"]
    shown = post_step(client, token, "warning_signs", answers)
    assert shown.status_code == 200
    page = text(shown)
    assert "Go to an emergency department now" in page
    assert "Please choose an answer" in page or "Choose an answer" in page
    assert load_screening(token).warning_acknowledged_at is None

    fixed = client.post(
        step_url(token, "warning_signs"),
        data=_multi(
            step_post_data("warning_signs", {**answers, "balance_problem": "getting_worse"})
            + [("save", "1")]
            + ([("csrf_token", csrf)] if (csrf := csrf_token_from(page)) else [])
        ),
    )
    assert fixed.status_code == 302 and f"/s/{token}/warning" in fixed.location
    assert load_screening(token).answers["balance_problem"] == "getting_worse"
    # Still nothing else until "I understand"; then on to the next step, the answer kept.
    assert "/warning" in client.get(step_url(token, "history")).location
    acknowledged = acknowledge_warning(client, fixed.location)
    assert acknowledged.location.endswith(step_url(token, "history"))
    assert load_screening(token).answers["balance_problem"] == "getting_worse"


def test_sending_still_waits_for_i_understand(client: FlaskClient) -> None:
    token, _code = start(client)
    save_first_three(client, token)
    saved = post_step(client, token, "warning_signs", warning_answers(saddle_numbness=True))
    assert "/warning" in saved.location
    sent = client.post(step_url(token, "review"), data={"consent_confirm": "y", "submit": "1"})
    assert sent.status_code == 302 and "/warning" in sent.location
    assert load_screening(token).status != "submitted"
