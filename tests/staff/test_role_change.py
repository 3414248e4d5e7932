"""An admin gives a colleague another role on the Users page, keeping their account.

A new account for the new role would lose the audit history's continuity and the colleague's
two-step sign-in; the role change keeps both. Each other active colleague's row has a role
select and Change role; the post asks first (screening/staff/confirm.py) on a page naming the
colleague and saying what the new role can and can no longer see or do, and only its Yes
button (confirm=yes) changes the role and writes the `change_role` audit row (the old and the
new role). Refused at once, without asking: your own role, a deactivated account, and the last
active admin's; the role they already have changes nothing; a role that is not one is a 400.

The role is read from the database on every request, so a signed-in colleague's next request
already has the new role: a clinician made front desk stops seeing clinical answers at once.
"""

from __future__ import annotations

import re
import threading

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, StaffSession, StaffUser
from screening.services import staff as staff_service
from screening.services import two_factor
from screening.staff.role_change import ROLE_CHANGES
from tests.staff.helpers import (
    CONFIRMED,
    PASSWORD,
    ROLES,
    make_screening,
    make_user,
    sign_in,
    submitted_example,
)
from tests.staff.test_confirmations import (
    Page,
    audit_rows,
    signed_in_elsewhere,
    signed_in_with_csrf,
)

LABELS = {"admin": "Admin", "clinician": "Clinician", "front_desk": "Front desk"}


def role_url(user: StaffUser) -> str:
    return f"/staff/users/{user.id}/role"


def role_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "change_role").order_by(AuditEvent.id)
        )
    )


def role_of(user: StaffUser) -> str:
    db.session.refresh(user)
    return user.role


def flashed(client: FlaskClient, response) -> str:  # type: ignore[no-untyped-def]
    """The page a refused or finished post leads back to (the Users page, with its notice)."""
    assert response.status_code == 302 and response.location == "/staff/users"
    return client.get(response.location).get_data(as_text=True)


# -- The Users page -------------------------------------------------------------------------


def test_each_other_active_colleague_has_a_role_select_and_a_change_role_button(
    app, client, admin, colleague
):
    gone = make_user("front_desk", email="gone@clinic.example", active=False)
    html = client.get("/staff/users").get_data(as_text=True)
    forms = {form["action"]: form for form in Page(html).forms}

    form = forms[role_url(colleague)]
    assert form["buttons"] == ["Change role ana.ng@clinic.example"]  # the email for screen readers
    assert "csrf_token" in form["fields"]
    # The select offers every role, the colleague's own chosen, and is labelled for them.
    row = html[html.index(f'id="role-{colleague.id}"') :]
    row = row[: row.index("</select>")]
    assert row.count("<option") == 3
    assert '<option value="clinician" selected>Clinician</option>' in row
    assert '<option value="front_desk">Front desk</option>' in row
    assert '<option value="admin">Admin</option>' in row
    assert f'<label for="role-{colleague.id}" class="visually-hidden">' in html
    assert "New role for ana.ng@clinic.example" in html
    # Not for yourself, nor for a deactivated account (reactivate it first).
    assert role_url(admin) not in forms and role_url(gone) not in forms
    # The role column still shows the current role in words.
    assert "<td>Clinician</td>" in html and "<td>Admin</td>" in html


# -- Asked first ----------------------------------------------------------------------------


def test_change_role_asks_first_naming_the_colleague_and_changes_nothing(
    app, client, admin, colleague
):
    device = signed_in_elsewhere(app, colleague)
    before = audit_rows()
    response = client.post(role_url(colleague), data={"role": "front_desk"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.h1 == "Change the role of Dr Ana Ng (ana.ng@clinic.example) to Front desk?"
    # What the new role can no longer see or do, and what it will, in plain words.
    assert "they can no longer see patients&#39; answers, summaries or PDFs" in html
    assert "They will send and change invitations" in html
    assert "<dt>Role now</dt><dd>Clinician</dd>" in html
    assert "<dt>New role</dt><dd>Front desk</dd>" in html
    form = page.yes_form()
    # The Yes button posts the token, confirm=yes and the role that was chosen.
    assert form["action"] == role_url(colleague)
    assert form["fields"]["role"] == "front_desk" and form["fields"]["confirm"] == "yes"
    assert form["buttons"] == ["Yes, change the role"]
    assert "csrf_token" in form["fields"]
    assert page.links["Cancel"] == "/staff/users"
    # The tab's title names nobody (it stays in the browser's history).
    title = html[html.index("<title>") : html.index("</title>")]
    assert "Ana" not in title and "ana.ng" not in title

    assert role_of(colleague) == "clinician"
    assert audit_rows() == before and role_events() == []
    assert device.get("/staff/").status_code == 200  # still signed in, still a clinician


@pytest.mark.parametrize(("old", "new"), sorted(ROLE_CHANGES))
def test_the_confirmation_says_what_the_new_role_can_and_cannot_do(app, client, admin, old, new):
    """Every change between two roles has its own words (only clinicians see answers; front
    desk and admins send invitations; only admins manage accounts and read the audit)."""
    other = make_user(old, email="sam.ray@clinic.example")
    html = client.post(role_url(other), data={"role": new}).get_data(as_text=True)
    consequence = html[html.index("From their next page") :].split("</p>")[0]
    answers = "patients&#39; answers"
    if new == "clinician":
        assert f"will read {answers}" in consequence
    else:
        assert answers in consequence and (
            "do not see" in consequence or "no longer see" in consequence
        )
    if old == "admin":
        assert "no longer manage staff accounts" in consequence
    if new == "admin":
        assert "manage staff accounts, yours included" in consequence
    if old in ("front_desk", "admin") and new == "clinician":
        assert "no longer" in consequence and "invitations" in consequence
    # Only giving more (front desk to admin) is not in the danger colour.
    danger = 'class="button-danger">Yes, change the role' in html
    assert danger == ((old, new) != ("front_desk", "admin"))


def test_every_change_between_two_roles_has_words():
    assert set(ROLE_CHANGES) == {(old, new) for old in ROLES for new in ROLES if old != new}


def test_a_role_that_needs_two_step_sign_in_says_so(app, client, admin):
    app.config["STAFF_MFA_REQUIRED"] = "clinician"  # not admin: the acting admin has none
    desk = make_user("front_desk", email="dee@clinic.example")
    html = client.post(role_url(desk), data={"role": "clinician"}).get_data(as_text=True)
    assert "The new role needs two-step sign-in: they must set it up" in html
    # Not for a role without it.
    other = make_user("admin", email="ops@clinic.example")
    html = client.post(role_url(other), data={"role": "front_desk"}).get_data(as_text=True)
    assert "two-step" not in html


def test_cancel_goes_back_and_nothing_happened(app, client, admin, colleague):
    asked = Page(client.post(role_url(colleague), data={"role": "admin"}).get_data(as_text=True))
    back = client.get(asked.links["Cancel"])
    assert Page(back.get_data(as_text=True)).h1 == "Staff accounts"
    assert role_of(colleague) == "clinician" and role_events() == []


# -- Confirmed ------------------------------------------------------------------------------


def test_the_confirmed_change_gives_the_role_and_is_audited(app, client, admin, colleague):
    secret = two_factor.new_secret()
    assert two_factor.enable(colleague, secret, pyotp.TOTP(secret).now())
    password_hash = colleague.password_hash
    asked = Page(
        client.post(role_url(colleague), data={"role": "front_desk"}).get_data(as_text=True)
    )
    yes = asked.yes_form()

    html = flashed(client, client.post(yes["action"], data=yes["fields"]))
    assert "ana.ng@clinic.example now has the role Front desk, from their next page." in html
    assert role_of(colleague) == "front_desk"
    (event,) = role_events()
    assert event.actor == admin.email and event.ip == "127.0.0.1"
    assert event.detail == "ana.ng@clinic.example from clinician to front_desk"
    # The account is the same one: its password and two-step sign-in stay, and nothing secret
    # went into the audit trail.
    assert colleague.password_hash == password_hash and two_factor.is_enabled(colleague)
    assert secret not in event.detail and PASSWORD not in event.detail
    assert "scrypt" not in event.detail and "pbkdf2" not in event.detail
    # In words, under the Users page's recent account changes and on the audit page.
    changes = html[html.index("Recent account changes") :]
    assert ">Gave an account another role<" in changes and "change_role" not in changes
    assert "ana.ng@clinic.example from clinician to front_desk" in changes
    audit_page = client.get("/staff/audit").get_data(as_text=True)
    assert ">Gave an account another role<" in audit_page[audit_page.index("<tbody>") :]
    # The role column says the new role.
    assert "<td>Front desk</td>" in html


def test_a_colleague_can_be_made_an_admin_and_then_manages_accounts(app, client, admin, colleague):
    client.post(role_url(colleague), data={"role": "admin", **CONFIRMED})
    assert role_of(colleague) == "admin"
    device = app.test_client()
    sign_in(device, colleague)
    assert device.get("/staff/users").status_code == 200


# -- Refused, without asking ----------------------------------------------------------------


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_your_own_role_is_refused(app, client, admin, confirm):
    make_user("admin")  # not the last admin: refused because it is your own
    response = client.post(role_url(admin), data={"role": "front_desk", **confirm})
    html = flashed(client, response)
    assert "You cannot change your own role: another admin can." in html
    assert "Yes, change the role" not in html
    assert role_of(admin) == "admin" and role_events() == []


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_the_role_they_already_have_changes_nothing(app, client, admin, colleague, confirm):
    before = audit_rows()
    response = client.post(role_url(colleague), data={"role": "clinician", **confirm})
    html = flashed(client, response)
    assert "ana.ng@clinic.example already has the role Clinician; nothing changed." in html
    assert "Yes, change the role" not in html
    assert role_of(colleague) == "clinician"
    assert audit_rows() == before and role_events() == []


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_a_deactivated_account_is_refused(app, client, admin, confirm):
    """Deactivated by another admin while this page was open: reactivate it first."""
    gone = make_user("clinician", email="gone@clinic.example", active=False)
    response = client.post(role_url(gone), data={"role": "front_desk", **confirm})
    assert "gone@clinic.example is deactivated: reactivate the account before" in flashed(
        client, response
    )
    assert role_of(gone) == "clinician" and role_events() == []


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
@pytest.mark.parametrize("role", ["superuser", "", "ADMIN", "admin "])
def test_a_role_that_is_not_one_is_a_400(app, client, admin, colleague, confirm, role):
    """Only a tampered post sends one: no question, no change, no audit row."""
    before = audit_rows()
    response = client.post(role_url(colleague), data={"role": role, **confirm})
    assert response.status_code == 400
    assert "Yes, change the role" not in response.get_data(as_text=True)
    assert role_of(colleague) == "clinician" and audit_rows() == before


def test_a_post_without_a_role_is_a_400(app, client, admin, colleague):
    assert client.post(role_url(colleague), data=CONFIRMED).status_code == 400
    assert role_of(colleague) == "clinician"


@pytest.mark.parametrize("user_id", ["999999", "99999999999999999999999"])
def test_an_account_that_does_not_exist_is_a_404(app, client, admin, user_id):
    assert client.post(f"/staff/users/{user_id}/role", data={"role": "admin"}).status_code == 404


# -- The last active admin ------------------------------------------------------------------


def test_the_service_never_deactivates_the_last_active_admin(app):
    """The same rule for deactivation, in the service the Users page and the command share, so
    "A deactivates B" at the same instant as "B makes A a clinician" cannot leave none."""
    only = make_user("admin", email="only.admin@clinic.example")
    with pytest.raises(staff_service.AccountError, match="is the last active admin"):
        staff_service.set_active(only, False, actor="cli")
    db.session.refresh(only)
    assert only.active is True
    make_user("admin", email="second.admin@clinic.example")
    staff_service.set_active(only, False, actor="cli")
    db.session.refresh(only)
    assert only.active is False


def test_the_service_keeps_the_last_active_admin(app):
    """The rule `screening deactivate-user` keeps, for roles: there is always an active admin
    (a deactivated admin does not count)."""
    only = make_user("admin", email="only.admin@clinic.example")
    make_user("admin", email="former.admin@clinic.example", active=False)
    assert staff_service.is_last_active_admin(only)
    for role in ("clinician", "front_desk"):
        with pytest.raises(staff_service.AccountError, match="is the last active admin"):
            staff_service.change_role(only, role, actor="cli")
    assert role_of(only) == "admin" and role_events() == []

    second = make_user("admin", email="second.admin@clinic.example")
    assert not staff_service.is_last_active_admin(only)
    assert staff_service.change_role(only, "clinician", actor="cli") is True
    assert staff_service.is_last_active_admin(second)


def test_the_service_refuses_an_unknown_role_and_reports_no_change(app):
    user = make_user("clinician")
    with pytest.raises(staff_service.AccountError, match="no such role"):
        staff_service.change_role(user, "superuser", actor="cli")
    assert staff_service.change_role(user, "clinician", actor="cli") is False
    assert role_of(user) == "clinician" and role_events() == []


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_the_users_page_refuses_to_leave_no_active_admin(app, client, admin, monkeypatch, confirm):
    """An admin cannot change their own role, so from the Users page the target of an admin's
    change is never the last admin, except when two admins change each other's role at the
    same instant (see the next test): the page then says so and changes nothing."""
    other = make_user("admin", email="bo.admin@clinic.example", name="Bo")
    monkeypatch.setattr(staff_service, "active_admin_count", lambda: 1)
    response = client.post(role_url(other), data={"role": "clinician", **confirm})
    html = flashed(client, response)
    assert "bo.admin@clinic.example is the last active admin: nobody could manage" in html
    assert "Yes, change the role" not in html
    assert role_of(other) == "admin" and role_events() == []


def _change_in_thread(
    app,
    target_id: int,
    actor: str,
    barrier: threading.Barrier,
    outcomes: list[str],
    errors: list[BaseException],
) -> None:
    try:
        with app.app_context():
            target = db.session.get(StaffUser, target_id)
            barrier.wait(timeout=10)
            try:
                staff_service.change_role(target, "clinician", actor=actor)
                outcomes.append("changed")
            except staff_service.AccountError:
                outcomes.append("refused")
            db.session.remove()
    except BaseException as exc:  # reported by the main thread
        errors.append(exc)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app):
    """Each would count two admins and go ahead, leaving none: the change takes its turn
    (the admins' rows locked, on SQLite the write lock), so the second is refused."""
    for round_number in range(15):
        first = make_user("admin", email=f"first{round_number}@clinic.example")
        second = make_user("admin", email=f"second{round_number}@clinic.example")
        pair = ((second.id, first.email), (first.id, second.email))
        db.session.remove()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        errors: list[BaseException] = []
        threads = [
            threading.Thread(
                target=_change_in_thread, args=(app, target, actor, barrier, outcomes, errors)
            )
            for target, actor in pair
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        assert sorted(outcomes) == ["changed", "refused"], round_number
        assert staff_service.active_admin_count() == 1, round_number
        # Start the next round from no admin at all.
        for user in db.session.scalars(select(StaffUser).where(StaffUser.role == "admin")):
            user.active = False
        db.session.commit()


# -- The change applies on the colleague's next request --------------------------------------


def test_a_signed_in_clinician_made_front_desk_loses_clinical_answers_on_the_next_request(
    app, client, admin, colleague
):
    screening = submitted_example("cauda_equina_warning")
    detail = f"/staff/screenings/{screening.public_id}"
    device = signed_in_elsewhere(app, colleague)
    before = device.get(detail).get_data(as_text=True)
    assert 'class="summary' in before and "Download PDF" in before
    assert device.get(f"{detail}/summary.pdf").status_code == 200

    client.post(role_url(colleague), data={"role": "front_desk", **CONFIRMED})

    # The very next request of the same session, no new sign-in: clinical answers are gone.
    assert device.get(f"{detail}/summary.pdf").status_code == 403
    after = device.get(detail)
    assert after.status_code == 200  # still signed in: the status, not the answers
    html = after.get_data(as_text=True)
    assert 'class="summary' not in html and "summary.pdf" not in html
    for item in ("visit_reason", "current_medications"):
        if screening.answers.get(item):
            assert screening.answers[item] not in html
    assert device.post(f"{detail}/review", data={"note": ""}).status_code == 403
    # Front desk's own pages open; the session was kept, not ended.
    assert device.get("/staff/invitations/new").status_code == 200
    sessions = db.session.scalars(
        select(StaffSession).where(StaffSession.user_id == colleague.id)
    ).all()
    assert [session.revoked_at for session in sessions] == [None]


def test_a_signed_in_admin_made_clinician_loses_the_admin_pages_on_the_next_request(
    app, client, admin
):
    other = make_user("admin", email="bo.admin@clinic.example")
    device = signed_in_elsewhere(app, other)
    assert device.get("/staff/users").status_code == 200
    client.post(role_url(other), data={"role": "clinician", **CONFIRMED})
    assert device.get("/staff/users").status_code == 403
    assert device.get("/staff/audit").status_code == 403
    assert (
        device.post(f"/staff/users/{admin.id}/role", data={"role": "front_desk"}).status_code == 403
    )
    assert role_of(admin) == "admin"


def test_a_role_that_needs_two_step_sign_in_asks_for_it_on_the_next_request(app, client, admin):
    app.config["STAFF_MFA_REQUIRED"] = "clinician"  # not admin: the acting admin has none
    desk = make_user("front_desk", email="dee@clinic.example")
    device = signed_in_elsewhere(app, desk)
    client.post(role_url(desk), data={"role": "clinician", **CONFIRMED})
    response = device.get("/staff/")
    assert response.status_code == 302 and response.location.endswith("/staff/account/two-factor")


# -- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "clinician"])
def test_only_admins_may_change_a_role(app, client, colleague, role):
    member = make_user(role)
    sign_in(client, member)
    before = audit_rows()
    for data in ({"role": "admin"}, {"role": "admin", **CONFIRMED}):
        for target in (colleague, member):  # a colleague's role, or their own
            response = client.post(role_url(target), data=data)
            assert response.status_code == 403
            assert "ana.ng@clinic.example" not in response.get_data(as_text=True)
    assert role_of(colleague) == "clinician" and role_of(member) == role
    assert audit_rows() == before


def test_signed_out_is_sent_to_sign_in(app, client, colleague):
    response = client.post(role_url(colleague), data={"role": "admin", **CONFIRMED})
    assert response.status_code == 302 and "/staff/login" in response.location
    assert role_of(colleague) == "clinician"


# -- CSRF: the first post and the confirmed one both need the token -------------------------


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_row_and_the_yes_button_post_the_token_and_act(self, app, client):
        signed_in_with_csrf(client, make_user("admin"))
        colleague = make_user("clinician", name="Dr Ana Ng")
        page = Page(client.get("/staff/users").get_data(as_text=True))
        (row,) = [form for form in page.forms if form["action"] == role_url(colleague)]
        assert row["fields"]["csrf_token"]

        asked = client.post(role_url(colleague), data={**row["fields"], "role": "front_desk"})
        assert asked.status_code == 200
        yes = Page(asked.get_data(as_text=True)).yes_form()
        assert yes["fields"]["csrf_token"] and yes["fields"]["confirm"] == "yes"
        assert role_of(colleague) == "clinician"

        done = client.post(yes["action"], data=yes["fields"])
        assert done.status_code == 302
        assert role_of(colleague) == "front_desk"
        assert len(role_events()) == 1

    @pytest.mark.parametrize("confirm", [{}, CONFIRMED])
    def test_a_post_without_the_token_is_refused(self, app, client, confirm):
        signed_in_with_csrf(client, make_user("admin"))
        colleague = make_user("clinician")
        before = audit_rows()
        response = client.post(role_url(colleague), data={"role": "front_desk", **confirm})
        assert response.status_code == 400
        assert b"The form expired" in response.data
        assert role_of(colleague) == "clinician" and audit_rows() == before


def test_yes_on_a_confirmation_made_stale_by_another_admin_changes_nothing(
    app, client, admin, colleague
):
    """Tab 1 asks to make a clinician an admin; tab 2 (or another admin) makes them front desk;
    tab 1's Yes described a clinician's losses, so it must not act on a front desk account."""
    asked = Page(client.post(role_url(colleague), data={"role": "admin"}).get_data(as_text=True))
    fields = asked.yes_form()["fields"]
    assert fields["from_role"] == "clinician"
    staff_service.change_role(colleague, "front_desk", actor="other.admin@clinic.example")
    response = client.post(role_url(colleague), data=fields)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "was changed by someone else after you were asked" in html
    assert role_of(colleague) == "front_desk"
    assert [event.actor for event in role_events()] == ["other.admin@clinic.example"]


def test_the_confirmation_counts_the_open_invitations_naming_the_clinician(
    app, client, admin, colleague
):
    """Made front desk, they no longer are anyone's clinician: the page says how many open
    invitations still name them (sent ones are finished and do not count)."""
    for status in ("invited", "in_progress", "submitted"):
        make_screening(status=status, clinician=colleague)
    html = client.post(role_url(colleague), data={"role": "front_desk"}).get_data(as_text=True)
    assert "2 open invitations name them as the patient&#39;s clinician" in html
    other = make_user("clinician", email="no.patients@clinic.example")
    html = client.post(role_url(other), data={"role": "front_desk"}).get_data(as_text=True)
    assert "open invitations name them" not in html


def _hand_over_rows() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "hand_over_invitation")
            .order_by(AuditEvent.id)
        )
    )


def test_a_clinician_made_front_desk_hands_their_open_invitations_to_another(
    app, client, admin, colleague
):
    """The confirmation asks who takes over; Yes moves every open invitation naming them, in
    the same change, with one audit row each. A sent screening keeps its clinician."""
    open_ones = [
        make_screening(status=status, clinician=colleague) for status in ("invited", "in_progress")
    ]
    sent = make_screening(status="submitted", clinician=colleague)
    taker = make_user("clinician", email="dr.okafor@clinic.example", name="Dr Okafor")
    make_user("clinician", email="gone@clinic.example", name="Dr Gone", active=False)
    make_user("front_desk", email="desk@clinic.example", name="Desk Person")
    html = client.post(role_url(colleague), data={"role": "front_desk"}).get_data(as_text=True)
    assert "Choose below who takes them over" in html
    select_html = html[html.index('<select id="choice-hand_over_to"') :]
    select_html = select_html[: select_html.index("</select>")]
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', select_html)
    assert options == [
        ("keep", "Nobody for now"),
        (str(taker.id), "Dr Okafor"),
    ]
    fields = Page(html).yes_form()["fields"]
    response = client.post(role_url(colleague), data={**fields, "hand_over_to": str(taker.id)})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "now has the role Front desk" in page and "2 open invitations now name Dr Okafor" in page
    assert role_of(colleague) == "front_desk"
    for screening in open_ones:
        db.session.refresh(screening)
        assert screening.clinician_id == taker.id
    db.session.refresh(sent)
    assert sent.clinician_id == colleague.id
    rows = _hand_over_rows()
    assert sorted(row.screening_public_id for row in rows) == sorted(
        screening.public_id for screening in open_ones
    )
    assert {row.detail for row in rows} == {
        f"from {colleague.email} to {taker.email}, with a role change"
    }


def test_keeping_the_invitations_leaves_them_as_they_are(app, client, admin, colleague):
    invited = make_screening(status="invited", clinician=colleague)
    make_user("clinician", email="dr.okafor@clinic.example")
    html = client.post(role_url(colleague), data={"role": "front_desk"}).get_data(as_text=True)
    fields = Page(html).yes_form()["fields"]
    assert client.post(role_url(colleague), data={**fields, "hand_over_to": "keep"}).status_code
    assert role_of(colleague) == "front_desk"
    db.session.refresh(invited)
    assert invited.clinician_id == colleague.id and _hand_over_rows() == []


@pytest.mark.parametrize("who", ["deactivated_meanwhile", "front_desk", "themselves", "nobody"])
def test_a_hand_over_to_someone_who_cannot_take_it_changes_nothing(
    app, client, admin, colleague, who
):
    invited = make_screening(status="invited", clinician=colleague)
    taker = make_user("clinician", email="dr.okafor@clinic.example")
    html = client.post(role_url(colleague), data={"role": "front_desk"}).get_data(as_text=True)
    fields = Page(html).yes_form()["fields"]
    chosen = {
        "deactivated_meanwhile": taker.id,
        "front_desk": make_user("front_desk").id,
        "themselves": colleague.id,
        "nobody": 987654,
    }[who]
    if who == "deactivated_meanwhile":
        staff_service.set_active(taker, False, actor="other.admin@clinic.example")
    response = client.post(role_url(colleague), data={**fields, "hand_over_to": str(chosen)})
    page = client.get(response.location).get_data(as_text=True)
    assert "is no longer an active clinician; nothing changed. Try again, and choose" in page
    assert role_of(colleague) == "clinician"
    db.session.refresh(invited)
    assert invited.clinician_id == colleague.id and _hand_over_rows() == []
    assert role_events() == []


def test_without_another_clinician_there_is_nothing_to_choose(app, client, admin, colleague):
    make_screening(status="invited", clinician=colleague)
    html = client.post(role_url(colleague), data={"role": "admin"}).get_data(as_text=True)
    assert "choose another clinician for it under Edit invitation" in html
    assert "choice-hand_over_to" not in html
