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
