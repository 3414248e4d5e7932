"""`screening staff-hint`: tell a newcomer how to get into the staff portal (`make run` calls it).

It only reads; it never creates an account (no prompt at start-up, no default password).
"""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from screening.services import staff as staff_service

LOGIN_URL = "http://127.0.0.1:5000/staff/login"
CREATE_ADMIN = ".venv/bin/screening create-user you@example.org --role admin"


@click.command("staff-hint")
def staff_hint_command() -> None:
    """Say how to sign in to the staff portal, and how to make the first account if none exists."""
    try:
        users = staff_service.count_users()
    except SQLAlchemyError:
        users = 0
    click.echo("")
    if users == 0:
        click.echo("No staff account exists yet. To make the first (admin) one, run:")
        click.echo("")
        click.echo(f"    {CREATE_ADMIN}")
        click.echo("")
        click.echo("It asks for a password (12 characters or more). Admins add clinicians and")
        click.echo("front-desk colleagues under Users; only clinicians read the summaries.")
        click.echo("")
    click.echo(f"Staff sign in at {LOGIN_URL}")
    click.echo("")


COMMANDS = [staff_hint_command]
