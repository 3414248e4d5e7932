"""The FHIR side of the command line: `api-token`, `export --format fhir`, and `evaluate` /
`pdf` reading a QuestionnaireResponse."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.fhir import build_questionnaire_response
from screening.models import ApiClient, AuditEvent, Screening
from screening.questionnaire import QUESTIONNAIRE
from tests.fhir.helpers import CANONICAL, EXAMPLES, example, valid_examples, validate_r4b
from tests.staff.helpers import submitted_example


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"FHIR_CANONICAL_BASE": CANONICAL.base}


# -- api-token -------------------------------------------------------------------------------


def test_create_prints_the_token_once_on_its_own_line_and_stores_a_hash(runner, client):
    result = runner.invoke(args=["api-token", "create", "--name", "EHR"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert result.stdout == token + "\n"
    assert token.startswith("miss_") and len(token) > 40
    stored = db.session.scalar(select(ApiClient).where(ApiClient.name == "EHR"))
    assert stored is not None and token not in stored.token_hash
    response = client.get("/fhir/Patient", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "create_api_token" in actions


def test_a_name_is_never_reused(runner):
    assert runner.invoke(args=["api-token", "create", "--name", "EHR"]).exit_code == 0
    again = runner.invoke(args=["api-token", "create", "--name", "ehr"])
    assert again.exit_code == 1 and "already a client named" in again.output


def test_revoke_stops_the_token(runner, client):
    token = runner.invoke(args=["api-token", "create", "--name", "Lab"]).stdout.strip()
    assert runner.invoke(args=["api-token", "revoke", "Lab"]).exit_code == 0
    response = client.get("/fhir/Patient", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    unknown = runner.invoke(args=["api-token", "revoke", "Nobody"])
    assert unknown.exit_code == 1 and "No API client" in unknown.output
    listing = runner.invoke(args=["api-token", "list"])
    assert "Lab" in listing.stdout and "revoked" in listing.stdout and token not in listing.stdout


# -- export ----------------------------------------------------------------------------------


def _read_ndjson(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_fhir_export_writes_one_ndjson_file_per_resource_type(runner, tmp_path):
    first = submitted_example("cervical_myelopathy")
    second = submitted_example("after_fusion")
    out = tmp_path / "export"
    result = runner.invoke(args=["export", "--format", "fhir", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in out.iterdir())
    assert files == sorted(
        f"{kind}.ndjson"
        for kind in (
            "Questionnaire",
            "Patient",
            "QuestionnaireResponse",
            "RiskAssessment",
            "Observation",
            "DocumentReference",
        )
    )
    for path in out.iterdir():
        resources = _read_ndjson(path)
        assert {r["resourceType"] for r in resources} == {path.stem}
        for resource in resources:
            validate_r4b(resource)
    ids = {r["id"] for r in _read_ndjson(out / "QuestionnaireResponse.ndjson")}
    assert ids == {s.public_id.replace("_", ".") for s in (first, second)}
    # cervical_myelopathy has neck and arm pain; after_fusion has neither.
    assert len(_read_ndjson(out / "Observation.ndjson")) == 11 + 9
    # One row per screening that left (as the JSON-lines export and the API record), then
    # the total.
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert sorted(r.screening_public_id for r in rows if r.screening_public_id) == sorted(
        s.public_id for s in (first, second)
    )
    assert [r.detail for r in rows if not r.screening_public_id] == [
        "FHIR export: 2 screenings, 29 resources"
    ]


def test_a_fhir_export_that_fails_part_way_leaves_no_partial_file(runner, tmp_path, monkeypatch):
    """A full disk fails the write, and closing a file with data still buffered fails again:
    the partial files (patient data) went on being left behind, hidden as `.<Type>.*.part`."""
    from screening.services import fhir_records

    submitted_example("after_fusion")
    out = tmp_path / "export"
    real_fdopen = fhir_records.os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def write(self, text):
            raise OSError(28, "No space left on device")

        def close(self):
            self.handle.close()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(fhir_records.os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    result = runner.invoke(args=["export", "--format", "fhir", "-o", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert list(out.iterdir()) == []


def test_since_exports_only_what_changed_since(runner, tmp_path):
    old = submitted_example("after_fusion")
    new = submitted_example("stenosis")
    long_ago = datetime.now(UTC) - timedelta(days=30)
    db.session.execute(
        Screening.__table__.update().where(Screening.id == old.id).values(submitted_at=long_ago)
    )
    from screening.models import Summary

    db.session.execute(
        Summary.__table__.update()
        .where(Summary.screening_id == old.id)
        .values(generated_at=long_ago)
    )
    db.session.commit()
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    out = tmp_path / "incremental"
    result = runner.invoke(args=["export", "--format", "fhir", "-o", str(out), "--since", since])
    assert result.exit_code == 0, result.output
    for kind in ("Patient", "QuestionnaireResponse", "RiskAssessment", "DocumentReference"):
        ids = {r["id"] for r in _read_ndjson(out / f"{kind}.ndjson")}
        assert ids == {new.public_id.replace("_", ".")}, kind


@pytest.mark.parametrize("since", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"])
def test_a_since_at_the_calendars_end_is_a_usage_error(runner, tmp_path, since):
    result = runner.invoke(
        args=["export", "--format", "fhir", "-o", str(tmp_path), "--since", since]
    )
    assert result.exit_code == 2
    assert "end or start of the calendar" in result.output


@pytest.mark.parametrize("since", ["2026-11-30 11:41:50", "2026-11-30T11:41"])
def test_a_since_time_without_its_zone_is_a_usage_error(runner, tmp_path, since):
    """A time with a space and no zone was read as UTC without a word: in a New York clinic,
    five hours of changes were left out (or put in) silently."""
    result = runner.invoke(
        args=["export", "--format", "fhir", "-o", str(tmp_path), "--since", since]
    )
    assert result.exit_code == 2
    assert "give the time zone too" in result.output
    assert not list(tmp_path.iterdir())


def test_an_export_cut_short_is_still_audited(runner, monkeypatch):
    """`screening export | head`: the reader goes away after the first line. That screening
    left the app, so it is in the trail (nothing was recorded when the export did not end)."""
    from screening.commands import audit as audit_command
    from screening.commands import export

    first = submitted_example("after_fusion")
    submitted_example("stenosis")

    def pipe_closed(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(export.click, "echo", pipe_closed)
    result = runner.invoke(args=["export"])
    assert result.exit_code == 1  # click ends a command whose reader went away
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(r.screening_public_id, r.detail) for r in rows] == [
        (first.public_id, None),
        (None, "1 screenings exported"),
    ]
    monkeypatch.setattr(audit_command.click, "echo", pipe_closed)
    runner.invoke(args=["audit"])
    assert db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "export_audit")
    ).all() == ["1 events"]


def test_fhir_export_needs_a_folder_and_jsonl_stays_the_default(runner, tmp_path):
    submitted_example("stenosis")
    missing = runner.invoke(args=["export", "--format", "fhir"])
    assert missing.exit_code == 2 and "-o DIR" in missing.output
    lines = runner.invoke(args=["export"]).stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["answers"]["first_name"]


# -- evaluate and pdf read a QuestionnaireResponse --------------------------------------------


def _response_file(tmp_path: Path, name: str) -> Path:
    answers, _as_of = example(name)
    path = tmp_path / f"{name}.response.json"
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    path.write_text(json.dumps(response))
    return path


@pytest.mark.parametrize("name", valid_examples())
def test_evaluate_gives_the_same_result_for_the_response_as_for_the_answer_set(
    runner, tmp_path, name
):
    as_of = example(name)[1].isoformat()
    from_answers = runner.invoke(
        args=["evaluate", str(EXAMPLES / f"{name}.answers.json"), "--as-of", as_of]
    )
    from_response = runner.invoke(
        args=["evaluate", str(_response_file(tmp_path, name)), "--as-of", as_of]
    )
    assert from_answers.exit_code == from_response.exit_code == 0, from_response.output
    assert from_response.stdout == from_answers.stdout


def test_pdf_renders_from_a_response(runner, tmp_path):
    out = tmp_path / "summary.pdf"
    result = runner.invoke(
        args=[
            "pdf",
            str(_response_file(tmp_path, "stenosis")),
            "-o",
            str(out),
            "--as-of",
            "2026-11-21",
        ]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_a_response_that_does_not_fit_exits_2_naming_each_link_id(runner, tmp_path):
    path = _response_file(tmp_path, "stenosis")
    response = json.loads(path.read_text())
    about, _surgery, symptoms = response["item"][:3]
    about["item"][0]["linkId"] = "nickname"
    symptoms["item"][0]["answer"] = [{"valueString": "seven"}]
    for node in symptoms["item"]:
        if node["linkId"] == "walking_limit":
            node["answer"][0]["valueCoding"]["code"] = "a_mile"
    path.write_text(json.dumps(response))
    for command in (["evaluate", str(path)], ["pdf", str(path), "-o", str(tmp_path / "x.pdf")]):
        result = runner.invoke(args=[*command, "--as-of", "2026-11-21"])
        assert result.exit_code == 2
        assert result.stdout == ""
        errors = result.stderr.splitlines()
        # Every problem at once: the reader's, then the validator's (first_name was renamed
        # "nickname", so it is also missing).
        assert [line.split(":")[1].strip() for line in errors] == [
            "nickname",
            "back_pain_nrs",
            "walking_limit",
            "first_name",
        ]
    assert not (tmp_path / "x.pdf").exists()


def test_a_refused_answer_in_one_operation_is_named_once_with_its_operation(runner, tmp_path):
    """The reader refuses the second operation's procedure; the validator, which then finds it
    unanswered, must not name it again, nor the first operation's."""
    answers, _as_of = example("after_fusion")
    answers["surgeries"].append(dict(answers["surgeries"][0], year=1800))
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    surgery = next(group for group in response["item"] if group["linkId"] == "surgery")
    second = [node for node in surgery["item"] if node["linkId"] == "surgeries"][1]
    procedure = next(node for node in second["item"] if node["linkId"] == "procedure")
    procedure["answer"][0]["valueCoding"]["code"] = "laser"
    path = tmp_path / "two.response.json"
    path.write_text(json.dumps(response))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert result.exit_code == 2 and result.stdout == ""
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == [
        "surgeries[1].procedure",
        "surgeries[1].year",
    ]


def test_a_response_missing_a_required_answer_is_named_by_the_validator(runner, tmp_path):
    path = _response_file(tmp_path, "stenosis")
    response = json.loads(path.read_text())
    symptoms = response["item"][2]
    symptoms["item"] = [node for node in symptoms["item"] if node["linkId"] != "night_pain"]
    path.write_text(json.dumps(response))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: night_pain:")


def test_another_resource_type_is_refused(runner, tmp_path):
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"resourceType": "Patient", "id": "x"}))
    result = runner.invoke(args=["evaluate", str(path)])
    assert result.exit_code == 2
    assert "error: resourceType:" in result.stderr


def test_the_validators_problems_come_with_the_readers(runner, tmp_path):
    """`screening evaluate` stopped at the first kind of problem: a wrong type hid a missing
    required answer, which the patient's clinic then learned of only on the next try."""
    path = _response_file(tmp_path, "stenosis")
    response = json.loads(path.read_text())
    for group in response["item"]:
        group["item"] = [node for node in group["item"] if node["linkId"] != "smoking"]
        for node in group["item"]:
            if node["linkId"] == "sex":
                node["answer"] = [{"valueInteger": 2}]
    path.write_text(json.dumps(response))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert result.exit_code == 2
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == [
        "sex",
        "smoking",
    ]
