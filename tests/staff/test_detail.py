"""The screening page: the summary (clinicians only), the PDF, review and acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from screening.extensions import db
from screening.models import RedFlagAction
from tests.staff.helpers import make_screening, make_user, sign_in, submitted_example


@pytest.fixture
def emergency(app):
    return submitted_example("cauda_equina_warning")


def test_clinician_reads_the_summary_as_html(client, app, emergency):
    sign_in(client, make_user("clinician"))
    response = client.get(f"/staff/screenings/{emergency.public_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="summary summary-emergency"' in html  # the shared partial
    assert "css/summary.css" in html
    assert emergency.patient_first_name in html
    assert "Record what was done" in html
    assert "Download PDF" in html
    # Review waits for the red flags to be acknowledged (issue 12).
    assert "Record what was done about the red flags first" in html


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_front_desk_and_admin_see_status_but_no_answers(client, app, emergency, role):
    sign_in(client, make_user(role))
    html = client.get(f"/staff/screenings/{emergency.public_id}").get_data(as_text=True)
    assert 'class="summary' not in html
    assert "Emergency" not in html and "red flags" not in html
    assert "summary.pdf" not in html
    answers = emergency.answers
    for item in ("visit_reason", "current_medications"):
        if answers.get(item):
            assert answers[item] not in html
    assert "Submitted" in html


def test_pdf_download_serves_the_stored_bytes(client, app, emergency):
    sign_in(client, make_user("clinician"))
    response = client.get(f"/staff/screenings/{emergency.public_id}/summary.pdf")
    assert response.status_code == 200
    assert response.data == emergency.summary.pdf and response.data.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"


def test_mark_reviewed_with_a_note(client, app, emergency):
    clinician = make_user("clinician", name="Dr Lee")
    sign_in(client, clinician)
    # An emergency is reviewed only after its red flags are acknowledged (issue 12).
    client.post(
        f"/staff/screenings/{emergency.public_id}/acknowledge",
        data={"outcome": "called_reached", "seen_level": "emergency"},
    )
    response = client.post(
        f"/staff/screenings/{emergency.public_id}/review", data={"note": "Call patient today."}
    )
    assert response.status_code == 302
    db.session.refresh(emergency)
    assert emergency.status == "reviewed"
    assert emergency.reviewed_by_id == clinician.id and emergency.reviewed_at is not None
    assert emergency.review_note == "Call patient today."
    html = client.get(f"/staff/screenings/{emergency.public_id}").get_data(as_text=True)
    assert "Call patient today." in html and "Dr Lee" in html
    # Twice: a message, nothing changes.
    first = emergency.reviewed_at
    client.post(f"/staff/screenings/{emergency.public_id}/review", data={})
    db.session.refresh(emergency)
    assert emergency.reviewed_at == first


def test_a_note_that_is_too_long_is_refused(client, app, emergency):
    sign_in(client, make_user("clinician"))
    response = client.post(
        f"/staff/screenings/{emergency.public_id}/review",
        data={"note": "x" * 2001},
        follow_redirects=True,
    )
    assert "Please keep this to 2000 characters or fewer (it has 2001)." in response.get_data(
        as_text=True
    )
    db.session.refresh(emergency)
    assert emergency.status == "submitted"


def test_an_unsubmitted_screening_cannot_be_reviewed(client, app):
    screening = make_screening(status="in_progress")
    sign_in(client, make_user("clinician"))
    response = client.post(f"/staff/screenings/{screening.public_id}/review", follow_redirects=True)
    assert "Only a submitted screening" in response.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.status == "in_progress"


def test_acknowledging_red_flags_shows_who_and_when_in_the_queue(client, app, emergency):
    clinician = make_user("clinician", name="Dr Lee")
    sign_in(client, clinician)
    client.post(
        f"/staff/screenings/{emergency.public_id}/acknowledge",
        data={
            "outcome": "sent_to_ed",
            "action_note": "Told her to go to the ED now.",
            "seen_level": "emergency",
        },
    )
    db.session.refresh(emergency)
    assert emergency.flags_acknowledged_by_id == clinician.id
    assert (datetime.now(UTC) - emergency.flags_acknowledged_at).total_seconds() < 60
    queue = client.get("/staff/").get_data(as_text=True)
    assert "Dr Lee" in queue and "Not yet" not in queue
    detail = client.get(f"/staff/screenings/{emergency.public_id}").get_data(as_text=True)
    assert "Sent to the emergency department</strong> · Dr Lee" in detail
    assert "Told her to go to the ED now." in detail


def test_routine_screenings_need_no_acknowledgement(client, app):
    routine = make_screening(status="submitted", triage="routine")
    sign_in(client, make_user("clinician"))
    response = client.post(
        f"/staff/screenings/{routine.public_id}/acknowledge",
        data={"outcome": "called_reached"},
        follow_redirects=True,
    )
    assert "Only emergency or urgent" in response.get_data(as_text=True)
    db.session.refresh(routine)
    assert routine.flags_acknowledged_at is None


def test_a_screening_not_yet_submitted_shows_no_summary(client, app):
    screening = make_screening(status="invited", first_name="Nina", last_name="Park")
    sign_in(client, make_user("clinician"))
    html = client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
    assert "Not submitted yet" in html and 'class="summary' not in html
    assert client.get(f"/staff/screenings/{screening.public_id}/summary.pdf").status_code == 404


def test_unknown_ids_are_404(client, app):
    sign_in(client, make_user("clinician"))
    assert client.get("/staff/screenings/does-not-exist").status_code == 404


def _red_flag_form_of(html: str) -> str:
    """The red-flag panel's form, as the page shows it."""
    start = html.index('class="red-flag-form"')
    return html[start : html.index("</form>", start)]


def test_a_refused_red_flag_record_keeps_the_note_beside_its_error(client, app, emergency):
    """A clinician who forgets to choose what was done gets the form back as typed, with the
    message in it (not at the top of a page that jumps to the panel), and nothing recorded."""
    from screening.models import AuditEvent

    sign_in(client, make_user("clinician"))
    note = "Spoke to his wife; he is on the way to the ED."
    views_before = db.session.query(AuditEvent).filter_by(action="view_screening").count()
    response = client.post(
        f"/staff/screenings/{emergency.public_id}/acknowledge",
        data={"action_note": note, "seen_level": "emergency"},
    )
    assert response.status_code == 422
    form = _red_flag_form_of(response.get_data(as_text=True))
    assert "Choose what was done." in form and "error-summary" in form
    assert note.replace("'", "&#39;") in form
    db.session.refresh(emergency)
    assert emergency.flags_acknowledged_at is None
    # The page shows patient data again, so it is audited as a view.
    views = db.session.query(AuditEvent).filter_by(action="view_screening").count()
    assert views == views_before + 1


def test_a_record_refused_by_the_rules_keeps_the_note_too(client, app, emergency):
    """'Other' needs a note; a stale level (the answers changed) is refused: both come back
    with what was typed, the stale one showing the level as it now is."""
    sign_in(client, make_user("clinician"))
    detail = f"/staff/screenings/{emergency.public_id}"
    no_note = client.post(
        detail + "/acknowledge", data={"outcome": "other", "seen_level": "emergency"}
    )
    assert no_note.status_code == 422
    assert "Say in the note what was done." in _red_flag_form_of(no_note.get_data(as_text=True))
    stale = client.post(
        detail + "/acknowledge",
        data={
            "outcome": "called_reached",
            "action_note": "Booked for today",
            "seen_level": "urgent",
        },
    )
    form = _red_flag_form_of(stale.get_data(as_text=True))
    assert stale.status_code == 422
    assert "Nothing was recorded" in form and "Booked for today" in form
    assert 'name="seen_level" value="emergency"' in form  # the level the page now shows
    db.session.refresh(emergency)
    assert emergency.flags_acknowledged_at is None


def test_a_refused_review_note_comes_back_in_its_form(client, app, emergency):
    """Too long, or sent before the red flags were acknowledged: the note is shown again."""
    sign_in(client, make_user("clinician"))
    detail = f"/staff/screenings/{emergency.public_id}"
    too_long = client.post(detail + "/review", data={"note": "Seen. " + "x" * 2000})
    assert too_long.status_code == 422
    html = too_long.get_data(as_text=True)
    assert "2000 characters or fewer (it has 2006)" in html and "Seen. xxxx" in html
    early = client.post(detail + "/review", data={"note": "Plan: MRI first."})
    html = early.get_data(as_text=True)
    assert early.status_code == 422
    assert "Plan: MRI first." in html and "error-summary" in html
    db.session.refresh(emergency)
    assert emergency.status == "submitted"


def test_other_without_a_note_is_said_beside_the_note(client, app, emergency):
    sign_in(client, make_user("clinician"))
    response = client.post(
        f"/staff/screenings/{emergency.public_id}/acknowledge",
        data={"outcome": "other", "action_note": "  ", "seen_level": "emergency"},
    )
    assert response.status_code == 422
    form = _red_flag_form_of(response.get_data(as_text=True))
    # The summary's link leads to the note box, and the message stands beside it.
    assert 'href="#action_note"' in form
    assert 'href="#outcome"' not in form
    error = form[form.index('id="action_note-error"') :]
    assert "Say in the note what was done." in error[: error.index("</p>")]
    assert '<input checked id="outcome-4" name="outcome" type="radio" value="other">' in form
    db.session.refresh(emergency)
    assert emergency.flags_acknowledged_at is None


def test_a_red_flag_note_over_the_limit_is_refused_with_its_count_and_kept(client, app, emergency):
    """Not cut at 2,000 characters mid-word (the browser's maxlength did that silently)."""
    sign_in(client, make_user("clinician"))
    page = client.get(f"/staff/screenings/{emergency.public_id}").get_data(as_text=True)
    assert "maxlength" not in _red_flag_form_of(page)
    # 2,123 characters, a line break (sent as two, counted as one as it is seen) and "End.".
    note = ("Spoke to her at length. " + "word " * 420).strip() + "\r\nEnd.\r\n"
    response = client.post(
        f"/staff/screenings/{emergency.public_id}/acknowledge",
        data={"outcome": "called_reached", "action_note": note, "seen_level": "emergency"},
    )
    assert response.status_code == 422
    form = _red_flag_form_of(response.get_data(as_text=True))
    assert "Please keep this to 2000 characters or fewer (it has 2128)." in form
    assert "word word End." not in form and "word\r\nEnd." in form  # kept as typed
    db.session.refresh(emergency)
    assert emergency.flags_acknowledged_at is None
    assert db.session.query(RedFlagAction).count() == 0


def _position(html: str, text: str) -> int:
    assert text in html, text
    return html.index(text)


def test_the_patients_name_and_birth_date_head_the_page_before_any_action(client, app):
    """Above the red-flag panel (phone, buttons) and the link's Revoke and Reissue, at every
    width (the grid stacks the side column first on a phone): shown once, as the heading."""
    flagged = submitted_example(
        "cauda_equina_warning", invited_date_of_birth=datetime(1979, 1, 15).date()
    )
    name = f"{flagged.patient_first_name} {flagged.patient_last_name}"
    sign_in(client, make_user("clinician"))
    html = client.get(f"/staff/screenings/{flagged.public_id}").get_data(as_text=True)
    heading = _position(html, f'<h1 class="patient-name" dir="auto">{name}</h1>')
    assert heading < _position(html, 'id="red-flags"') and heading < _position(html, "tel:")
    assert html.count("<h1") == 1
    assert heading < _position(html, "Date of birth: <strong>15 Jan 1979</strong>")
    assert 'class="detail-main same-name"' in html  # the summary's own name line is not shown

    desk = app.test_client()
    waiting = make_screening(
        status="invited",
        first_name="Nina",
        last_name="Park",
        invited_date_of_birth=datetime(1961, 3, 4).date(),
        link_seed="seed",
    )
    sign_in(desk, make_user("front_desk"))
    html = desk.get(f"/staff/screenings/{waiting.public_id}").get_data(as_text=True)
    heading = _position(html, '<h1 class="patient-name" dir="auto">Nina Park</h1>')
    assert heading < _position(html, "Revoke link") and heading < _position(html, "Reissue link")
    assert html.count("04 Mar 1961") == 1 and heading < html.index("04 Mar 1961")
    assert html.count("Nina Park") == 2  # the heading and the page's title
