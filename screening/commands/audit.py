"""`screening audit [--since YYYY-MM-DD]`: the audit trail as JSON lines, oldest first.

Each line has exactly `at` (ISO 8601, UTC), `actor`, `action`, `screening_id` and `ip`, so it can
be handed to a compliance officer or loaded into other tools.
"""

from __future__ import annotations

import json
from datetime import date

import click

from screening.extensions import db
from screening.services import audit


def _parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"use a date like 2026-01-31, not {value!r}") from None


@click.command("audit")
@click.option(
    "--since",
    callback=_parse_day,
    metavar="YYYY-MM-DD",
    help="Only events on or after this day (UTC).",
)
def audit_command(since: date | None) -> None:
    """Print the audit trail as JSON lines (at, actor, action, screening_id, ip)."""
    count = 0
    events = audit.iter_events(since)
    try:
        for event_row in events:
            count += 1
            click.echo(json.dumps(audit.as_json_line(event_row), ensure_ascii=False))
    finally:
        events.close()  # its database cursor, at once rather than when collected
        # Reading the trail out of the app is itself recorded, however the output ends
        # (`| head`, Ctrl-C).
        db.session.rollback()
        audit.record_and_commit(
            "export_audit",
            actor="cli",
            detail=f"{count} events" + (f" since {since.isoformat()}" if since else ""),
        )


COMMANDS = [audit_command]
