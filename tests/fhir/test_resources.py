"""A submitted screening as Patient, QuestionnaireResponse, RiskAssessment, Observations and
DocumentReference: each valid R4 (R4B models), with the LOINC codes and units asserted."""

from __future__ import annotations

import base64
import hashlib

import pytest

from screening.fhir import RESOURCE_TYPES, StoredScreening, resources_for
from screening.fhir.resources import StoredSummary
from screening.questionnaire import QUESTIONNAIRE
from tests.fhir.helpers import BASE, CANONICAL, evaluation_of, example, moment, validate_r4b

PDF = b"%PDF-1.7\n% synthetic summary for the tests\n%%EOF\n"


def stored(name: str, **changes) -> StoredScreening:
    answers, as_of = example(name)
    answers = {**answers, **changes}
    return StoredScreening(
        public_id="Ab_cD-12ef",
        questionnaire_version=QUESTIONNAIRE.version,
        answers=answers,
        evaluation=evaluation_of(answers, as_of),
        submitted_at=moment("2026-11-21T14:03:09"),
        summary=StoredSummary(PDF, moment("2026-11-21T14:03:11")),
    )


def one(screening: StoredScreening, resource_type: str) -> dict:
    (resource,) = resources_for(screening, resource_type, QUESTIONNAIRE, CANONICAL)
    return resource


@pytest.mark.parametrize("name", ["cervical_myelopathy", "after_fusion", "cauda_equina_warning"])
def test_every_resource_validates_as_r4(name):
    screening = stored(name)
    for resource_type in RESOURCE_TYPES:
        for resource in resources_for(screening, resource_type, QUESTIONNAIRE, CANONICAL):
            validate_r4b(resource)
            assert resource["id"].startswith("Ab.cD-12ef")  # "_" is not allowed in FHIR ids


def test_the_patient_holds_name_birth_date_phone_and_email():
    patient = one(stored("disc_herniation", email="sam@example.org"), "Patient")
    answers, _ = example("disc_herniation")
    assert patient["name"] == [{"family": answers["last_name"], "given": [answers["first_name"]]}]
    assert patient["birthDate"] == answers["date_of_birth"]
    assert {"system": "phone", "value": answers["phone"]} in patient["telecom"]
    assert {"system": "email", "value": "sam@example.org"} in patient["telecom"]
    assert patient["identifier"] == [
        {"system": f"{BASE}/NamingSystem/screening", "value": "Ab_cD-12ef"}
    ]


def test_the_patient_has_no_email_when_none_was_given():
    screening = stored("disc_herniation")
    bare = StoredScreening(
        **{
            **screening.__dict__,
            "answers": {k: v for k, v in screening.answers.items() if k != "email"},
        }
    )
    patient = one(bare, "Patient")
    assert [entry["system"] for entry in patient["telecom"]] == ["phone"]


def _quantity(resource: dict) -> tuple[str, str, object]:
    coding = resource["code"]["coding"][0]
    quantity = resource["valueQuantity"]
    assert quantity["system"] == "http://unitsofmeasure.org"
    return coding["system"], coding["code"], (quantity["code"], quantity["value"])


def test_scores_are_observations_with_loinc_codes_and_ucum_units():
    screening = stored("cervical_myelopathy")
    scores = screening.evaluation["scores"]
    by_id = {r["id"]: r for r in resources_for(screening, "Observation", QUESTIONNAIRE, CANONICAL)}
    loinc = "http://loinc.org"
    expected = {
        "phq2": (loinc, "55758-7", ("{score}", scores["phq2"])),
        "gad2": (loinc, "70274-6", ("{score}", scores["gad2"])),
        "back-pain": (loinc, "72514-3", ("{score}", scores["back_pain"])),
        "leg-pain": (loinc, "72514-3", ("{score}", scores["leg_pain"])),
        "neck-pain": (loinc, "72514-3", ("{score}", scores["neck_pain"])),
        "arm-pain": (loinc, "72514-3", ("{score}", scores["arm_pain"])),
        "bmi": (loinc, "39156-5", ("kg/m2", scores["bmi"])),
        "weight": (loinc, "29463-7", ("kg", screening.answers["weight_kg"])),
        "height": (loinc, "8302-2", ("cm", screening.answers["height_cm"])),
        "interference": (
            f"{BASE}/CodeSystem/miss-scores",
            "pain-interference",
            ("{score}", scores["interference"]),
        ),
        "age": (f"{BASE}/CodeSystem/miss-scores", "age", ("a", scores["age"])),
    }
    assert {key: _quantity(by_id[f"Ab.cD-12ef-{key}"]) for key in expected} == expected
    assert len(by_id) == len(expected)
    for resource in by_id.values():
        assert resource["subject"] == {"reference": "Patient/Ab.cD-12ef"}
        assert resource["derivedFrom"] == [{"reference": "QuestionnaireResponse/Ab.cD-12ef"}]
        assert resource["effectiveDateTime"] == "2026-11-21T14:03:09Z"


def test_each_pain_score_names_its_body_site():
    by_id = {
        r["id"]: r
        for r in resources_for(
            stored("cervical_myelopathy"), "Observation", QUESTIONNAIRE, CANONICAL
        )
    }
    sites = {
        key: by_id[f"Ab.cD-12ef-{key}"]["bodySite"]["coding"][0]["code"]
        for key in ("back-pain", "leg-pain", "neck-pain", "arm-pain")
    }
    assert sites == {
        "back-pain": "77568009",
        "leg-pain": "61685007",
        "neck-pain": "45048000",
        "arm-pain": "53120007",
    }


def test_scores_not_asked_have_no_observation():
    screening = stored("after_fusion")
    assert screening.evaluation["scores"]["neck_pain"] is None
    ids = {r["id"] for r in resources_for(screening, "Observation", QUESTIONNAIRE, CANONICAL)}
    assert "Ab.cD-12ef-neck-pain" not in ids and "Ab.cD-12ef-arm-pain" not in ids


def test_the_risk_assessment_carries_level_flags_rules_and_rules_version():
    screening = stored("cauda_equina_warning")
    evaluation = screening.evaluation
    risk = one(screening, "RiskAssessment")
    qualitative = risk["prediction"][0]["qualitativeRisk"]["coding"]
    assert qualitative[0] == {
        "system": f"{BASE}/CodeSystem/triage-level",
        "code": "emergency",
        "display": qualitative[0]["display"],
    }
    assert qualitative[1] == {
        "system": "http://terminology.hl7.org/CodeSystem/risk-probability",
        "code": "high",
    }
    flags = [
        ref["identifier"]["value"]
        for ref in risk["basis"]
        if ref.get("identifier", {}).get("system") == f"{BASE}/CodeSystem/red-flag"
    ]
    rules = [
        ref["identifier"]["value"]
        for ref in risk["basis"]
        if ref.get("identifier", {}).get("system") == f"{BASE}/CodeSystem/triage-rule"
    ]
    assert flags == evaluation["red_flags"] and flags
    assert rules == evaluation["triage_rules"] == ["cauda_equina"]
    assert risk["basis"][0] == {"reference": "QuestionnaireResponse/Ab.cD-12ef"}
    assert risk["method"]["coding"][0]["version"] == evaluation["rules_version"]
    assert "began in the last 2 weeks" in risk["prediction"][0]["rationale"]


def test_the_document_reference_holds_the_pdf_with_its_sha1_and_size():
    document = one(stored("stenosis"), "DocumentReference")
    attachment = document["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert base64.b64decode(attachment["data"]) == PDF
    assert attachment["size"] == len(PDF)
    assert (
        attachment["hash"]
        == base64.b64encode(hashlib.sha1(PDF, usedforsecurity=False).digest()).decode()
    )
    assert attachment["creation"] == "2026-11-21T14:03:11Z"
    assert document["meta"]["lastUpdated"] == "2026-11-21T14:03:11Z"


def test_no_pdf_no_document_reference():
    screening = stored("stenosis")
    bare = StoredScreening(**{**screening.__dict__, "summary": None})
    assert resources_for(bare, "DocumentReference", QUESTIONNAIRE, CANONICAL) == []


def test_the_stored_response_names_its_version_subject_and_time():
    response = one(stored("stenosis"), "QuestionnaireResponse")
    assert response["id"] == "Ab.cD-12ef"
    assert response["subject"] == {"reference": "Patient/Ab.cD-12ef"}
    assert response["authored"] == "2026-11-21T14:03:09Z"
    assert response["questionnaire"].endswith(f"|{QUESTIONNAIRE.version}")


def test_without_a_stored_evaluation_there_is_no_risk_assessment_and_no_scores():
    screening = stored("stenosis")
    bare = StoredScreening(**{**screening.__dict__, "evaluation": {}})
    assert resources_for(bare, "RiskAssessment", QUESTIONNAIRE, CANONICAL) == []
    kinds = {
        r["id"].removeprefix("Ab.cD-12ef-")
        for r in resources_for(bare, "Observation", QUESTIONNAIRE, CANONICAL)
    }
    assert kinds == {"weight", "height"}
