"""Search parameters of the FHIR API, checked strictly: anything unknown or malformed is a
`SearchError` (a 400 with an OperationOutcome), never silently ignored, because a client that
believes a filter was applied and gets every patient back is worse than one told "no".

Ids are read in either form: the FHIR one (`dOvJ.9MA...`) or the staff side's (`dOvJ_9MA...`),
the same id since public ids never hold a `.` (screening.fhir.naming). Patterns are ASCII only:
`\\d` would also take Arabic-Indic and other digits.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

from screening.fhir import fhir_id, public_id_of
from screening.fhir.capability import search_parameter_names
from screening.services.fhir_records import Search

DEFAULT_COUNT = 50
PREFIXES = ("eq", "ge", "gt", "le", "lt")
FHIR_DATE = re.compile(
    r"^(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2})"
    r"(T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(:(?P<second>[0-9]{2})(?P<fraction>\.[0-9]{1,6})?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"
)
# A time whose `+01:00` lost its `+` (an unencoded + in a query string is a space).
LOST_PLUS = re.compile(r"T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? [0-9]{2}:[0-9]{2}$")
CURSOR = re.compile(r"^(?P<public_id>[A-Za-z0-9_-]{1,32}):(?P<skip>[0-9]{1,4})$")
FHIR_ID = re.compile(r"^[A-Za-z0-9.-]{1,64}$")
# A range is two bounds; more only grows the query (SQLite refuses a few hundred).
MAX_LAST_UPDATED = 2
# Values in one comma-separated list (_id, status, code): a page's worth is plenty.
MAX_LIST_VALUES = 100
# The status codes of each type's FHIR value set (only one of them is ever stored here).
STATUS_CODES: dict[str, tuple[str, ...]] = {
    "QuestionnaireResponse": ("in-progress", "completed", "amended", "entered-in-error", "stopped"),
    "Observation": (
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    ),
    "DocumentReference": ("current", "superseded", "entered-in-error"),
}


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
    if len(values) > MAX_LAST_UPDATED:
        raise SearchError(
            f"_lastUpdated: give it at most twice, for a range (for example "
            f"_lastUpdated=ge2026-11-01&_lastUpdated=lt2026-12-01); it was given {len(values)} "
            "times."
        )
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
        if LOST_PLUS.search(text):
            raise SearchError(
                f"_lastUpdated: {text!r} has a space where the time zone's + should be: a + in "
                "a URL reads as a space, so write it as %2B (for example "
                "_lastUpdated=ge2026-11-01T09:30:00%2B01:00)."
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


def _values(name: str, value: str) -> list[str]:
    """The values of a comma-separated list, at most MAX_LIST_VALUES of them."""
    values = value.split(",")
    if len(values) > MAX_LIST_VALUES:
        raise SearchError(
            f"{name}: give at most {MAX_LIST_VALUES} values (comma-separated); "
            f"{len(values)} were given."
        )
    return values


def _base(url: str) -> str:
    """A FHIR base URL compared as servers do: scheme and host in any case, no final /."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _patient(value: str, bases: tuple[str, ...]) -> str:
    """The public id a `patient` reference names: `<id>`, `Patient/<id>`, or an absolute
    `<base>/Patient/<id>` whose base is this server's (a Patient on another server is a 400,
    not an empty answer: none of our resources can point there, so it is a client's mistake)."""
    resource_id = value
    if "://" in value:
        base, found, resource_id = value.rpartition("/Patient/")
        if not found or not bases or _base(base) not in {_base(one) for one in bases}:
            here = f"{bases[0]}/Patient/<id>" if bases else "Patient/<id>"
            raise SearchError(
                f"patient: {value!r} is not a Patient of this server; give Patient/<id> "
                f"(or {here})."
            )
    elif value.startswith("Patient/"):
        resource_id = value.removeprefix("Patient/")
    resource_id = fhir_id(resource_id)
    if not FHIR_ID.match(resource_id):
        raise SearchError(
            f"patient: {value!r} is not a Patient id or a Patient/<id> reference "
            "(ids are 1 to 64 letters, digits, dashes or dots)."
        )
    return public_id_of(resource_id)


def _statuses(resource_type: str, value: str) -> frozenset[str]:
    allowed = STATUS_CODES[resource_type]
    statuses = _values("status", value)
    for status in statuses:
        if status not in allowed:
            raise SearchError(
                f"status: {status!r} is not a {resource_type} status; use one of "
                f"{', '.join(allowed)} (or several, comma-separated)."
            )
    return frozenset(statuses)


def _codes(value: str) -> frozenset[tuple[str | None, str]]:
    """(system or None for any system, code) per token. In FHIR `|code` is a code with no
    system; every coding here has one, so such a token matches nothing and is left out (an
    empty set: the search matches nothing)."""
    codes = set()
    for token in _values("code", value):
        system, bar, code = token.rpartition("|")
        if not code:
            raise SearchError(f"code: {token!r} has no code (use system|code or code).")
        if bar and not system:
            continue
        codes.add((system if bar else None, code))
    return frozenset(codes)


def _ids(value: str) -> frozenset[str]:
    ids = frozenset(fhir_id(one) for one in _values("_id", value))
    if not all(FHIR_ID.match(one) for one in ids):
        raise SearchError("_id: ids are 1 to 64 letters, digits, dashes or dots.")
    return ids


def parse_search(
    resource_type: str, args: MultiDict, max_count: int, bases: tuple[str, ...] = ()
) -> Search:
    """Check every parameter of a search and build it; SearchError on anything wrong.

    `bases`: this server's FHIR base URLs (an absolute `patient` reference must use one).
    `_format` is checked for every request, search or not (fhir_api.views)."""
    allowed = search_parameter_names(resource_type)
    unknown = sorted(name for name in args if name not in allowed)
    if unknown:
        named = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if unknown[10:] else "")
        raise SearchError(
            f"Unknown search parameter for {resource_type}: {named}. "
            f"Supported: {', '.join(sorted(allowed - {'_cursor'}))}."
        )
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
    return Search(
        resource_type=resource_type,
        count=count,
        last_updated=last_updated_clauses(args.getlist("_lastUpdated")),
        statuses=_statuses(resource_type, statuses) if statuses is not None else None,
        patient=_patient(patient, bases) if patient is not None else None,
        resource_ids=_ids(ids) if ids is not None else None,
        codes=_codes(code) if code is not None else None,
        cursor=cursor,
    )


def cursor_text(cursor: tuple[str, int]) -> str:
    public_id, skip = cursor
    return f"{public_id}:{skip}"
