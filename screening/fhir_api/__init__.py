"""The FHIR R4 read API blueprint (/fhir); the mapping itself is screening.fhir."""
