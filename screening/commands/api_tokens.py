"""`screening api-token create --name NAME | revoke NAME | list`: FHIR API system clients.

`create` prints the token once, alone on its own line (so `TOKEN=$(screening api-token create
--name EHR | tail -n 1)` works); it is never shown again, because only its hash is kept.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from screening.services import api_clients


@click.group("api-token")
def api_token_group() -> None:
    """Bearer tokens for systems (an EHR) that read the FHIR API at /fhir."""


@api_token_group.command("create")
@click.option(
    "--name", required=True, help="The client's name, as the audit trail shows it (e.g. EHR)."
)
@with_appcontext
def create_command(name: str) -> None:
    """Make a client and print its token once (store it in the client's secret store now)."""
    try:
        issued = api_clients.create_client(name, actor="cli")
    except api_clients.ApiClientError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"API client {issued.name} created. Its token, shown only this once:", err=True)
    click.echo(issued.token)


@api_token_group.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_command(name: str) -> None:
    """Stop the token of client NAME working, at once."""
    try:
        api_clients.revoke_client(name, actor="cli")
    except api_clients.ApiClientError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"API client {name} revoked; its token no longer works.")


@api_token_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every client: name, created, last used, revoked (never the token)."""
    for client in api_clients.all_clients():
        state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
        used = f"{client.last_used_at:%Y-%m-%d %H:%M} UTC" if client.last_used_at else "never"
        click.echo(
            f"{client.name}\tcreated {client.created_at:%Y-%m-%d}\tlast used {used}\t{state}"
        )


COMMANDS = [api_token_group]
