"""Names that must never drift: canonical URLs, code systems and resource ids.

FHIR ids allow only `A-Z a-z 0-9 - .`; our public ids are URL-safe base64 (which adds `_`), so
`_` is written as `.` (a character public ids never hold) and the mapping is reversible.
"""

from __future__ import annotations

from dataclasses import dataclass

QUESTIONNAIRE_ID = "miss-screening"
QUESTIONNAIRE_NAME = "MissScreening"
SDC_QUESTIONNAIRE_PROFILE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"

# Standard extensions (R4 core and SDC) the Questionnaire uses.
EXT_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
EXT_MIN_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"
EXT_MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_REGEX = "http://hl7.org/fhir/StructureDefinition/regex"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# The resource types /fhir serves for each submitted screening, in export order.
RESOURCE_TYPES: tuple[str, ...] = (
    "Patient",
    "QuestionnaireResponse",
    "RiskAssessment",
    "Observation",
    "DocumentReference",
)


@dataclass(frozen=True)
class Canonical:
    """The clinic's canonical base URL (FHIR_CANONICAL_BASE) and everything named under it."""

    base: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    @property
    def questionnaire_url(self) -> str:
        return f"{self.base}/Questionnaire/{QUESTIONNAIRE_ID}"

    def questionnaire_reference(self, version: str) -> str:
        """`url|version`: which questionnaire, in which version, a response answers."""
        return f"{self.questionnaire_url}|{version}"

    def code_system(self, answer_list: str) -> str:
        """Our own code system for one answer list (named after the item that owns it)."""
        return f"{self.base}/CodeSystem/{answer_list}"

    @property
    def screening_identifier_system(self) -> str:
        return f"{self.base}/NamingSystem/screening"


def fhir_id(public_id: str) -> str:
    """The FHIR id of a screening's resources (its public id with `_` written as `.`)."""
    return public_id.replace("_", ".")


def public_id_of(resource_id: str) -> str:
    """The screening's public id back from a FHIR id (the inverse of `fhir_id`)."""
    return resource_id.replace(".", "_")
