"""The FHIR R4 read API under /fhir: the questionnaire (public), and for each submitted
screening its Patient, QuestionnaireResponse, RiskAssessment, Observations and DocumentReference.

Who may read: a system client with a bearer token (`screening api-token create`), or a signed-in
clinician (the same minimum-necessary rule as the staff pages: front desk and admin get 403).
Every answer is `application/fhir+json`; every error is an OperationOutcome (401, 403, 404, 400
for a search parameter we do not support, 405, 500), never an HTML page. Every read of patient
data is audited with the client's name, one row per screening whose data left.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from screening.extensions import csrf, db
from screening.fhir import QUESTIONNAIRE_ID, RESOURCE_TYPES
from screening.fhir.capability import build_capability_statement
from screening.fhir.resources import instant
from screening.fhir_api.search import SearchError, cursor_text, parse_search
from screening.models import StaffRole
from screening.routes import Access, View, audit_refusal, public
from screening.services import api_clients
from screening.services import fhir_records as records
from screening.staff.access import client_ip

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
# Read-only JSON for machines: no forms, so no CSRF tokens.
csrf.exempt(bp)

FHIR_JSON = "application/fhir+json"
READER_ROLES = frozenset({StaffRole.CLINICIAN.value})


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
}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    status = error.code or 500
    return operation_outcome(status, HTTP_ISSUES.get(status, "exception"), error.name)


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


def reader() -> str:
    """The audit name of whoever reads: `api:<client>` or the clinician's email; else a Problem."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _space, token = header.strip().partition(" ")
        name = api_clients.client_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if name is None:
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


@bp.get("/metadata")
@public
def capability_statement():  # type: ignore[no-untyped-def]
    statement = build_capability_statement(
        base_url=url_for("fhir.capability_statement", _external=True).rsplit("/", 1)[0],
        date=datetime.now(UTC).date().isoformat(),
        software_version=_software_version(),
        clinic_name=current_app.config.get("CLINIC_NAME"),
    )
    return fhir_response(statement)


@bp.get(f"/Questionnaire/{QUESTIONNAIRE_ID}")
@public
def questionnaire():  # type: ignore[no-untyped-def]
    return fhir_response(records.questionnaire_resource())


# -- patient data ----------------------------------------------------------------------------


@bp.get("/<resource_type>/<resource_id>")
@api_reader
def read(resource_type: str, resource_id: str):  # type: ignore[no-untyped-def]
    if resource_type == "Questionnaire":
        raise Problem(
            404, "not-found", f"The one questionnaire is Questionnaire/{QUESTIONNAIRE_ID}."
        )
    resource_type = _resource_type(resource_type)
    actor = reader()
    found = records.read(resource_type, resource_id)
    if found is None:
        raise Problem(404, "not-found", f"{resource_type}/{resource_id} is not known here.")
    resource, public_id = found
    records.record_reads(actor, [public_id], f"FHIR read {resource_type}", client_ip())
    return fhir_response(resource)


@bp.get("/<resource_type>")
@api_reader
def search(resource_type: str):  # type: ignore[no-untyped-def]
    resource_type = _resource_type(resource_type)
    actor = reader()
    try:
        criteria = parse_search(
            resource_type, request.args, int(current_app.config["FHIR_MAX_PAGE_SIZE"])
        )
    except SearchError as exc:
        raise Problem(400, "invalid", str(exc)) from exc
    page = records.search(criteria)
    records.record_reads(actor, page.screening_ids, f"FHIR search {resource_type}", client_ip())
    return fhir_response(_bundle(resource_type, page))


def _link(resource_type: str, args: MultiDict) -> str:
    return url_for(
        "fhir.search", resource_type=resource_type, _external=True, **args.to_dict(flat=False)
    )


def _bundle(resource_type: str, page: records.SearchPage) -> dict[str, Any]:
    links = [{"relation": "self", "url": _link(resource_type, request.args)}]
    if page.next_cursor is not None:
        following = MultiDict(request.args)
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


ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@bp.route("/", defaults={"anything": ""}, methods=ANY_METHOD)
@bp.route("/<path:anything>", methods=ANY_METHOD)
@public
def not_served(anything: str):  # type: ignore[no-untyped-def]
    """Anything else under /fhir: an OperationOutcome, not the HTML error page."""
    if request.method not in ("GET", "HEAD"):
        raise Problem(405, "not-supported", "This FHIR API is read-only (GET).")
    raise Problem(404, "not-found", f"/fhir/{anything} is not served here.")
