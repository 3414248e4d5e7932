"""Actions one mis-tap should not take are asked first, without JavaScript.

Deactivate and New temporary password (Users page, admins) and Revoke link (a screening's
page, front desk and admins) post as before; without `confirm=yes` the view changes nothing,
writes no audit row and answers with a page naming who it is for, whose "Yes" button posts the
same action with `confirm=yes` and the CSRF token, and whose Cancel link leads back. Refusals
come first (nobody confirms what will be refused), and so do the role checks.

New recovery codes already ask for the account's password on the page that offers them, so a
mis-tap cannot make them: pinned here too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pyotp
import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from screening.extensions import db
from screening.models import AuditEvent, RecoveryCode, Screening, StaffUser
from screening.services import two_factor
from tests.staff.helpers import (
    CONFIRMED,
    PASSWORD,
    csrf_token_from,
    make_screening,
    make_user,
    sign_in,
)

APPOINTMENT = datetime.now(UTC) + timedelta(days=3)
BORN = date(1961, 3, 4)


class Page(HTMLParser):
    """The parts of a page a person acts on: its post forms (action, fields, buttons), its
    links, and its first heading."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: dict[str, str] = {}  # text -> href
        self.h1 = ""
        self._in: str | None = None
        self._href = ""
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method") == "post":
            self.forms.append({"action": attributes["action"], "fields": {}, "buttons": []})
        elif tag == "input" and self.forms and attributes.get("type") == "hidden":
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")
        elif tag in ("a", "button", "h1"):
            self._in, self._href, self._text = tag, attributes.get("href", ""), ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        text = " ".join(self._text.split())
        if tag == "a":
            self.links[text] = self._href
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append(text)
        elif tag == "h1" and not self.h1:
            self.h1 = text
        self._in = None

    def yes_form(self) -> dict:
        """The confirmation's own form (the menu's Sign out is a post form too)."""
        (form,) = [form for form in self.forms if form["fields"].get("confirm") == "yes"]
        return form


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def signed_in_elsewhere(app, user: StaffUser) -> FlaskClient:
    """The colleague, signed in on their own device."""
    device = app.test_client()
    sign_in(device, user)
    assert device.get("/staff/").status_code == 200
    return device


def invited(**fields) -> Screening:
    fields.setdefault("status", "invited")
    return make_screening(
        first_name="Rosa",
        last_name="Diaz",
        appointment_at=APPOINTMENT,
        invited_date_of_birth=BORN,
        link_seed="synthetic-seed",
        **fields,
    )


# -- Deactivate -----------------------------------------------------------------------------


def test_deactivate_asks_first_naming_the_colleague_and_changes_nothing(
    app, client, admin, colleague
):
    device = signed_in_elsewhere(app, colleague)
    before = audit_rows()
    response = client.post(f"/staff/users/{colleague.id}/deactivate")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.h1 == "Deactivate Dr Ana Ng (ana.ng@clinic.example)?"
    assert "They will be signed out at once and cannot sign in until an admin reactivates" in html
    assert "Clinician" in html
    form = page.yes_form()
    assert form["action"] == f"/staff/users/{colleague.id}/deactivate"
    assert form["buttons"] == ["Yes, deactivate"]
    assert "csrf_token" in form["fields"]
    assert page.links["Cancel"] == "/staff/users"

    db.session.refresh(colleague)
    assert colleague.active is True
    assert audit_rows() == before
    assert device.get("/staff/").status_code == 200  # still signed in


def test_deactivate_confirmed_acts_and_is_audited(app, client, admin, colleague):
    device = signed_in_elsewhere(app, colleague)
    response = client.post(f"/staff/users/{colleague.id}/deactivate", data=CONFIRMED)
    assert response.status_code == 302 and response.location == "/staff/users"
    db.session.refresh(colleague)
    assert colleague.active is False
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "deactivate_user")
    ).one()
    assert event.actor == admin.email and event.detail == colleague.email
    assert device.get("/staff/").status_code == 302  # signed out
    html = client.get("/staff/users").get_data(as_text=True)
    assert "ana.ng@clinic.example can no longer sign in." in html


def test_a_colleague_without_a_name_is_named_by_email(app, client, admin):
    nameless = make_user("front_desk", email="desk.7@clinic.example")
    html = client.post(f"/staff/users/{nameless.id}/deactivate").get_data(as_text=True)
    assert Page(html).h1 == "Deactivate desk.7@clinic.example?"


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_deactivating_yourself_is_still_refused_without_asking(app, client, admin, confirm):
    response = client.post(f"/staff/users/{admin.id}/deactivate", data=confirm)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "You cannot deactivate your own account." in html
    assert "Yes, deactivate" not in html
    db.session.refresh(admin)
    assert admin.active is True
    assert "deactivate_user" not in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_an_account_already_deactivated_is_not_asked_about_again(app, client, admin, confirm):
    """Another admin deactivated it first (the page was open on two desks)."""
    gone = make_user("clinician", email="gone@clinic.example", active=False)
    before = audit_rows()
    response = client.post(f"/staff/users/{gone.id}/deactivate", data=confirm)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "gone@clinic.example is already deactivated; nothing changed." in html
    assert audit_rows() == before


# -- New temporary password -----------------------------------------------------------------


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_a_deactivated_account_gets_no_temporary_password(app, client, admin, confirm):
    """From a Users page opened before the account was deactivated: no password is made."""
    gone = make_user("clinician", email="gone@clinic.example", active=False)
    old_hash = gone.password_hash
    before = audit_rows()
    response = client.post(f"/staff/users/{gone.id}/reset-password", data=confirm)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "gone@clinic.example is deactivated: reactivate the account before" in html
    db.session.refresh(gone)
    assert gone.password_hash == old_hash and audit_rows() == before


def test_a_new_temporary_password_asks_first_and_changes_nothing(app, client, admin, colleague):
    device = signed_in_elsewhere(app, colleague)
    old_hash = colleague.password_hash
    before = audit_rows()
    response = client.post(f"/staff/users/{colleague.id}/reset-password")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.h1 == "Give Dr Ana Ng (ana.ng@clinic.example) a new temporary password?"
    assert "Their current password stops working at once" in html
    assert 'class="temporary-password"' not in html  # no password made, none shown
    form = page.yes_form()
    assert form["action"] == f"/staff/users/{colleague.id}/reset-password"
    assert form["buttons"] == ["Yes, give a new temporary password"]
    assert page.links["Cancel"] == "/staff/users"

    db.session.refresh(colleague)
    assert colleague.password_hash == old_hash and not colleague.must_change_password
    assert audit_rows() == before
    assert device.get("/staff/").status_code == 200


def test_a_new_temporary_password_confirmed_is_made_and_shown_once(app, client, admin, colleague):
    response = client.post(
        f"/staff/users/{colleague.id}/reset-password", data=CONFIRMED, follow_redirects=True
    )
    assert response.status_code == 200
    assert 'class="temporary-password"' in response.get_data(as_text=True)
    db.session.refresh(colleague)
    assert colleague.must_change_password
    assert db.session.scalars(select(AuditEvent.action)).all().count("reset_password") == 1


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_your_own_password_is_still_changed_on_your_account_page(app, client, admin, confirm):
    old_hash = admin.password_hash
    response = client.post(f"/staff/users/{admin.id}/reset-password", data=confirm)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Change your own password from your account page." in html
    db.session.refresh(admin)
    assert admin.password_hash == old_hash


# -- Revoke link ----------------------------------------------------------------------------


def test_revoke_asks_first_naming_the_patient_and_changes_nothing(app, client, desk):
    screening = invited()
    before = audit_rows()
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.h1 == "Revoke the private link for Rosa Diaz?"
    assert "04 Mar 1961" in html  # the date of birth, to tell two Rosa Diazes apart
    assert "the patient can no longer open or finish the form" in html
    assert "To let them in again, reissue a new link and code." in html
    form = page.yes_form()
    assert form["action"] == f"/staff/screenings/{screening.public_id}/revoke"
    assert form["buttons"] == ["Yes, revoke the link"]
    assert page.links["Cancel"] == f"/staff/screenings/{screening.public_id}"
    # The tab's title names nobody (it stays in the browser's history).
    title = html[html.index("<title>") : html.index("</title>")]
    assert "Rosa" not in title

    db.session.refresh(screening)
    assert screening.revoked_at is None and screening.link_seed == "synthetic-seed"
    assert audit_rows() == before
    assert app.test_client().get(f"/s/{screening.test_token}").status_code != 410


def test_revoke_confirmed_stops_the_link(app, client, desk):
    screening = invited()
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke", data=CONFIRMED)
    assert response.status_code == 302
    assert response.location == f"/staff/screenings/{screening.public_id}"
    db.session.refresh(screening)
    assert screening.revoked_at is not None and screening.link_seed is None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "revoke_invitation")
    ).one()
    assert event.actor == desk.email and event.screening_public_id == screening.public_id
    assert app.test_client().get(f"/s/{screening.test_token}").status_code == 410


def test_an_admin_is_asked_too(app, client, admin):
    screening = invited()
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke")
    assert response.status_code == 200
    assert Page(response.get_data(as_text=True)).h1 == "Revoke the private link for Rosa Diaz?"


def test_a_self_started_screening_without_a_name_says_so(app, client, desk):
    screening = make_screening(status="in_progress", first_name="", last_name="")
    html = client.post(f"/staff/screenings/{screening.public_id}/revoke").get_data(as_text=True)
    assert "The patient has not given a name." in Page(html).h1
    assert "None (self-started)" in html
    assert "reissue a new link" not in html  # no date of birth: it could not be reissued
    assert "It cannot be reissued" in html and "No more reminders" not in html


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
@pytest.mark.parametrize("status", ["submitted", "reviewed"])
def test_a_sent_screenings_link_is_still_refused_without_asking(app, client, desk, status, confirm):
    screening = invited(status=status)
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke", data=confirm)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "already submitted, so its link was not revoked" in html
    assert "Yes, revoke the link" not in html
    db.session.refresh(screening)
    assert screening.revoked_at is None
    assert "revoke_invitation" not in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize("confirm", [{}, CONFIRMED])
def test_a_link_already_revoked_is_not_asked_about_again(app, client, desk, confirm):
    """Revoked from another desk while this page was open."""
    screening = invited(revoked_at=datetime.now(UTC) - timedelta(minutes=5))
    response = client.post(f"/staff/screenings/{screening.public_id}/revoke", data=confirm)
    assert response.status_code == 302
    assert "This link is already revoked; nothing changed." in client.get(
        response.location
    ).get_data(as_text=True)
    assert "revoke_invitation" not in db.session.scalars(select(AuditEvent.action)).all()


# -- Cancel, and who may be asked -----------------------------------------------------------


def test_cancel_goes_back_and_nothing_happened(app, client, admin, colleague):
    asked = Page(client.post(f"/staff/users/{colleague.id}/deactivate").get_data(as_text=True))
    back = client.get(asked.links["Cancel"])
    assert back.status_code == 200
    assert Page(back.get_data(as_text=True)).h1 == "Staff accounts"
    db.session.refresh(colleague)
    assert colleague.active is True

    screening = invited()
    asked = Page(
        client.post(f"/staff/screenings/{screening.public_id}/revoke").get_data(as_text=True)
    )
    back = client.get(asked.links["Cancel"])
    assert back.status_code == 200
    assert Page(back.get_data(as_text=True)).h1 == "Rosa Diaz"
    assert "Revoke link" in back.get_data(as_text=True)  # still offered: nothing was done


@pytest.mark.parametrize("role", ["front_desk", "clinician"])
@pytest.mark.parametrize("action", ["deactivate", "reset-password"])
def test_only_admins_are_asked_about_accounts(app, client, colleague, role, action):
    sign_in(client, make_user(role))
    for confirm in ({}, CONFIRMED):
        response = client.post(f"/staff/users/{colleague.id}/{action}", data=confirm)
        assert response.status_code == 403
        assert "ana.ng@clinic.example" not in response.get_data(as_text=True)
    db.session.refresh(colleague)
    assert colleague.active is True and not colleague.must_change_password


def test_clinicians_are_not_asked_about_revoking(app, client):
    sign_in(client, make_user("clinician"))
    screening = invited()
    for confirm in ({}, CONFIRMED):
        response = client.post(f"/staff/screenings/{screening.public_id}/revoke", data=confirm)
        assert response.status_code == 403
        assert "Rosa" not in response.get_data(as_text=True)
    db.session.refresh(screening)
    assert screening.revoked_at is None


# -- CSRF: the first post and the confirmed one both need the token -------------------------


def signed_in_with_csrf(client: FlaskClient, user: StaffUser) -> None:
    """Sign in through the page with its CSRF token, as a browser does."""
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert client.get("/staff/").status_code == 200
    # The test's app context outlives requests: the token Flask-WTF keeps on `g` would be
    # the signed-out one, so each page makes its own, as for a browser.
    g.pop("csrf_token", None)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_yes_button_posts_the_token_and_acts(self, app, client):
        signed_in_with_csrf(client, make_user("admin"))
        colleague = make_user("clinician", name="Dr Ana Ng")
        url = f"/staff/users/{colleague.id}/deactivate"
        token = csrf_token_from(client.get("/staff/users").get_data(as_text=True))

        asked = client.post(url, data={"csrf_token": token})
        assert asked.status_code == 200
        form = Page(asked.get_data(as_text=True)).yes_form()
        assert form["fields"]["csrf_token"] and form["fields"]["confirm"] == "yes"
        db.session.refresh(colleague)
        assert colleague.active is True

        done = client.post(form["action"], data=form["fields"])
        assert done.status_code == 302
        db.session.refresh(colleague)
        assert colleague.active is False

    @pytest.mark.parametrize("action", ["deactivate", "reset-password"])
    def test_a_confirmed_post_without_the_token_is_refused(self, app, client, action):
        signed_in_with_csrf(client, make_user("admin"))
        colleague = make_user("clinician")
        before = audit_rows()
        response = client.post(f"/staff/users/{colleague.id}/{action}", data=CONFIRMED)
        assert response.status_code == 400
        assert b"The form expired" in response.data
        db.session.refresh(colleague)
        assert colleague.active is True and not colleague.must_change_password
        assert audit_rows() == before

    def test_a_confirmed_revoke_without_the_token_is_refused(self, app, client):
        signed_in_with_csrf(client, make_user("front_desk"))
        screening = invited()
        response = client.post(f"/staff/screenings/{screening.public_id}/revoke", data=CONFIRMED)
        assert response.status_code == 400
        db.session.refresh(screening)
        assert screening.revoked_at is None

        token = csrf_token_from(
            client.get(f"/staff/screenings/{screening.public_id}").get_data(as_text=True)
        )
        asked = client.post(
            f"/staff/screenings/{screening.public_id}/revoke", data={"csrf_token": token}
        )
        form = Page(asked.get_data(as_text=True)).yes_form()
        assert client.post(form["action"], data=form["fields"]).status_code == 302
        db.session.refresh(screening)
        assert screening.revoked_at is not None


# -- New recovery codes: the password typed on the page is the confirmation -----------------


def test_new_recovery_codes_need_the_password_typed(app, client):
    user = make_user("clinician")
    sign_in(client, user)
    secret = two_factor.new_secret()
    assert two_factor.enable(user, secret, pyotp.TOTP(secret).now())
    old = set(db.session.scalars(select(RecoveryCode.code_hash)).all())
    url = "/staff/account/two-factor/recovery-codes"

    for typed in ({}, {"password": "not the password"}):
        response = client.post(url, data=typed)
        assert response.status_code == 302 and response.location == "/staff/account/two-factor"
        assert set(db.session.scalars(select(RecoveryCode.code_hash)).all()) == old
    assert "new_recovery_codes" not in db.session.scalars(select(AuditEvent.action)).all()

    made = client.post(url, data={"password": PASSWORD})
    assert "Your new recovery codes" in made.get_data(as_text=True)
    assert set(db.session.scalars(select(RecoveryCode.code_hash)).all()).isdisjoint(old)
