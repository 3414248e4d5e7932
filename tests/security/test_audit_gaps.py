"""Issue 16, item 11: the audit trail's gaps closed.

The queue and every name search, refused access to a screening, each opening of a patient link,
`screening audit`, `rerender-summaries` and exports (with the ids) are recorded; admins read
clinical actions under neutral names; the audit page shows the clinic's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent
from screening.services import audit
from tests.staff.helpers import make_screening, make_user, sign_in, store_synthetic_pdf


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_the_queue_and_each_name_search_are_recorded_without_the_list(app, client):
    make_screening(first_name="Robin", last_name="Okafor")
    desk = make_user("front_desk")
    sign_in(client, desk)
    client.get("/staff/")
    html = client.get("/staff/", query_string={"q": "okafor", "status": "submitted"}).get_data(
        as_text=True
    )
    assert "Okafor" in html
    first, searched = _events("view_queue")
    assert first.actor == desk.email and first.detail is None
    assert searched.detail == "search: okafor; status=submitted"
    assert "Robin" not in searched.detail


def test_a_refused_screening_page_is_recorded(app, client):
    screening = make_screening(status="submitted", triage="urgent")
    store_synthetic_pdf(screening)
    desk = make_user("front_desk")
    sign_in(client, desk)
    response = client.get(f"/staff/screenings/{screening.public_id}/summary.pdf")
    assert response.status_code == 403
    (event,) = _events("access_refused")
    assert event.actor == desk.email and event.screening_public_id == screening.public_id
    assert event.ip == "127.0.0.1"


def test_each_opening_of_a_patient_link_is_recorded_with_the_device_address(app):
    screening = make_screening(status="in_progress")
    for address in ("127.0.0.21", "127.0.0.22"):
        app.test_client().get(
            f"/s/{screening.test_token}",
            environ_base={"REMOTE_ADDR": address},
            headers={"User-Agent": "SyntheticPhone/2"},
        )
    events = _events("open_patient_link")
    assert [e.ip for e in events] == ["127.0.0.21", "127.0.0.22"]
    assert all(e.screening_public_id == screening.public_id for e in events)
    assert "SyntheticPhone/2" in events[0].detail


def test_a_step_opened_by_its_own_address_is_recorded_once_per_browser(app):
    """An outside review: a step's address (or the review page, the handout) opened without
    the link itself showed the answers and left no trace."""
    screening = make_screening(status="in_progress")
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        for step in ("about", "review", "about"):
            assert browser.get(f"/s/{screening.test_token}/step/{step}").status_code == 200
    events = _events("open_patient_link")
    assert len(events) == 2
    assert all(e.screening_public_id == screening.public_id for e in events)


def test_each_wrong_date_of_birth_at_a_link_is_recorded(app):
    """Someone guessing at an invited link's date of birth shows in the audit trail, with the
    lock; admins read it as patient activity."""
    screening = make_screening(status="invited", invited_date_of_birth=datetime(1961, 3, 4).date())
    browser = app.test_client()
    url = f"/s/{screening.test_token}/confirm"
    for _ in range(5):
        browser.post(
            url, data={"date_of_birth": "1970-01-01"}, environ_base={"REMOTE_ADDR": "127.0.0.9"}
        )
    events = _events("patient_date_of_birth_refused")
    assert [e.detail for e in events] == [
        "wrong try 1 of 5",
        "wrong try 2 of 5",
        "wrong try 3 of 5",
        "wrong try 4 of 5",
        "wrong try 5 of 5; link locked",
    ]
    assert {e.ip for e in events} == {"127.0.0.9"}
    assert audit.shown_action(events[0].action, clinical_reader=False) == "patient_activity"


def test_the_audit_command_and_exports_are_recorded_with_the_ids(app, runner):
    sent = [make_screening(status="submitted"), make_screening(status="reviewed")]
    make_screening(status="in_progress")
    assert runner.invoke(args=["audit"]).exit_code == 0
    assert _events("export_audit")[0].actor == "cli"
    assert runner.invoke(args=["export"]).exit_code == 0
    exported = _events("export")
    assert {e.screening_public_id for e in exported if e.screening_public_id} == {
        s.public_id for s in sent
    }
    assert exported[-1].detail == "2 screenings exported"


def test_rerendering_summaries_is_recorded_per_screening(app, runner):
    screening = make_screening(status="submitted", triage="routine", topics=0)
    result = runner.invoke(args=["rerender-summaries", "--id", screening.public_id])
    assert result.exit_code == 0, result.output
    (event,) = _events("rerender_summary")
    assert event.screening_public_id == screening.public_id and event.actor == "cli"


def test_admins_read_clinical_actions_under_neutral_names_in_clinic_time(app, client):
    screening = make_screening(status="submitted", triage="emergency")
    audit.record(
        "acknowledge_flags",
        actor="dr@clinic.example",
        screening_public_id=screening.public_id,
        detail="sent_to_ed",
    )
    audit.record(
        "patient_acknowledged_warning",
        actor=None,
        screening_public_id=screening.public_id,
        detail="device: Mozilla/5.0 (warning page)",
    )
    audit.record(
        "open_patient_link",
        actor=None,
        screening_public_id=screening.public_id,
        detail="by link; device: Mozilla/5.0 (link)",
    )
    audit.record("review", actor="dr@clinic.example", screening_public_id=screening.public_id)
    db.session.commit()
    db.session.execute(
        AuditEvent.__table__.update().values(at=datetime(2026, 1, 15, 17, 30, tzinfo=UTC))
    )
    db.session.commit()
    sign_in(client, make_user("admin"))
    html = client.get("/staff/audit").get_data(as_text=True)
    rows = html[html.index("<tbody>") :]
    assert "acknowledge_flags" not in html and "patient_acknowledged_warning" not in html
    assert "Acknowledged red flags" not in html and "confirmed they read" not in html
    assert "Clinical action" in rows and "Patient activity" in rows
    # Nor do their details tell: an outcome is only recorded for red flags, and only the
    # emergency page's "I understand" lacks "by link".
    assert "sent_to_ed" not in rows and "device:" not in rows and "by link" not in rows
    # 17:30 UTC is 12:30 in New York in January.
    assert "2026-01-15 12:30:00" in rows and "America/New_York" in html
    refused = client.get("/staff/audit", query_string={"action": "acknowledge_flags"})
    assert "Clinical action" in refused.get_data(as_text=True)  # the filter was not applied


def test_the_audit_pages_day_filter_is_the_clinics_day_as_shown(app, client):
    """02:00 UTC on the 20th is 21:00 on the 19th in New York: shown on the 19th, found by
    the 19th (it was found by the 20th, a day it is not shown on)."""
    audit.record("export", actor="cli", detail="late evening export")
    db.session.commit()
    db.session.execute(
        AuditEvent.__table__.update().values(at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    )
    db.session.commit()
    sign_in(client, make_user("admin"))

    def shown(day: str) -> bool:
        html = client.get(f"/staff/audit?date_from={day}&date_to={day}").get_data(as_text=True)
        return "late evening export" in html

    assert shown("2026-11-19") and not shown("2026-11-20")
    assert "2026-11-19 21:00:00" in client.get("/staff/audit").get_data(as_text=True)
