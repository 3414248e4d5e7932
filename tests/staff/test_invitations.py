"""Invitations: the screening they create, the link shown once, the QR page, revoke, reissue."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, Screening
from screening.questionnaire import QUESTIONNAIRE
from screening.services.access import hash_resume_code, hash_token, normalise_resume_code
from tests.staff.helpers import make_screening

ZONE = ZoneInfo("America/New_York")


def _form(clinician, **changes):
    appointment = datetime.now(ZONE).date() + timedelta(days=5)
    data = {
        "first_name": "  Maria ",
        "last_name": "García",
        "date_of_birth": "1961-03-04",
        "appointment_date": appointment.isoformat(),
        "appointment_time": "14:30",
        "clinician_id": str(clinician.id),
        "phone": "(555) 010-0123",
    }
    data.update(changes)
    return data


def _create(client, clinician, **changes) -> str:
    """Post the form, follow the redirect to the letter page, return its HTML."""
    response = client.post("/staff/invitations/new", data=_form(clinician, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/invitation")
    letter = client.get(response.headers["Location"])
    assert letter.status_code == 200
    return letter.get_data(as_text=True)


def _link_and_code(html: str) -> tuple[str, str]:
    link = re.search(r"<code>(https?://[^<]+/s/[^<]+)</code>", html)
    code = re.search(r'class="resume-code">([A-Z0-9-]+)<', html)
    assert link and code
    return link.group(1), code.group(1)


def test_new_invitation_form(client, app, clinician, desk):
    html = client.get("/staff/invitations/new").get_data(as_text=True)
    assert "Dr Lee" in html and 'type="date"' in html and 'type="time"' in html


def test_creating_an_invitation(client, app, clinician, desk):
    response = client.post("/staff/invitations/new", data=_form(clinician))
    assert response.status_code == 302
    letter = client.get(response.headers["Location"])
    html = letter.get_data(as_text=True)
    link, code = _link_and_code(html)
    assert "Reloading this page makes nothing new" in html
    assert 'src="data:image/svg+xml' in html  # the QR code, inline as a data: URI
    assert letter.headers["Cache-Control"] == "no-store"

    screening = db.session.scalars(select(Screening)).one()
    token = link.rsplit("/", 1)[1]
    assert screening.token_hash == hash_token(token)
    assert screening.resume_code_hash == hash_resume_code(
        normalise_resume_code(code), app.config["SECRET_KEY"]
    )
    assert screening.status == "invited"
    assert screening.patient_first_name == "Maria" and screening.patient_last_name == "García"
    assert screening.patient_name_search == "maria garcia"
    assert screening.invited_date_of_birth == date(1961, 3, 4)
    assert screening.clinician_id == clinician.id and screening.invited_by_id == desk.id
    assert screening.questionnaire_version == QUESTIONNAIRE.version
    local = screening.appointment_at.astimezone(ZONE)
    assert (local.hour, local.minute) == (14, 30)
    assert screening.expires_at == screening.appointment_at + timedelta(days=7)
    assert screening.revoked_at is None and screening.dob_failures == 0
    # The token appears nowhere in storage.
    assert token not in (screening.answers_json or "")

    assert screening.invited_phone == "(555) 010-0123" and screening.invited_email is None
    assert screening.link_seed and token not in screening.link_seed
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "create_invitation")
    ).one()
    assert (event.action, event.actor, event.screening_public_id) == (
        "create_invitation",
        desk.email,
        screening.public_id,
    )


def test_the_link_is_not_shown_again_on_the_detail_page(client, app, clinician, desk):
    html = _create(client, clinician)
    link, code = _link_and_code(html)
    screening = db.session.scalars(select(Screening)).one()
    detail = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert link.rsplit("/", 1)[1] not in detail and code not in detail
    assert "Working until" in detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": ""}, "Enter the patient&#39;s first name."),
        ({"date_of_birth": "2999-01-01"}, "The date of birth must be in the past."),
        # Ages the questionnaire refuses: the patient could never finish it.
        ({"date_of_birth": "1900-01-01"}, "The questionnaire is for adults aged 18 to 110"),
        ({"date_of_birth": f"{date.today().year - 10}-01-01"}, "makes the patient 10."),
        ({"date_of_birth": "04/03/1961"}, "Date of birth"),
        ({"appointment_time": ""}, "Enter the appointment time"),
        ({"clinician_id": "0"}, "Choose the clinician"),
        ({"clinician_id": "99999"}, "The clinician chosen is no longer an active clinician"),
    ],
)
def test_invalid_invitation_says_what_to_fix(client, app, clinician, desk, changes, message):
    response = client.post("/staff/invitations/new", data=_form(clinician, **changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    assert db.session.scalars(select(Screening)).all() == []


def test_an_inactive_clinician_cannot_be_chosen(client, app, clinician, desk):
    from screening.services import staff as staff_service

    staff_service.set_active(clinician, False, actor="admin")
    response = client.post("/staff/invitations/new", data=_form(clinician))
    html = response.get_data(as_text=True)
    assert "The clinician chosen is no longer an active clinician: choose another." in html
    assert "Not a valid choice" not in html
    assert db.session.scalars(select(Screening)).all() == []


def test_revoke_then_reissue(client, app, clinician, desk):
    html = _create(client, clinician)
    old_link, old_code = _link_and_code(html)
    screening = db.session.scalars(select(Screening)).one()
    old_hash = screening.token_hash

    response = client.post(
        f"/staff/screenings/{screening.public_id}/revoke", data={"confirm": "yes"}
    )
    assert response.status_code == 302
    db.session.refresh(screening)
    assert screening.revoked_at is not None

    screening.locked_at = datetime.now(UTC)
    screening.dob_failures = 5
    screening.device_token_hash = hash_token("a-link-issued-after-a-resume-code")
    db.session.commit()
    response = client.post(
        f"/staff/screenings/{screening.public_id}/reissue", data={"reissue_reason": "locked"}
    )
    assert response.status_code == 302
    new_link, new_code = _link_and_code(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert new_link != old_link and new_code != old_code
    db.session.refresh(screening)
    assert screening.token_hash == hash_token(new_link.rsplit("/", 1)[1]) != old_hash
    assert screening.revoked_at is None and screening.locked_at is None
    assert screening.device_token_hash is None  # every earlier link stops working
    assert screening.dob_failures == 0
    assert screening.expires_at > datetime.now(UTC) + timedelta(days=6)

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    actions = [e.action for e in events if e.action != "sign_in"]
    assert actions == [
        "create_invitation",
        "view_invitation_letter",
        "revoke_invitation",
        "reissue_invitation",
        "view_invitation_letter",
    ]


def test_reissue_after_an_appointment_passed_still_gives_a_working_link(client, app, desk):
    screening = make_screening(
        status="invited",
        appointment_at=datetime.now(UTC) - timedelta(days=30),
        invited_date_of_birth=date(1961, 3, 4),
    )
    client.post(
        f"/staff/screenings/{screening.public_id}/reissue", data={"reissue_reason": "expired"}
    )
    db.session.refresh(screening)
    assert screening.expires_at > datetime.now(UTC) + timedelta(days=6)


def test_a_submitted_screening_is_not_reissued(client, app, desk):
    screening = make_screening(status="submitted")
    old = screening.token_hash
    response = client.post(f"/staff/screenings/{screening.public_id}/reissue")
    assert response.status_code == 302
    db.session.refresh(screening)
    assert screening.token_hash == old


def test_unknown_screening_ids_are_404_for_invitation_actions(client, app, desk):
    make_screening(status="invited")
    for action in ("revoke", "reissue"):
        assert client.post(f"/staff/screenings/1/{action}").status_code == 404
        assert client.post(f"/staff/screenings/nope/{action}").status_code == 404


def test_the_patient_can_use_the_printed_link_and_code(client, app, clinician, desk):
    html = _create(client, clinician)
    link, code = _link_and_code(html)
    assert app.config["PUBLIC_BASE_URL"] + "/resume" in html  # where the code is typed
    patient = app.test_client()
    opened = patient.get(link.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert opened.status_code == 302 and "/confirm" in opened.headers["Location"]
    resumed = app.test_client().post("/resume", data={"code": code.lower()})
    assert resumed.status_code == 302 and "/s/" in resumed.headers["Location"]


def test_a_revoked_link_stops_working_for_the_patient(client, app, clinician, desk):
    html = _create(client, clinician)
    link, _ = _link_and_code(html)
    screening = db.session.scalars(select(Screening)).one()
    client.post(f"/staff/screenings/{screening.public_id}/revoke", data={"confirm": "yes"})
    response = app.test_client().get(link.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert response.status_code == 410


@pytest.mark.parametrize("status", ["submitted", "reviewed"])
def test_a_sent_screenings_link_is_not_revoked(client, app, desk, status):
    """Revoking after the patient sent the form would replace their confirmation, handout and
    warning signs with "This link no longer works", and no reissue could bring them back."""
    screening = make_screening(
        status=status,
        invited_date_of_birth=date(1961, 3, 4),
        appointment_at=datetime.now(UTC) + timedelta(days=2),
    )
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already submitted, so its link was not revoked" in html
    assert "The private link no longer works" not in html
    assert "Revoke link" not in html and "Reissue link and code" not in html
    db.session.refresh(screening)
    assert screening.revoked_at is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "revoke_invitation" not in actions
    patient = app.test_client().get(f"/s/{screening.test_token}")
    assert patient.status_code != 410


def test_a_revoked_invitation_says_so_in_the_queue_and_on_its_page(client, app, desk):
    revoked = make_screening(
        status="invited",
        first_name="Rex",
        last_name="Revoked",
        appointment_at=datetime.now(UTC) + timedelta(days=1),
        invited_date_of_birth=date(1961, 3, 4),
        revoked_at=datetime.now(UTC),
    )
    make_screening(
        status="invited",
        first_name="Wes",
        last_name="Waiting",
        appointment_at=datetime.now(UTC) + timedelta(days=1),
    )
    queue = client.get("/staff/").get_data(as_text=True)
    assert queue.count("Link revoked") == 1
    row = queue[queue.index("Rex Revoked") :]
    assert row.index("Link revoked") < row.index("</tr>")
    page = client.get(f"/staff/screenings/{revoked.public_id}").get_data(as_text=True)
    assert "Link revoked" in page


def _reissue_form_of(html: str) -> str:
    start = html.index('class="reissue-form"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Say why the link is being reissued."),
        ("   ", "Say why the link is being reissued."),
        ("Moved house " + "x" * 118, "Please keep this to 120 characters or fewer (it has 130)."),
    ],
)
def test_a_refused_reissue_keeps_the_reason_and_details_beside_the_error(
    client, app, desk, note, message
):
    screening = make_screening(
        status="invited",
        invited_date_of_birth=date(1961, 3, 4),
        appointment_at=datetime.now(UTC) + timedelta(days=2),
    )
    old = screening.token_hash
    response = client.post(
        f"/staff/screenings/{screening.public_id}/reissue",
        data={"reissue_reason": "other", "reissue_note": note},
    )
    assert response.status_code == 422
    form = _reissue_form_of(response.get_data(as_text=True))
    assert '<option selected value="other">' in form
    assert f'value="{note}"' in form
    error = form[form.index('id="reissue_note-error"') :]
    assert message in error[: error.index("</p>")]
    assert 'href="#reissue_note"' in form  # the summary leads to the details box
    assert "maxlength" not in form  # a browser would cut longer details silently
    db.session.refresh(screening)
    assert screening.token_hash == old


def test_already_invited_knows_a_name_typed_with_a_curly_apostrophe(client, app, clinician, desk):
    """O'Connor typed on a keyboard, O’Connor on a phone: the same patient, asked about first;
    each invitation keeps the name as it was typed."""
    _create(client, clinician, first_name="Ann", last_name="O'Connor")
    asked = client.post(
        "/staff/invitations/new", data=_form(clinician, first_name="Ann", last_name="O’Connor")
    )
    assert asked.status_code == 200 and "Already invited?" in asked.get_data(as_text=True)
    made = client.post(
        "/staff/invitations/new",
        data=_form(clinician, first_name="Ann", last_name="O’Connor", confirm_duplicate="yes"),
    )
    assert made.status_code == 302
    names = db.session.scalars(select(Screening.patient_last_name).order_by(Screening.id)).all()
    assert names == ["O'Connor", "O’Connor"]
