"""The /fhir read API: public questionnaire and metadata, bearer tokens and clinician sessions,
OperationOutcome on every error, searches with paging, and the audit of every read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, insert, select

from screening.extensions import db
from screening.models import ApiClient, AuditEvent, Screening
from screening.services import api_clients
from screening.services.access import new_public_id
from tests.fhir.helpers import validate_r4b
from tests.staff.helpers import make_user, sign_in, submitted_example

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"FHIR_CANONICAL_BASE": "https://clinic.example/fhir"}


@pytest.fixture
def token(app) -> str:
    return api_clients.create_client("EHR").token


@pytest.fixture
def screening(app) -> Screening:
    """A screening submitted through the real service (real evaluation, real PDF)."""
    return submitted_example("cervical_myelopathy")


def fid(screening: Screening) -> str:
    return screening.public_id.replace("_", ".")


def get(client, url: str, token: str | None = None, **headers: str):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(url, headers=headers)


def outcome(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == FHIR_JSON
    body = response.get_json(force=True)
    validate_r4b(body)
    assert body["resourceType"] == "OperationOutcome"
    return body


# -- public ----------------------------------------------------------------------------------


def test_the_questionnaire_and_metadata_need_no_sign_in(client):
    questionnaire = client.get("/fhir/Questionnaire/miss-screening")
    assert questionnaire.status_code == 200 and questionnaire.mimetype == FHIR_JSON
    body = questionnaire.get_json(force=True)
    validate_r4b(body)
    assert body["url"] == "https://clinic.example/fhir/Questionnaire/miss-screening"
    metadata = client.get("/fhir/metadata")
    assert metadata.status_code == 200 and metadata.mimetype == FHIR_JSON
    statement = metadata.get_json(force=True)
    validate_r4b(statement)
    served = {resource["type"] for resource in statement["rest"][0]["resource"]}
    assert served == {
        "Questionnaire",
        "Patient",
        "QuestionnaireResponse",
        "RiskAssessment",
        "Observation",
        "DocumentReference",
    }


# -- who may read ----------------------------------------------------------------------------


def test_a_token_reads_every_resource_of_a_screening(client, token, screening):
    for path in (
        f"QuestionnaireResponse/{fid(screening)}",
        f"Patient/{fid(screening)}",
        f"RiskAssessment/{fid(screening)}",
        f"Observation/{fid(screening)}-phq2",
        f"Observation/{fid(screening)}-neck-pain",
        f"DocumentReference/{fid(screening)}",
    ):
        response = get(client, f"/fhir/{path}", token)
        assert response.status_code == 200, path
        assert response.mimetype == FHIR_JSON
        resource = response.get_json(force=True)
        validate_r4b(resource)
        assert f"{resource['resourceType']}/{resource['id']}" == path
    document = get(client, f"/fhir/DocumentReference/{fid(screening)}", token).get_json(force=True)
    assert document["content"][0]["attachment"]["size"] == len(screening.summary.pdf)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer miss_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "miss_x"],
    ids=["missing", "wrong", "empty", "basic", "no-scheme"],
)
def test_no_or_a_wrong_token_is_401_with_an_operation_outcome(
    client, token, screening, authorization
):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(f"/fhir/QuestionnaireResponse/{fid(screening)}", headers=headers)
    body = outcome(response, 401)
    assert body["issue"][0]["code"] == "login"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Searching is guarded the same way.
    outcome(client.get("/fhir/QuestionnaireResponse", headers=headers), 401)


def test_a_revoked_token_is_401(client, token, screening):
    assert get(client, f"/fhir/Patient/{fid(screening)}", token).status_code == 200
    api_clients.revoke_client("EHR")
    outcome(get(client, f"/fhir/Patient/{fid(screening)}", token), 401)


def test_tokens_are_stored_hashed(app, token):
    stored = db.session.scalar(select(ApiClient.token_hash))
    assert token not in stored and stored == api_clients.hash_token(token)


def test_a_clinician_session_reads(client, screening):
    clinician = make_user("clinician")
    sign_in(client, clinician)
    response = client.get(f"/fhir/RiskAssessment/{fid(screening)}")
    assert response.status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fhir_read")).one()
    assert event.actor == clinician.email


@pytest.mark.parametrize("role", ["front_desk", "admin"])
def test_front_desk_and_admin_are_403(client, screening, role):
    sign_in(client, make_user(role))
    outcome(client.get(f"/fhir/QuestionnaireResponse/{fid(screening)}"), 403)
    outcome(client.get("/fhir/QuestionnaireResponse?status=completed"), 403)


# -- errors ----------------------------------------------------------------------------------


def test_unknown_ids_types_and_paths_are_404_operation_outcomes(client, token, screening):
    outcome(get(client, "/fhir/QuestionnaireResponse/nobody", token), 404)
    outcome(get(client, f"/fhir/Observation/{fid(screening)}-shoe-size", token), 404)
    outcome(get(client, "/fhir/Encounter", token), 404)
    outcome(get(client, "/fhir/Questionnaire/phq-9", token), 404)
    outcome(get(client, "/fhir/a/b/c", token), 404)
    outcome(get(client, "/fhir/", token), 404)


def test_writing_is_405(client, token):
    outcome(
        client.post("/fhir/QuestionnaireResponse", headers={"Authorization": f"Bearer {token}"}),
        405,
    )


def test_an_in_progress_screening_is_not_a_resource(client, token):
    from tests.staff.helpers import make_screening

    unfinished = make_screening(status="in_progress", answers={"first_name": "Kim"})
    outcome(get(client, f"/fhir/Patient/{fid(unfinished)}", token), 404)


@pytest.mark.parametrize(
    "query",
    [
        "colour=blue",
        "status=completed&_sort=-authored",
        "_lastUpdated=yesterday",
        "_lastUpdated=ne2026-01-01",
        "_lastUpdated=ge2026-01-01T10:00",
        "_count=lots",
        "_count=0",
        "_count=%C2%B2",  # "²": a digit to str.isdigit, not to int()
        "_lastUpdated=9999-12-31",  # the day after is off the calendar
        "_lastUpdated=ge9999-12-31T23:59:59Z",
        "_lastUpdated=0001-01-01T00:00:00%2B01:00",
        "patient=Encounter/123",
        "_cursor=garbage",
        "status=completed&status=amended",
        "_lastUpdated=%D9%A2%D9%A0%D9%A2%D9%A6-01-01",  # Arabic-Indic digits: \\d takes them
        "_lastUpdated=2026-01-01T09:%D9%A3%D9%A0:00Z",
        "_cursor=abc:%D9%A1",
        "_lastUpdated=ge2026-01-01&_lastUpdated=lt2026-02-01&_lastUpdated=lt2026-03-01",
    ],
)
def test_bad_search_parameters_are_400_saying_what_is_wrong(client, token, query):
    body = outcome(get(client, f"/fhir/QuestionnaireResponse?{query}", token), 400)
    assert body["issue"][0]["diagnostics"]


# -- search ----------------------------------------------------------------------------------


def _entries(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == FHIR_JSON
    bundle = response.get_json(force=True)
    validate_r4b(bundle)
    assert bundle["type"] == "searchset"
    return [entry["resource"] for entry in bundle.get("entry", [])]


def test_search_by_last_updated_status_and_patient(client, token, screening):
    other = submitted_example("after_fusion")
    now = datetime.now(UTC)
    db.session.execute(
        Screening.__table__.update()
        .where(Screening.id == other.id)
        .values(submitted_at=now - timedelta(days=10))
    )
    db.session.commit()
    since = (now - timedelta(days=1)).date().isoformat()
    recent = _entries(
        get(client, f"/fhir/QuestionnaireResponse?_lastUpdated=ge{since}&status=completed", token)
    )
    assert [r["id"] for r in recent] == [fid(screening)]
    both = _entries(get(client, "/fhir/QuestionnaireResponse?status=completed", token))
    assert {r["id"] for r in both} == {fid(screening), fid(other)}
    assert _entries(get(client, "/fhir/QuestionnaireResponse?status=in-progress", token)) == []
    older = _entries(get(client, f"/fhir/QuestionnaireResponse?_lastUpdated=lt{since}", token))
    assert [r["id"] for r in older] == [fid(other)]
    mine = _entries(get(client, f"/fhir/Observation?patient=Patient/{fid(other)}", token))
    assert mine and {r["subject"]["reference"] for r in mine} == {f"Patient/{fid(other)}"}
    phq2 = _entries(get(client, "/fhir/Observation?code=http://loinc.org|55758-7", token))
    assert {r["id"] for r in phq2} == {f"{fid(screening)}-phq2", f"{fid(other)}-phq2"}


def test_every_read_is_audited_with_the_client_name(client, token, screening):
    get(client, f"/fhir/Patient/{fid(screening)}", token)
    get(client, "/fhir/Observation", token)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "fhir_read").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor, e.screening_public_id, e.detail) for e in events] == [
        ("api:ehr", screening.public_id, "FHIR read Patient"),
        ("api:ehr", screening.public_id, "FHIR search Observation"),
    ]


def _insert_submitted_copies(template: Screening, count: int) -> set[str]:
    """`count` more submitted screenings like `template`, in one INSERT (fast on any database)."""
    start = datetime.now(UTC) - timedelta(hours=2)
    rows = []
    for n in range(count):
        rows.append(
            {
                "public_id": new_public_id(),
                "status": "submitted",
                "answers_json": template.answers_json,
                "questionnaire_version": template.questionnaire_version,
                "token_hash": f"{n:064d}",
                "submitted_at": start + timedelta(seconds=n),
                "created_at": start,
                "updated_at": start,
                "evaluation_json": template.evaluation_json,
                "triage": template.triage,
                "triage_rank": template.triage_rank,
                "rules_version": template.rules_version,
                "dob_failures": 0,
            }
        )
    db.session.execute(insert(Screening), rows)
    db.session.commit()
    return {row["public_id"].replace("_", ".") for row in rows}


def _follow(client, token: str, url: str) -> tuple[list[dict[str, Any]], int]:
    resources: list[dict[str, Any]] = []
    pages = 0
    while url:
        parts = urlsplit(url)
        response = get(client, f"{parts.path}?{parts.query}" if parts.query else parts.path, token)
        resources += _entries(response)
        pages += 1
        bundle = response.get_json(force=True)
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), "")
        assert pages < 1000
    return resources, pages


def test_paging_over_250_screenings_returns_each_once(client, token, screening):
    expected = _insert_submitted_copies(screening, 250) | {fid(screening)}
    resources, pages = _follow(
        client, token, "/fhir/QuestionnaireResponse?status=completed&_count=40"
    )
    ids = [resource["id"] for resource in resources]
    assert len(ids) == len(set(ids)) == 251
    assert set(ids) == expected
    assert pages == 7


def test_observation_pages_may_end_inside_a_screening_without_repeats(client, token, screening):
    _insert_submitted_copies(screening, 3)
    every = _entries(get(client, "/fhir/Observation?_count=100", token))
    paged, _pages = _follow(client, token, "/fhir/Observation?_count=7")
    assert [r["id"] for r in paged] == [r["id"] for r in every]
    assert len(every) == 4 * 11


def test_count_is_capped_by_the_page_size_setting(app, client, token, screening):
    _insert_submitted_copies(screening, 5)
    app.config["FHIR_MAX_PAGE_SIZE"] = 2
    assert len(_entries(get(client, "/fhir/Patient?_count=50", token))) == 2


def test_audit_rows_per_screening_in_a_page(client, token, screening):
    _insert_submitted_copies(screening, 4)
    get(client, "/fhir/Patient?_count=3", token)
    count = db.session.scalar(select(func.count()).where(AuditEvent.action == "fhir_read"))
    assert count == 3


def test_bundle_entries_have_full_urls(client, token, screening):
    response = get(client, "/fhir/DocumentReference", token)
    bundle = json.loads(response.get_data(as_text=True))
    (entry,) = bundle["entry"]
    assert entry["fullUrl"] == f"http://localhost/fhir/DocumentReference/{fid(screening)}"
    assert entry["search"] == {"mode": "match"}


def test_an_unexpected_failure_is_a_500_operation_outcome_without_details(
    app, client, token, screening, monkeypatch
):
    from screening.services import fhir_records

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database fell over: Jordan Reyes")

    monkeypatch.setattr(fhir_records, "read", broken)
    response = get(client, f"/fhir/Patient/{fid(screening)}", token)
    body = outcome(response, 500)
    assert "Jordan" not in response.get_data(as_text=True)
    assert body["issue"][0]["code"] == "exception"


# -- QA of the API's edges -------------------------------------------------------------------

STAFF_ID = "dOvJ_9MA5rF9OUYEIToacw"  # as the staff pages and the audit trail show it


@pytest.fixture
def underscored(screening: Screening) -> Screening:
    """The screening, with a public id holding `_` (a random one does only now and then)."""
    db.session.execute(
        Screening.__table__.update().where(Screening.id == screening.id).values(public_id=STAFF_ID)
    )
    db.session.commit()
    db.session.refresh(screening)
    return screening


def _diagnostics(response, status: int) -> str:
    return outcome(response, status)["issue"][0]["diagnostics"]


def _links(response) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in response.get_json(force=True)["link"]}


def test_an_id_copied_from_the_staff_side_reads_the_same_resources(client, token, underscored):
    fhir = STAFF_ID.replace("_", ".")
    for path, expected in (
        (f"Patient/{STAFF_ID}", fhir),
        (f"Observation/{STAFF_ID}-phq2", f"{fhir}-phq2"),
    ):
        response = get(client, f"/fhir/{path}", token)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json(force=True)["id"] == expected  # the proper FHIR id
    assert [r["id"] for r in _entries(get(client, f"/fhir/Patient?_id={STAFF_ID}", token))] == [
        fhir
    ]
    for patient in (STAFF_ID, f"Patient/{STAFF_ID}"):
        found = _entries(get(client, f"/fhir/RiskAssessment?patient={patient}", token))
        assert [r["id"] for r in found] == [fhir]


@pytest.mark.parametrize(
    ("name", "value", "times", "says"),
    [
        ("_lastUpdated", "ge2026-01-01", 500, "at most twice"),
        ("_id", "abc", 101, "at most 100"),
        ("status", "completed", 101, "at most 100"),
    ],
)
def test_a_parameter_given_too_often_is_a_400_not_a_500(client, token, name, value, times, says):
    if name == "_lastUpdated":
        query = "&".join([f"{name}={value}"] * times)
    else:
        query = f"{name}=" + ",".join([value] * times)
    assert says in _diagnostics(get(client, f"/fhir/QuestionnaireResponse?{query}", token), 400)


def test_at_most_100_codes(client, token):
    codes = ",".join(f"http://loinc.org|{n}" for n in range(101))
    assert "at most 100" in _diagnostics(get(client, f"/fhir/Observation?code={codes}", token), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/metadata",
        "/fhir/Questionnaire/miss-screening",
        "/fhir/Patient/{id}",
        "/fhir/Patient",
    ],
)
def test_one_format_rule_on_every_endpoint(client, token, screening, path):
    url = path.format(id=fid(screening))
    for fmt in ("xml", "application/fhir%2Bxml", "", "html"):
        diagnostics = _diagnostics(get(client, f"{url}?_format={fmt}", token), 406)
        assert "only JSON" in diagnostics
    for accept in ("application/fhir+xml", "application/xml, text/xml;q=0.5", "text/html"):
        assert "only JSON" in _diagnostics(get(client, url, token, Accept=accept), 406)
    for fmt in ("json", "application/json", "application/fhir%2Bjson", "application/fhir+json"):
        # The last one: an unencoded + reads as a space, and can only mean fhir+json.
        assert get(client, f"{url}?_format={fmt}", token).status_code == 200, fmt
    for accept in (
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/fhir+xml;q=1.0, application/fhir+json;q=0.9",
        "application/fhir+json; fhirVersion=4.0",
        "application/json",
    ):
        assert get(client, url, token, Accept=accept).status_code == 200, accept


def test_a_time_zone_plus_left_unencoded_is_explained(client, token):
    url = "/fhir/Patient?_lastUpdated=ge2026-11-01T09:30:00+01:00"
    assert "%2B" in _diagnostics(get(client, url, token), 400)
    encoded = "/fhir/Patient?_lastUpdated=ge2026-11-01T09:30:00%2B01:00"
    assert get(client, encoded, token).status_code == 200


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "OPTIONS", "POST", "DELETE", "PATCH"])
@pytest.mark.parametrize(
    "path", ["/fhir", "/fhir/", "/fhir/metadata", "/fhir/Patient", "/fhir/Patient/x", "/fhir/a/b"]
)
def test_any_other_method_is_a_405_operation_outcome(client, token, method, path):
    response = client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})
    assert response.headers["Allow"] == "GET, HEAD"
    assert method in _diagnostics(response, 405)


def test_the_base_itself_points_to_the_metadata(client, token):
    for path in ("/fhir", "/fhir/", "/fhir?_lastUpdated=ge2026-01-01"):
        assert "http://localhost/fhir/metadata" in _diagnostics(get(client, path, token), 404)
    assert client.head("/fhir/metadata").status_code == 200


def test_a_doubled_slash_is_redirected_as_fhir_json(client):
    response = client.get("/fhir//metadata")
    assert response.status_code == 308 and response.mimetype == FHIR_JSON
    assert response.headers["Location"].endswith("/fhir/metadata")
    validate_r4b(response.get_json(force=True))


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("status=", "in-progress, completed, amended"),
        ("status=bogus", "in-progress, completed, amended"),
        ("status=completed,", "in-progress, completed, amended"),
        ("patient=Patient/", "not a Patient id"),
        ("patient=Patient/{id}/", "not a Patient id"),
        ("patient=http://other.example/fhir/Patient/{id}", "http://localhost/fhir/Patient/<id>"),
        ("patient=http://localhost/Patient/{id}", "not a Patient of this server"),
    ],
)
def test_odd_filter_values_are_400(client, token, screening, query, says):
    url = f"/fhir/QuestionnaireResponse?{query.format(id=fid(screening))}"
    assert says in _diagnostics(get(client, url, token), 400)


def test_absolute_patient_references_on_this_server_match(client, token, screening):
    for base in ("http://localhost/fhir", "HTTPS://clinic.example/fhir/"):  # served, canonical
        url = f"/fhir/QuestionnaireResponse?patient={base}Patient/{fid(screening)}"
        url = url.replace("fhirPatient", "fhir/Patient")
        assert [r["id"] for r in _entries(get(client, url, token))] == [fid(screening)]
    valid = _entries(get(client, "/fhir/Observation?status=cancelled,final&_count=100", token))
    assert len(valid) == 11


def test_a_code_with_no_system_matches_nothing(client, token, screening):
    """In FHIR `|code` is a code with no system; every code here has one."""
    assert _entries(get(client, "/fhir/Observation?code=|55758-7", token)) == []
    mixed = _entries(get(client, "/fhir/Observation?code=|55758-7,http://loinc.org|70274-6", token))
    assert [r["id"] for r in mixed] == [f"{fid(screening)}-gad2"]


def test_links_carry_the_count_actually_used(app, client, token, screening):
    _insert_submitted_copies(screening, 3)
    app.config["FHIR_MAX_PAGE_SIZE"] = 2
    response = get(client, "/fhir/Patient?_count=100000", token)
    links = _links(response)
    for relation in ("self", "next"):
        counts = [p for p in urlsplit(links[relation]).query.split("&") if p.startswith("_count")]
        assert counts == ["_count=2"], links[relation]


def _refusals() -> list[tuple[str, str]]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_refused").order_by(AuditEvent.id)
    ).all()
    return [(e.actor, e.detail) for e in events]


def test_a_refused_token_is_audited_without_the_token(client, token, screening):
    path = f"/fhir/Patient/{fid(screening)}"
    outcome(get(client, path, "miss_not-a-real-token"), 401)
    outcome(client.get("/fhir/Observation", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)
    api_clients.revoke_client("EHR")
    outcome(get(client, path, token), 401)
    assert _refusals() == [
        ("api:unknown-token", f"GET {path} (unknown token)"),
        ("api:unknown-token", "GET /fhir/Observation (unknown token)"),
        ("api:ehr", f"GET {path} (revoked token)"),
    ]
    stored = db.session.scalars(select(AuditEvent)).all()
    assert not any(token in repr(vars(e)) or "not-a-real" in repr(vars(e)) for e in stored)
    # Asking with no credentials at all is a 401 with no row (nobody to name).
    outcome(client.get(path), 401)
    assert len(_refusals()) == 3


def test_head_sends_no_data_and_records_no_read(client, token, screening):
    assert (
        client.head("/fhir/Observation", headers={"Authorization": f"Bearer {token}"}).data == b""
    )
    response = client.head(
        f"/fhir/Patient/{fid(screening)}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "fhir_read")) == 0
    get(client, f"/fhir/Patient/{fid(screening)}", token)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "fhir_read")) == 1
