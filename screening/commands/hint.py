"""`screening staff-hint`: tell a newcomer how to get into the staff portal (`make run` calls it).

It only reads; it never creates an account (no prompt at start-up, no default password).
"""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from screening.commands.failures import NO_TABLES, database_problem
from screening.services import staff as staff_service

CREATE_ADMIN = ".venv/bin/screening create-user you@example.org --role admin"
UPGRADE_COMMAND = ".venv/bin/screening db upgrade"


def login_url(host: str, port: int) -> str:
    """The sign-in address for a server on `host`:`port` (all interfaces: this machine's)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (naming the wildcard, not binding to it)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/staff/login"


@click.command("staff-hint")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the app serves.")
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Its port."
)
def staff_hint_command(host: str, port: int) -> None:
    """Say how to sign in to the staff portal, and how to make the first account if none exists."""
    problem = None
    try:
        users = staff_service.count_users()
    except SQLAlchemyError as error:
        # Only a hint: it says what is wrong and carries on (`make run` goes on to serve).
        users = 0
        problem = database_problem(error) or f"the database cannot be read ({type(error).__name__})"
    click.echo("")
    if problem == NO_TABLES:
        click.echo("The database has no tables yet. First make them:")
        click.echo("")
        click.echo(f"    {UPGRADE_COMMAND}")
        click.echo("")
    elif problem:
        click.echo(f"Note: {problem}")
        click.echo("")
    if users == 0:
        if problem == NO_TABLES:
            click.echo("Then, to make the first (admin) staff account, run:")
        elif problem:
            click.echo("Once it is fixed, if no staff account exists yet, make the first one:")
        else:
            click.echo("No staff account exists yet. To make the first (admin) one, run:")
        click.echo("")
        click.echo(f"    {CREATE_ADMIN}")
        click.echo("")
        click.echo("It asks for a password (12 characters or more). Admins add clinicians and")
        click.echo("front-desk colleagues under Users; only clinicians read the summaries.")
        click.echo("")
    click.echo(f"Staff sign in at {login_url(host, port)}")
    click.echo("")


COMMANDS = [staff_hint_command]
