"""`screening create-user`, `deactivate-user` and `reactivate-user`: staff accounts from the
terminal, audited as the Users page's changes are (actor "cli").

The password is never a command-line argument (it would sit in shell history and in `ps`): it
is asked for twice at a hidden prompt, or read twice (two lines) from standard input when that
is not a terminal (`printf '%s\n%s\n' "$PASSWORD" "$PASSWORD" | screening create-user ...`), for
scripts. The password is its owner's, typed here by them: such an account is not asked to change
it at first sign-in (an account an admin makes in the web UI is).
"""

from __future__ import annotations

import getpass
import sys
import unicodedata

import click

from screening.models import StaffUser
from screening.questionnaire.text_input import has_broken_characters
from screening.services import staff as staff_service

NOT_TEXT = "The password is not text (UTF-8). Nothing was created."


def _one_line(text: str) -> bool:
    """No line break, tab or other control character (a name goes into email headers)."""
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _read_password() -> str:
    """The password, typed twice: at hidden prompts, or as two lines of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        second = getpass.getpass("Repeat the password: ")
    else:
        try:
            first = sys.stdin.readline().rstrip("\r\n")
            second = sys.stdin.readline().rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise click.ClickException(NOT_TEXT) from error
    # Standard input read leniently (Python's UTF-8 mode, a C locale) holds bytes that are not
    # UTF-8 as lone surrogates: said as such, before the length or the match is checked.
    if has_broken_characters(first) or has_broken_characters(second):
        raise click.ClickException(NOT_TEXT)
    if first != second:
        raise click.ClickException(
            "The two passwords are not the same (give it twice, one per line). Nothing was created."
        )
    return first


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(staff_service.ROLES),
    help="admin manages accounts and reads the audit trail; clinician reads summaries; "
    "front_desk sends invitations.",
)
@click.option(
    "--name", "display_name", default=None, help='Name shown to colleagues, e.g. "Dr Lee".'
)
def create_user_command(email: str, role: str, display_name: str | None) -> None:
    """Create a staff account; the password is asked for (or read from standard input)."""
    # What can be refused without the password is refused before asking for it.
    if display_name is not None and not _one_line(display_name):
        raise click.ClickException(
            "The name must be one line, with no line breaks, tabs or control characters. "
            "Nothing was created."
        )
    if not _one_line(email):
        raise click.ClickException(
            "The email address must not hold line breaks, tabs or control characters. "
            "Nothing was created."
        )
    existing = staff_service.user_by_email(email)
    if existing is not None and not existing.active:
        raise click.ClickException(
            f"An account for {existing.email} already exists, deactivated: reactivate it with "
            f"`screening reactivate-user {existing.email}` (or on the Users page). "
            "Nothing was created."
        )
    if existing is not None:
        raise click.ClickException(f"An account for {existing.email} already exists.")
    password = _read_password()
    problem = staff_service.password_problem(password, email=email, name=display_name)
    if problem:
        raise click.ClickException(problem + " Nothing was created.")
    try:
        user = staff_service.create_user(
            email, role=role, password=password, display_name=display_name, actor="cli"
        )
    except staff_service.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} account {user.email}. Sign in at /staff/login.")


def _account(email: str) -> StaffUser:
    user = staff_service.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {staff_service.normalise_email(email)}.")
    return user


@click.command("deactivate-user")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Stop an account signing in, and end its open sessions at once (audited).

    The last active admin is kept: without one, nobody could manage accounts.
    """
    user = _account(email)
    if not user.active:
        # Nothing to change: no audit row claiming a change that did not happen.
        click.echo(f"{user.email} is already deactivated; nothing changed.")
        return
    try:
        staff_service.set_active(user, False, actor="cli")
    except staff_service.AccountError as error:  # the last active admin
        raise click.ClickException(
            f"{error} (An admin is made with: screening create-user EMAIL --role admin.)"
        ) from None
    click.echo(f"Deactivated {user.email}; its sessions have ended.")


@click.command("reactivate-user")
@click.argument("email")
def reactivate_user_command(email: str) -> None:
    """Let a deactivated account sign in again, as the Users page does (audited)."""
    user = _account(email)
    if user.active:
        click.echo(f"{user.email} is already active; nothing changed.")
        return
    staff_service.set_active(user, True, actor="cli")
    click.echo(f"Reactivated {user.email}; it can sign in again.")


@click.command("disable-two-factor")
@click.argument("email")
def disable_two_factor_command(email: str) -> None:
    """Turn off someone's two-step sign-in (lost phone and recovery codes); audited.

    If their role requires it (STAFF_MFA_REQUIRED), they set it up again at next sign-in.
    """
    from screening.services import two_factor

    user = staff_service.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {staff_service.normalise_email(email)}.")
    if user.totp_secret is None and not two_factor.unused_recovery_codes(user):
        # Nothing to turn off: no audit row claiming a change that did not happen.
        click.echo(f"Two-step sign-in was not set up for {user.email}; nothing changed.")
        return
    two_factor.disable(user, actor="cli")
    click.echo(f"Two-step sign-in is off for {user.email}.")


COMMANDS = [
    create_user_command,
    deactivate_user_command,
    reactivate_user_command,
    disable_two_factor_command,
]
