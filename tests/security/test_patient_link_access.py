"""Issue 16, item 1: no staff role reaches a patient's answers through the patient's link.

A reissued link asks for the date of birth (the clinic's, or the one the patient entered)
before any step or warning page; the reissue records who and why; the patient's "I understand"
records the device; a sent screening's confirmation page asks for the date of birth too.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, Screening
from tests.patient.helpers import example_answers, step_url
from tests.staff.helpers import make_screening, make_user, sign_in

LINK = re.compile(r"<code>(https?://[^<]+/s/([^<]+))</code>")


@pytest.fixture
def desk(app, client):
    user = make_user("front_desk")
    sign_in(client, user)
    return user


def _emergency_in_progress() -> Screening:
    """A self-started screening, emergency warning signs answered, not yet acknowledged."""
    answers = example_answers("cauda_equina_warning")
    return make_screening(
        status="in_progress",
        first_name=answers["first_name"],
        last_name=answers["last_name"],
        answers=answers,
    )


def _reissue(client, screening: Screening, **data: str):
    form = {"reissue_reason": "lost", **data}
    # Post, then redirect: the new link is shown on the letter page it redirects to.
    return client.post(
        f"/staff/screenings/{screening.public_id}/reissue", data=form, follow_redirects=True
    )


def test_a_reissued_self_started_link_asks_for_the_patients_date_of_birth(app, client, desk):
    screening = _emergency_in_progress()
    response = _reissue(client, screening)
    assert response.status_code == 200
    link, token = LINK.search(response.get_data(as_text=True)).groups()
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/s/")

    stranger = app.test_client()
    for url in (f"/s/{token}", f"/s/{token}/warning", step_url(token, "about")):
        opened = stranger.get(url)
        assert opened.status_code == 302
        assert opened.location.endswith(f"/s/{token}/confirm"), url
    # Pressing "I understand" without the date of birth changes nothing.
    stranger.post(f"/s/{token}/warning")
    db.session.refresh(screening)
    assert screening.warning_acknowledged_at is None

    wrong = stranger.post(f"/s/{token}/confirm", data={"date_of_birth": "1990-01-01"})
    assert "does not match" in wrong.get_data(as_text=True)
    right = stranger.post(
        f"/s/{token}/confirm", data={"date_of_birth": screening.answers["date_of_birth"]}
    )
    assert right.status_code == 302 and right.location.endswith(f"/s/{token}")
    assert stranger.get(f"/s/{token}").location.endswith(f"/s/{token}/warning")


def test_the_resume_code_after_a_reissue_also_asks_for_the_date_of_birth(app, client, desk):
    screening = _emergency_in_progress()
    html = _reissue(client, screening).get_data(as_text=True)
    code = re.search(r'class="resume-code">([A-Z0-9-]+)<', html).group(1)
    device = app.test_client()
    resumed = device.post("/resume", data={"code": code})
    assert resumed.status_code == 302
    assert device.get(resumed.location).location.endswith("/confirm")


def test_reissue_records_who_and_why(app, client, desk):
    screening = _emergency_in_progress()
    _reissue(client, screening, reissue_reason="other", reissue_note="Phone broke")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reissue_invitation")
    ).one()
    assert event.actor == desk.email
    assert event.screening_public_id == screening.public_id
    assert event.detail == "reason: other; Phone broke"


@pytest.mark.parametrize(
    "data",
    [{}, {"reissue_reason": "because"}, {"reissue_reason": "other", "reissue_note": "  "}],
)
def test_a_reissue_without_a_reason_is_refused(app, client, desk, data):
    screening = _emergency_in_progress()
    before = screening.token_hash
    response = client.post(f"/staff/screenings/{screening.public_id}/reissue", data=data)
    # The page comes back with the form and what to fix (nothing is reissued).
    assert response.status_code == 422
    assert 'name="reissue_reason"' in response.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.token_hash == before
    assert not screening.birth_date_required


def test_the_staff_page_offers_the_reason(app, client, desk):
    screening = _emergency_in_progress()
    html = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert 'name="reissue_reason"' in html and 'name="reissue_note"' in html


@pytest.mark.parametrize("without_birth_date", ["some answers", "no answers"])
def test_a_self_started_screening_without_a_date_of_birth_is_not_reissued(
    app, client, desk, without_birth_date
):
    answers = example_answers("cauda_equina_warning")
    answers.pop("date_of_birth")
    screening = make_screening(
        status="in_progress", answers=answers if without_birth_date == "some answers" else {}
    )
    before = screening.token_hash
    response = _reissue(client, screening)
    assert response.status_code == 200  # back on the screening's page, with the reason why
    db.session.refresh(screening)
    assert screening.token_hash == before
    page = response.get_data(as_text=True)
    assert "has not entered a date of birth yet" in page
    assert 'name="reissue_reason"' not in page  # the page offers no reissue it would refuse


def test_the_patients_acknowledgement_records_the_device(app):
    screening = _emergency_in_progress()
    patient = app.test_client()
    token = screening.test_token
    response = patient.post(
        f"/s/{token}/warning",
        headers={"User-Agent": "SyntheticBrowser/1.0"},
        environ_base={"REMOTE_ADDR": "127.0.0.9"},
    )
    assert response.status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "patient_acknowledged_warning")
    ).one()
    assert event.screening_public_id == screening.public_id
    assert event.ip == "127.0.0.9"
    assert "SyntheticBrowser/1.0" in event.detail
    assert event.actor is None


def test_a_sent_invited_screening_asks_for_the_date_of_birth_before_the_confirmation(app):
    from datetime import date

    screening = make_screening(
        status="submitted", triage="emergency", invited_date_of_birth=date(1970, 5, 17)
    )
    token = screening.test_token
    stranger = app.test_client()
    response = stranger.get(f"/s/{token}/done")
    assert response.status_code == 302 and response.location.endswith(f"/s/{token}/confirm")
    assert "emergency" not in stranger.get(f"/s/{token}/confirm").get_data(as_text=True).lower()
    confirmed = stranger.post(f"/s/{token}/confirm", data={"date_of_birth": "1970-05-17"})
    assert confirmed.location.endswith(f"/s/{token}/done")
    assert "emergency" in stranger.get(f"/s/{token}/done").get_data(as_text=True).lower()


def test_the_reissued_letter_of_a_self_started_screening_reads_well(app, client, desk):
    html = _reissue(client, _emergency_in_progress()).get_data(as_text=True)
    assert "Your appointment is on ." not in html
    assert "new link to the health questionnaire you started" in html


def test_no_patient_page_opens_in_a_browser_signed_in_to_the_staff_portal(app, client, desk):
    """For an invitation the date of birth the link asks for is the one the front desk typed,
    so the front desk could otherwise read the answers in its own browser, recorded as the
    patient's visit. While a staff session is open every patient page says so instead (and
    offers to sign out), and the refusal is audited under the staff member's name."""
    screening = _emergency_in_progress()
    response = _reissue(client, screening)
    _link, token = LINK.search(response.get_data(as_text=True)).groups()
    for url in (f"/s/{token}", f"/s/{token}/confirm", f"/s/{token}/warning", "/start"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        html = refused.get_data(as_text=True)
        assert "This device is signed in to the staff portal" in html
        assert 'action="/staff/logout"' in html
        assert "Turner" not in html and "cauda equina" not in html.lower()
    posted = client.post(f"/s/{token}/confirm", data={"date_of_birth": "1958-02-11"})
    assert posted.status_code == 403
    refusals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_refused")
    ).all()
    assert len(refusals) == 5
    assert {event.actor for event in refusals} == {desk.email}
    assert [event.screening_public_id for event in refusals][:3] == [screening.public_id] * 3

    client.post("/staff/logout")
    opened = client.get(f"/s/{token}")
    assert opened.status_code == 302 and opened.location.endswith(f"/s/{token}/confirm")
