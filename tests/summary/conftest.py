"""Helpers for the summary tests: example answer sets, and poppler's pdftotext / pdfinfo."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from screening.evaluation import evaluate
from screening.questionnaire import parse_answer_json
from screening.summary.view_model import build_summary
from tests.conftest import EXAMPLES

VALID_EXAMPLES = [
    "after_fusion",
    "cauda_equina_warning",
    "cervical_myelopathy",
    "cord_compression_cancer",
    "disc_herniation",
    "stenosis",
]
DATA = Path(__file__).resolve().parent / "data"


def v1_submission(name: str) -> dict[str, Any]:
    """A version 1 submission as stored before version 2 (answers, stored evaluation)."""
    return json.loads((DATA / "v1_submissions.json").read_text(encoding="utf-8"))[name]


AS_OF = date(2026, 11, 21)


def example_answers(name: str) -> dict[str, Any]:
    validated = parse_answer_json((EXAMPLES / f"{name}.answers.json").read_bytes(), AS_OF)
    assert validated.ok, validated.errors
    return validated.answers


def expected(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.expected.json").read_text())


def make_summary(
    answers: dict[str, Any], *, as_of: date = AS_OF, **overrides: Any
) -> dict[str, Any]:
    """The summary of `answers` evaluated `as_of`; `overrides` go to build_summary."""
    options: dict[str, Any] = {
        "clinic_name": "Spine Clinic",
        "generated_at": datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
        "submitted_at": datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
    }
    options.update(overrides)
    return build_summary(answers, evaluate(answers, as_of).to_dict(), **options)


def routine_evaluation(topics: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored version 2 evaluation at routine level holding just `topics`."""
    return {
        "rules_version": "2",
        "as_of": AS_OF.isoformat(),
        "triage": "routine",
        "triage_rules": [],
        "red_flags": [],
        "topics": topics,
        "scores": {},
        "checks": [],
    }


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, **labels: str) -> dict[str, int]:
    """Wrap `module`'s functions named by `labels` (label=function name) so that each call is
    counted under its label; returns the counts, which fill in as the module is used."""
    counts = dict.fromkeys(labels, 0)
    for label, name in labels.items():
        function = getattr(module, name)

        def counted(*args: Any, _label: str = label, _function: Any = function) -> Any:
            counts[_label] += 1
            return _function(*args)

        monkeypatch.setattr(module, name, counted)
    return counts


def spanish_handout_both_ways(app: Any, switch: Any) -> tuple[bytes, bytes]:
    """The Spanish patient handout's PDF, rendered once, then again after `switch()` (which
    puts WeasyPrint's own code back in place of one of the renderer's faster paths)."""
    from flask_babel import force_locale

    from screening.services.handout import PDF_TEMPLATE, build_handout
    from screening.summary.render import render_pdf

    with app.test_request_context(), force_locale("es"):
        handout = build_handout(["herniated_disc", "spinal_stenosis", "post_surgical_pain"])
        faster = render_pdf(handout, template=PDF_TEMPLATE)
        switch()
        return faster, render_pdf(handout, template=PDF_TEMPLATE)


def deflated_streams(pdf: bytes) -> list[bytes]:
    """The PDF's deflated streams as written (page content, fonts and their maps, the object
    stream), each cut by its /Length."""
    return [
        pdf[match.end() : match.end() + int(match.group(1))]
        for match in re.finditer(rb"/FlateDecode/Length (\d+)>>\nstream\n", pdf)
    ]
