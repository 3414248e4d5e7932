"""FHIR R4 from the one questionnaire definition: pure mapping, no Flask and no database.

- `questionnaire`: the definition -> a SDC `Questionnaire` (linkId = item id).
- `response`: a canonical answer set <-> a `QuestionnaireResponse` (both ways, so a response
  from any FHIR client, LHC-Forms included, is checked and evaluated like our own form's).
- `resources`: a stored screening (plain values, see `StoredScreening`) -> `Patient`,
  `RiskAssessment`, `Observation`s and a `DocumentReference` for its PDF.
- `capability`: the `CapabilityStatement` of what /fhir serves.

Everything returns plain JSON-ready dicts; the web layer and the exporter serialise them, and
the tests validate each with `fhir.resources.R4B`. The canonical base (FHIR_CANONICAL_BASE) is a
parameter, never read from a global, so the same code serves any clinic's URLs.
"""

from screening.fhir.naming import (
    QUESTIONNAIRE_ID,
    RESOURCE_TYPES,
    Canonical,
    fhir_id,
    public_id_of,
)
from screening.fhir.questionnaire import build_questionnaire
from screening.fhir.resources import StoredScreening, resources_for
from screening.fhir.response import (
    ImportedAnswers,
    build_questionnaire_response,
    read_questionnaire_response,
)

__all__ = [
    "QUESTIONNAIRE_ID",
    "RESOURCE_TYPES",
    "Canonical",
    "ImportedAnswers",
    "StoredScreening",
    "build_questionnaire",
    "build_questionnaire_response",
    "fhir_id",
    "public_id_of",
    "read_questionnaire_response",
    "resources_for",
]
