"""Helpers for the FHIR tests: R4B validation of any resource, example answer sets, and
submitted screenings stored the way the app stores them."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, date, datetime
from typing import Any

from screening.evaluation import evaluate
from screening.fhir import Canonical
from screening.questionnaire import validate_answer_set
from tests.conftest import EXAMPLES

BASE = "https://clinic.example/fhir"
CANONICAL = Canonical(BASE)


def validate_r4b(resource: dict[str, Any]) -> Any:
    """Parse `resource` with its fhir.resources R4B model (raises on anything invalid)."""
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    return getattr(module, kind).model_validate(resource)


def valid_examples() -> list[str]:
    """Names of the public examples that are valid answer sets (expected exit is not 2)."""
    names = []
    for path in sorted(EXAMPLES.glob("*.expected.json")):
        if json.loads(path.read_text()).get("exit") != 2:
            names.append(path.name.removesuffix(".expected.json"))
    return names


def example(name: str) -> tuple[dict[str, Any], date]:
    """A public example's canonical answers (validated) and its as-of date."""
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    as_of = date.fromisoformat(expected["as_of"])
    validated = validate_answer_set(
        json.loads((EXAMPLES / f"{name}.answers.json").read_text()), as_of
    )
    assert validated.ok, validated.errors
    return validated.answers, as_of


def evaluation_of(answers: dict[str, Any], as_of: date) -> dict[str, Any]:
    return evaluate(answers, as_of).to_dict()


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
