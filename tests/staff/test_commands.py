"""`screening create-user`, `deactivate-user`, `reactivate-user` and `staff-hint`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, StaffUser
from tests.staff.helpers import make_user, sign_in

STRONG = "plum river 77 lantern\n"


def test_create_user_reads_the_password_from_stdin(app, runner, client):
    result = runner.invoke(
        args=["create-user", "Dr.Lee@Clinic.Example", "--role", "clinician", "--name", "Dr Lee"],
        input="a long enough secret\na long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created clinician account dr.lee@clinic.example" in result.output
    assert "a long enough secret" not in result.output
    user = db.session.scalars(select(StaffUser)).one()
    assert (user.email, user.role, user.display_name, user.active) == (
        "dr.lee@clinic.example",
        "clinician",
        "Dr Lee",
        True,
    )
    assert user.password_hash.startswith("scrypt:")
    assert "a long enough secret" not in user.password_hash
    # The account works.
    assert sign_in(client, user, "a long enough secret").status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create_user")).one()
    assert event.actor == "cli" and "dr.lee@clinic.example" in event.detail


def test_create_user_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["create-user", "a@clinic.example", "--role", "admin"], input="short pass\n" * 2
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalars(select(StaffUser)).all() == []


def test_create_user_refuses_duplicates_bad_roles_and_bad_emails(app, runner):
    make_user("admin", email="a@clinic.example")
    duplicate = runner.invoke(
        args=["create-user", "A@clinic.example", "--role", "admin"], input=STRONG * 2
    )
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    role = runner.invoke(
        args=["create-user", "b@clinic.example", "--role", "boss"], input=STRONG * 2
    )
    assert role.exit_code == 2 and "admin" in role.output
    email = runner.invoke(args=["create-user", "not-an-email", "--role", "admin"], input=STRONG * 2)
    assert email.exit_code == 1 and "does not look like an email" in email.output


def test_deactivate_user(app, runner, client):
    user = make_user("clinician")
    sign_in(client, user)
    result = runner.invoke(args=["deactivate-user", user.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.active is False
    assert client.get("/staff/").status_code == 302  # the open session ended too
    missing = runner.invoke(args=["deactivate-user", "ghost@clinic.example"])
    assert missing.exit_code == 1 and "No account" in missing.output


def test_staff_hint_without_accounts_gives_the_exact_command(app, runner):
    result = runner.invoke(args=["staff-hint"])
    assert result.exit_code == 0
    assert ".venv/bin/screening create-user you@example.org --role admin" in result.output
    assert "http://127.0.0.1:5000/staff/login" in result.output  # the default


def test_staff_hint_with_accounts_only_gives_the_url(app, runner):
    make_user("admin")
    result = runner.invoke(args=["staff-hint"])
    assert "create-user" not in result.output
    assert "http://127.0.0.1:5000/staff/login" in result.output  # the default


def test_create_user_refuses_what_the_web_form_refuses(app, runner):
    """A name longer than its column (a traceback on PostgreSQL, silently stored on SQLite),
    control characters in the name or email, and a password holding bytes that were not
    UTF-8 (they reach Python as lone surrogates and crashed the hashing): each a message."""
    cases = [
        (["a@clinic.example", "--name", "x" * 121], "120 characters or fewer"),
        (["a@clinic.example", "--name", "Dr\x1b[31m Evil"], "control characters"),
        (["i\x01@clinic.example"], "control characters"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["create-user", *args, "--role", "clinician"], input=STRONG * 2)
        assert result.exit_code == 1, args
        assert message in result.output and "Traceback" not in result.output
    from screening.services import staff as staff_service

    try:
        staff_service.create_user(
            "b@clinic.example", role="clinician", password="violet harbour \udcff tram 4419"
        )
    except staff_service.AccountError as error:
        assert "bytes that are not text" in str(error)
    else:
        raise AssertionError("a password that is not text was accepted")
    assert db.session.scalars(select(StaffUser)).all() == []


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_deactivate_user_keeps_the_last_active_admin(app, runner):
    """Deactivating the last admin left nobody who could manage accounts."""
    admin = make_user("admin")
    make_user("admin", active=False)  # a deactivated admin does not count
    result = runner.invoke(args=["deactivate-user", admin.email])
    assert result.exit_code == 1
    assert f"{admin.email} is the last active admin" in result.output
    assert "create-user EMAIL --role admin" in result.output
    db.session.refresh(admin)
    assert admin.active is True and _audit_actions() == []
    other = make_user("admin")
    assert runner.invoke(args=["deactivate-user", admin.email]).exit_code == 0
    db.session.refresh(admin)
    assert admin.active is False and other.active is True


def test_deactivating_a_deactivated_account_changes_and_audits_nothing(app, runner):
    user = make_user("clinician", active=False)
    result = runner.invoke(args=["deactivate-user", user.email])
    assert result.exit_code == 0
    assert result.output == f"{user.email} is already deactivated; nothing changed.\n"
    assert _audit_actions() == []


def test_reactivate_user_lets_the_account_sign_in_again_and_is_audited(app, runner, client):
    user = make_user("clinician", active=False)
    result = runner.invoke(args=["reactivate-user", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Reactivated {user.email}" in result.output
    db.session.refresh(user)
    assert user.active is True
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor, event.detail) == ("reactivate_user", "cli", user.email)
    assert sign_in(client, user).status_code == 302
    again = runner.invoke(args=["reactivate-user", user.email])
    assert again.exit_code == 0 and "already active; nothing changed" in again.output
    assert _audit_actions() == ["reactivate_user", "sign_in"]
    missing = runner.invoke(args=["reactivate-user", "ghost@clinic.example"])
    assert missing.exit_code == 1 and "No account for ghost@clinic.example" in missing.output


def test_create_user_for_a_deactivated_account_says_how_to_reactivate_it(app, runner):
    user = make_user("clinician", active=False)
    result = runner.invoke(args=["create-user", user.email, "--role", "clinician"])
    assert result.exit_code == 1
    assert "deactivated" in result.output
    assert f"screening reactivate-user {user.email}" in result.output
    assert "Password" not in result.output  # refused before asking for one


@pytest.mark.parametrize("name", ["Dr Lee\nEvil: header", "Dr\tLee", "Dr Lee\u2028"])
def test_create_user_refuses_a_name_over_several_lines(app, runner, name):
    result = runner.invoke(
        args=["create-user", "a@clinic.example", "--role", "clinician", "--name", name],
        input=STRONG * 2,
    )
    assert result.exit_code == 1
    assert "The name must be one line" in result.output
    assert db.session.scalars(select(StaffUser)).all() == []


def test_a_password_that_is_not_utf8_is_named_as_such_before_its_length(monkeypatch):
    """Standard input read leniently (Python's UTF-8 mode, a C locale) turns bytes that are
    not UTF-8 into lone surrogates: the message was "at least 12 characters"."""
    import io

    import click

    from screening.commands import users

    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\n\xff\xfe\n"), errors="surrogateescape")
    monkeypatch.setattr(users.sys, "stdin", stdin)
    with pytest.raises(click.ClickException, match=r"not text \(UTF-8\)"):
        users._read_password()


@pytest.mark.parametrize("port", ["0", "-1", "65536", "99999"])
def test_staff_hint_refuses_a_port_that_cannot_be(app, runner, port):
    result = runner.invoke(args=["staff-hint", "--port", port])
    assert result.exit_code == 2
    assert "'--port'" in result.output
