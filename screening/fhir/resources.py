"""One submitted screening as FHIR resources: Patient, QuestionnaireResponse, RiskAssessment,
Observations and a DocumentReference for the stored PDF.

The input is `StoredScreening`, plain values copied from the database row (never an ORM
object), so this stays pure and the API, the bulk export and the tests build byte-identical
resources. Each screening gets its own Patient: the app does not match patients across
screenings (the EHR does that, by name, birth date and phone); the Patient carries the
screening's id as an identifier so the EHR can link them.

Every resource of a screening shares its FHIR id (`fhir_id(public_id)`); Observations add the
score's key (`<id>-phq2`). `meta.lastUpdated` is the submission time (submitted answers never
change), or the PDF's render time for the DocumentReference (summaries can be re-rendered).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening.evaluation import catalogue
from screening.fhir.naming import (
    LOINC,
    OBSERVATION_CATEGORY,
    RISK_PROBABILITY,
    SNOMED,
    UCUM,
    Canonical,
    fhir_id,
)
from screening.fhir.response import build_questionnaire_response
from screening.questionnaire.model import Questionnaire


@dataclass(frozen=True)
class StoredSummary:
    pdf: bytes
    generated_at: datetime


@dataclass(frozen=True)
class StoredScreening:
    """What the FHIR mapping reads of a submitted screening."""

    public_id: str
    questionnaire_version: str
    answers: dict[str, Any]
    evaluation: dict[str, Any]
    submitted_at: datetime
    summary: StoredSummary | None = None

    @property
    def id(self) -> str:
        return fhir_id(self.public_id)

    @property
    def last_updated(self) -> datetime:
        return self.submitted_at


def instant(moment: datetime) -> str:
    """A FHIR instant in UTC, to the second (`2026-11-21T14:03:09Z`)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- observations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationKind:
    """One kind of Observation: where its value comes from, its code, unit and body site."""

    key: str  # the id suffix: <screening id>-<key>
    source: str  # "score:<evaluation score id>" or "answer:<item id>"
    code: tuple[str, str, str]  # system ("loinc" or "own"), code, display
    unit: tuple[str, str]  # UCUM code, human unit
    category: str | None
    body_site: tuple[str, str] | None = None  # SNOMED CT code, display


PAIN_NRS = ("loinc", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
SCORE_UNIT = ("{score}", "score")

OBSERVATION_KINDS: tuple[ObservationKind, ...] = (
    ObservationKind(
        "phq2",
        "score:phq2",
        ("loinc", "55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
        SCORE_UNIT,
        "survey",
    ),
    ObservationKind(
        "gad2",
        "score:gad2",
        (
            "loinc",
            "70274-6",
            "Generalized anxiety disorder 2 item (GAD-2) total score [Reported.PHQ]",
        ),
        SCORE_UNIT,
        "survey",
    ),
    ObservationKind(
        "back-pain",
        "score:back_pain",
        PAIN_NRS,
        SCORE_UNIT,
        "survey",
        ("77568009", "Back structure, including back of neck"),
    ),
    ObservationKind(
        "leg-pain",
        "score:leg_pain",
        PAIN_NRS,
        SCORE_UNIT,
        "survey",
        ("61685007", "Lower limb structure"),
    ),
    ObservationKind(
        "neck-pain",
        "score:neck_pain",
        PAIN_NRS,
        SCORE_UNIT,
        "survey",
        ("45048000", "Neck structure"),
    ),
    ObservationKind(
        "arm-pain",
        "score:arm_pain",
        PAIN_NRS,
        SCORE_UNIT,
        "survey",
        ("53120007", "Upper limb structure"),
    ),
    ObservationKind(
        "interference",
        "score:interference",
        ("own", "pain-interference", "Pain interference with daily life, past week (0-10)"),
        SCORE_UNIT,
        "survey",
    ),
    ObservationKind(
        "bmi",
        "score:bmi",
        ("loinc", "39156-5", "Body mass index (BMI) [Ratio]"),
        ("kg/m2", "kg/m2"),
        "vital-signs",
    ),
    ObservationKind(
        "weight",
        "answer:weight_kg",
        ("loinc", "29463-7", "Body weight"),
        ("kg", "kg"),
        "vital-signs",
    ),
    ObservationKind(
        "height",
        "answer:height_cm",
        ("loinc", "8302-2", "Body height"),
        ("cm", "cm"),
        "vital-signs",
    ),
    ObservationKind(
        "age",
        "score:age",
        ("own", "age", "Age at the screening, in whole years"),
        ("a", "years"),
        None,
    ),
)
OBSERVATION_KEYS = tuple(kind.key for kind in OBSERVATION_KINDS)


def _observation_value(kind: ObservationKind, screening: StoredScreening) -> Any:
    where, name = kind.source.split(":", 1)
    source = screening.evaluation.get("scores", {}) if where == "score" else screening.answers
    return source.get(name)


def observation(
    kind: ObservationKind, value: Any, screening: StoredScreening, canonical: Canonical
) -> dict[str, Any]:
    system, code, display = kind.code
    unit_code, unit = kind.unit
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"{screening.id}-{kind.key}",
        "meta": {"lastUpdated": instant(screening.last_updated)},
        "status": "final",
    }
    if kind.category:
        resource["category"] = [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": kind.category}]}
        ]
    resource["code"] = {
        "coding": [
            {
                "system": LOINC if system == "loinc" else canonical.code_system("miss-scores"),
                "code": code,
                "display": display,
            }
        ],
        "text": display,
    }
    resource["subject"] = {"reference": f"Patient/{screening.id}"}
    resource["effectiveDateTime"] = instant(screening.submitted_at)
    resource["valueQuantity"] = {"value": value, "unit": unit, "system": UCUM, "code": unit_code}
    if kind.body_site:
        site_code, site = kind.body_site
        resource["bodySite"] = {
            "coding": [{"system": SNOMED, "code": site_code, "display": site}],
            "text": site,
        }
    resource["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{screening.id}"}]
    return resource


def observations(screening: StoredScreening, canonical: Canonical) -> list[dict[str, Any]]:
    """One Observation per score (and height and weight) the screening has a value for."""
    out = []
    for kind in OBSERVATION_KINDS:
        value = _observation_value(kind, screening)
        if value is not None:
            out.append(observation(kind, value, screening, canonical))
    return out


# -- patient, risk, document ------------------------------------------------------------------

GENDERS = {"female": "female", "male": "male", "other": "other", "prefer_not_to_say": "unknown"}


def patient(screening: StoredScreening, canonical: Canonical) -> dict[str, Any]:
    """Who answered: name, birth date, gender, phone and email as given."""
    answers = screening.answers
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": screening.id,
        "meta": {"lastUpdated": instant(screening.last_updated)},
        "identifier": [
            {"system": canonical.screening_identifier_system, "value": screening.public_id}
        ],
    }
    name: dict[str, Any] = {}
    if answers.get("last_name"):
        name["family"] = answers["last_name"]
    if answers.get("first_name"):
        name["given"] = [answers["first_name"]]
    if name:
        resource["name"] = [name]
    telecom = []
    if answers.get("phone"):
        telecom.append({"system": "phone", "value": answers["phone"]})
    if answers.get("email"):
        telecom.append({"system": "email", "value": answers["email"]})
    if telecom:
        resource["telecom"] = telecom
    if answers.get("sex") in GENDERS:
        resource["gender"] = GENDERS[answers["sex"]]
    if answers.get("date_of_birth"):
        resource["birthDate"] = answers["date_of_birth"]
    return resource


# Our levels on HL7's general scale, for systems that know nothing of ours.
RISK_PROBABILITIES = {
    "emergency": "high",
    "urgent": "high",
    "review": "moderate",
    "routine": "low",
}


def _logical_reference(system: str, code: str, display: str) -> dict[str, Any]:
    return {"identifier": {"system": system, "value": code}, "display": display}


def _prediction(qualitative: dict[str, Any], reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """The prediction, with the triage rules' reasons (rules version 2) as its rationale."""
    prediction: dict[str, Any] = {"qualitativeRisk": qualitative}
    lines = [
        f"{reason.get('title') or reason['id']}: {reason['reason']}"
        for reason in reasons
        if reason.get("reason")
    ]
    if lines:
        prediction["rationale"] = " ".join(lines)
    return prediction


def risk_assessment(screening: StoredScreening, canonical: Canonical) -> dict[str, Any] | None:
    """The triage: the level as the prediction's qualitative risk; flags and rules as basis.

    None when the screening holds no stored evaluation (never the case for one submitted
    through the app, which evaluates in the same transaction).
    """
    evaluation = screening.evaluation
    level = evaluation.get("triage")
    if not level:
        return None
    rules_version = str(evaluation.get("rules_version", ""))
    titles = getattr(catalogue, "TRIAGE_TITLES", {})
    rule_titles = getattr(catalogue, "TRIAGE_RULE_TITLES", {})
    basis: list[dict[str, Any]] = [{"reference": f"QuestionnaireResponse/{screening.id}"}]
    for flag in evaluation.get("red_flags", []):
        basis.append(
            _logical_reference(
                canonical.code_system("red-flag"), flag, catalogue.RED_FLAGS.get(flag, flag)
            )
        )
    reasons = {
        reason["id"]: reason
        for reason in evaluation.get("triage_reasons", [])
        if isinstance(reason, dict) and "id" in reason
    }
    for rule in evaluation.get("triage_rules", []):
        # The title stored with the result wins: it is what the surgeon saw at submission.
        title = reasons.get(rule, {}).get("title") or rule_titles.get(rule, rule)
        basis.append(_logical_reference(canonical.code_system("triage-rule"), rule, title))
    qualitative = {
        "coding": [
            {
                "system": canonical.code_system("triage-level"),
                "code": level,
                "display": titles.get(level, level),
            },
            {"system": RISK_PROBABILITY, "code": RISK_PROBABILITIES.get(level, "moderate")},
        ],
        "text": titles.get(level, level),
    }
    return {
        "resourceType": "RiskAssessment",
        "id": screening.id,
        "meta": {"lastUpdated": instant(screening.last_updated)},
        "status": "final",
        "method": {
            "coding": [
                {
                    "system": canonical.code_system("triage-rules"),
                    "version": rules_version,
                    "code": "miss-red-flag-triage",
                    "display": "MISS screening red-flag triage",
                }
            ],
            "text": f"MISS screening red-flag triage, rules version {rules_version}",
        },
        "subject": {"reference": f"Patient/{screening.id}"},
        "occurrenceDateTime": instant(screening.submitted_at),
        "basis": basis,
        "prediction": [_prediction(qualitative, list(reasons.values()))],
        "note": [
            {
                "text": "Decision support for the consultation, not a diagnosis: "
                "a clinician reviews every flag."
            }
        ],
    }


def document_reference(screening: StoredScreening) -> dict[str, Any] | None:
    """The stored PDF summary, inline, with its SHA-1 (base64, as FHIR's Attachment.hash wants)."""
    summary = screening.summary
    if summary is None:
        return None
    created = instant(summary.generated_at)
    return {
        "resourceType": "DocumentReference",
        "id": screening.id,
        "meta": {"lastUpdated": created},
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [
                {"system": LOINC, "code": "74465-6", "display": "Questionnaire response Document"}
            ],
            "text": "Pre-consultation screening summary",
        },
        "subject": {"reference": f"Patient/{screening.id}"},
        "date": created,
        "description": "MISS pre-consultation screening summary for the surgeon (PDF)",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": "en",
                    "data": base64.b64encode(summary.pdf).decode("ascii"),
                    "size": len(summary.pdf),
                    "hash": base64.b64encode(
                        hashlib.sha1(summary.pdf, usedforsecurity=False).digest()
                    ).decode("ascii"),
                    "title": "Pre-consultation summary",
                    "creation": created,
                }
            }
        ],
        "context": {"related": [{"reference": f"QuestionnaireResponse/{screening.id}"}]},
    }


def questionnaire_response(
    screening: StoredScreening, questionnaire: Questionnaire, canonical: Canonical
) -> dict[str, Any]:
    return build_questionnaire_response(
        screening.answers,
        questionnaire,
        canonical,
        version=screening.questionnaire_version,
        resource_id=screening.public_id,
        patient_id=screening.public_id,
        authored=instant(screening.submitted_at),
        last_updated=instant(screening.last_updated),
    )


def resources_for(
    screening: StoredScreening,
    resource_type: str,
    questionnaire: Questionnaire,
    canonical: Canonical,
) -> list[dict[str, Any]]:
    """The screening's resources of one type (Observations: several; others: one or none)."""
    if resource_type == "Patient":
        return [patient(screening, canonical)]
    if resource_type == "QuestionnaireResponse":
        return [questionnaire_response(screening, questionnaire, canonical)]
    if resource_type == "RiskAssessment":
        risk = risk_assessment(screening, canonical)
        return [risk] if risk else []
    if resource_type == "Observation":
        return observations(screening, canonical)
    if resource_type == "DocumentReference":
        document = document_reference(screening)
        return [document] if document else []
    raise ValueError(f"not a resource type of a screening: {resource_type}")
