"""Helpers for the summary tests: example answer sets, and poppler's pdftotext / pdfinfo."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
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


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        message = f"{tool} not found (Debian: apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "poppler"
    folder.mkdir(exist_ok=True)
    path = folder / f"in-{tool}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, *args, str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def pdftotext(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Text of a PDF as poppler extracts it (UTF-8)."""
    return lambda pdf, *args: _poppler("pdftotext", pdf, tmp_path, "-enc", "UTF-8", *args)


@pytest.fixture
def pdfinfo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """pdfinfo's fields as a dict (Title, Author, Pages, Page size, Tagged, ...)."""

    def info(pdf: bytes) -> dict[str, str]:
        fields = {}
        for line in _poppler("pdfinfo", pdf, tmp_path, "-enc", "UTF-8").splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        return fields

    return info


@pytest.fixture
def pdffonts(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda pdf: _poppler("pdffonts", pdf, tmp_path)
