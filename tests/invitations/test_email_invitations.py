"""Email invitations through the outbox and a real SMTP server (aiosmtpd), end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.extensions import db
from screening.models import AuditEvent, OutboxMessage, Screening, StaffUser
from screening.outbox.worker import run_once
from tests.invitations.conftest import (
    BASE_URL,
    ZONE,
    body_html,
    body_text,
    clinic_time,
    form_data,
    invite,
    letter_link_and_code,
    reissue_lost_link,
)
from tests.outbox.servers import SmtpServer


def _actions(public_id: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.screening_public_id == public_id)
            .order_by(AuditEvent.id)
        )
    )


def test_front_desk_invites_by_email_and_the_link_opens_the_date_of_birth_check(
    app: Flask,
    client: FlaskClient,
    clinician: StaffUser,
    desk: StaffUser,
    smtp_server: SmtpServer,
) -> None:
    created = client.post("/staff/invitations/new", data=form_data(clinician))
    assert created.status_code == 302
    letter = client.get(created.headers["Location"]).get_data(as_text=True)
    letter_link, letter_code = letter_link_and_code(letter)
    screening = db.session.scalars(select(Screening)).one()
    assert screening.invited_email == "maria@example.org"
    assert screening.invited_phone == "+1 (555) 010-0123"

    assert smtp_server.received == []  # nothing is sent during the request
    assert run_once() == 1
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["maria@example.org"]
    assert mail.message["Subject"] == "Your questionnaire for Lakeside Spine Clinic"
    assert mail.message["List-Unsubscribe"].startswith(f"<{BASE_URL}/reminders/stop/")
    # On the wire as a plain link on one line: folded into MIME encoded words
    # ("=?utf-8?q?=3Chttps..."), mail programs did not offer their unsubscribe button.
    unsubscribe = f"List-Unsubscribe: {mail.message['List-Unsubscribe']}\r\n".encode()
    assert unsubscribe in mail.raw
    assert b"=?utf-8?" not in mail.raw.split(b"\r\n\r\n")[0]
    text, html = body_text(mail.message), body_html(mail.message)
    for part in (text, html):
        assert letter_link in part and letter_link.startswith(BASE_URL + "/s/")
        assert letter_code in part
        assert "Lakeside Spine Clinic" in part
        assert "about 10 minutes" in part
        # Patients come with neck and arm pain too, not only back and leg pain.
        assert "questions about your pain and your health" in part
        assert "555-0100" in part
        assert "Dear Maria García," in part
    # The appointment named as on the letter, in clinic time.
    local = screening.appointment_at.astimezone(ZONE)
    assert local.hour == 14 and local.minute == 30
    appointment_sentence = letter.split("Your appointment at")[1].split(".")[0]
    assert appointment_sentence in text and "2:30" in appointment_sentence
    # No clinical content, no answers.
    for word in ("triage", "red flag", "pain score", "emergency"):
        assert word not in text.lower()

    # The patient opens the emailed link: straight to the date-of-birth form, no name shown.
    patient = app.test_client()
    path = urlsplit(letter_link).path
    opened = patient.get(path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/confirm")
    confirm = patient.get(opened.headers["Location"]).get_data(as_text=True)
    assert 'name="date_of_birth"' in confirm
    assert "Maria" not in confirm and "García" not in confirm
    answered = patient.post(opened.headers["Location"], data={"date_of_birth": "1961-03-04"})
    assert answered.status_code == 302
    assert patient.get(answered.headers["Location"]).status_code == 302  # on to the first step

    assert _actions(screening.public_id)[:2] == ["create_invitation", "email_invitation"]


def test_the_email_is_in_the_language_the_clinic_chose(
    app: Flask, client: FlaskClient, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    client.post("/staff/invitations/new", data=form_data(clinician, locale="es"))
    screening = db.session.scalars(select(Screening)).one()
    assert screening.invited_locale == "es"
    run_once()
    [mail] = smtp_server.received
    html = body_html(mail.message)
    assert '<html lang="es">' in html
    # Dates are written by Babel in the patient's language (the sentences follow once the
    # Spanish catalogue has them).
    local = screening.appointment_at.astimezone(ZONE)
    spanish_months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    assert spanish_months[local.month - 1] in html


def test_a_reload_makes_nothing_new_and_the_letter_can_be_emailed_again(
    app: Flask, client: FlaskClient, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    created = client.post("/staff/invitations/new", data=form_data(clinician))
    letter_url = created.headers["Location"]
    first = letter_link_and_code(client.get(letter_url).get_data(as_text=True))
    second = letter_link_and_code(client.get(letter_url).get_data(as_text=True))  # reload
    assert first == second
    assert db.session.scalar(select(func.count()).select_from(Screening)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1

    # Posting the same form again (the browser's "resend") asks first and makes nothing.
    again = client.post("/staff/invitations/new", data=form_data(clinician))
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "Already invited?" in html
    assert 'name="confirm_duplicate" type="hidden" value="yes"' in html
    assert db.session.scalar(select(func.count()).select_from(Screening)) == 1

    # Email it again: the same link and code, no reissue.
    screening = db.session.scalars(select(Screening)).one()
    resent = client.post(f"/staff/screenings/{screening.public_id}/invitation/email")
    assert resent.status_code == 302
    assert run_once() == 2
    texts = [body_text(mail.message) for mail in smtp_server.received]
    assert all(first[0] in text and first[1] in text for text in texts)
    assert letter_link_and_code(client.get(letter_url).get_data(as_text=True)) == first


def test_a_second_invitation_after_confirming(
    app: Flask, client: FlaskClient, clinician: StaffUser, desk: StaffUser
) -> None:
    client.post("/staff/invitations/new", data=form_data(clinician, email=""))
    asked = client.post("/staff/invitations/new", data=form_data(clinician, email=""))
    assert "Already invited?" in asked.get_data(as_text=True)
    made = client.post(
        "/staff/invitations/new", data=form_data(clinician, email="", confirm_duplicate="yes")
    )
    assert made.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Screening)) == 2
    # A different appointment day is no duplicate.
    other_day = (datetime.now(ZONE).date() + timedelta(days=11)).isoformat()
    other = client.post(
        "/staff/invitations/new",
        data=form_data(clinician, email="", appointment_date=other_day),
    )
    assert other.status_code == 302


def test_delivered_invitation_emails_keep_no_link(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    appointment = clinic_time(datetime.now(ZONE).date() + timedelta(days=20), 10)
    screening = invite(clinician, desk, appointment=appointment)
    run_once()
    assert len(smtp_server.received) == 1
    run_once()  # the next cycle's sweep blanks the delivered body
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == "sent"
    assert row.payload == {"scrubbed": True}
    # Submitted: the seed is forgotten, so the link exists nowhere any more.
    screening.status = "submitted"
    screening.submitted_at = datetime.now(UTC)
    db.session.commit()
    run_once()
    db.session.refresh(screening)
    assert screening.link_seed is None


def test_a_corrected_address_or_a_revoked_link_stops_the_email_still_waiting(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    """The relay is down when the front desk invites "maria@exmaple.org" (a typo), then puts
    the address right: only the right address gets the link (both once did). A revoked link's
    waiting invitation is not sent either."""
    from screening.services import invitations

    smtp_server.stop()
    appointment = clinic_time(datetime.now(ZONE).date() + timedelta(days=20), 10)
    screening = invite(clinician, desk, appointment=appointment, email="maria@exmaple.org")
    run_once()  # the relay is down: the email waits
    invitations.edit_invitation(
        screening,
        invitations.InvitationChanges(
            appointment_at=appointment.astimezone(UTC),
            clinician_id=clinician.id,
            phone=screening.invited_phone or "",
            email="maria@example.org",
            locale=None,
        ),
        actor=desk.email,
        secret_key=app.config["SECRET_KEY"],
        expiry_days=7,
    )
    smtp_server.start()
    run_once(datetime.now(UTC) + timedelta(hours=2))
    assert [m.rcpt_tos for m in smtp_server.received] == [["maria@example.org"]]

    other = invite(
        clinician, desk, appointment=appointment + timedelta(days=1), email="sam@example.org"
    )
    invitations.revoke(other, actor=desk.email)
    run_once(datetime.now(UTC) + timedelta(hours=3))
    assert ["sam@example.org"] not in [m.rcpt_tos for m in smtp_server.received]


def test_a_reissue_replaces_the_waiting_email_with_one_holding_the_new_link(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    """The relay is down when the front desk invites, then the link is reissued (the patient
    called: lost). The waiting email held the old link, dead from the reissue: the patient
    gets one email, and its link is the new one (the old email once went out, dead link and
    all)."""

    smtp_server.stop()
    appointment = clinic_time(datetime.now(ZONE).date() + timedelta(days=20), 10)
    screening = invite(clinician, desk, appointment=appointment, email="maria@example.org")
    run_once()  # the relay is down: the email waits
    issued = reissue_lost_link(screening, desk)
    smtp_server.start()
    run_once(datetime.now(UTC) + timedelta(hours=2))
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["maria@example.org"]
    text = body_text(mail.message)
    assert issued.token in text and issued.resume_code in text
    statuses = db.session.scalars(
        select(OutboxMessage.status).where(OutboxMessage.screening_id == screening.id)
    ).all()
    assert sorted(statuses) == ["cancelled", "sent"]
    assert _actions(screening.public_id)[-2:] == ["reissue_invitation", "email_invitation"]


def test_a_reissue_sends_no_email_when_none_was_waiting(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    """The invitation went out; the reissued link is handed over by the front desk (letter,
    or "Email again"), not emailed behind their back."""

    appointment = clinic_time(datetime.now(ZONE).date() + timedelta(days=20), 10)
    screening = invite(clinician, desk, appointment=appointment, email="maria@example.org")
    run_once()
    assert len(smtp_server.received) == 1
    reissue_lost_link(screening, desk)
    run_once(datetime.now(UTC) + timedelta(hours=2))
    assert len(smtp_server.received) == 1
