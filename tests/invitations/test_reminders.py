"""Reminders: due days in the clinic's calendar (across a daylight-saving change), at most one
a day, never twice, none after sending, revoking, expiry or "stop reminders"; delivered by the
worker to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, OutboxMessage, Screening, StaffUser
from screening.outbox.worker import run_once
from screening.services import invitations, reminders
from tests.invitations.conftest import BASE_URL, body_text, clinic_time, invite, reissue_lost_link
from tests.outbox.servers import SmtpServer

# US daylight saving starts on Sunday 14 March 2027 (clocks go from 02:00 to 03:00).
APPOINTMENT = clinic_time(date(2027, 3, 16), 10)  # Tuesday 10:00 EDT
INVITED_AT = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def subjects(server: SmtpServer) -> list[str]:
    return [str(mail.message["Subject"]) for mail in server.received]


def reminder_count(server: SmtpServer) -> int:
    return sum(subject.startswith("Reminder:") for subject in subjects(server))


def test_reminders_follow_the_clinic_calendar_across_a_daylight_saving_change(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    assert run_once(INVITED_AT) == 1  # the invitation itself
    assert subjects(smtp_server) == ["Your questionnaire for Lakeside Spine Clinic"]

    # Saturday 13 March, standard time (UTC-5): due from 09:00 clinic time = 14:00 UTC.
    assert run_once(utc("2027-03-13T13:30")) == 0  # 08:30 in the clinic: too early
    assert run_once(utc("2027-03-13T14:00")) == 1
    assert "in 3 days" in body_text(smtp_server.received[-1].message)
    assert run_once(utc("2027-03-13T22:00")) == 0  # once a day
    assert run_once(utc("2027-03-14T15:00")) == 0  # 2 days before: not a reminder day
    # Monday 15 March, daylight time (UTC-4): due from 09:00 clinic time = 13:00 UTC.
    assert run_once(utc("2027-03-15T12:30")) == 0  # 08:30 in the clinic
    assert run_once(utc("2027-03-15T13:00")) == 1
    last = smtp_server.received[-1]
    assert last.message["Subject"] == "Reminder: your questionnaire for Lakeside Spine Clinic"
    assert "tomorrow" in body_text(last.message)
    # 23:30 on Monday in the clinic is already Tuesday in UTC: still Monday, nothing more.
    assert run_once(utc("2027-03-16T03:30")) == 0
    assert run_once(utc("2027-03-16T13:00")) == 0  # the day itself is not in "3,1"
    assert reminder_count(smtp_server) == 2

    reminder = smtp_server.received[-1].message
    link = re.search(rf"{re.escape(BASE_URL)}/s/[A-Z0-9-]+", body_text(reminder))
    assert link and invitations.issued_link(screening, app.config["SECRET_KEY"]) is not None
    assert link.group(0).endswith(
        invitations.issued_link(screening, app.config["SECRET_KEY"]).token  # type: ignore[union-attr]
    )
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.screening_public_id == screening.public_id)
    ).all()
    assert actions.count("send_reminder") == 2


def test_a_reminder_is_never_queued_twice(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    due = utc("2027-03-13T15:00")
    assert reminders.send_due_reminders(due) == 1
    # As if a second worker ran the same sweep before the first recorded its email.
    screening.last_emailed_at = INVITED_AT
    db.session.commit()
    assert reminders.send_due_reminders(due) == 0
    run_once(due)
    assert reminder_count(smtp_server) == 1


def test_no_reminder_after_the_patient_sends(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    screening.status = "submitted"
    screening.submitted_at = INVITED_AT + timedelta(days=2)
    db.session.commit()
    for moment in ("2027-03-13T15:00", "2027-03-15T15:00"):
        run_once(utc(moment))
    assert reminder_count(smtp_server) == 0


def test_no_reminder_after_revoking_or_expiry(
    app: Flask, client: FlaskClient, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    revoked = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    client.post(f"/staff/screenings/{revoked.public_id}/revoke", data={"confirm": "yes"})
    expired = invite(clinician, desk, appointment=APPOINTMENT + timedelta(hours=1), now=INVITED_AT)
    expired.expires_at = utc("2027-03-12T00:00")
    db.session.commit()
    for moment in ("2027-03-13T15:00", "2027-03-15T15:00"):
        run_once(utc(moment))
    assert reminder_count(smtp_server) == 0


def test_stop_reminders_link_one_click_and_audited(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    run_once(INVITED_AT)
    text = body_text(smtp_server.received[0].message)
    stop = re.search(rf"{re.escape(BASE_URL)}(/reminders/stop/\S+)", text)
    assert stop
    patient = app.test_client()

    # A link scanner (or the patient) opening the link changes nothing: a button is shown.
    shown = patient.get(stop.group(1))
    assert shown.status_code == 200 and "Stop reminders" in shown.get_data(as_text=True)
    assert shown.get_data(as_text=True).count("555\u20110100") == 1, "the clinic's phone once"
    db.session.refresh(screening)
    assert screening.reminders_stopped_at is None

    pressed = patient.post(stop.group(1))
    assert "We will not send you more reminders" in pressed.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.reminders_stopped_at is not None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "stop_reminders")
    ).one()
    assert (event.actor, event.screening_public_id) == ("patient", screening.public_id)

    for moment in ("2027-03-13T15:00", "2027-03-15T15:00"):
        run_once(utc(moment))
    assert reminder_count(smtp_server) == 0
    # A tampered token is a plain 404.
    assert patient.get(stop.group(1)[:-3] + "abc").status_code == 404


def test_mail_programs_one_click_unsubscribe_works_with_csrf_on(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    run_once(INVITED_AT)
    header = str(smtp_server.received[0].message["List-Unsubscribe"]).strip("<>")
    assert smtp_server.received[0].message["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    response = app.test_client().post(
        header.removeprefix(BASE_URL), data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    db.session.refresh(screening)
    assert screening.reminders_stopped_at is not None


def test_rescheduling_moves_the_reminders(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    link_before = invitations.issued_link(screening, app.config["SECRET_KEY"])
    later = clinic_time(date(2027, 3, 23), 11)
    invitations.edit_invitation(
        screening,
        invitations.InvitationChanges(
            appointment_at=later,
            clinician_id=clinician.id,
            phone=screening.invited_phone or "",
            email=screening.invited_email,
            locale=None,
        ),
        actor=desk.email,
        secret_key=app.config["SECRET_KEY"],
        expiry_days=7,
        now=INVITED_AT + timedelta(days=1),
    )
    link_after = invitations.issued_link(screening, app.config["SECRET_KEY"])
    assert link_before and link_after
    assert (link_after.token, link_after.resume_code) == (
        link_before.token,
        link_before.resume_code,
    )
    assert screening.expires_at == later.astimezone(UTC) + timedelta(days=7)
    run_once(utc("2027-03-13T15:00"))  # the old "3 days before"
    assert reminder_count(smtp_server) == 0
    run_once(utc("2027-03-20T15:00"))  # the new one
    assert reminder_count(smtp_server) == 1
    # The first invitation was still waiting (no worker ran before the change), so only the
    # updated one went out: the first named the old appointment.
    assert subjects(smtp_server).count("Your questionnaire for Lakeside Spine Clinic") == 1
    db.session.refresh(screening)
    assert db.session.get(Screening, screening.id).appointment_at == later.astimezone(UTC)


def test_a_reminder_waiting_when_the_patient_sends_is_not_sent(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    """The reminder was queued while the relay was down; the patient then sends the form. It
    would have said the form is not sent yet: sending cancels it."""
    from screening.questionnaire import canonical_json
    from screening.services import screenings
    from tests.patient.helpers import example_answers

    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    run_once(INVITED_AT)  # the invitation
    smtp_server.stop()
    run_once(utc("2027-03-13T15:00"))  # 3 days before: the reminder is queued, the relay down
    assert reminder_count(smtp_server) == 0
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    ).all()
    assert [row.status for row in pending] == ["pending"]
    answers = example_answers("stenosis")
    screening.answers_json = canonical_json(answers)
    screening.status = "in_progress"
    db.session.commit()
    submitted = screenings.submit(screening, consent=True, now=utc("2027-03-13T16:00"))
    assert submitted.ok and screening.status == "submitted"
    smtp_server.start()
    run_once(utc("2027-03-13T18:00"))
    assert reminder_count(smtp_server) == 0


def test_a_reminder_waiting_at_a_reissue_is_dropped_and_the_next_holds_the_new_link(
    app: Flask, clinician: StaffUser, desk: StaffUser, smtp_server: SmtpServer
) -> None:
    """The reminder was queued while the relay was down; the link is then reissued. The waiting
    reminder held the old, dead link: it is not sent, and the next one carries the new link."""
    screening = invite(clinician, desk, appointment=APPOINTMENT, now=INVITED_AT)
    run_once(INVITED_AT)  # the invitation
    smtp_server.stop()
    run_once(utc("2027-03-13T15:00"))  # 3 days before: the reminder is queued, the relay down
    issued = reissue_lost_link(screening, desk)
    smtp_server.start()
    run_once(utc("2027-03-13T18:00"))
    assert reminder_count(smtp_server) == 0
    run_once(utc("2027-03-15T13:00"))  # the day before
    assert reminder_count(smtp_server) == 1
    text = body_text(smtp_server.received[-1].message)
    assert issued.token in text and issued.resume_code in text
