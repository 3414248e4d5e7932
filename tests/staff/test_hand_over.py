"""A clinician who stops being one (deactivated here; another role in test_role_change) and
the open invitations naming them (screening/staff/hand_over.py): who takes them over, how the
choice names the clinicians, and what Edit invitation says when nobody did."""

from __future__ import annotations

import pytest

from screening.extensions import db
from screening.models import StaffUser
from tests.staff.helpers import make_screening, make_user
from tests.staff.test_confirmations import Page
from tests.staff.test_invitation_editing import _create
from tests.staff.test_role_change import _hand_over_rows


def _deactivate_url(user: StaffUser) -> str:
    return f"/staff/users/{user.id}/deactivate"


def test_a_deactivated_clinicians_open_invitations_go_to_the_one_chosen(
    app, client, admin, colleague
):
    invited = make_screening(status="invited", clinician=colleague)
    sent = make_screening(status="submitted", clinician=colleague)
    taker = make_user("clinician", email="dr.okafor@clinic.example", name="Dr Okafor")
    html = client.post(_deactivate_url(colleague)).get_data(as_text=True)
    assert "1 open invitation names them as the patient&#39;s clinician" in html
    assert 'id="choice-hand_over_to"' in html
    fields = Page(html).yes_form()["fields"]
    response = client.post(_deactivate_url(colleague), data={**fields, "hand_over_to": taker.id})
    page = client.get(response.location).get_data(as_text=True)
    assert "can no longer sign in. 1 open invitation now names Dr Okafor" in page
    db.session.refresh(colleague)
    db.session.refresh(invited)
    db.session.refresh(sent)
    assert not colleague.active
    assert invited.clinician_id == taker.id and sent.clinician_id == colleague.id
    (row,) = _hand_over_rows()
    assert row.detail == f"from {colleague.email} to {taker.email}, with a deactivation"


@pytest.mark.parametrize("chosen", ["keep", "themselves"])
def test_keeping_them_or_a_refused_choice_moves_nothing(app, client, admin, colleague, chosen):
    invited = make_screening(status="invited", clinician=colleague)
    make_user("clinician", email="dr.okafor@clinic.example")
    fields = Page(client.post(_deactivate_url(colleague)).get_data(as_text=True)).yes_form()
    posted = "keep" if chosen == "keep" else str(colleague.id)
    client.post(_deactivate_url(colleague), data={**fields["fields"], "hand_over_to": posted})
    db.session.refresh(colleague)
    db.session.refresh(invited)
    assert invited.clinician_id == colleague.id and _hand_over_rows() == []
    assert colleague.active is (chosen != "keep")  # a refused hand-over deactivates nobody


def test_an_admin_or_a_clinician_without_open_invitations_is_asked_nothing_more(
    app, client, admin, colleague
):
    make_user("clinician", email="dr.okafor@clinic.example")
    other_admin = make_user("admin", email="second.admin@clinic.example")
    for user in (colleague, other_admin):
        html = client.post(_deactivate_url(user)).get_data(as_text=True)
        assert "choice-hand_over_to" not in html and "open invitation" not in html


def test_the_choice_tells_two_clinicians_of_the_same_name_apart(app):
    from screening.services import staff as staff_service

    first = make_user("clinician", email="shah.a@clinic.example", name="Dr Shah")
    second = make_user("clinician", email="shah.r@clinic.example", name="Dr Shah")
    lee = make_user("clinician", email="lee@clinic.example", name="Dr Lee")
    unnamed = make_user("clinician", email="locum@clinic.example", name="")
    labels = staff_service.clinician_labels([first, second, lee, unnamed])
    assert labels == {
        first.id: "Dr Shah (shah.a@clinic.example)",
        second.id: "Dr Shah (shah.r@clinic.example)",
        lee.id: "Dr Lee",
        unnamed.id: "locum@clinic.example",
    }


def test_edit_invitation_says_who_it_named_when_nobody_took_it_over(app, client, admin, colleague):
    invited, _link, _code = _create(client, colleague)  # by the admin, as front desk would
    make_user("clinician", email="dr.okafor@clinic.example", name="Dr Okafor")
    edit_url = f"/staff/screenings/{invited.public_id}/invitation/edit"
    assert "no longer an active clinician" not in client.get(edit_url).get_data(as_text=True)
    fields = Page(client.post(_deactivate_url(colleague)).get_data(as_text=True)).yes_form()
    client.post(_deactivate_url(colleague), data={**fields["fields"], "hand_over_to": "keep"})
    html = client.get(edit_url).get_data(as_text=True)
    assert (
        "This invitation named Dr Ana Ng, who is no longer an active clinician: choose who the "
        "patient will see." in html
    )


def test_the_queue_filter_finds_the_invitations_naming_a_former_clinician(
    app, client, admin, colleague
):
    """Kept as they were, they are found by the queue's clinician filter, marked as such."""
    invited = make_screening(status="invited", clinician=colleague)
    make_screening(status="invited", clinician=make_user("clinician", name="Dr Okafor"))
    fields = Page(client.post(_deactivate_url(colleague)).get_data(as_text=True)).yes_form()
    client.post(_deactivate_url(colleague), data={**fields["fields"], "hand_over_to": "keep"})
    html = client.get("/staff/").get_data(as_text=True)
    assert f'<option value="{colleague.id}">Dr Ana Ng (no longer a clinician)</option>' in html
    found = client.get(f"/staff/?clinician={colleague.id}").get_data(as_text=True)
    assert invited.public_id in found and found.count('href="/staff/screenings/') == 1
