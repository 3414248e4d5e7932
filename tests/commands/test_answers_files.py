"""Answer files `screening evaluate` and `screening pdf` refuse with a message, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from screening.commands.evaluate import MAX_ANSWERS_BYTES
from tests.conftest import EXAMPLES

ANSWERS = EXAMPLES / "stenosis.answers.json"


@pytest.mark.parametrize("command", ["evaluate", "pdf"])
def test_an_empty_answers_file_says_it_is_empty(
    runner: FlaskCliRunner, tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "answers.json"
    empty.write_bytes(b"\n")
    out = ["-o", str(tmp_path / "s.pdf")] if command == "pdf" else []
    result = runner.invoke(args=[command, str(empty), *out])
    assert result.exit_code == 2
    assert result.stderr == f"error: {empty} is empty: it should hold the answers as JSON\n"
    result = runner.invoke(args=[command, "-", *out], input="")
    assert result.stderr == "error: standard input is empty: it should hold the answers as JSON\n"


def test_a_huge_answers_file_is_refused_before_it_fills_the_memory(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    huge = tmp_path / "answers.json"
    huge.write_bytes(b" " * (MAX_ANSWERS_BYTES + 1))
    result = runner.invoke(args=["evaluate", str(huge)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {huge} is larger than 5 MB: an answers file is a few kilobytes of JSON\n"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_answers_file_is_refused(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["evaluate", "/dev/zero"])
    assert result.exit_code == 2
    assert "is larger than 5 MB" in result.stderr


def test_an_as_of_date_before_the_questionnaire_counts_is_a_usage_error(
    runner: FlaskCliRunner,
) -> None:
    """`--as-of 1800-01-01` said "Date of birth cannot be in the future"."""
    result = runner.invoke(args=["evaluate", str(ANSWERS), "--as-of", "1800-01-01"])
    assert result.exit_code == 2
    assert "'--as-of'" in result.stderr
    assert "1800-01-01 is before 1940-01-01" in result.stderr
    assert "Date of birth" not in result.stderr
    # The first day it takes is a date like any other (these answers are then invalid).
    result = runner.invoke(args=["evaluate", str(ANSWERS), "--as-of", "1940-01-01"])
    assert "'--as-of'" not in result.stderr
