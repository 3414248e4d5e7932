"""Issue 16, item 7: NUL and other control characters are refused at the form boundary, on
every staff and patient text field, with a message saying what to fix; never a 500, and never a
patient's name or note in the logs (SQL parameters are hidden from error messages).

Meaningful on PostgreSQL above all (it cannot store NUL): run with TEST_DATABASE_URL set.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, StatementError

from screening.extensions import db
from screening.models import AuditEvent, Screening, StaffUser
from screening.questionnaire import QUESTIONNAIRE, ItemType
from tests.patient.helpers import see_errors, start, step_url
from tests.staff.helpers import PASSWORD, make_screening, make_user, sign_in

MARKER = "Zelda"  # synthetic "patient data": it must not reach the logs or the database
CONTROLS = ["\x00", "\x1b", "\x08", "\x7f"]
MESSAGE = "Remove the invisible control characters"


@pytest.fixture(autouse=True)
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def _dirty(control: str) -> str:
    return f"{MARKER}{control}Quill"


def _assert_clean_logs(caplog: pytest.LogCaptureFixture) -> None:
    assert MARKER not in caplog.text
    assert "Traceback" not in caplog.text


def _text_fields() -> list[tuple[str, str]]:
    """(section id, posted field name) of every free-text answer in the questionnaire."""
    fields = []
    for section in QUESTIONNAIRE.sections:
        for item in section.items:
            if item.type in (ItemType.TEXT, ItemType.LONG_TEXT):
                fields.append((section.id, item.id))
            elif item.type is ItemType.GROUP:
                for sub in item.items:
                    if sub.type in (ItemType.TEXT, ItemType.LONG_TEXT):
                        fields.append((section.id, f"{item.id}-0-{sub.id}"))
    assert len(fields) >= 8
    return fields


@pytest.mark.parametrize("control", CONTROLS)
def test_every_patient_text_field_refuses_control_characters(app, client, all_logs, control):
    token, _code = start(client)
    for section_id, name in _text_fields():
        data = {name: _dirty(control), "save": "1"}
        if name.startswith("surgeries-"):
            data["prior_spine_surgery"] = "yes"
        response = see_errors(client, client.post(step_url(token, section_id), data=data))
        assert response.status_code in (200, 302), (name, response.status_code)
        if response.status_code == 200 and name in ("first_name", "visit_reason"):
            assert MESSAGE in response.get_data(as_text=True), name
    # The resume code and the date-of-birth form are safe too.
    assert app.test_client().post("/resume", data={"code": _dirty(control)}).status_code == 200
    screening = db.session.scalars(select(Screening)).one()
    assert MARKER not in screening.answers_json
    _assert_clean_logs(all_logs)


def test_invited_date_of_birth_form_refuses_control_characters(app, all_logs):
    screening = make_screening(status="invited", invited_date_of_birth=date(1970, 5, 17))
    response = app.test_client().post(
        f"/s/{screening.test_token}/confirm", data={"date_of_birth": "1970-05-17\x00" + MARKER}
    )
    assert response.status_code == 200
    _assert_clean_logs(all_logs)


@pytest.mark.parametrize("control", CONTROLS)
def test_every_staff_text_field_refuses_control_characters(app, client, all_logs, control):
    dirty = _dirty(control)
    # Signing in.
    response = client.post("/staff/login", data={"email": dirty, "password": dirty})
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)

    clinician = make_user("clinician")
    desk = make_user("front_desk")
    admin = make_user("admin")
    screening = make_screening(status="submitted", triage="routine", clinician=clinician)
    open_one = make_screening(status="invited", invited_date_of_birth=date(1970, 5, 17))

    sign_in(client, desk)
    appointment = (date.today() + timedelta(days=3)).isoformat()
    invitation = {
        "first_name": dirty,
        "last_name": dirty,
        "date_of_birth": "1961-03-04",
        "appointment_date": appointment,
        "appointment_time": "09:00",
        "clinician_id": str(clinician.id),
    }
    response = client.post("/staff/invitations/new", data=invitation)
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)
    response = client.post(
        f"/staff/screenings/{open_one.public_id}/reissue",
        data={"reissue_reason": "other", "reissue_note": dirty},
    )
    # Refused, and the form comes back with what was chosen and the message beside the note.
    assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True)
    response = client.get("/staff/", query_string={"q": dirty})
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)
    assert client.get(f"/staff/screenings/{screening.public_id}%00").status_code == 404
    client.post("/staff/logout")

    sign_in(client, clinician)
    response = client.post(f"/staff/screenings/{screening.public_id}/review", data={"note": dirty})
    # Refused, and the form comes back with the message beside the note.
    assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.review_note is None and screening.status == "submitted"
    client.post("/staff/logout")

    sign_in(client, admin)
    response = client.post("/staff/users", data={"email": dirty, "display_name": dirty})
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)
    response = client.get("/staff/audit", query_string={"actor": dirty, "screening": dirty})
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)
    response = client.post(
        "/staff/account/password",
        data={"current_password": PASSWORD, "new_password": dirty, "repeat_password": dirty},
    )
    assert response.status_code == 200 and MESSAGE in response.get_data(as_text=True)

    assert db.session.scalars(select(Screening).where(Screening.status == "invited")).all()
    assert not db.session.scalars(
        select(StaffUser).where(StaffUser.display_name.contains(MARKER))
    ).all()
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.detail.contains(MARKER))
    ).all()
    _assert_clean_logs(all_logs)


def test_database_errors_never_carry_the_statements_values(app):
    """hide_parameters: an error's text, which the error log keeps, holds no values."""
    with pytest.raises((DBAPIError, StatementError)) as caught:
        db.session.execute(
            text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": MARKER}
        )
    db.session.rollback()
    assert MARKER not in str(caught.value)


def test_a_device_name_with_control_characters_is_stored_without_them(app):
    screening = make_screening(status="in_progress")
    response = app.test_client().get(
        f"/s/{screening.test_token}", headers={"User-Agent": "Phone\x00\x1b[31m" + MARKER}
    )
    assert response.status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open_patient_link")
    ).one()
    assert "\x00" not in event.detail and "\x1b" not in event.detail
