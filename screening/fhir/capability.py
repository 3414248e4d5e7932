"""What /fhir serves, as data: the search parameters per type and the CapabilityStatement.

The API checks requests against `SEARCH_PARAMETERS` (anything else is a 400), and the
CapabilityStatement is built from the same table, so what we say and what we do cannot drift.
"""

from __future__ import annotations

from typing import Any

from screening.fhir.naming import QUESTIONNAIRE_ID, RESOURCE_TYPES

# Parameters every searchable type takes: (name, FHIR type, what it does).
COMMON_PARAMETERS: tuple[tuple[str, str, str], ...] = (
    ("_id", "token", "One or more resource ids, comma-separated."),
    (
        "_lastUpdated",
        "date",
        "When the resource last changed, with a prefix: ge, gt, le, lt or eq (the default). "
        "Give it twice for a range.",
    ),
    ("_count", "number", "How many resources per page (at most the server's page size)."),
)

TYPE_PARAMETERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Patient": (),
    "QuestionnaireResponse": (
        ("status", "token", "completed (every stored response is)."),
        ("patient", "reference", "The Patient the response is about."),
    ),
    "RiskAssessment": (("patient", "reference", "The Patient assessed."),),
    "Observation": (
        ("status", "token", "final (every stored observation is)."),
        ("patient", "reference", "The Patient observed."),
        ("code", "token", "A code, as system|code or code alone (e.g. http://loinc.org|55758-7)."),
    ),
    "DocumentReference": (
        ("status", "token", "current (every stored summary is)."),
        ("patient", "reference", "The Patient the document is about."),
    ),
}

# Names the server itself puts in paging links, and the format switch clients often send.
CONTROL_PARAMETERS = frozenset({"_cursor", "_format"})


def search_parameter_names(resource_type: str) -> frozenset[str]:
    own = TYPE_PARAMETERS[resource_type]
    return frozenset(name for name, _kind, _doc in (*COMMON_PARAMETERS, *own)) | CONTROL_PARAMETERS


def build_capability_statement(
    *, base_url: str, date: str, software_version: str, clinic_name: str | None = None
) -> dict[str, Any]:
    """The CapabilityStatement for GET /fhir/metadata (no patient data; served to anyone)."""
    resources: list[dict[str, Any]] = [
        {
            "type": "Questionnaire",
            "profile": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire",
            "interaction": [{"code": "read"}],
            "documentation": f"One questionnaire: Questionnaire/{QUESTIONNAIRE_ID}, public.",
        }
    ]
    for resource_type in RESOURCE_TYPES:
        resources.append(
            {
                "type": resource_type,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": name, "type": kind, "documentation": doc}
                    for name, kind, doc in (*COMMON_PARAMETERS, *TYPE_PARAMETERS[resource_type])
                ],
            }
        )
    statement: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "kind": "instance",
        "software": {"name": "MISS pre-consultation screening", "version": software_version},
        "implementation": {
            "description": "Submitted pre-consultation screenings as FHIR R4 resources (read only)",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Every resource except the Questionnaire and this statement needs "
                    "`Authorization: Bearer <token>` (a system client's token, made with "
                    "`screening api-token create`) or a clinician's signed-in session. Every "
                    "read is recorded in the audit trail with the client's name."
                ),
                "security": {
                    "description": "Bearer tokens for system clients; clinician sessions."
                },
                "resource": resources,
            }
        ],
    }
    if clinic_name:
        statement["publisher"] = clinic_name
    return statement
