"""Issue 16, item 9: direction-override characters are removed from names and free text on
input ("RTL" wrapped in a right-to-left override printed as "LTR" on the PDF); everything else
is kept exactly as typed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from screening.extensions import db
from screening.models import Screening
from screening.questionnaire.text_input import BIDI_CONTROLS, without_bidi_controls
from tests.patient.helpers import start, step_url
from tests.staff.helpers import make_screening, make_user, sign_in

RLO, PDF_, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"


def test_every_bidi_control_is_removed_and_nothing_else():
    typed = f"{RLO}RTL{PDF_} Ana-María O\u2019Neil {LRI}محمد{PDI}{RLM} 👩\u200d⚕️ 李"
    assert without_bidi_controls(typed) == "RTL Ana-María O\u2019Neil محمد 👩\u200d⚕️ 李"
    assert not any(ch in BIDI_CONTROLS for ch in without_bidi_controls("".join(BIDI_CONTROLS)))


def test_patient_names_and_free_text_are_stored_without_overrides(app, client):
    token, _code = start(client)
    client.post(
        step_url(token, "about"),
        data={
            "first_name": f"{RLO}RTL{PDF_}",
            "last_name": f"Nasser{RLM}",
            "visit_reason": f"Back pain {LRI}since June{PDI}",
            "later": "1",
        },
    )
    answers = db.session.scalars(select(Screening)).one().answers
    assert answers["first_name"] == "RTL"
    assert answers["last_name"] == "Nasser"
    assert answers["visit_reason"] == "Back pain since June"


def test_staff_typed_names_and_notes_are_stored_without_overrides(app, client):
    clinician = make_user("clinician")
    sign_in(client, make_user("front_desk"))
    client.post(
        "/staff/invitations/new",
        data={
            "first_name": f"{RLO}RTL{PDF_}",
            "last_name": f"{LRI}O\u2019Neil{PDI}",
            "date_of_birth": "1961-03-04",
            "appointment_date": (date.today() + timedelta(days=3)).isoformat(),
            "appointment_time": "09:00",
            "clinician_id": str(clinician.id),
            "phone": "555-0134",
        },
    )
    invited = db.session.scalars(select(Screening)).one()
    assert (invited.patient_first_name, invited.patient_last_name) == ("RTL", "O\u2019Neil")
    client.post("/staff/logout")

    screening = make_screening(status="submitted", triage="routine", clinician=clinician)
    sign_in(client, clinician)
    client.post(
        f"/staff/screenings/{screening.public_id}/review", data={"note": f"Seen {RLO}OK{PDF_}"}
    )
    db.session.refresh(screening)
    assert screening.review_note == "Seen OK"


def test_a_name_of_only_invisible_characters_is_no_name(app, client):
    """Direction marks are removed, and what is left (a zero-width space) would print as
    nothing: the invitation is refused with the form's message and nothing is created."""
    clinician = make_user("clinician")
    sign_in(client, make_user("front_desk"))
    response = client.post(
        "/staff/invitations/new",
        data={
            "first_name": f"{RLO}\u200b{PDF_}",
            "last_name": "Okafor",
            "date_of_birth": "1961-03-04",
            "appointment_date": (date.today() + timedelta(days=3)).isoformat(),
            "appointment_time": "09:00",
            "clinician_id": str(clinician.id),
            "phone": "555-0134",
        },
    )
    assert response.status_code == 200
    assert "Enter the patient&#39;s first and last name." in response.get_data(as_text=True)
    assert db.session.scalars(select(Screening)).all() == []
