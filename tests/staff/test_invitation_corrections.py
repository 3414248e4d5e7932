"""Putting a mistyped invited name or date of birth right on "Edit invitation".

The date of birth is the private link's second factor: when front desk typed it wrong, the
patient could never get in (and locked the link trying). A correction is made on the same page,
keeps the link and code, clears the wrong tries and the lock, and is audited without the value.
Synthetic patients only.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from screening.extensions import db
from screening.models import AuditEvent, OutboxMessage, Screening, StaffUser
from screening.services import invitations
from tests.patient.helpers import example_answers, post_step, step_url
from tests.staff.helpers import make_user, sign_in
from tests.staff.test_invitation_editing import _edit_form, _form

ZONE = ZoneInfo("America/New_York")
TYPED_WRONG = date(1961, 3, 4)  # what front desk typed: day and month swapped
BORN = date(1961, 4, 3)  # the patient's real date of birth


def _new_invitation(clinician: StaffUser, **changes: Any) -> dict[str, str]:
    """The editing tests' invitation, with the name and date of birth mistyped."""
    return _form(
        clinician,
        **{"last_name": "Garsia", "date_of_birth": TYPED_WRONG.isoformat(), **changes},
    )  # Garsia: mistyped, García


def _invite(client: FlaskClient, clinician: StaffUser, **changes: Any) -> tuple[Screening, str]:
    """Invite through the staff page; return the screening and its link's token."""
    response = client.post("/staff/invitations/new", data=_new_invitation(clinician, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    letter = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r"<code>(https?://[^<]+/s/[^<]+)</code>", letter)
    assert link
    screening = db.session.scalars(select(Screening).order_by(Screening.id.desc())).first()
    assert screening is not None
    return screening, urlsplit(link.group(1)).path.rsplit("/", 1)[1]


def _edit(client: FlaskClient, screening: Screening, **changes: Any) -> Any:
    return client.post(
        f"/staff/screenings/{screening.public_id}/invitation/edit",
        data=_edit_form(screening, **changes),
    )


def _confirm(patient: FlaskClient, token: str, typed: date) -> Any:
    return patient.post(f"/s/{token}/confirm", data={"date_of_birth": typed.isoformat()})


def _stored(screening: Screening) -> Screening:
    db.session.expire_all()
    found = db.session.get(Screening, screening.id)
    assert found is not None
    return found


def _queue_finds(client: FlaskClient, query: str, screening: Screening) -> bool:
    html = client.get("/staff/", query_string={"q": query}).get_data(as_text=True)
    return f"/staff/screenings/{screening.public_id}" in html


def _edits(screening: Screening) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "edit_invitation",
                AuditEvent.screening_public_id == screening.public_id,
            )
        )
    )


def test_the_page_shows_the_name_and_date_of_birth_to_correct(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, _token = _invite(client, clinician)
    html = client.get(f"/staff/screenings/{screening.public_id}/invitation/edit").get_data(
        as_text=True
    )
    for name, value in (
        ("first_name", "Maria"),
        ("last_name", "Garsia"),
        ("date_of_birth", TYPED_WRONG.isoformat()),
    ):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert tag and f'value="{value}"' in tag.group(0), name
    assert re.search(r'<input[^>]*name="date_of_birth"[^>]*type="date"', html) or re.search(
        r'<input[^>]*type="date"[^>]*name="date_of_birth"', html
    )


def test_a_corrected_date_of_birth_lets_the_patient_in_with_the_same_link(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, token = _invite(client, clinician)
    patient = app.test_client()
    # The patient types their real date of birth: it does not match what the desk typed.
    refused = _confirm(patient, token, BORN)
    assert refused.status_code == 200
    assert "That date does not match what the clinic has." in refused.get_data(as_text=True)
    assert _stored(screening).dob_failures == 1
    letter_before = client.get(f"/staff/screenings/{screening.public_id}/invitation")

    response = _edit(client, screening, date_of_birth=BORN.isoformat())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The patient can try again now." in page
    stored = _stored(screening)
    assert stored.invited_date_of_birth == BORN
    assert stored.dob_failures == 0 and stored.locked_at is None
    # The link and code stay the same: the letter is unchanged.
    letter_after = client.get(f"/staff/screenings/{screening.public_id}/invitation")
    assert letter_after.get_data(as_text=True) == letter_before.get_data(as_text=True)

    # The date the desk typed no longer opens anything; the real one does, on the same link.
    fresh = app.test_client()
    wrong = _confirm(fresh, token, TYPED_WRONG)
    assert wrong.status_code == 200
    assert "That date does not match what the clinic has." in wrong.get_data(as_text=True)
    assert fresh.get(step_url(token, "about")).location.endswith(f"/s/{token}/confirm")
    right = _confirm(patient, token, BORN)
    assert right.status_code == 302 and right.location.endswith(f"/s/{token}")
    about = patient.get(step_url(token, "about"))
    assert about.status_code == 200
    # The form starts from the corrected date.
    assert f'value="{BORN.isoformat()}"' in about.get_data(as_text=True)


def test_a_link_locked_by_the_wrong_date_is_unlocked_by_the_correction(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, token = _invite(client, clinician)
    patient = app.test_client()
    for _try in range(5):
        last = _confirm(patient, token, BORN)
    assert last.status_code == 403 and "This link is locked" in last.get_data(as_text=True)
    assert _stored(screening).locked_at is not None
    detail = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "too many wrong dates of birth" in detail
    assert "correct it under Edit invitation: that unlocks the same link" in detail

    response = _edit(client, screening, date_of_birth=BORN.isoformat())
    assert response.status_code == 302
    assert "The patient can try again now." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    stored = _stored(screening)
    assert stored.locked_at is None and stored.dob_failures == 0
    detail = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "too many wrong dates of birth" not in detail

    # The same browser that was locked out gets in now.
    assert patient.get(f"/s/{token}/confirm").status_code == 200
    assert _confirm(patient, token, BORN).status_code == 302
    assert patient.get(step_url(token, "about")).status_code == 200
    [event] = _edits(screening)
    assert event.detail == "changed: date_of_birth; wrong tries cleared (5); link unlocked"


def test_the_correction_is_audited_without_the_date_or_the_name(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, token = _invite(client, clinician)
    _confirm(app.test_client(), token, BORN)  # one wrong try
    response = _edit(
        client, screening, first_name="María", last_name="García", date_of_birth=BORN.isoformat()
    )
    assert response.status_code == 302
    [event] = _edits(screening)
    assert event.actor == desk.email
    assert event.detail == "changed: name, date_of_birth; wrong tries cleared (1)"
    every_row = db.session.scalars(
        select(AuditEvent).where(AuditEvent.screening_public_id == screening.public_id)
    ).all()
    for row in every_row:
        text = f"{row.action} {row.detail or ''}"
        for secret in ("1961", "04-03", "03-04", "4/3", "3/4", "Mar", "Apr"):
            assert secret not in text, (row.action, secret)
        for name in ("María", "Maria", "García", "Garsia", "garcia", "garsia"):
            assert name not in text, (row.action, name)


def test_a_corrected_name_shows_in_the_queue_and_its_search(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, _token = _invite(client, clinician)
    assert _queue_finds(client, "garsia", screening)
    response = _edit(client, screening, last_name="García")
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation updated. The link and code stay the same." in flashed
    assert "try again" not in flashed  # the date of birth did not change
    stored = _stored(screening)
    assert (stored.patient_first_name, stored.patient_last_name) == ("Maria", "García")
    assert stored.patient_name_search == "maria garcia"
    queue = client.get("/staff/").get_data(as_text=True)
    assert "Maria García" in queue and "Garsia" not in queue
    for query in ("garcía", "GARCIA", "maria garc"):
        assert _queue_finds(client, query, screening), query
    assert not _queue_finds(client, "garsia", screening)
    [event] = _edits(screening)
    assert event.detail == "changed: name"


def test_a_name_the_patient_typed_stays_theirs_and_stays_findable(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    """The patient typed "Mary Garcia" in the form: the correction changes the invitation's
    name (what the queue shows), never their answers, and both names find the screening."""
    screening, token = _invite(client, clinician, date_of_birth=BORN.isoformat())
    patient = app.test_client()
    assert _confirm(patient, token, BORN).status_code == 302
    about = {
        key: value
        for key, value in example_answers("disc_herniation").items()
        if key in ("date_of_birth", "phone", "work_status", "work_demand", "caregiver")
    }
    typed = {**about, "first_name": "Mary", "last_name": "Garcia"}
    assert post_step(patient, token, "about", typed).status_code == 302
    assert _stored(screening).patient_name_search == "maria garsia mary garcia"

    assert _edit(client, screening, last_name="García").status_code == 302
    stored = _stored(screening)
    assert stored.answers["first_name"] == "Mary" and stored.answers["last_name"] == "Garcia"
    assert stored.patient_name_search == "maria garcia mary garcia"
    assert "Maria García" in client.get("/staff/").get_data(as_text=True)
    for query in ("maria garcia", "mary"):
        assert _queue_finds(client, query, screening), query
    assert not _queue_finds(client, "garsia", screening)


def test_already_invited_sees_the_corrected_name_and_date(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, _token = _invite(client, clinician)
    assert (
        _edit(client, screening, last_name="García", date_of_birth=BORN.isoformat()).status_code
        == 302
    )
    again = client.post(
        "/staff/invitations/new",
        data=_new_invitation(clinician, last_name="Garcia", date_of_birth=BORN.isoformat()),
    )
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "Already invited?" in html
    assert f"/staff/screenings/{screening.public_id}" in html
    # The date and name the desk first typed belong to nobody now.
    old = client.post("/staff/invitations/new", data=_new_invitation(clinician))
    assert old.status_code == 302


def test_correcting_into_an_existing_invitation_says_so(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    """Locked out, the patient phoned and the desk made a second invitation with the right
    date: correcting the first one now tells them there are two."""
    first, _token = _invite(client, clinician)
    _second, _other = _invite(client, clinician, date_of_birth=BORN.isoformat())
    response = _edit(client, first, date_of_birth=BORN.isoformat())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Another open invitation has the same name, date of birth and appointment day." in page


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        (
            {"date_of_birth": (date.today() + timedelta(days=1)).isoformat()},
            "date_of_birth",
            "The date of birth must be in the past.",
        ),
        (
            {"date_of_birth": (date.today() - timedelta(days=10 * 366)).isoformat()},
            "date_of_birth",
            "This date of birth makes the patient 10.",
        ),
        ({"date_of_birth": ""}, "date_of_birth", "Enter the date of birth as a full date."),
        ({"first_name": "   "}, "first_name", "Enter the patient&#39;s first name."),
        ({"last_name": ""}, "last_name", "Enter the patient&#39;s last name."),
        # Only characters that print as nothing: refused by the service, said beside the name.
        ({"first_name": "\u200b"}, "first_name", "Enter the patient&#39;s first and last name."),
    ],
)
def test_bad_corrections_are_refused_beside_the_field_and_keep_what_was_typed(
    client: FlaskClient,
    app: Flask,
    clinician: StaffUser,
    desk: StaffUser,
    changes: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    screening, _token = _invite(client, clinician)
    typed = {"phone": "555 999 0000", "last_name": "García", "first_name": "María", **changes}
    response = _edit(client, screening, **typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'id="{field_id}-error">(?:(?!</p>).)*{re.escape(message)}', html, re.S)
    assert 'value="555 999 0000"' in html  # nothing else typed is lost
    for name in ("first_name", "last_name"):
        if name != field_id:
            assert f'value="{typed[name]}"' in html, name
    stored = _stored(screening)
    assert (stored.patient_first_name, stored.patient_last_name) == ("Maria", "Garsia")
    assert stored.invited_date_of_birth == TYPED_WRONG
    assert stored.invited_phone == "555-010-0123"
    assert _edits(screening) == []


def test_nothing_is_corrected_once_the_form_is_sent(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, _token = _invite(client, clinician)
    assert _edit(client, screening, last_name="Garcia").status_code == 302  # while open
    db.session.execute(
        update(Screening)
        .where(Screening.id == screening.id)
        .values(status="submitted", submitted_at=datetime.now(UTC))
    )
    db.session.commit()
    edit_page = f"/staff/screenings/{screening.public_id}/invitation/edit"
    assert client.get(edit_page).status_code == 302
    response = _edit(client, screening, last_name="García", date_of_birth=BORN.isoformat())
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This screening is already sent; its invitation cannot change." in followed
    stored = _stored(screening)
    assert stored.patient_last_name == "Garcia" and stored.invited_date_of_birth == TYPED_WRONG
    assert [event.detail for event in _edits(screening)] == ["changed: name"]


def test_a_form_sent_while_the_desk_corrects_is_not_changed(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    """The service reads the screening again under a write lock: a patient who sent the form
    after the page was checked still keeps what they sent."""
    screening, _token = _invite(client, clinician)
    assert screening.status == "invited"  # what the page saw a moment ago
    with db.engine.begin() as connection:  # the patient's request, sending the form
        connection.execute(
            update(Screening).where(Screening.id == screening.id).values(status="submitted")
        )
    with pytest.raises(invitations.InvitationError, match="already sent"):
        invitations.edit_invitation(
            screening,
            invitations.InvitationChanges(
                appointment_at=screening.appointment_at,
                clinician_id=clinician.id,
                phone="555-010-0123",
                email=None,
                locale="en",
                patient=invitations.PatientDetails("Maria", "García", BORN),
            ),
            actor=desk.email,
            secret_key=app.config["SECRET_KEY"],
            expiry_days=7,
        )
    stored = _stored(screening)
    assert stored.status == "submitted"
    assert stored.patient_last_name == "Garsia" and stored.invited_date_of_birth == TYPED_WRONG


def test_front_desk_and_admins_correct_invitations_and_clinicians_cannot(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    screening, _token = _invite(client, clinician)
    doctor = app.test_client()
    sign_in(doctor, clinician)
    edit_page = f"/staff/screenings/{screening.public_id}/invitation/edit"
    assert doctor.get(edit_page).status_code == 403
    posted = doctor.post(
        edit_page, data=_edit_form(screening, last_name="García", date_of_birth=BORN.isoformat())
    )
    assert posted.status_code == 403
    stored = _stored(screening)
    assert stored.patient_last_name == "Garsia" and stored.invited_date_of_birth == TYPED_WRONG
    assert _edits(screening) == []

    assert _edit(client, screening, last_name="García").status_code == 302  # front desk
    admin_user = make_user("admin")
    admin = app.test_client()
    sign_in(admin, admin_user)
    assert _edit(admin, _stored(screening), date_of_birth=BORN.isoformat()).status_code == 302
    stored = _stored(screening)
    assert stored.patient_last_name == "García" and stored.invited_date_of_birth == BORN
    assert [event.actor for event in _edits(screening)] == [desk.email, admin_user.email]


def test_a_corrected_name_replaces_an_invitation_email_still_waiting(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    """The invitation email greets the patient by name: one still in the outbox (not yet
    sent) goes out with the corrected name instead. With none waiting, nothing is sent."""
    screening, _token = _invite(client, clinician, email="maria@example.org")
    assert _edit(client, screening, last_name="García").status_code == 302
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.screening_id == screening.id, OutboxMessage.kind == "invitation")
        .order_by(OutboxMessage.created_at)
    ).all()
    assert [m.status for m in messages] == ["cancelled", "pending"]
    assert "Garsia" in messages[0].payload_json
    assert "García" in messages[1].payload_json or "Garc\\u00eda" in messages[1].payload_json
    # The date of birth is not in the email: correcting it alone sends nothing.
    assert _edit(client, screening, date_of_birth=BORN.isoformat()).status_code == 302
    assert (
        db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.screening_id == screening.id,
                OutboxMessage.kind == "invitation",
                OutboxMessage.status == "pending",
            )
        )
        == messages[1].id
    )


def test_a_page_opened_before_a_colleagues_correction_does_not_undo_it(
    client: FlaskClient, app: Flask, clinician: StaffUser, desk: StaffUser
) -> None:
    """Two desks: one opens Edit invitation and leaves it; the other corrects the date of birth.
    Saving the older page (a new phone number) used to put the mistyped date back, and the
    patient, told to use the right one, was locked out again."""
    screening, _token = _invite(client, clinician)
    older = client.get(f"/staff/screenings/{screening.public_id}/invitation/edit")
    loaded = re.search(
        r'name="loaded" type="hidden" value="([0-9a-f]+)"', older.get_data(as_text=True)
    )
    assert loaded
    corrected = _edit(client, screening, date_of_birth=BORN.isoformat(), loaded=loaded.group(1))
    assert corrected.status_code == 302
    assert _stored(screening).invited_date_of_birth == BORN

    stale = _edit(
        client,
        screening,
        date_of_birth=TYPED_WRONG.isoformat(),
        phone="555-010-9999",
        loaded=loaded.group(1),
    )
    assert stale.status_code == 200
    html = stale.get_data(as_text=True)
    assert "Someone changed this invitation after you opened this page" in html
    assert f'value="{BORN.isoformat()}"' in html  # what is stored now, to change again
    stored = _stored(screening)
    assert stored.invited_date_of_birth == BORN and stored.invited_phone != "555-010-9999"
    assert len(_edits(screening)) == 1
