"""`screening purge`: delete never-sent screenings that nobody can use any more.

A screening that was never sent (invited or in progress) and has been unusable for
RETENTION_DAYS (abandoned for ABANDONED_AFTER_DAYS, expired or revoked) is deleted with its
answers. Sent screenings are kept. The audit trail records how many, never which. Run it daily
(cron or a systemd timer); `--dry-run` only counts.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from screening.services import retention


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Delete never-sent screenings unusable for RETENTION_DAYS (audited as counts)."""
    retention_days = int(current_app.config["RETENTION_DAYS"])
    counts = retention.purge_unsent(
        retention_days=retention_days,
        abandoned_days=int(current_app.config["ABANDONED_AFTER_DAYS"]),
        dry_run=dry_run,
    )
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {counts.total} never-sent screenings unusable for {retention_days}+ days "
        f"({counts.abandoned} abandoned, {counts.expired} expired, {counts.revoked} revoked)."
    )


COMMANDS = [purge_command]
