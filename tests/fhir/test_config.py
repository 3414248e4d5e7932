"""FHIR_CANONICAL_BASE: set, derived from PUBLIC_BASE_URL, or the fixed default."""

from __future__ import annotations

import pytest

from config import DEFAULT_FHIR_CANONICAL_BASE, load_config


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, DEFAULT_FHIR_CANONICAL_BASE),
        (
            {"PUBLIC_BASE_URL": "https://screening.clinic.example/"},
            "https://screening.clinic.example/fhir",
        ),
        (
            {
                "PUBLIC_BASE_URL": "https://a.example",
                "FHIR_CANONICAL_BASE": "https://b.example/fhir/",
            },
            "https://b.example/fhir",
        ),
    ],
)
def test_the_canonical_base(monkeypatch, tmp_path, environment, expected):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("FHIR_CANONICAL_BASE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert load_config("testing", str(tmp_path)).FHIR_CANONICAL_BASE == expected
