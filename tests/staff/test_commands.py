"""`screening create-user`, `deactivate-user` and `staff-hint`."""

from __future__ import annotations

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
