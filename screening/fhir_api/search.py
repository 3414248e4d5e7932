"""Search parameters of the FHIR API, checked strictly: anything unknown or malformed is a
`SearchError` (a 400 with an OperationOutcome), never silently ignored, because a client that
believes a filter was applied and gets every patient back is worse than one told "no".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import MultiDict

from screening.fhir import public_id_of
from screening.fhir.capability import search_parameter_names
from screening.services.fhir_records import Search

DEFAULT_COUNT = 50
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
PREFIXES = ("eq", "ge", "gt", "le", "lt")
FHIR_DATE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<fraction>\.\d{1,6})?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
CURSOR = re.compile(r"^(?P<public_id>[A-Za-z0-9_-]{1,32}):(?P<skip>\d{1,4})$")
FHIR_ID = re.compile(r"^[A-Za-z0-9.-]{1,64}$")


class SearchError(ValueError):
    """A search the server will not run; the message says what to change."""


def _interval(text: str) -> tuple[datetime, datetime]:
    """The span a FHIR date or dateTime stands for: [start, end) in UTC."""
    match = FHIR_DATE.match(text)
    if not match:
        raise ValueError(text)
    parts = match.groupdict()
    year = int(parts["year"])
    if parts["month"] is None:
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    month = int(parts["month"])
    if parts["day"] is None:
        start = datetime(year, month, 1, tzinfo=UTC)
        following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        return start, following
    day = int(parts["day"])
    if parts["hour"] is None:
        start = datetime(year, month, day, tzinfo=UTC)
        return start, start + timedelta(days=1)
    if parts["zone"] is None:
        raise ValueError("a time needs a time zone (Z or +hh:mm)")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    if parts["second"] is None:
        return moment, moment + timedelta(minutes=1)
    if parts["fraction"] is None:
        return moment, moment + timedelta(seconds=1)
    return moment, moment + timedelta(microseconds=1)


def last_updated_clauses(values: list[str]) -> tuple[tuple[str, datetime], ...]:
    clauses: list[tuple[str, datetime]] = []
    for value in values:
        prefix, text = ("eq", value)
        if value[:2] in PREFIXES:
            prefix, text = value[:2], value[2:]
        elif value[:2].isalpha():
            raise SearchError(
                f"_lastUpdated: the prefix {value[:2]!r} is not supported; use one of "
                + ", ".join(PREFIXES)
                + "."
            )
        try:
            start, end = _interval(text)
        except ValueError as exc:
            raise SearchError(
                f"_lastUpdated: {text!r} is not a FHIR date or dateTime "
                "(for example 2026-11-01 or 2026-11-01T09:30:00Z)."
            ) from exc
        except OverflowError as exc:  # 9999-12-31: the day after it is off the calendar
            raise SearchError(
                f"_lastUpdated: {text!r} is at the very end or start of the calendar; "
                "use a date from the year 0002 to 9998."
            ) from exc
        if prefix == "eq":
            clauses += [(">=", start), ("<", end)]
        elif prefix == "ge":
            clauses.append((">=", start))
        elif prefix == "gt":
            clauses.append((">=", end))
        elif prefix == "lt":
            clauses.append(("<", start))
        else:  # le
            clauses.append(("<", end))
    return tuple(clauses)


def _one(args: MultiDict, name: str) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise SearchError(f"{name}: give this parameter once (or list values with commas).")
    return values[0] if values else None


def _patient(value: str) -> str:
    reference = value.rstrip("/").split("/")
    resource_id = reference[-1]
    if (len(reference) > 1 and reference[-2] != "Patient") or not FHIR_ID.match(resource_id):
        raise SearchError(f"patient: {value!r} is not a Patient id or a Patient/<id> reference.")
    return public_id_of(resource_id)


def _codes(value: str) -> frozenset[tuple[str | None, str]]:
    codes = set()
    for token in value.split(","):
        system, bar, code = token.rpartition("|")
        if not code:
            raise SearchError(f"code: {token!r} has no code (use system|code or code).")
        codes.add((system if bar and system else None, code))
    return frozenset(codes)


def parse_search(resource_type: str, args: MultiDict, max_count: int) -> Search:
    """Check every parameter of a search and build it; SearchError on anything wrong."""
    allowed = search_parameter_names(resource_type)
    unknown = sorted(name for name in args if name not in allowed)
    if unknown:
        raise SearchError(
            f"Unknown search parameter for {resource_type}: {', '.join(unknown)}. "
            f"Supported: {', '.join(sorted(allowed - {'_cursor'}))}."
        )
    fmt = _one(args, "_format")
    if fmt is not None and fmt not in JSON_FORMATS:
        raise SearchError("_format: only JSON is served (application/fhir+json).")
    count = DEFAULT_COUNT
    count_text = _one(args, "_count")
    if count_text is not None:
        # isascii: str.isdigit also says yes to "²", which int() refuses.
        if not (count_text.isascii() and count_text.isdigit()) or int(count_text) < 1:
            raise SearchError("_count: give a whole number of 1 or more.")
        count = int(count_text)
    count = min(count, max_count)
    statuses = _one(args, "status")
    patient = _one(args, "patient")
    ids = _one(args, "_id")
    code = _one(args, "code")
    cursor = None
    cursor_text = _one(args, "_cursor")
    if cursor_text is not None:
        match = CURSOR.match(cursor_text)
        if not match:
            raise SearchError("_cursor: not a paging cursor of this server; follow the next link.")
        cursor = (match["public_id"], int(match["skip"]))
    if ids is not None and not all(FHIR_ID.match(one) for one in ids.split(",")):
        raise SearchError("_id: ids are 1 to 64 letters, digits, dashes or dots.")
    return Search(
        resource_type=resource_type,
        count=count,
        last_updated=last_updated_clauses(args.getlist("_lastUpdated")),
        statuses=frozenset(statuses.split(",")) if statuses is not None else None,
        patient=_patient(patient) if patient is not None else None,
        resource_ids=frozenset(ids.split(",")) if ids is not None else None,
        codes=_codes(code) if code is not None else None,
        cursor=cursor,
    )


def cursor_text(cursor: tuple[str, int]) -> str:
    public_id, skip = cursor
    return f"{public_id}:{skip}"
