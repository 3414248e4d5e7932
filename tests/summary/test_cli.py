"""`screening pdf` and `screening rerender-summaries`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner

from screening.commands import pdf as pdf_command_module
from tests.conftest import EXAMPLES
from tests.summary.conftest import VALID_EXAMPLES, example_answers, make_summary


def run_pdf(runner: FlaskCliRunner, name: str, out: Path) -> Result:
    """`screening pdf` on one example answer set, as of the examples' date."""
    args = ["pdf", str(EXAMPLES / f"{name}.answers.json"), "-o", str(out), "--as-of", "2026-11-21"]
    return runner.invoke(args=args)


@pytest.mark.parametrize("name", VALID_EXAMPLES)
def test_examples_render(runner, tmp_path: Path, name: str, pdftotext, pdfinfo) -> None:
    out = tmp_path / f"{name}.pdf"
    result = run_pdf(runner, name, out)
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    summary = make_summary(example_answers(name))
    text = " ".join(pdftotext(pdf).split())
    assert summary["patient"]["name"] in text
    for topic in summary["topics"]:
        assert topic["title"] in text
    info = pdfinfo(pdf)
    assert info["Title"] == f"Pre-consultation summary – {summary['patient']['name']}"
    assert info["Author"] == "Spine Clinic"
    assert int(info["Pages"]) <= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, "poppler"])


@pytest.mark.parametrize("name", ["invalid_answers", "not_json"])
def test_invalid_input_exits_2_and_writes_nothing(runner, tmp_path: Path, name: str) -> None:
    out = tmp_path / "summary.pdf"
    result = run_pdf(runner, name, out)
    assert result.exit_code == 2
    assert not out.exists() and list(tmp_path.iterdir()) == []
    errors = result.stderr.splitlines()
    assert errors and all(line.startswith("error: ") for line in errors)
    if name == "invalid_answers":
        assert any(line.startswith("error: leg_pain_nrs:") for line in errors)
        assert any(line.startswith("error: smoking:") for line in errors)


def test_existing_file_is_kept_on_invalid_input(runner, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"old")
    result = runner.invoke(
        args=["pdf", str(EXAMPLES / "invalid_answers.answers.json"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert out.read_bytes() == b"old"


def test_missing_file_and_bad_date(runner, tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    result = runner.invoke(args=["pdf", str(tmp_path / "nope.json"), "-o", str(out)])
    assert result.exit_code == 2 and "error: cannot read" in result.stderr
    result = runner.invoke(
        args=["pdf", str(EXAMPLES / "stenosis.answers.json"), "-o", str(out), "--as-of", "21/11"]
    )
    assert result.exit_code == 2
    assert not out.exists()


def test_render_failure_leaves_no_partial_file(runner, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "s.pdf"

    def broken(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_command_module, "write_atomically", broken)
    result = runner.invoke(args=["pdf", str(EXAMPLES / "stenosis.answers.json"), "-o", str(out)])
    assert result.exit_code == 1
    assert "error: cannot write" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_cleans_up(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "s.pdf"

    def failing_replace(src: str, dst: object) -> None:
        raise OSError("boom")

    monkeypatch.setattr(pdf_command_module.os, "replace", failing_replace)
    with pytest.raises(OSError):
        pdf_command_module.write_atomically(out, b"%PDF-")
    assert list(tmp_path.iterdir()) == []


def test_a4_from_config(runner, app, tmp_path: Path, pdfinfo) -> None:
    app.config["PDF_PAGE_SIZE"] = "A4"
    app.config["CLINIC_NAME"] = "Harbour Spine Centre"
    out = tmp_path / "s.pdf"
    result = runner.invoke(args=["pdf", str(EXAMPLES / "stenosis.answers.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    info = pdfinfo(out.read_bytes())
    assert info["Page size"].endswith("(A4)")
    assert info["Author"] == "Harbour Spine Centre"
