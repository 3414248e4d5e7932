"""`screening export`: every submitted screening, as JSON lines or as FHIR Bulk Data NDJSON.

JSON lines (the default, on standard output): each line holds `id` (the public id),
`submitted_at` (ISO 8601, UTC), `questionnaire_version` and `answers` (the canonical answer set
exactly as stored). Reviewed screenings are included: they were submitted first.

`--format fhir -o DIR`: one `<Type>.ndjson` per resource type in DIR (Questionnaire, Patient,
QuestionnaireResponse, RiskAssessment, Observation, DocumentReference), one resource per line,
as FHIR Bulk Data writes them; `--since` keeps only resources changed at or after that time.

The export itself is recorded in the audit trail (how many, never what), because it takes
patient data out of the app.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from screening.commands.output_files import check_output_file, kind_of
from screening.services import screenings

OPTION = "'-o' / '--output'"

_DATE_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")


class SinceTime(click.ParamType):
    """A date (YYYY-MM-DD, midnight UTC) or a date and time with its zone."""

    name = "DATE[THH:MM[:SS]Z]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{value!r} is not a date (2026-11-01) or a time (2026-11-01T09:30:00Z).",
                param,
                ctx,
            )
        if moment.tzinfo is None:
            # Only a date alone means midnight UTC: a time without its zone ("2026-11-01
            # 09:30", with a space as much as with a T) could be clinic time or UTC.
            if not _DATE_ALONE.fullmatch(str(value).strip()):
                self.fail(f"{value!r}: give the time zone too (Z or +hh:mm).", param, ctx)
            moment = moment.replace(tzinfo=UTC)
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59:59-05:00 is past the calendar's end in UTC
            self.fail(f"{value!r} is at the very end or start of the calendar.", param, ctx)


@click.command("export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "fhir"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per line on standard output; fhir: NDJSON files into -o DIR.",
)
@click.option(
    "-o", "--output", "output", metavar="DIR", help="Folder for --format fhir (created if missing)."
)
@click.option(
    "--since",
    type=SinceTime(),
    default=None,
    help="--format fhir: only resources changed since then.",
)
@with_appcontext
def export_command(output_format: str, output: str | None, since: datetime | None) -> None:
    """Export every submitted screening (JSON lines, or FHIR NDJSON with --format fhir)."""
    if output_format == "fhir":
        _export_fhir(output, since)
        return
    if output is not None or since:
        raise click.UsageError("-o and --since go with --format fhir.")
    exported: list[str] = []
    records = screenings.iter_export_records()
    try:
        for record in records:
            exported.append(record["id"])  # before writing: a line cut short still went out
            click.echo(json.dumps(record, ensure_ascii=False, sort_keys=True))
    finally:
        records.close()  # its database cursor, at once rather than when collected
        # Recorded however the output ends (`| head`, Ctrl-C, a database error part-way):
        # every screening that started going out is in the trail.
        screenings.record_export(len(exported), actor="cli", public_ids=exported)


def _export_fhir(output: str | None, since: datetime | None) -> None:
    from screening.fhir.naming import RESOURCE_TYPES
    from screening.services.fhir_records import export_ndjson

    if output is None:
        raise click.UsageError("--format fhir writes one file per resource type: give -o DIR.")
    if not output.strip():
        raise click.BadParameter(
            "the folder name is empty: give the folder to write to.", param_hint=OPTION
        )
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(
            f"{output} is {kind_of(output) or 'a file'}, not a folder.", param_hint=OPTION
        )
    # Each file is written under a temporary name and renamed into place, which would replace a
    # symbolic link, a pipe or a device of that name (not write through it).
    for resource_type in ("Questionnaire", *RESOURCE_TYPES):
        check_output_file(str(folder / f"{resource_type}.ndjson"), option=OPTION)
    try:
        counts = export_ndjson(folder, since)
    except OSError as exc:
        raise click.ClickException(f"cannot write to {output}: {exc.strerror or exc}") from exc
    for resource_type, count in counts.items():
        click.echo(f"{resource_type}.ndjson\t{count}")


COMMANDS = [export_command]
