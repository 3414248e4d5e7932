"""The audit trail: append-only, one row per audited action, the admin page, `screening audit`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent
from screening.services import audit
from tests.staff.helpers import (
    CONFIRMED,
    make_screening,
    make_user,
    sign_in,
    store_synthetic_pdf,
)


def _actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_record_adds_to_the_callers_transaction(app):
    audit.record("export", actor="cli", detail="3 screenings")
    db.session.rollback()
    assert _actions() == []
    audit.record_and_commit("export", actor="cli")
    assert _actions() == ["export"]


def test_unknown_actions_are_refused(app):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("peek", actor="x")


def test_audit_rows_cannot_be_changed_or_deleted(app):
    audit.record_and_commit("export", actor="cli")
    row = db.session.scalars(select(AuditEvent)).one()
    row.actor = "someone else"
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(row)
    with pytest.raises(audit.AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(AuditEvent)).one().actor == "cli"


def test_every_staff_action_leaves_one_row(client, app):
    admin = make_user("admin")
    clinician = make_user("clinician")
    desk = make_user("front_desk")
    flagged = make_screening(status="submitted", triage="urgent", topics=1)
    invited = make_screening(status="invited", invited_date_of_birth=date(1970, 5, 17))

    def actions_for(do) -> list[str]:
        before = len(_actions())
        do()
        return _actions()[before:]

    assert actions_for(lambda: sign_in(client, clinician)) == ["sign_in"]
    detail = f"/staff/screenings/{flagged.public_id}"
    assert actions_for(lambda: client.get(detail)) == ["view_screening"]
    acknowledged = {"outcome": "called_reached", "seen_level": "urgent"}
    assert actions_for(lambda: client.post(detail + "/acknowledge", data=acknowledged)) == [
        "acknowledge_flags"
    ]
    assert actions_for(lambda: client.post(detail + "/review", data={"note": "ok"})) == ["review"]
    assert actions_for(lambda: client.post("/staff/logout")) == ["sign_out"]

    sign_in(client, desk)
    data = {
        "first_name": "Ann",
        "last_name": "Lee",
        "date_of_birth": "1970-01-02",
        "appointment_date": (datetime.now(UTC) + timedelta(days=3)).date().isoformat(),
        "appointment_time": "09:00",
        "clinician_id": str(clinician.id),
        "phone": "555-0100",
    }
    assert actions_for(lambda: client.post("/staff/invitations/new", data=data)) == [
        "create_invitation"
    ]
    revoke = f"/staff/screenings/{invited.public_id}/revoke"
    assert actions_for(lambda: client.post(revoke)) == []  # asked first: nothing done
    assert actions_for(lambda: client.post(revoke, data=CONFIRMED)) == ["revoke_invitation"]
    reissue = f"/staff/screenings/{invited.public_id}/reissue"
    reissued = {"reissue_reason": "lost"}
    assert actions_for(lambda: client.post(reissue, data=reissued)) == ["reissue_invitation"]
    client.post("/staff/logout")

    sign_in(client, admin)
    new_user = {"email": "new@clinic.example", "role": "clinician"}
    assert actions_for(lambda: client.post("/staff/users", data=new_user)) == ["create_user"]
    target = f"/staff/users/{desk.id}"
    assert actions_for(lambda: client.post(target + "/deactivate")) == []
    assert actions_for(lambda: client.post(target + "/deactivate", data=CONFIRMED)) == [
        "deactivate_user"
    ]
    assert actions_for(lambda: client.post(target + "/reactivate")) == ["reactivate_user"]
    to_clinician = {"role": "clinician"}
    assert actions_for(lambda: client.post(target + "/role", data=to_clinician)) == []
    assert actions_for(
        lambda: client.post(target + "/role", data={**to_clinician, **CONFIRMED})
    ) == ["change_role"]
    assert actions_for(lambda: client.get("/staff/audit")) == ["view_audit"]

    rows = list(db.session.scalars(select(AuditEvent)))
    assert all(row.ip == "127.0.0.1" for row in rows)
    screening_rows = {row.action: row.screening_public_id for row in rows}
    assert screening_rows["view_screening"] == flagged.public_id
    assert screening_rows["revoke_invitation"] == invited.public_id
    # No answer contents, no review note text.
    assert not any("ok" == (row.detail or "") for row in rows)


def test_the_pdf_download_is_audited(client, app):

    screening = make_screening(status="submitted", triage="routine", topics=0)
    store_synthetic_pdf(screening)
    clinician = make_user("clinician")
    sign_in(client, clinician)
    client.get(f"/staff/screenings/{screening.public_id}/summary.pdf")
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "download_pdf")).one()
    assert (row.actor, row.screening_public_id) == (clinician.email, screening.public_id)


def test_admin_audit_page_filters_and_pages(client, app):
    admin = make_user("admin")
    for n in range(120):
        audit.record("view_screening", actor="dr@clinic.example", screening_public_id=f"id{n}")
    audit.record("export", actor="cli")
    db.session.commit()
    sign_in(client, admin)
    html = client.get("/staff/audit").get_data(as_text=True)
    assert "Page 1 of 2" in html
    html = client.get("/staff/audit?action=export").get_data(as_text=True)
    assert ">Exported answers<" in html and "id5" not in html
    html = client.get("/staff/audit?screening=id7").get_data(as_text=True)
    assert "<code>id7</code>" in html and "<code>id8</code>" not in html
    # Whose events an admin looked up is itself recorded.
    looked = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "view_audit").order_by(AuditEvent.id)
    ).all()
    assert [e.detail for e in looked] == [None, "action=export", "screening=id7"]
    html = client.get("/staff/audit?actor=DR@clinic.example").get_data(as_text=True)
    assert "120 events" in html
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    html = client.get(f"/staff/audit?date_from={tomorrow}").get_data(as_text=True)
    assert "No events match." in html
    # The last day of the calendar (a date picker allows it) is a message, not a 500.
    response = client.get("/staff/audit?date_to=9999-12-31")
    assert response.status_code == 200
    assert "Enter a date from the year 1900 to 2199." in response.get_data(as_text=True)
    response = client.get("/staff/audit?date_from=yesterday&page=x")
    assert response.status_code == 200 and "Not a valid date" in response.get_data(as_text=True)


def test_audit_command_prints_json_lines(app, runner):
    audit.record("sign_in", actor="a@clinic.example", ip="10.0.0.1")
    audit.record(
        "view_screening", actor="a@clinic.example", screening_public_id="abc", ip="10.0.0.1"
    )
    db.session.commit()
    old = db.session.scalars(select(AuditEvent)).first()
    # Backdate one row directly in SQL (the ORM refuses to change audit rows).
    db.session.execute(
        AuditEvent.__table__.update()
        .where(AuditEvent.id == old.id)
        .values(at=datetime(2020, 1, 1, 12, 0, tzinfo=UTC))
    )
    db.session.commit()

    result = runner.invoke(args=["audit"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    assert all(set(line) == {"at", "actor", "action", "screening_id", "ip"} for line in lines)
    assert lines[0] == {
        "at": "2020-01-01T12:00:00Z",
        "actor": "a@clinic.example",
        "action": "sign_in",
        "screening_id": None,
        "ip": "10.0.0.1",
    }
    assert lines[1]["screening_id"] == "abc"
    datetime.fromisoformat(lines[1]["at"])

    since = runner.invoke(args=["audit", "--since", "2021-01-01"])
    # The first run's own record (issue 16: reading the trail out is audited) follows.
    assert [json.loads(line)["action"] for line in since.output.splitlines()] == [
        "view_screening",
        "export_audit",
    ]
    bad = runner.invoke(args=["audit", "--since", "01/01/2021"])
    assert bad.exit_code == 2 and "2026-01-31" in bad.output


def test_from_after_to_says_so_beside_the_dates(client, app):
    """As the queue does: not a silent "No events match", but the message beside To (and the
    other filters still applied)."""
    sign_in(client, make_user("admin"))
    today = datetime.now(ZoneInfo(app.config["CLINIC_TIMEZONE"])).date()  # the clinic's day
    response = client.get(
        f"/staff/audit?date_from={today}&date_to={today - timedelta(days=1)}&action=sign_in"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The end date must be on or after the start date." in html
    assert "No events match" not in html  # the admin's own sign-in, today
