"""Answer sets no person types but a file or a script can hold: each gets exit 2 and an error
naming what to fix, from both commands, never a traceback.

Found by an audit against the questionnaire spec: a name made only of direction marks was
stored as an empty name, an integer too large for a float crashed the range check, a lone
surrogate ("\\ud800", half of a UTF-16 pair) passed validation and then crashed the PDF, and
JSON nested a hundred thousand deep crashed the parser.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from screening.questionnaire import validate_answer_set
from screening.questionnaire.text_input import is_blank_text
from tests.evaluation.answers import BASELINE

AS_OF = date(2026, 11, 21)
HUGE = 10**400  # far beyond a float (about 1.8e308); json reads it as an exact int


def run_both(runner: FlaskCliRunner, tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    """`evaluate` and `pdf` on the same file: (exit code, stdout, stderr) of each."""
    path = tmp_path / "answers.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    pdf = tmp_path / "summary.pdf"
    results = []
    for args in (["evaluate", str(path)], ["pdf", str(path), "-o", str(pdf)]):
        result = runner.invoke(args=[*args, "--as-of", AS_OF.isoformat()])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        results.append((result.exit_code, result.stdout, result.stderr))
    assert not pdf.exists()
    return results


def error_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), lines
    assert "Traceback" not in stderr
    return lines


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("back_pain_nrs", HUGE, "error: back_pain_nrs: Enter a number from 0 to 10."),
        ("back_pain_nrs", -HUGE, "error: back_pain_nrs: Enter a number from 0 to 10."),
        ("height_cm", HUGE, "error: height_cm: Enter a number from 100 to 250"),
        ("phq2_down", HUGE, "error: phq2_down: "),
    ],
    ids=["pain", "negative pain", "height", "phq2"],
)
def test_an_integer_too_large_for_a_float_is_out_of_range(
    runner: FlaskCliRunner, tmp_path: Path, item: str, value: int, message: str
) -> None:
    text = json.dumps(dict(BASELINE, **{item: value}))
    for exit_code, stdout, stderr in run_both(runner, tmp_path, text):
        assert (exit_code, stdout) == (2, "")
        assert [line for line in error_lines(stderr) if line.startswith(message)], stderr


def test_a_surgery_year_too_large_for_a_float(runner: FlaskCliRunner, tmp_path: Path) -> None:
    surgery = {"procedure": "discectomy", "region": "lumbar", "year": HUGE}
    surgery |= {"approach": "open", "outcome": "better"}
    raw = dict(BASELINE, prior_spine_surgery=True, surgeries=[surgery])
    raw |= {"symptoms_since_surgery": "worse", "wound_problem": False}
    for exit_code, _stdout, stderr in run_both(runner, tmp_path, json.dumps(raw)):
        assert exit_code == 2
        assert [line.split(":")[1] for line in error_lines(stderr)] == [" surgeries[0].year"]


@pytest.mark.parametrize("name", ["\u202e", " \u200f ", "\u202e\u202c", "\u200b", "\u2066 \u2069"])
def test_a_required_name_of_invisible_characters_is_missing(
    runner: FlaskCliRunner, tmp_path: Path, name: str
) -> None:
    text = json.dumps(dict(BASELINE, first_name=name))
    for exit_code, stdout, stderr in run_both(runner, tmp_path, text):
        assert (exit_code, stdout) == (2, "")
        assert error_lines(stderr) == ["error: first_name: Please fill this in."]


def test_optional_text_of_invisible_characters_is_left_out() -> None:
    validated = validate_answer_set(dict(BASELINE, visit_reason="\u202e \u200b\n"), AS_OF)
    assert validated.ok, validated.errors
    assert "visit_reason" not in validated.answers


def test_invisible_characters_inside_visible_text_are_kept_as_typed() -> None:
    # Only direction controls are removed; a zero-width joiner inside an emoji stays.
    health_worker = "Pain \U0001f469\u200d\u2695"
    validated = validate_answer_set(dict(BASELINE, visit_reason=health_worker), AS_OF)
    assert validated.answers["visit_reason"] == health_worker
    assert not is_blank_text("\u200bJo")
    assert is_blank_text("\u00a0\t\u202e\u200b")


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("first_name", "Rob\ud800"),
        ("visit_reason", "Back \udc00 pain"),
        ("email", "a\ud800@example.org"),
    ],
)
def test_a_lone_surrogate_is_refused_before_anything_is_printed(
    runner: FlaskCliRunner, tmp_path: Path, item: str, value: str
) -> None:
    # json.dumps writes the surrogate as the escape "\ud800", which is valid JSON.
    text = json.dumps(dict(BASELINE, **{item: value}))
    assert "\\ud" in text
    for exit_code, stdout, stderr in run_both(runner, tmp_path, text):
        assert (exit_code, stdout) == (2, "")
        assert error_lines(stderr) == [
            f"error: {item}: This text holds a broken character that cannot be saved or "
            "printed. Type the text again."
        ]


@pytest.mark.parametrize("depth", [100_000])
def test_json_nested_too_deeply_is_not_an_answer_set(
    runner: FlaskCliRunner, tmp_path: Path, depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    for text in (nested, json.dumps(BASELINE)[:-1] + f', "goals": {nested}}}'):
        for exit_code, stdout, stderr in run_both(runner, tmp_path, text):
            assert (exit_code, stdout) == (2, "")
            assert error_lines(stderr) == [
                "error: answers: Not valid JSON: lists or objects are nested too deeply"
            ]
