"""The FHIR R4 read API under /fhir: the questionnaire (public), and for each submitted
screening its Patient, QuestionnaireResponse, RiskAssessment, Observations and DocumentReference.

Who may read: a system client with a bearer token (`screening api-token create`), or a signed-in
clinician (the same minimum-necessary rule as the staff pages: front desk and admin get 403).
Every answer is `application/fhir+json`; every error is an OperationOutcome (401, 403, 404, 400
for a search parameter we do not support, 405 with `Allow: GET, HEAD` for any other method, 406
for a format other than JSON, 500), never an HTML page, including for requests that match no
route (`_routing_error`; a `//` in a path is a 308 whose body is an OperationOutcome). Every
read of patient data is audited with the client's name, one row per screening whose data left (a
HEAD sends no data, so it records none); every refused token is audited too, until an address
has had FHIR_TOKEN_REFUSAL_LIMIT of them: then it gets 429s (see `throttle`).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from screening.extensions import csrf, db
from screening.fhir import QUESTIONNAIRE_ID, RESOURCE_TYPES, fhir_id
from screening.fhir.capability import build_capability_statement
from screening.fhir.resources import instant
from screening.fhir_api import throttle
from screening.fhir_api.search import SearchError, cursor_text, parse_search
from screening.models import ApiClient, StaffRole
from screening.routes import Access, View, audit_refusal, public
from screening.services import api_clients, audit
from screening.services import fhir_records as records
from screening.staff.access import client_ip

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
# Read-only JSON for machines: no forms, so no CSRF tokens.
csrf.exempt(bp)

FHIR_JSON = "application/fhir+json"
READER_ROLES = frozenset({StaffRole.CLINICIAN.value})
# The only methods served (HEAD being GET without the body); every route says so.
ALLOWED_METHODS = "GET, HEAD"
# `_format` values meaning JSON (R4 http.html), compared without case or media parameters.
# "application/fhir json" is application/fhir+json whose unencoded + a URL turned into a space.
JSON_FORMATS = frozenset(
    {"json", "application/json", "application/fhir+json", "application/fhir json"}
)
# Accept header types a JSON answer satisfies.
JSON_ACCEPTS = frozenset({"*/*", "application/*", "application/json", "application/fhir+json"})


class Problem(Exception):
    """An error answered as an OperationOutcome."""

    def __init__(self, status: int, code: str, text: str, headers: dict | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.text = text
        self.headers = headers or {}


def fhir_response(resource: dict[str, Any], status: int = 200, headers: dict | None = None):
    body = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, mimetype=FHIR_JSON, headers=headers)


def operation_outcome(status: int, code: str, text: str, headers: dict | None = None):
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return fhir_response(outcome, status, headers)


@bp.errorhandler(Problem)
def _problem(problem: Problem):  # type: ignore[no-untyped-def]
    return operation_outcome(problem.status, problem.code, problem.text, problem.headers)


HTTP_ISSUES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
}


def _under_fhir(path: str) -> bool:
    return path == bp.url_prefix or path.startswith(f"{bp.url_prefix}/")


def _method_not_allowed() -> Response:
    return operation_outcome(
        405,
        "not-supported",
        f"{request.method} is not served here: this FHIR API is read-only ({ALLOWED_METHODS}).",
        {"Allow": ALLOWED_METHODS},
    )


@bp.before_app_request
def _routing_error() -> Response | None:
    """A /fhir request that matched no route (another method, a path needing a redirect) would
    reach the app's HTML error pages, since a blueprint's handlers only see its own routes:
    answer it here, before dispatch, as FHIR JSON. Other paths are left alone."""
    error = request.routing_exception
    if error is None or not _under_fhir(request.path):
        return None
    if isinstance(error, MethodNotAllowed):
        return _method_not_allowed()
    if isinstance(error, RequestRedirect):  # `//` in a path: the same request, one slash
        moved = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "information",
                    "code": "informational",
                    "diagnostics": f"This is at {error.new_url}.",
                }
            ],
        }
        return fhir_response(moved, error.code, {"Location": error.new_url})
    if isinstance(error, HTTPException):
        status = error.code or 400
        return operation_outcome(status, HTTP_ISSUES.get(status, "invalid"), error.name)
    return None


def _json_format(value: str) -> bool:
    return value.split(";", 1)[0].strip().lower() in JSON_FORMATS


def _accepts_json(header: str) -> bool:
    """Whether an Accept header allows JSON: no header, or any type with q > 0 that JSON is
    (`*/*` included, so browsers and curl are served; `application/fhir+xml` alone is not)."""
    if not header.strip():
        return True
    for media_type, quality in request.accept_mimetypes:
        if quality > 0 and media_type.split(";", 1)[0].strip().lower() in JSON_ACCEPTS:
            return True
    return False


@bp.before_request
def _negotiate() -> None:
    """One rule for every endpoint: only JSON is served, whether asked by `_format` (which
    FHIR lets override Accept) or by the Accept header; anything else is a 406."""
    for value in request.args.getlist("_format"):
        if not _json_format(value):
            raise Problem(
                406,
                "not-supported",
                f"_format={value!r}: only JSON is served here; give _format=json (or "
                "application/fhir+json, its + written %2B in a URL) or leave it out.",
            )
    if not _accepts_json(request.headers.get("Accept", "")):
        raise Problem(
            406,
            "not-supported",
            f"Accept: {request.headers['Accept'][:100]!r}: only JSON is served here "
            f"({FHIR_JSON}); ask for {FHIR_JSON} or */*.",
        )


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    status = error.code or 500
    return operation_outcome(status, HTTP_ISSUES.get(status, "exception"), error.name)


@bp.errorhandler(RateLimitExceeded)
def _throttled(_error: RateLimitExceeded):  # type: ignore[no-untyped-def]
    """Too many refused tokens from this address (`throttle`): 429, saying when to try again.
    Only the first held request in a window is audited, so hammering adds no rows."""
    wait = throttle.seconds_to_wait()
    if throttle.first_held_in_window():
        audit.record_and_commit(
            "fhir_token_throttled",
            actor="api:throttled",
            ip=client_ip(),
            detail=f"{request.method} {request.path}"[:100]
            + " (throttled: too many refused tokens from this address)",
        )
    until = instant(datetime.now(UTC) + timedelta(seconds=wait))
    return operation_outcome(
        429,
        "throttled",
        f"Too many requests with a bearer token that is not valid came from this address: "
        f"try again in {wait} seconds (after {until}). Check the token: it is unknown, "
        "mistyped or revoked.",
        {"Retry-After": str(wait)},
    )


@bp.errorhandler(Exception)
def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
    log.exception("Unhandled error in the FHIR API", exc_info=error)
    db.session.rollback()
    return operation_outcome(500, "exception", "Something went wrong on the server.")


def api_reader(view: View) -> View:
    """Declare a view readable by API clients and clinicians (checked by `reader()`, so that a
    refusal is an OperationOutcome rather than the staff sign-in redirect)."""
    view.access = Access("api", READER_ROLES)  # type: ignore[attr-defined]
    return view


def _bearer_token() -> str | None:
    """The token of the request's `Authorization: Bearer` header; "" for a header of another
    scheme; None when there is no Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


# Where the request keeps its token's client once looked up (the throttle asks first).
_CLIENT = "screening.fhir.client"


def _token_client() -> str | None:
    """The name of the live client whose token the request carries (looked up once), or None."""
    if _CLIENT not in request.environ:
        token = _bearer_token()
        request.environ[_CLIENT] = api_clients.client_for_token(token) if token else None
    return request.environ[_CLIENT]


def _nothing_to_refuse() -> bool:
    """Exempt from the token throttle: no Authorization header, or a live client's token."""
    return _bearer_token() is None or _token_client() is not None


# On the views that call `reader()`: refused tokens from one address are throttled.
throttle_refused_tokens = throttle.refused_tokens(exempt_when=_nothing_to_refuse)


def reader() -> str:
    """The audit name of whoever reads: `api:<client>` or the clinician's email; else a Problem."""
    token = _bearer_token()
    if token is not None:
        name = _token_client()
        if name is None:
            throttle.note_refused()
            _audit_refused_token(token)
            raise Problem(
                401,
                "login",
                "The bearer token is not valid (unknown, mistyped or revoked).",
                {"WWW-Authenticate": 'Bearer realm="fhir", error="invalid_token"'},
            )
        return f"api:{name.lower()}"
    if current_user.is_authenticated:
        if current_user.role not in READER_ROLES:
            _refused("Only clinicians and API clients read patient data.")
        if current_user.setup_pending:
            _refused(
                "Finish setting up your account in the staff portal first "
                "(a new password, or two-step sign-in)."
            )
        return str(current_user.email)
    raise Problem(
        401,
        "login",
        "Sign in as a clinician, or send Authorization: Bearer <token>.",
        {"WWW-Authenticate": 'Bearer realm="fhir"'},
    )


def _audit_refused_token(token: str) -> None:
    """A request with a token that opens nothing is in the audit trail (never the token): the
    actor is the client whose revoked token it is, found by its hash as for a live one, else
    `api:unknown-token`. One indexed look-up, and only for a token of our shape."""
    revoked = None
    if token.startswith(api_clients.TOKEN_PREFIX) and len(token) <= 200:
        revoked = db.session.scalar(
            select(ApiClient.name).where(
                ApiClient.token_hash == api_clients.hash_token(token),
                ApiClient.revoked_at.is_not(None),
            )
        )
    where = f"{request.method} {request.path}"[:100]
    audit.record_and_commit(
        "access_refused",
        actor=f"api:{revoked.lower()}" if revoked else "api:unknown-token",
        ip=client_ip(),
        detail=f"{where} (revoked token)" if revoked else f"{where} (unknown token)",
    )


def _refused(text: str) -> NoReturn:
    """A signed-in staff member may not read here: audited as on the staff pages (who, from
    where, what was asked for), then a 403 Problem."""
    audit_refusal(detail=f"{request.method} {request.path}")
    raise Problem(403, "forbidden", text)


def _resource_type(name: str) -> str:
    if name not in RESOURCE_TYPES:
        raise Problem(404, "not-supported", f"This server has no resource type {name!r}.")
    return name


# -- public ----------------------------------------------------------------------------------


def _software_version() -> str:
    try:
        return metadata.version("miss-screening")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"


# No automatic OPTIONS on any route: it would advertise what the catch-all below matches.
ROUTE = {"provide_automatic_options": False}


@bp.get("", **ROUTE)
@bp.get("/", **ROUTE)
@public
def base():  # type: ignore[no-untyped-def]
    """The FHIR base itself: a 404 OperationOutcome naming /fhir/metadata.

    FHIR R4 gives `GET [base]` no meaning of its own (with parameters it is a search across all
    types, which this server does not do) and `POST [base]` is a batch or transaction (405: read
    only). A FHIR client is configured with the base and asks for `[base]/metadata` and
    `[base]/<Type>`, so a GET here is a person or a client exploring: an OperationOutcome that
    says where to look serves both. A redirect (to /fhir/ or to the metadata) would hand a
    client a different resource than it asked for.
    """
    metadata = url_for("fhir.capability_statement", _external=True)
    raise Problem(
        404,
        "not-supported",
        f"The FHIR base serves nothing itself, and this server does not search across all "
        f"types: see {metadata} for what it serves, and search one type at a time "
        "(for example /fhir/Patient).",
    )


@bp.get("/metadata", **ROUTE)
@public
def capability_statement():  # type: ignore[no-untyped-def]
    statement = build_capability_statement(
        base_url=url_for("fhir.capability_statement", _external=True).rsplit("/", 1)[0],
        date=datetime.now(UTC).date().isoformat(),
        software_version=_software_version(),
        clinic_name=current_app.config.get("CLINIC_NAME"),
    )
    return fhir_response(statement)


@bp.get(f"/Questionnaire/{QUESTIONNAIRE_ID}", **ROUTE)
@public
def questionnaire():  # type: ignore[no-untyped-def]
    return fhir_response(records.questionnaire_resource())


# -- patient data ----------------------------------------------------------------------------


def _record_reads(actor: str, public_ids: list[str], what: str) -> None:
    """Audit the screenings whose data left; a HEAD answer carries none (status and headers
    only), so it records nothing."""
    if request.method != "HEAD":
        records.record_reads(actor, public_ids, what, client_ip())


@bp.get("/<resource_type>/<resource_id>", **ROUTE)
@throttle_refused_tokens
@api_reader
def read(resource_type: str, resource_id: str):  # type: ignore[no-untyped-def]
    if resource_type == "Questionnaire":
        raise Problem(
            404, "not-found", f"The one questionnaire is Questionnaire/{QUESTIONNAIRE_ID}."
        )
    resource_type = _resource_type(resource_type)
    actor = reader()
    # The staff side's form of an id (`_` where FHIR has `.`) is the same id.
    resource_id = fhir_id(resource_id)
    found = records.read(resource_type, resource_id)
    if found is None:
        raise Problem(404, "not-found", f"{resource_type}/{resource_id} is not known here.")
    resource, public_id = found
    _record_reads(actor, [public_id], f"FHIR read {resource_type}")
    return fhir_response(resource)


@bp.get("/<resource_type>", **ROUTE)
@throttle_refused_tokens
@api_reader
def search(resource_type: str):  # type: ignore[no-untyped-def]
    resource_type = _resource_type(resource_type)
    actor = reader()
    # This server's base as served (as in each entry's fullUrl), and its canonical one.
    bases = (
        url_for("fhir.base", _external=True).rstrip("/"),
        str(current_app.config["FHIR_CANONICAL_BASE"]).rstrip("/"),
    )
    try:
        criteria = parse_search(
            resource_type, request.args, int(current_app.config["FHIR_MAX_PAGE_SIZE"]), bases
        )
    except SearchError as exc:
        raise Problem(400, "invalid", str(exc)) from exc
    # codes == frozenset(): only `|code` tokens (no system), which nothing here has.
    page = records.SearchPage() if criteria.codes == frozenset() else records.search(criteria)
    _record_reads(actor, page.screening_ids, f"FHIR search {resource_type}")
    return fhir_response(_bundle(resource_type, page, criteria.count))


def _link(resource_type: str, args: MultiDict) -> str:
    return url_for(
        "fhir.search", resource_type=resource_type, _external=True, **args.to_dict(flat=False)
    )


def _bundle(resource_type: str, page: records.SearchPage, count: int) -> dict[str, Any]:
    # The links carry the page size actually used (a larger _count is capped).
    asked = MultiDict(request.args)
    asked.setlist("_count", [str(count)])
    links = [{"relation": "self", "url": _link(resource_type, asked)}]
    if page.next_cursor is not None:
        following = MultiDict(asked)
        following.setlist("_cursor", [cursor_text(page.next_cursor)])
        links.append({"relation": "next", "url": _link(resource_type, following)})
    return {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": instant(datetime.now(UTC))},
        "type": "searchset",
        "link": links,
        "entry": [
            {
                "fullUrl": url_for(
                    "fhir.read",
                    resource_type=resource["resourceType"],
                    resource_id=resource["id"],
                    _external=True,
                ),
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in page.resources
        ],
    }


@bp.get("/<path:anything>", **ROUTE)
@public
def not_served(anything: str):  # type: ignore[no-untyped-def]
    """Any other path under /fhir: a 404 OperationOutcome, not the HTML error page (any other
    method, on any path, is a 405 from `_routing_error`)."""
    raise Problem(404, "not-found", f"/fhir/{anything} is not served here.")
