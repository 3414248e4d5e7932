"""`screening export`: every submitted screening as one JSON object per line.

Each line holds `id` (the public id), `submitted_at` (ISO 8601, UTC), `questionnaire_version`
and `answers` (the canonical answer set exactly as stored). Reviewed screenings are included:
they were submitted first. The export itself is recorded in the audit trail (how many, never
what), because it takes patient data out of the app.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from screening.services import screenings


@click.command("export")
@with_appcontext
def export_command() -> None:
    """Print each submitted screening as one line of JSON."""
    exported: list[str] = []
    for record in screenings.iter_export_records():
        click.echo(json.dumps(record, ensure_ascii=False, sort_keys=True))
        exported.append(record["id"])
    screenings.record_export(len(exported), actor="cli", public_ids=exported)


COMMANDS = [export_command]
