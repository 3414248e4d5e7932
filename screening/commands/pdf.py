"""`screening pdf` renders a summary from an answer file; `screening rerender-summaries` redoes
stored ones after a template change.

`screening pdf ANSWERS.json -o SUMMARY.pdf [--as-of YYYY-MM-DD]` needs no database: it
validates the answers with the same validator as the web form, evaluates them, builds the view
model and renders it with the one `render_pdf`. Invalid input gives every error on standard
error and exit status 2, and no file is written: the PDF goes to a temporary file in the same
folder that is renamed into place only when complete, so a reader never sees half a PDF.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app, has_app_context

from screening.commands.evaluate import INVALID_INPUT, as_of_option, load_answers
from screening.commands.output_files import check_output_file

DEFAULT_CLINIC_NAME = "Spine Clinic"
CANNOT_WRITE = 1


def _setting(name: str, default: str) -> str:
    if has_app_context():
        return str(current_app.config.get(name) or default)
    return default


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (all or nothing)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("pdf")
@click.argument("answers_file", metavar="ANSWERS.json")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="SUMMARY.pdf",
    help="Where to write the PDF (replaced only when rendering succeeds; a new file or a "
    "regular one, never the answers file); - for standard output.",
)
@as_of_option
@click.option(
    "--page-size",
    type=click.Choice(["Letter", "A4"], case_sensitive=False),
    default=None,
    help="Paper size (default: the PDF_PAGE_SIZE setting, Letter).",
)
def pdf_command(answers_file: str, output: str, as_of: date | None, page_size: str | None) -> None:
    """Render the surgeon's PDF summary of ANSWERS.json to SUMMARY.pdf.

    Exit status 2, with every error on standard error and no file written, when the answers
    are not valid.
    """
    from screening.evaluation import evaluate
    from screening.summary.render import PageSizeError, render_pdf
    from screening.summary.view_model import build_summary

    if output != "-":
        check_output_file(output, option="'-o' / '--output'", inputs=[answers_file])
    as_of = as_of or date.today()
    answers = load_answers(answers_file, as_of)
    evaluation = evaluate(answers, as_of).to_dict()
    summary = build_summary(
        answers,
        evaluation,
        clinic_name=_setting("CLINIC_NAME", DEFAULT_CLINIC_NAME),
        generated_at=datetime.now(UTC),
        zone=ZoneInfo(_setting("CLINIC_TIMEZONE", "UTC")),
    )
    try:
        pdf = render_pdf(summary, page_size=page_size or _setting("PDF_PAGE_SIZE", "Letter"))
    except PageSizeError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(INVALID_INPUT) from exc
    if output == "-":  # the usual name for standard output (`screening pdf a.json -o - | lpr`)
        # A write that fails (`> /dev/full`, a closed pipe) is said in one line by the
        # command's guard (screening/commands/failures.py).
        with click.open_file("-", "wb") as stdout:
            stdout.write(pdf)
        return
    try:
        write_atomically(Path(output), pdf)
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
        raise click.exceptions.Exit(CANNOT_WRITE) from exc


@click.command("rerender-summaries")
@click.option(
    "--all", "everything", is_flag=True, help="Re-render every submitted screening's summary."
)
@click.option("--id", "public_id", metavar="PUBLIC_ID", help="Re-render this screening only.")
def rerender_summaries_command(everything: bool, public_id: str | None) -> None:
    """Re-render stored PDF summaries after a template change.

    With no option, only summaries made with an older template version (or missing ones).
    """
    from screening.services.summaries import SummaryError, rerender_summaries

    if everything and public_id:
        raise click.UsageError("Use --all or --id, not both.")
    try:
        count = rerender_summaries(public_id=public_id, everything=everything)
    except SummaryError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(INVALID_INPUT) from exc
    click.echo(f"Re-rendered {count} summar{'y' if count == 1 else 'ies'}.")


COMMANDS = [pdf_command, rerender_summaries_command]
