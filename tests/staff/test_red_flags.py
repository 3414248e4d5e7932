"""Issue 12: the clinic learns of a warning sign the moment it is saved.

A patient saves the warning-signs step with an emergency answer and leaves, without sending the
form. The alert goes through a real SMTP server (aiosmtpd) and a real HTTP receiver, with no
patient data in either; the clinician's queue puts her first; escalation, acknowledgement and
review follow. The clock is moved by passing `now` to the worker, never by waiting.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, OutboxMessage, RedFlagAction, Screening, ScreeningSave
from screening.outbox import worker
from screening.questionnaire import QUESTIONNAIRE
from screening.services.alerts import ALERT, AlertFacts, alert_reference, compose_email
from tests.outbox.servers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver, smtp_settings
from tests.patient.helpers import (
    acknowledge_warning,
    complete_screening,
    example_answers,
    fill_steps,
    post_step,
    start,
    submit,
)
from tests.staff.helpers import make_screening, make_user, sign_in

BASE_URL = "https://screening.clinic.example"
_STEP_IDS = [section.id for section in QUESTIONNAIRE.sections]
STEPS_BEFORE_WARNINGS = tuple(_STEP_IDS[: _STEP_IDS.index("warning_signs")])
# What the patient typed that must never leave the clinic's systems in an alert.
# (The date of birth in full, as stored and as typed: a bare year could turn up by chance
# inside a random message id.)
PATIENT_DETAILS = (
    "Sam",
    "Turner",
    "1979-01-15",
    "1/15/1979",
    "555-0134",
    "saddle",
    "Saddle",
    "Back pain",
)


@pytest.fixture
def app_config(smtp_server: SmtpServer, webhook: WebhookReceiver) -> dict[str, object]:
    return {
        **smtp_settings(smtp_server, "Spine Clinic alerts <alerts@clinic.example>"),
        "ALERT_EMAIL_TO": "oncall@clinic.example",
        "ALERT_ESCALATION_EMAIL_TO": "lead@clinic.example",
        "ALERT_ESCALATE_MINUTES": 15,
        "ALERT_WEBHOOK_URL": webhook.url,
        "ALERT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PUBLIC_BASE_URL": BASE_URL,
        "CLINIC_NAME": "Riverside Spine Clinic",
    }


def save_warning_and_leave(client: FlaskClient, answers: dict[str, Any]) -> str:
    """Answer up to the warning signs, press "Save and finish later" there; the token."""
    token, _code = start(client)
    for step in STEPS_BEFORE_WARNINGS:
        response = post_step(client, token, step, answers)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:1500])
    response = post_step(client, token, "warning_signs", answers, action="later")
    assert response.status_code == 302
    return token


def taken_back_box(client: FlaskClient, public_id: str) -> str:
    """The "Answers changed since the warning" box of a screening's page, as a clinician sees
    it (IndexError when the page has none)."""
    page = client.get(f"/staff/screenings/{public_id}").get_data(as_text=True)
    return page.split('<div class="taken-back">', 1)[1].split("</div>", 1)[0]


def only_screening() -> Screening:
    db.session.expire_all()
    return db.session.scalars(select(Screening)).one()


def queue_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row) for row in body.split("<tr")[1:]]


def test_an_emergency_saved_mid_questionnaire_reaches_both_channels_and_the_queue_top(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    make_screening(status="submitted", first_name="Routine", last_name="Person", triage="routine")
    patient = app.test_client()
    save_warning_and_leave(patient, example_answers("cauda_equina_warning"))
    screening = db.session.scalars(
        select(Screening).where(Screening.patient_last_name == "Turner")
    ).one()
    assert screening.status == "in_progress"
    assert (screening.triage, screening.highest_triage) == ("emergency", "emergency")
    assert json.loads(screening.red_flags_json or "[]") == ["saddle_numbness"]
    assert json.loads(screening.triage_rules_json or "[]") == ["cauda_equina"]
    assert screening.warning_saved_at is not None

    # Within one worker cycle: an email and a signed webhook, without the patient sending.
    assert worker.run_once() == 2
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["oncall@clinic.example"]
    assert mail.message["To"] == "oncall@clinic.example"
    # The time saved, with its day, in clinic time (as the body gives it).
    saved = screening.warning_saved_at.astimezone(ZoneInfo(app.config["CLINIC_TIMEZONE"]))
    reference = alert_reference(screening.public_id)
    assert mail.message["Subject"] == (
        f"EMERGENCY red flag at Riverside Spine Clinic (saved {saved:%H:%M %a %d %b}, "
        f"ref {reference})"
    )
    text = mail.message.get_body(("plain",)).get_content()
    link = f"{BASE_URL}/staff/screenings/{screening.public_id}"
    assert link in text
    assert "NOT SENT YET: the patient answered the warning-sign questions but has not sent" in text
    [post] = webhook.received
    assert webhook.signature_ok(post)
    body = json.loads(post.body)
    assert body["level"] == "emergency"
    assert body["url"] == link
    assert body["escalation"] is False
    assert body["clinic"] == "Riverside Spine Clinic"
    assert body["reference"] == reference

    # A clinician: first row, the word "Emergency", "not sent yet", the name links to it.
    clinician = app.test_client()
    sign_in(clinician, make_user("clinician"))
    rows = queue_rows(clinician.get("/staff/").get_data(as_text=True))
    assert "Sam Turner" in rows[0]
    assert "Emergency" in rows[0]
    assert "Not sent yet" in rows[0]
    assert f'href="/staff/screenings/{screening.public_id}"' in rows[0]
    assert "Routine Person" in rows[1]


def test_two_patients_alerts_saved_in_the_same_minute_do_not_share_a_subject(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    """Mail programs thread messages by subject: two emergencies saved in the same minute must
    not read as one, or the on-call clinician may take the second for the first."""
    answers = example_answers("cauda_equina_warning")
    save_warning_and_leave(app.test_client(), answers)
    save_warning_and_leave(app.test_client(), answers)
    screenings = db.session.scalars(select(Screening).order_by(Screening.id)).all()
    worker.run_once()
    subjects = [mail.message["Subject"] for mail in smtp_server.received]
    references = [alert_reference(s.public_id) for s in screenings]
    assert len(set(references)) == 2
    assert sorted(subject.rsplit(" ref ", 1)[1] for subject in subjects) == sorted(
        f"{reference})" for reference in references
    )
    assert {json.loads(post.body)["reference"] for post in webhook.received} == set(references)
    # The same level, clinic and minute: the subjects differ by the reference alone.
    saved_at = datetime(2026, 12, 1, 3, 12, 5, tzinfo=UTC)
    same_minute = [
        compose_email(
            AlertFacts(
                kind=ALERT,
                level="emergency",
                public_id=screening.public_id,
                reference=alert_reference(screening.public_id),
                saved_at=saved_at + timedelta(seconds=30 * n),
                submitted=False,
                clinic="Riverside Spine Clinic",
                link=f"{BASE_URL}/staff/screenings/{screening.public_id}",
                escalate_minutes=15,
            )
        )[0]
        for n, screening in enumerate(screenings)
    ]
    assert same_minute[0] != same_minute[1]
    assert same_minute[0].rsplit(" ref ", 1)[0] == same_minute[1].rsplit(" ref ", 1)[0]


def test_an_alert_reference_is_six_capitals_or_digits_without_0_or_1() -> None:
    references = {alert_reference(f"screening-{n}") for n in range(500)}
    assert len(references) == 500
    for reference in references:
        assert re.fullmatch(r"[A-Z2-7]{6}", reference), reference
    assert alert_reference("same") == alert_reference("same")


def test_alerts_hold_no_name_date_of_birth_or_answers(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    worker.run_once()
    [mail] = smtp_server.received
    [post] = webhook.received
    outgoing = mail.message.as_string() + post.body.decode()
    for detail in PATIENT_DETAILS:
        assert detail not in outgoing, detail
    stored = " ".join(m.payload_json for m in db.session.scalars(select(OutboxMessage)))
    for detail in PATIENT_DETAILS:
        assert detail not in stored, detail


def test_a_clinician_sees_the_warning_answers_phone_and_saves_audited(
    app: Flask, smtp_server: SmtpServer
) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    worker.run_once()
    screening = only_screening()
    clinician = make_user("clinician")
    client = app.test_client()
    sign_in(client, clinician)
    html = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Not sent yet" in html
    # The reference in the alert's subject, to match the email to this page.
    assert f'<span class="reference">{alert_reference(screening.public_id)}</span>' in html
    assert "555-0134" in html  # the phone the patient gave, to call her on
    assert "numb" in html.lower()  # the saddle-numbness question and its answer
    saves = db.session.scalars(select(ScreeningSave).order_by(ScreeningSave.id)).all()
    assert [save.section_id for save in saves] == [*STEPS_BEFORE_WARNINGS, "warning_signs"]
    assert [save.triage for save in saves][-1] == "emergency"
    assert html.count("<li>") >= 4  # each save listed with its time
    assert "delivered" in html  # the alert, its channel and delivery state
    assert "email to oncall@clinic.example" in html
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.screening_public_id == screening.public_id)
    ).all()
    assert "view_screening" in events


def test_saving_again_alerts_once_and_a_rise_to_emergency_alerts_again(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    answers = example_answers("cauda_equina_warning")
    urgent = {**answers, "saddle_numbness": False, "both_legs_symptoms": True}
    patient = app.test_client()
    token = save_warning_and_leave(patient, urgent)
    post_step(patient, token, "warning_signs", urgent, action="later")
    worker.run_once()
    assert [m.message["Subject"][:41] for m in smtp_server.received] == [
        "URGENT red flag at Riverside Spine Clinic"
    ]
    screening = only_screening()
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    client.post(
        f"/staff/screenings/{screening.public_id}/acknowledge",
        data={"outcome": "called_no_answer", "seen_level": "urgent"},
    )
    assert only_screening().flags_acknowledged_at is not None

    post_step(patient, token, "warning_signs", answers, action="later")
    worker.run_once()
    assert (
        smtp_server.received[-1]
        .message["Subject"]
        .startswith("EMERGENCY red flag at Riverside Spine Clinic")
    )
    assert len(smtp_server.received) == 2
    assert [json.loads(p.body)["level"] for p in webhook.received] == ["urgent", "emergency"]
    # A new level needs a new acknowledgement.
    assert only_screening().flags_acknowledged_at is None


def test_a_record_made_on_an_urgent_page_does_not_acknowledge_a_new_emergency(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """The clinician opens an urgent screening and phones; meanwhile the patient adds a sign
    that makes it an emergency. "Called: no answer", posted from the page that said urgent,
    once acknowledged the emergency and stopped its escalation. It is refused, nothing is
    recorded, the page says what changed, and the emergency is escalated as any other."""
    answers = example_answers("cauda_equina_warning")
    urgent = {**answers, "saddle_numbness": False, "both_legs_symptoms": True}
    patient = app.test_client()
    token = save_warning_and_leave(patient, urgent)
    screening = only_screening()
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    detail = f"/staff/screenings/{screening.public_id}"
    page = client.get(detail).get_data(as_text=True)
    seen = re.search(r'name="seen_level" value="([a-z]+)"', page)
    assert seen and seen.group(1) == "urgent"

    post_step(patient, token, "warning_signs", answers, action="later")  # now an emergency
    response = client.post(
        detail + "/acknowledge",
        data={"outcome": "called_no_answer", "seen_level": seen.group(1)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Nothing was recorded" in html and "it is now EMERGENCY" in html
    assert 'name="seen_level" value="emergency"' in html
    assert only_screening().flags_acknowledged_at is None
    assert db.session.scalars(select(RedFlagAction)).all() == []
    saved_at = only_screening().highest_triage_at
    report = worker.run_cycle(saved_at + timedelta(minutes=15, seconds=1))
    assert report.queued_by_sweeps == 2  # the escalation, by email and by webhook
    assert (
        smtp_server.received[-1]
        .message["Subject"]
        .strip()
        .startswith("NOT ACKNOWLEDGED: EMERGENCY")
    )


def test_a_warning_answered_and_then_taken_back_stays_until_acknowledged(
    app: Flask, smtp_server: SmtpServer
) -> None:
    answers = example_answers("cauda_equina_warning")
    patient = app.test_client()
    token = save_warning_and_leave(patient, answers)
    acknowledge_warning(patient, f"/s/{token}/warning")  # "I understand", then changes it
    post_step(patient, token, "warning_signs", {**answers, "saddle_numbness": False})
    screening = only_screening()
    assert screening.triage != "emergency"
    assert (screening.highest_triage, screening.highest_triage_rank) == ("emergency", 0)
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    rows = queue_rows(client.get("/staff/").get_data(as_text=True))
    assert "Sam Turner" in rows[0] and "Emergency" in rows[0]
    # The page says what the warning was, though today's answers no longer give it.
    taken_back = taken_back_box(client, screening.public_id)
    assert "Answers changed since the warning" in taken_back
    assert "Possible cauda equina syndrome" in taken_back
    assert "New saddle numbness" in taken_back
    assert "they now give" in taken_back


def test_a_warning_taken_back_before_sending_is_in_the_surgeons_pdf(
    app: Flask, smtp_server: SmtpServer, pdftotext: Any
) -> None:
    """The PDF is the record the surgeon reads at the visit: it keeps the warning the clinic
    was alerted to, though the sent answers no longer give it."""
    answers = example_answers("cauda_equina_warning")
    patient = app.test_client()
    token = save_warning_and_leave(patient, answers)
    acknowledge_warning(patient, f"/s/{token}/warning")
    changed = {**answers, "saddle_numbness": False}
    fill_steps(patient, token, changed)
    assert submit(patient, token).status_code == 302
    screening = only_screening()
    assert screening.is_locked and screening.triage != "emergency"
    assert screening.summary is not None
    text = " ".join(pdftotext(screening.summary.pdf).split())
    assert "Warning during the form, since changed" in text
    assert "Emergency: send to an emergency department now" in text
    assert "Possible cauda equina syndrome" in text and "New saddle numbness" in text
    assert "The patient changed these answers before sending" in text
    # The staff page's summary shows the same facts as the PDF.
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    page = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    summary = page.split('<section class="warning-changed', 1)[1].split("</section>", 1)[0]
    assert "Warning during the form, since changed" in summary
    assert "Possible cauda equina syndrome" in summary and "New saddle numbness" in summary


def test_a_warning_taken_back_after_another_at_the_same_level_shows_both(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """Saddle numbness, then bladder instead, then neither: both were emergency answers."""
    answers = example_answers("cauda_equina_warning")
    patient = app.test_client()
    token = save_warning_and_leave(patient, answers)
    acknowledge_warning(patient, f"/s/{token}/warning")
    bladder = {**answers, "saddle_numbness": False, "bladder_bowel_change": True}
    post_step(patient, token, "warning_signs", bladder, action="later")
    assert only_screening().triage == "emergency"
    post_step(patient, token, "warning_signs", {**bladder, "bladder_bowel_change": False})
    screening = only_screening()
    assert screening.triage != "emergency"
    assert json.loads(screening.highest_red_flags_json or "[]")[:2] == [
        "saddle_numbness",
        "bladder_bowel_change",
    ]
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    taken_back = taken_back_box(client, screening.public_id)
    assert "New saddle numbness" in taken_back and "New bladder or bowel change" in taken_back


def test_a_warning_still_given_shows_no_taken_back_box(app: Flask, smtp_server: SmtpServer) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    page = client.get(f"/staff/screenings/{only_screening().public_id}").get_data(as_text=True)
    assert "Answers changed since the warning" not in page


def test_smtp_down_then_up_the_alert_arrives_after_the_retry(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    smtp_server.stop()
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    now = datetime.now(UTC)
    assert worker.run_once(now) == 1  # the webhook got through; the email waits
    email = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).one()
    assert (email.status, email.attempts) == ("pending", 1)
    smtp_server.start()
    assert worker.run_once(now + timedelta(seconds=10)) == 1
    assert len(smtp_server.received) == 1
    assert len(webhook.received) == 1


def test_an_unacknowledged_emergency_is_escalated_once_after_the_set_minutes(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    saved_at = only_screening().highest_triage_at
    assert saved_at is not None
    worker.run_once(saved_at)
    assert worker.run_cycle(saved_at + timedelta(minutes=14)).queued_by_sweeps == 0

    report = worker.run_cycle(saved_at + timedelta(minutes=15, seconds=1))
    assert (report.queued_by_sweeps, report.sent) == (2, 2)
    escalation = smtp_server.received[-1]
    assert escalation.rcpt_tos == ["lead@clinic.example"]
    assert escalation.message["Subject"].strip().startswith("NOT ACKNOWLEDGED: EMERGENCY")
    # The same reference as the first alert, so the two can be matched.
    reference = alert_reference(only_screening().public_id)
    assert f"ref {reference})" in escalation.message["Subject"]
    assert f"ref {reference})" in smtp_server.received[0].message["Subject"]
    body = json.loads(webhook.received[-1].body)
    assert (body["event"], body["escalation"], body["level"]) == ("escalation", True, "emergency")
    assert webhook.signature_ok(webhook.received[-1])

    # Once per level.
    assert worker.run_cycle(saved_at + timedelta(hours=2)).queued_by_sweeps == 0
    assert len(smtp_server.received) == 2 and len(webhook.received) == 2


def test_an_acknowledged_emergency_is_not_escalated(app: Flask, smtp_server: SmtpServer) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    screening = only_screening()
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    client.post(
        f"/staff/screenings/{screening.public_id}/acknowledge",
        data={
            "outcome": "sent_to_ed",
            "action_note": "Told to go to the ED now.",
            "seen_level": "emergency",
        },
    )
    saved_at = only_screening().highest_triage_at
    assert worker.run_cycle(saved_at + timedelta(hours=1)).queued_by_sweeps == 0
    assert len(smtp_server.received) == 1  # the first alert only


def test_mark_reviewed_is_refused_before_the_red_flags_are_acknowledged(
    app: Flask, smtp_server: SmtpServer
) -> None:
    complete_screening(app.test_client(), example_answers("cauda_equina_warning"))
    screening = only_screening()
    assert screening.status == "submitted"
    clinician = make_user("clinician", name="Dr Okafor")
    client = app.test_client()
    sign_in(client, clinician)
    detail = f"/staff/screenings/{screening.public_id}"
    refused = client.post(detail + "/review", data={"note": "fine"}, follow_redirects=True)
    assert "Record what was done about the red flags first" in refused.get_data(as_text=True)
    assert only_screening().status == "submitted"

    missing_note = client.post(
        detail + "/acknowledge",
        data={"outcome": "other", "seen_level": "emergency"},
        follow_redirects=True,
    )
    assert "Say in the note what was done" in missing_note.get_data(as_text=True)
    client.post(
        detail + "/acknowledge", data={"outcome": "called_no_answer", "seen_level": "emergency"}
    )
    client.post(
        detail + "/acknowledge",
        data={
            "outcome": "called_reached",
            "action_note": "Going to the ED.",
            "seen_level": "emergency",
        },
    )
    actions = db.session.scalars(select(RedFlagAction).order_by(RedFlagAction.id)).all()
    assert [(a.outcome, a.by_id, a.level) for a in actions] == [
        ("called_no_answer", clinician.id, "emergency"),
        ("called_reached", clinician.id, "emergency"),
    ]
    assert only_screening().flags_acknowledged_at == actions[0].at
    page = client.get(detail).get_data(as_text=True)
    assert "Called: no answer" in page and "Going to the ED." in page
    client.post(detail + "/review", data={"note": "fine"})
    assert only_screening().status == "reviewed"


def test_front_desk_sees_the_call_back_marker_but_not_the_reason(
    app: Flask, smtp_server: SmtpServer
) -> None:
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    screening = only_screening()
    desk = app.test_client()
    sign_in(desk, make_user("front_desk"))
    rows = queue_rows(desk.get("/staff/").get_data(as_text=True))
    [row] = [row for row in rows if "Sam Turner" in row]
    assert "Call back: clinician needed" in row
    page = desk.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Call back: clinician needed" in page
    for clinical in ("Emergency", "emergency", "Urgent", "numb", "Red flags", "555-0134"):
        assert clinical not in row, clinical
        assert clinical not in page, clinical


def test_without_an_alert_channel_nothing_is_queued_and_the_page_says_so(
    app: Flask, smtp_server: SmtpServer
) -> None:
    app.config.update(ALERT_EMAIL_TO=None, ALERT_WEBHOOK_URL=None)
    save_warning_and_leave(app.test_client(), example_answers("cauda_equina_warning"))
    assert db.session.scalars(select(OutboxMessage)).all() == []
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    page = client.get(f"/staff/screenings/{only_screening().public_id}").get_data(as_text=True)
    assert "No alert channel is configured" in page


def test_the_queue_shows_median_and_longest_time_to_acknowledgement(
    app: Flask, smtp_server: SmtpServer
) -> None:
    clinician = make_user("clinician")
    now = datetime.now(UTC)
    for minutes in (5, 10, 40):
        screening = make_screening(
            status="submitted", triage="urgent", warning_saved_at=now - timedelta(hours=2)
        )
        db.session.add(
            RedFlagAction(
                screening_id=screening.id,
                at=now - timedelta(hours=2) + timedelta(minutes=minutes),
                by_id=clinician.id,
                level="urgent",
                outcome="called_reached",
            )
        )
    make_screening(status="submitted", triage="emergency", warning_saved_at=now)
    # Older than 30 days: not counted.
    make_screening(status="reviewed", triage="urgent", warning_saved_at=now - timedelta(days=40))
    db.session.commit()
    client = app.test_client()
    sign_in(client, clinician)
    html = re.sub(r"\s+", " ", client.get("/staff/").get_data(as_text=True))
    assert "Median 10 min, longest 40 min, over 3 warnings." in html
    assert "1 not acknowledged yet." in html
    desk = app.test_client()
    sign_in(desk, make_user("front_desk"))
    assert "Median" not in desk.get("/staff/").get_data(as_text=True)


def test_a_warning_taken_back_before_its_answers_were_kept_says_so(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """Flagged before the upgrade that keeps what raised the highest level: the page does not
    guess, and says the answers that gave it were not kept."""
    screening = make_screening(
        status="in_progress",
        triage="routine",
        highest_triage="urgent",
        highest_triage_rank=1,
        highest_triage_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    taken_back = taken_back_box(client, screening.public_id)
    assert "Which answers gave it was not kept" in taken_back
    assert "<li>" not in taken_back


def test_an_answer_taken_back_while_another_gives_the_same_level_is_shown(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """New saddle numbness withdrawn while a cancer with worsening weakness still gives an
    emergency: the level did not fall, but the clinic was alerted to the cauda equina answer,
    so the page says it was taken back (only it; what still holds is in the panel above)."""
    screening = make_screening(
        status="in_progress",
        triage="emergency",
        triage_rules_json=json.dumps(["cord_compression_cancer"]),
        red_flags_json=json.dumps(["progressive_weakness", "cancer_history"]),
        highest_triage="emergency",
        highest_triage_rank=0,
        highest_triage_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        highest_triage_rules_json=json.dumps(["cauda_equina", "cord_compression_cancer"]),
        highest_red_flags_json=json.dumps(
            ["saddle_numbness", "progressive_weakness", "cancer_history"]
        ),
    )
    client = app.test_client()
    sign_in(client, make_user("clinician"))
    taken_back = taken_back_box(client, screening.public_id)
    assert "Possible cauda equina syndrome" in taken_back and "New saddle numbness" in taken_back
    assert "cord compression" not in taken_back and "Leg weakness" not in taken_back
