"""`screening evaluate ANSWERS.json [--as-of YYYY-MM-DD]`: evaluate an answer set from a file.

Prints the evaluation as JSON on standard output and exits 0. An answer set that is not valid
(or a file that is not JSON, or cannot be read) gives every error on standard error, one per
line, nothing on standard output, and exit status 2, so scripts can trust what they read. It
uses the same validator as the web form and never touches the database.

The file may also be a FHIR QuestionnaireResponse (any FHIR client's, LHC-Forms' included),
detected by its `resourceType`: it gives the same result as the answer set it holds.

`AS_OF_DATE` and `load_answers` are shared with the other commands that read answer files.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import click
from flask import current_app, has_app_context

from config import DEFAULT_FHIR_CANONICAL_BASE
from screening.evaluation import evaluate
from screening.questionnaire import (
    QUESTIONNAIRE,
    AnswerError,
    Validated,
    load_json,
    parse_answer_json,
    parse_iso_date,
    validate_answer_set,
)

INVALID_INPUT = 2
# The largest answers file read: a real one is a few kilobytes (the web form takes 256 KB).
MAX_ANSWERS_BYTES = 5 * 1024 * 1024
# The earliest --as-of date: the questionnaire's surgery years start in 1940 (the item "year"
# in screening/questionnaire/definition.py); before it, ages and years mean nothing.
EARLIEST_AS_OF = date(1940, 1, 1)


class IsoDate(click.ParamType):
    """A real calendar date written YYYY-MM-DD, not before `earliest`; anything else is a
    usage error."""

    name = "YYYY-MM-DD"

    def __init__(self, earliest: date | None = None) -> None:
        self.earliest = earliest

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        parsed = parse_iso_date(value)
        if parsed is None:
            self.fail(
                f"{value!r} is not a date written as YYYY-MM-DD (for example 2026-11-21).",
                param,
                ctx,
            )
        if self.earliest and parsed < self.earliest:
            self.fail(
                f"{value} is before {self.earliest.isoformat()}: give the day the answers are "
                f"counted on (ages, years since surgery), from {self.earliest.isoformat()} on.",
                param,
                ctx,
            )
        return parsed


AS_OF_DATE = IsoDate(earliest=EARLIEST_AS_OF)

as_of_option = click.option(
    "--as-of",
    "as_of",
    type=AS_OF_DATE,
    default=None,
    help="Count ages and years since surgery on this date (default: today).",
)


# What would break one error over two lines (or hide part of it) if printed as it is: an
# unknown key in a file can hold anything.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(message: str) -> str:
    """`message` with line breaks and other control characters written as escapes (\\n)."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode(), message)


def _fail(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"error: {one_line(message)}", err=True)
    raise click.exceptions.Exit(INVALID_INPUT)


def load_answers(path: str, as_of: date) -> dict[str, Any]:
    """Read and validate the answer set at `path` ("-" = standard input), or exit 2.

    On any problem every error goes to standard error as "error: item: what is wrong".
    """
    name = "standard input" if path == "-" else path
    try:
        # click.open_file: "-" is standard input, which it leaves open afterwards. One byte
        # more than the limit tells a file that is too large (or endless: /dev/zero).
        with click.open_file(path, "rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as exc:
        _fail([f"cannot read {path}: {exc.strerror or exc}"])
    if len(raw) > MAX_ANSWERS_BYTES:
        _fail(
            [
                f"{name} is larger than {MAX_ANSWERS_BYTES // (1024 * 1024)} MB: "
                "an answers file is a few kilobytes of JSON"
            ]
        )
    if not raw.strip():
        _fail([f"{name} is empty: it should hold the answers as JSON"])
    validated = _from_questionnaire_response(raw, as_of) or parse_answer_json(raw, as_of)
    if not validated.ok:
        _fail([str(error) for error in validated.errors])
    return validated.answers


def _places(error: AnswerError) -> set[str]:
    """What an error is about, from the narrowest place to the whole item: "surgeries[1].year",
    "surgeries[1]", "surgeries" (or just "smoking")."""
    places = {error.path, error.item_id}
    if error.index is not None:
        places.add(f"{error.item_id}[{error.index}]")
    return places


def _from_questionnaire_response(raw: bytes, as_of: date) -> Validated | None:
    """A FHIR QuestionnaireResponse (detected by `resourceType`), read and validated; else None.

    Its linkIds, answer types and codes are checked against the definition first (each error
    names the linkId), then the answers go through the same validator as an answer set.
    """
    from screening.fhir import Canonical, read_questionnaire_response
    from screening.fhir.response import is_fhir_resource

    try:
        document = load_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None  # the answer-set reader reports what is wrong with it
    if not is_fhir_resource(document):
        return None
    base = DEFAULT_FHIR_CANONICAL_BASE
    if has_app_context():
        base = current_app.config.get("FHIR_CANONICAL_BASE") or base
    imported = read_questionnaire_response(document, QUESTIONNAIRE, Canonical(base))
    validated = validate_answer_set(imported.answers, as_of)
    if imported.ok:
        return validated
    # Every problem at once: the validator's too, except for the items the reader refused
    # (left out of the answers, they would also read as "not answered").
    refused = {error.path for error in imported.errors}
    if "resourceType" in refused:
        return Validated(imported.answers, imported.errors)  # not a response: nothing to check
    # A refused item is named once, by the reader: "smoking", or one entry's question
    # ("surgeries[1].year"), or a whole entry ("surgeries[1]") with everything in it.
    more = [error for error in validated.errors if refused.isdisjoint(_places(error))]
    return Validated(imported.answers, imported.errors + more)


@click.command("evaluate")
@click.argument("answers_file", metavar="ANSWERS.json")
@as_of_option
def evaluate_command(answers_file: str, as_of: date | None) -> None:
    """Evaluate ANSWERS.json: print triage, red flags, MISS topics and scores as JSON.

    Exit status 2, with every error on standard error, when the answers are not valid.
    """
    as_of = as_of or date.today()
    answers = load_answers(answers_file, as_of)
    result = evaluate(answers, as_of)
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))


COMMANDS = [evaluate_command]
