"""Invitation contact details, editing, readable links and one identity (issue 13)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, OutboxMessage, Screening
from screening.services import access
from screening.services.screenings import find_by_token
from tests.staff.helpers import make_screening, make_user

ZONE = ZoneInfo("America/New_York")
LOOK_ALIKES = set("Il1O0o")


def _form(clinician, **changes):
    day = datetime.now(ZONE).date() + timedelta(days=5)
    data = {
        "first_name": "Maria",
        "last_name": "García",
        "date_of_birth": "1961-03-04",
        "appointment_date": day.isoformat(),
        "appointment_time": "14:30",
        "clinician_id": str(clinician.id),
        "phone": "555-010-0123",
        "email": "",
        "locale": "en",
    }
    data.update(changes)
    return data


def _create(client, clinician, **changes) -> tuple[Screening, str, str]:
    response = client.post("/staff/invitations/new", data=_form(clinician, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r"<code>(https?://[^<]+/s/[^<]+)</code>", html)
    code = re.search(r'class="resume-code">([A-Z0-9-]+)<', html)
    assert link and code
    screening = db.session.scalars(select(Screening).order_by(Screening.id.desc())).first()
    return screening, link.group(1), code.group(1)


def _edit_form(screening, clinician=None, **changes):
    """The edit page as it comes (the stored values), with `clinician` chosen (None: the one
    stored) and `changes` typed over it."""
    local = screening.appointment_at.astimezone(ZONE)
    data = {
        # The page posts the name and date of birth too (they can be corrected there).
        "first_name": screening.patient_first_name,
        "last_name": screening.patient_last_name,
        "date_of_birth": screening.invited_date_of_birth.isoformat(),
        "appointment_date": local.date().isoformat(),
        "appointment_time": local.strftime("%H:%M"),
        "clinician_id": str(clinician.id if clinician else screening.clinician_id),
        "phone": screening.invited_phone,
        "email": screening.invited_email or "",
        "locale": screening.invited_locale or "en",
    }
    data.update(changes)
    return data


def test_the_form_has_recognisable_fields(client, app, clinician, desk):
    html = client.get("/staff/invitations/new").get_data(as_text=True)
    for pattern in (
        r'name="first_name"',
        r'name="last_name"',
        r'name="date_of_birth"[^>]*type="date"|type="date"[^>]*name="date_of_birth"',
        r'name="appointment_date"',
        r'name="appointment_time"',
        r'<select[^>]*name="clinician_id"',
        r'<input[^>]*name="phone"[^>]*type="tel"|<input[^>]*type="tel"[^>]*name="phone"',
        r'<input[^>]*name="email"[^>]*type="email"|<input[^>]*type="email"[^>]*name="email"',
        r'<select[^>]*name="locale"',
    ):
        assert re.search(pattern, html), pattern
    assert "Language for the patient" in html and "Español" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": ""}, "Enter a phone number the clinic can call."),
        ({"phone": "12345"}, "Enter a phone number with 7 to 15 digits"),
        ({"phone": "555-0100 ext 4"}, "Enter a phone number with 7 to 15 digits"),
        ({"phone": "1234567890123456"}, "Enter a phone number with 7 to 15 digits"),
        ({"email": "maria@example"}, "Enter an email address like name@example.com"),
        ({"email": "maria@@example.org"}, "Enter an email address like name@example.com"),
    ],
)
def test_bad_contact_details_say_what_to_fix(client, app, clinician, desk, changes, message):
    response = client.post("/staff/invitations/new", data=_form(clinician, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Maria"' in html  # nothing typed is lost
    assert db.session.scalars(select(Screening)).all() == []


def test_an_appointment_in_the_past_is_refused(client, app, clinician, desk):
    yesterday = (datetime.now(ZONE).date() - timedelta(days=1)).isoformat()
    response = client.post(
        "/staff/invitations/new", data=_form(clinician, appointment_date=yesterday)
    )
    assert "That appointment time has already passed" in response.get_data(as_text=True)
    assert db.session.scalars(select(Screening)).all() == []


@pytest.mark.parametrize("when", ["past", "too far"])
def test_the_appointment_is_checked_with_everything_else_at_once(
    client, app, clinician, desk, when
):
    """Staff see every mistake on the first try, not the appointment's only once the rest
    is right."""
    today = datetime.now(ZONE).date()
    day = today - timedelta(days=1) if when == "past" else today + timedelta(days=3 * 366)
    twelve_years_old = today - timedelta(days=12 * 366)
    response = client.post(
        "/staff/invitations/new",
        data=_form(
            clinician,
            appointment_date=day.isoformat(),
            email="maria@@example.org",
            date_of_birth=twelve_years_old.isoformat(),
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    expected = "already passed" if when == "past" else "more than two years away"
    for field_id, message in (
        ("appointment_date", expected),
        ("email", "Enter an email address like"),
        ("date_of_birth", "This date of birth makes the patient"),
    ):
        assert re.search(rf'id="{field_id}-error">(?:(?!</p>).)*{message}', html, re.S), field_id
    assert 'value="Maria"' in html
    assert db.session.scalars(select(Screening)).all() == []


def test_an_appointment_that_has_passed_stays_while_other_details_change(
    client, app, clinician, desk
):
    screening, _link, _code = _create(client, clinician)
    passed = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=2)
    screening.appointment_at = passed
    db.session.commit()
    response = client.post(
        f"/staff/screenings/{screening.public_id}/invitation/edit",
        data=_edit_form(screening, clinician, phone="555 999 0000"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.invited_phone == "555 999 0000" and screening.appointment_at == passed


def test_editing_keeps_the_link_and_code_and_moves_the_expiry(client, app, clinician, desk):
    screening, link, code = _create(client, clinician)
    other = make_user("clinician", name="Dr Okafor")
    new_day = datetime.now(ZONE).date() + timedelta(days=12)
    page = client.get(f"/staff/screenings/{screening.public_id}/invitation/edit")
    assert page.status_code == 200 and 'value="555-010-0123"' in page.get_data(as_text=True)
    response = client.post(
        f"/staff/screenings/{screening.public_id}/invitation/edit",
        data=_edit_form(
            screening,
            other,
            appointment_date=new_day.isoformat(),
            appointment_time="09:15",
            phone="(555) 222-3344",
            email="maria@example.org",
            locale="es",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(screening)
    local = screening.appointment_at.astimezone(ZONE)
    assert (local.date(), local.hour, local.minute) == (new_day, 9, 15)
    assert screening.expires_at == screening.appointment_at + timedelta(days=7)
    assert screening.clinician_id == other.id
    assert screening.invited_phone == "(555) 222-3344"
    assert (screening.invited_email, screening.invited_locale) == ("maria@example.org", "es")

    letter = client.get(f"/staff/screenings/{screening.public_id}/invitation")
    html = letter.get_data(as_text=True)
    assert link in html and code in html  # the same link and code
    assert find_by_token(urlsplit(link).path.rsplit("/", 1)[1]).id == screening.id

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "edit_invitation")
    ).one()
    assert event.actor == desk.email and event.screening_public_id == screening.public_id
    assert event.detail == "changed: appointment, clinician, phone, email, language"
    assert "222" not in event.detail  # what changed, never the values
    # The new address is sent the updated invitation.
    emailed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "email_invitation")
    ).one()
    assert emailed.detail == "invitation email queued (updated)"


def test_two_edits_within_a_minute_leave_the_latest_invitation_waiting(
    client, app, clinician, desk
):
    """The relay is down (nothing is delivered): each edit replaces the waiting email. The
    second used to find the first's key taken, so no invitation was waiting at all."""
    screening, _link, _code = _create(client, clinician, email="maria@example.org")
    for address in ("maria.garcia@example.org", "m.garcia@example.org"):
        response = client.post(
            f"/staff/screenings/{screening.public_id}/invitation/edit",
            data=_edit_form(screening, clinician, email=address),
        )
        assert response.status_code == 302
        db.session.refresh(screening)
    waiting = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "invitation", OutboxMessage.status == "pending"
        )
    ).all()
    assert [row.recipient for row in waiting] == ["m.garcia@example.org"]


@pytest.mark.parametrize("year_ahead", [3, "9999"])
def test_an_appointment_more_than_two_years_away_is_refused(
    client, app, clinician, desk, year_ahead
):
    """A mistyped year is caught (9999-12-31 once made the link's expiry overflow: a 500)."""
    today = datetime.now(ZONE).date()
    day = today.replace(year=today.year + 3) if year_ahead == 3 else date(9999, 12, 31)
    response = client.post(
        "/staff/invitations/new", data=_form(clinician, appointment_date=day.isoformat())
    )
    assert response.status_code == 200
    assert "That appointment is more than two years away. Check the year." in (
        response.get_data(as_text=True)
    )
    assert db.session.scalars(select(Screening)).all() == []
    screening, _link, _code = _create(client, clinician)
    response = client.post(
        f"/staff/screenings/{screening.public_id}/invitation/edit",
        data=_edit_form(screening, clinician, appointment_date=day.isoformat()),
    )
    assert "That appointment is more than two years away." in response.get_data(as_text=True)


def test_editing_to_a_past_time_is_refused_and_keeps_what_was_typed(client, app, clinician, desk):
    screening, _link, _code = _create(client, clinician)
    before = screening.appointment_at
    yesterday = datetime.now(ZONE).date() - timedelta(days=1)
    response = client.post(
        f"/staff/screenings/{screening.public_id}/invitation/edit",
        data=_edit_form(
            screening,
            clinician,
            appointment_date=yesterday.isoformat(),
            phone="555 999 0000",
        ),
    )
    html = response.get_data(as_text=True)
    assert "That appointment time has already passed" in html
    assert 'value="555 999 0000"' in html
    db.session.refresh(screening)
    assert screening.appointment_at == before and screening.invited_phone == "555-010-0123"


def test_a_submitted_screening_cannot_be_edited(client, app, clinician, desk):
    screening = make_screening(status="submitted", invited_date_of_birth=date(1961, 3, 4))
    response = client.get(f"/staff/screenings/{screening.public_id}/invitation/edit")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_new_links_are_readable_and_old_links_still_work(client, app, clinician, desk):
    screening, link, _code = _create(client, clinician)
    token = urlsplit(link).path.rsplit("/", 1)[1]
    assert re.fullmatch(r"([A-Z2-9]{5}-){4}[A-Z2-9]{5}", token)
    assert not LOOK_ALIKES & set(token)
    patient = app.test_client()
    # Typed lower case, or without the dashes, still opens the same screening.
    for typed in (token.lower(), token.replace("-", "")):
        assert patient.get(f"/s/{typed}").headers["Location"].endswith("/confirm")
        assert find_by_token(typed).id == screening.id
    # A link issued before readable links (URL-safe base64) keeps working.
    old_token = "Ab_cd-EFgh1234567890IJklMNopQRst"
    old = make_screening(status="in_progress", token=old_token)
    assert find_by_token(old_token).id == old.id
    assert patient.get(f"/s/{old_token}").status_code == 302
    assert access.hash_token(old_token) != access.hash_token(old_token.upper())


def test_details_differ_shows_both_values_and_the_queue_finds_the_invited_name(
    client, app, clinician, desk
):
    screening, _link, _code = _create(client, clinician, email="maria@example.org")
    typed = {
        "first_name": "Mary",
        "last_name": "Garcia",
        "date_of_birth": "1961-04-03",
        "phone": "555-777-8888",
        "email": "MARIA@example.org",  # the same address in other case: not a difference
    }
    screening.answers_json = json.dumps(typed)
    screening.patient_name_search = "maria garcia mary garcia"  # as save_section stores it
    db.session.commit()
    html = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Details differ" in html
    for value in ("Maria García", "Mary Garcia", "1961-03-04", "1961-04-03"):
        assert value in html
    assert "555-010-0123" in html and "555-777-8888" in html
    section = html.split("Details differ", 1)[1].split("</section>", 1)[0]
    assert "MARIA@example.org" not in section

    for query in ("Maria", "garcía", "Mary"):
        queue = client.get("/staff/", query_string={"q": query}).get_data(as_text=True)
        assert f"/staff/screenings/{screening.public_id}" in queue, query
        assert "Maria García" in queue


def test_self_started_screenings_have_only_the_typed_identity(client, app, desk):
    screening = make_screening(
        status="in_progress", first_name="Sam", last_name="Ito", answers={"first_name": "Sam"}
    )
    html = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Details differ" not in html


def test_the_patient_side_keeps_the_invited_identity(app, clinician):
    from screening.services import screenings

    desk = make_user("front_desk")
    from screening.services import invitations

    screening = invitations.create_invitation(
        invitations.PatientDetails("Maria", "García", date(1961, 3, 4)),
        contact=invitations.ContactDetails("555-010-0123"),
        appointment_at=datetime.now(UTC) + timedelta(days=3),
        clinician_id=clinician.id,
        invited_by=desk,
        secret_key=app.config["SECRET_KEY"],
        expiry_days=7,
    )
    columns = screenings.name_columns(screening, "Mary", "Garcia")
    assert columns == {"patient_name_search": "maria garcia mary garcia"}
    assert screenings.name_columns(screening, "maría", "GARCIA") == {
        "patient_name_search": "maria garcia"
    }


def test_an_older_invitation_without_a_seed_is_reissued_to_print_again(client, app, desk):
    screening = make_screening(
        status="invited",
        invited_date_of_birth=date(1961, 3, 4),
        appointment_at=datetime.now(UTC) + timedelta(days=4),
        expires_at=datetime.now(UTC) + timedelta(days=11),
    )
    detail = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Show or print the letter" not in detail
    response = client.get(f"/staff/screenings/{screening.public_id}/invitation")
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This link can no longer be shown. Reissue it to print a new letter." in followed
    reissued = client.post(
        f"/staff/screenings/{screening.public_id}/reissue", data={"reissue_reason": "lost"}
    )
    letter = client.get(reissued.headers["Location"])
    assert letter.status_code == 200 and 'class="resume-code"' in letter.get_data(as_text=True)


def test_the_letter_is_in_the_patients_language(client, app, clinician, desk):
    screening, _link, _code = _create(client, clinician, locale="es")
    html = client.get(f"/staff/screenings/{screening.public_id}/invitation").get_data(as_text=True)
    assert '<article class="letter panel" aria-labelledby="letter-title" lang="es">' in html


def test_opening_the_edit_page_is_audited(client, app, clinician, desk):
    """It shows the patient's phone and email: every view is in the audit trail, as the
    letter page's is."""
    screening, _link, _code = _create(client, clinician)
    assert client.get(f"/staff/screenings/{screening.public_id}/invitation/edit").status_code == 200
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "view_invitation_edit")
    ).all()
    assert [(e.actor, e.screening_public_id) for e in viewed] == [(desk.email, screening.public_id)]
