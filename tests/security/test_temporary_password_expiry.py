"""Temporary staff passwords expire (OWASP ASVS 2.3.1).

A password an admin issues (new account or reset) works for TEMPORARY_PASSWORD_DAYS (7) only:
after that, signing in with it is refused with words saying what to do, audited, and shown to
admins on the Users page, and a new one from an admin works again. Its owner's own password
never expires. Time is moved by setting when the password was issued back.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, StaffSession, StaffUser
from tests.security.test_staff_accounts import NEW_PASSWORD, _create_by_admin, _temporary_password
from tests.staff.helpers import change_password, make_user, sign_in
from tests.test_config_and_migrations import _screening

DAYS = 7


def _issued_ago(user: StaffUser, age: timedelta) -> None:
    user.password_changed_at = datetime.now(UTC) - age
    db.session.commit()


def _new_clinician(client) -> tuple[StaffUser, StaffUser, str]:
    admin, temporary = _create_by_admin(client)
    user = db.session.scalars(select(StaffUser).where(StaffUser.role == "clinician")).one()
    return admin, user, temporary


def test_a_temporary_password_works_until_it_is_seven_days_old(app, client):
    assert app.config["TEMPORARY_PASSWORD_DAYS"] == DAYS
    _admin, user, temporary = _new_clinician(client)
    _issued_ago(user, timedelta(days=DAYS) - timedelta(minutes=5))
    assert sign_in(client, user.email, temporary).status_code == 302
    assert client.get("/staff/").location.endswith("/staff/account/password")


def test_an_expired_temporary_password_is_refused_with_what_to_do(app, client):
    _admin, user, temporary = _new_clinician(client)
    _issued_ago(user, timedelta(days=DAYS, minutes=1))

    response = sign_in(client, user.email, temporary)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This temporary password has expired. Ask an administrator for a new one." in html
    assert "A temporary password works for 7 days." in html
    assert temporary not in html  # the password box is emptied
    assert client.get("/staff/").status_code == 302  # not signed in
    sessions = select(StaffSession).where(StaffSession.user_id == user.id)
    assert db.session.scalars(sessions).all() == []
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "temporary_password_expired")
    ).one()
    assert event.actor == user.email
    # A wrong password still gets the one answer for every failure, expired or not.
    wrong = sign_in(client, user.email, "not the password at all").get_data(as_text=True)
    assert "Email or password is not right." in wrong and "expired" not in wrong


def test_admins_see_the_expiry_and_a_new_password_works_again(app, client):
    admin, user, _temporary = _new_clinician(client)
    sign_in(client, admin)
    waiting = client.get("/staff/users").get_data(as_text=True)
    assert "Temporary password until" in waiting and "expired" not in waiting

    _issued_ago(user, timedelta(days=DAYS + 1))
    html = client.get("/staff/users").get_data(as_text=True)
    assert "Temporary password expired: give a new one" in html

    confirmed = {"confirm": "yes"}
    reset = client.post(
        f"/staff/users/{user.id}/reset-password", data=confirmed, follow_redirects=True
    )
    reset = reset.get_data(as_text=True)
    assert "It stops working after 7 days" in reset
    fresh = _temporary_password(reset)
    client.post("/staff/logout")
    assert sign_in(client, user.email, fresh).status_code == 302


def test_the_owners_own_password_never_expires(app, client):
    _admin, user, temporary = _new_clinician(client)
    sign_in(client, user.email, temporary)
    changed = change_password(client, temporary, NEW_PASSWORD)
    assert changed.status_code == 302
    client.post("/staff/logout")
    _issued_ago(user, timedelta(days=400))
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    # Accounts that never had a temporary password are not touched either.
    own = make_user("front_desk")
    assert own.password_changed_at is None
    client.post("/staff/logout")
    assert sign_in(client, own).status_code == 302


def test_the_setting_is_read_from_the_environment_and_checked(monkeypatch, tmp_path):
    from config import ConfigError, load_config

    monkeypatch.setenv("TEMPORARY_PASSWORD_DAYS", "2")
    assert load_config("testing", str(tmp_path)).TEMPORARY_PASSWORD_DAYS == 2
    for wrong in ("0", "91", "soon"):
        monkeypatch.setenv("TEMPORARY_PASSWORD_DAYS", wrong)
        with pytest.raises(ConfigError, match="TEMPORARY_PASSWORD_DAYS"):
            load_config("testing", str(tmp_path))


def test_the_upgrade_gives_pending_temporary_passwords_a_full_window(tmp_path: Path) -> None:
    """Accounts that got a temporary password before this release had no issue time: the
    migration starts their seven days at the upgrade, and leaves other accounts alone."""
    path = tmp_path / "accounts.db"
    url = f"sqlite:///{path}"
    before = _screening(["db", "upgrade", "c1a0e2f01601"], url)
    assert before.returncode == 0, before.stderr
    insert = (
        "INSERT INTO staff_user (email, password_hash, role, active, created_at,"
        " must_change_password, password_changed_at) VALUES (?, 'x', 'clinician', 1,"
        " '2026-01-01 10:00:00.000000', ?, ?)"
    )
    with sqlite3.connect(path) as conn:
        conn.execute(insert, ("pending@clinic.example", 1, None))
        conn.execute(insert, ("own@clinic.example", 0, None))
        conn.execute(insert, ("changed@clinic.example", 0, "2026-02-01 10:00:00.000000"))
    started = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    after = _screening(["db", "upgrade"], url)
    assert after.returncode == 0, after.stderr
    with sqlite3.connect(path) as conn:
        rows = dict(conn.execute("SELECT email, password_changed_at FROM staff_user"))
    pending = datetime.fromisoformat(rows["pending@clinic.example"][:19])
    assert started <= pending <= started + timedelta(minutes=2)
    assert rows["own@clinic.example"] is None
    assert rows["changed@clinic.example"].startswith("2026-02-01 10:00:00")
