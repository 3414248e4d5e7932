"""Sign-in, sessions on the server, timeouts, sign-out and safe redirects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, StaffSession
from screening.services import staff as staff_service
from screening.staff.auth import SIGN_IN_FAILED, safe_next
from tests.staff.helpers import PASSWORD, make_user, sign_in


def _sessions() -> list[StaffSession]:
    return list(db.session.scalars(select(StaffSession)))


def test_sign_in_opens_a_server_side_session_and_reaches_the_queue(client, app):
    user = make_user("clinician")
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    rows = _sessions()
    assert len(rows) == 1 and rows[0].user_id == user.id and rows[0].revoked_at is None
    # Only the hash is stored: the cookie's token is not in the table.
    with client.session_transaction() as flask_session:
        token = flask_session["_user_id"]
    assert rows[0].token_hash != token and len(rows[0].token_hash) == 64


def test_login_page_renders(client, app):
    response = client.get("/staff/login")
    assert response.status_code == 200
    assert b"Staff sign in" in response.data
    assert b'autocomplete="current-password"' in response.data


def test_a_message_flashed_twice_is_shown_once(client, app):
    """Two staff pages opened while signed out each ask to sign in; the next page says so once."""
    for path in ("/staff/", "/staff/audit"):
        assert client.get(path).status_code == 302
    html = client.get("/staff/login").get_data(as_text=True)
    assert html.count("Please sign in to continue.") == 1


@pytest.mark.parametrize("case", ["unknown", "wrong_password", "inactive"])
def test_every_failure_gets_the_same_generic_message(client, app, case):
    user = make_user("clinician", active=case != "inactive")
    email = "nobody@clinic.example" if case == "unknown" else user.email
    password = "not the right one" if case == "wrong_password" else PASSWORD
    response = sign_in(client, email, password)
    assert response.status_code == 200
    assert SIGN_IN_FAILED.encode() in response.data
    assert b"inactive" not in response.data.lower()
    assert b"no account" not in response.data.lower()
    assert client.get("/staff/").status_code == 302
    assert _sessions() == []


def test_unknown_email_still_checks_a_password_hash(app, monkeypatch):
    calls = []
    real = staff_service.check_password_hash

    def spy(hashed: str, password: str) -> bool:
        calls.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(staff_service, "check_password_hash", spy)
    assert staff_service.authenticate("ghost@clinic.example", "whatever password") is None
    assert len(calls) == 1 and calls[0].startswith("scrypt:")


def test_email_is_matched_case_insensitively(client, app):
    user = make_user("clinician", email="dr.lee@clinic.example")
    assert sign_in(client, "  Dr.Lee@Clinic.Example ").status_code == 302
    assert client.get("/staff/").status_code == 200
    assert user.email == "dr.lee@clinic.example"


def test_sign_in_starts_a_fresh_session(client, app):
    user = make_user("clinician")
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by an attacker"
    sign_in(client, user)
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session


def test_a_signed_out_cookie_no_longer_works(client, app):
    user = make_user("clinician")
    sign_in(client, user)
    copied = client.get_cookie("session").value
    assert client.post("/staff/logout").status_code == 302
    assert _sessions()[0].revoked_at is not None
    # Replay the copied cookie in a new client.
    attacker = app.test_client()
    attacker.set_cookie("session", copied)
    response = attacker.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_sign_out_needs_post(client, app):
    sign_in(client, make_user("clinician"))
    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_idle_timeout_ends_the_session(client, app):
    sign_in(client, make_user("clinician"))
    row = _sessions()[0]
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=31)
    db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    db.session.expire_all()
    assert _sessions()[0].revoked_at is not None


def test_activity_within_the_idle_limit_keeps_the_session(client, app):
    sign_in(client, make_user("clinician"))
    row = _sessions()[0]
    row.last_seen_at = datetime.now(UTC) - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/staff/").status_code == 200
    db.session.expire_all()
    # Refreshed, since more than a minute had passed.
    assert datetime.now(UTC) - _sessions()[0].last_seen_at < timedelta(minutes=1)


def test_last_seen_is_written_at_most_once_a_minute(client, app):
    sign_in(client, make_user("clinician"))
    row = _sessions()[0]
    stamp = datetime.now(UTC) - timedelta(seconds=20)
    row.last_seen_at = stamp
    db.session.commit()
    assert client.get("/staff/").status_code == 200
    db.session.expire_all()
    assert _sessions()[0].last_seen_at == stamp


def test_absolute_timeout_ends_the_session_even_when_active(client, app):
    sign_in(client, make_user("clinician"))
    row = _sessions()[0]
    row.created_at = datetime.now(UTC) - timedelta(hours=12, minutes=1)
    row.last_seen_at = datetime.now(UTC)
    db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_deactivating_an_account_ends_its_sessions(client, app):
    user = make_user("clinician")
    sign_in(client, user)
    staff_service.set_active(user, False, actor="admin@clinic.example")
    assert client.get("/staff/").status_code == 302
    assert sign_in(client, user).status_code == 200  # and cannot sign in again


def test_signed_in_user_visiting_login_goes_to_the_queue(client, app):
    sign_in(client, make_user("clinician"))
    response = client.get("/staff/login")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_anonymous_request_is_sent_to_login_with_next(client, app):
    response = client.get("/staff/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/staff/",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/staff/",
        "javascript:alert(1)",
        "/staff/../patient",
        "/\t/evil.example",
        "evil.example",
        "/s/some-token",
        "/",
        " https://evil.example",
    ],
)
def test_next_never_leaves_the_staff_portal(client, app, target):
    user = make_user("clinician")
    assert safe_next(target) is None
    response = sign_in(client, user, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_next_within_the_portal_is_followed(client, app):
    user = make_user("admin")
    page = client.get("/staff/login?next=/staff/users")
    assert b'value="/staff/users"' in page.data
    response = sign_in(client, user, next_url="/staff/users")
    assert response.headers["Location"] == "/staff/users"
    assert safe_next("/staff/?status=submitted&page=2") == "/staff/?status=submitted&page=2"


def test_login_page_does_not_echo_an_unsafe_next(client, app):
    page = client.get("/staff/login?next=https://evil.example/")
    assert b"evil.example" not in page.data


def test_sign_in_and_failures_are_audited(client, app):
    user = make_user("clinician")
    sign_in(client, user, "wrong password here")
    sign_in(client, "ghost@clinic.example", "hunter2hunter2")
    sign_in(client, user)
    client.post("/staff/logout")
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.actor) for e in events] == [
        ("sign_in_failed", user.email),
        ("sign_in_failed", None),  # an unknown email is not stored (it may be a password)
        ("sign_in", user.email),
        ("sign_out", user.email),
    ]
    assert all(e.ip == "127.0.0.1" for e in events)


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_per_account_limit(self, client, app):
        user = make_user("clinician")
        for _ in range(5):
            assert sign_in(client, user, "wrong password!!").status_code == 200
        response = sign_in(client, user)  # even the right password waits now
        assert response.status_code == 429
        assert b"Too many tries" in response.data
        assert b"Traceback" not in response.data
        # Another account from the same address is still allowed (the address limit is 10).
        other = make_user("clinician")
        assert sign_in(client, other).status_code == 302

    def test_per_address_limit(self, client, app):
        for n in range(10):
            assert (
                sign_in(client, f"person{n}@clinic.example", "wrong password!!").status_code == 200
            )
        assert sign_in(client, "person99@clinic.example", "wrong password!!").status_code == 429

    def test_the_form_page_itself_is_not_limited(self, client, app):
        for _ in range(15):
            assert client.get("/staff/login").status_code == 200


def _next_of(location: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(location).query)["next"][0]


@pytest.mark.parametrize(
    ("action", "landing"),
    [
        ("acknowledge", "{page}#red-flags"),
        ("review", "{page}"),
        ("revoke", "{page}"),
        ("reissue", "{page}"),
        ("invitation/email", "{page}"),
    ],
)
def test_a_form_sent_after_the_session_ran_out_leads_back_to_its_screening(
    client, app, action, landing
):
    """A red-flag note typed while the session timed out: after signing in again the clinician
    lands on the screening's page (not a "405 Not allowed" from the form's POST-only address),
    told that what they sent was not saved."""
    from tests.staff.helpers import make_screening

    screening = make_screening(status="submitted", triage="emergency")
    page = f"/staff/screenings/{screening.public_id}"
    asked = client.post(
        f"{page}/{action}", data={"outcome": "other", "action_note": "Spoke to her."}
    )
    assert asked.status_code == 302
    target = _next_of(asked.headers["Location"])
    assert target == f"{page}/{action}"
    response = sign_in(client, make_user("clinician"), next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == landing.format(page=page)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "What you sent while you were signed out was not saved" in html


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/staff/logout", "/staff/"),
        ("/staff/users/1/deactivate", "/staff/"),
        ("/staff/no-such-page", "/staff/"),
        ("/staff/audit?action=sign_in", "/staff/audit?action=sign_in"),
        ("/staff/screenings/abc", "/staff/screenings/abc"),
    ],
)
def test_next_leads_only_to_a_page_that_can_be_opened(client, app, target, landing):
    response = sign_in(client, make_user("admin"), next_url=target)
    assert response.headers["Location"] == landing


class TestSignedOutInAnotherTab:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_form_sent_after_signing_out_elsewhere_says_to_sign_in_again(self, client, app):
        """The session ended in another tab (its token went with it): the form's post is not a
        stale page ("The form expired") but a signed-out browser, and it is told so."""
        from flask import g

        from tests.staff.helpers import csrf_token_from, make_screening

        screening = make_screening(status="submitted", triage="emergency")
        page = f"/staff/screenings/{screening.public_id}"
        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        user = make_user("clinician")
        client.post(
            "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        # The test's app context outlives requests: the token Flask-WTF keeps on `g` would be
        # the signed-out one, so the page makes its own, as for a browser.
        g.pop("csrf_token", None)
        form_token = csrf_token_from(client.get(page).get_data(as_text=True))
        client.post("/staff/logout", data={"csrf_token": form_token})  # the other tab
        sent = client.post(
            f"{page}/acknowledge",
            data={"csrf_token": form_token, "outcome": "other", "action_note": "Called."},
        )
        assert sent.status_code == 302
        assert _next_of(sent.headers["Location"]) == f"{page}/acknowledge"
        login = client.get(sent.headers["Location"]).get_data(as_text=True)
        assert "You were signed out, so the form was not sent." in login
        assert "The form expired" not in login
        # Signing out again in this tab: already done, and said so.
        again = client.post("/staff/logout", data={"csrf_token": form_token})
        assert again.status_code == 302 and again.headers["Location"] == "/staff/login"
