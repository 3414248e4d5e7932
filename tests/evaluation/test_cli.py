"""`screening evaluate` and `screening pdf`: every public example (docs/examples) through the
real commands, exit codes and streams.

Valid answers: the JSON result on standard output, nothing on standard error, exit 0. Anything
else: one "error: ..." line per problem on standard error, nothing on standard output, exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from screening.evaluation import TOPICS
from tests.conftest import EXAMPLES
from tests.evaluation.answers import BASELINE

EXAMPLE_NAMES = sorted(
    p.name.removesuffix(".answers.json") for p in EXAMPLES.glob("*.answers.json")
)
SCREENING = Path(sys.executable).with_name("screening")

RESULT_KEYS = [
    "rules_version",
    "as_of",
    "triage",
    "triage_rules",
    "red_flags",
    "topics",
    "scores",
    "checks",
    "triage_reasons",
]


def expected(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.expected.json").read_text())


def check_against_expected(name: str, exit_code: int, stdout: str, stderr: str) -> None:
    want = expected(name)
    if want.get("exit") == 2:
        assert exit_code == 2
        assert stdout == ""
        lines = stderr.splitlines()
        assert lines
        assert all(line.startswith("error: ") for line in lines)
        for item_id in want["errors_name"]:
            assert any(line.startswith(f"error: {item_id}: ") for line in lines), lines
        return
    assert exit_code == 0, stderr
    assert stderr == ""
    got = json.loads(stdout)
    assert list(got) == RESULT_KEYS
    assert got["rules_version"] == want["rules_version"] == "2"
    assert got["as_of"] == want["as_of"]
    assert got["triage"] == want["triage"]
    assert got["triage_rules"] == want["triage_rules"]
    assert [rule["id"] for rule in got["triage_reasons"]] == want["triage_rules"]
    assert all(rule["title"] and rule["reason"] for rule in got["triage_reasons"])
    assert got["red_flags"] == want["red_flags"]
    assert [topic["id"] for topic in got["topics"]] == want["topic_ids"]
    assert got["scores"] == want["scores"]
    assert list(got["scores"]) == list(want["scores"])
    titles = {topic.id: topic.title for topic in TOPICS}
    for topic in got["topics"]:
        assert list(topic) == ["id", "title", "reasons"]
        assert topic["title"] == titles[topic["id"]]
        assert topic["reasons"] and all(isinstance(r, str) and r for r in topic["reasons"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_through_the_command(runner: FlaskCliRunner, name: str) -> None:
    path = EXAMPLES / f"{name}.answers.json"
    result = runner.invoke(args=["evaluate", str(path), "--as-of", expected(name)["as_of"]])
    check_against_expected(name, result.exit_code, result.stdout, result.stderr)


def test_there_are_examples_of_each_kind() -> None:
    kinds = {expected(name).get("exit", 0) for name in EXAMPLE_NAMES}
    assert kinds == {0, 2}
    assert len(EXAMPLE_NAMES) >= 10


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_through_screening_pdf(runner: FlaskCliRunner, name: str, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    path = EXAMPLES / f"{name}.answers.json"
    result = runner.invoke(
        args=["pdf", str(path), "-o", str(out), "--as-of", expected(name)["as_of"]]
    )
    want = expected(name)
    if want.get("exit") == 2:
        assert result.exit_code == 2
        assert not out.exists()
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines)
        for item_id in want["errors_name"]:
            assert any(line.startswith(f"error: {item_id}: ") for line in lines), lines
        return
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_each_error_stays_on_its_own_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """An unknown key may hold a line break: printed as it is, it made a second, made-up
    "error: bar: ..." line."""
    answers = json.loads((EXAMPLES / "stenosis.answers.json").read_text())
    answers["foo\nerror: bar\u2028"] = 1
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: foo\\nerror: bar\\u2028: Unknown item: it is not part of the questionnaire here."
    ]


def test_as_of_defaults_to_today(runner: FlaskCliRunner) -> None:
    before = date.today().isoformat()
    result = runner.invoke(args=["evaluate", str(EXAMPLES / "stenosis.answers.json")])
    after = date.today().isoformat()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] in (before, after)


def test_as_of_changes_ages_and_months(runner: FlaskCliRunner) -> None:
    path = str(EXAMPLES / "after_fusion.answers.json")
    result = runner.invoke(args=["evaluate", path, "--as-of", "2018-06-21"])
    got = json.loads(result.stdout)
    assert got["scores"]["age"] == 59
    topics = {t["id"]: t["reasons"] for t in got["topics"]}
    # The 2017 fusion (no month) is 6 to 17 months old in June 2018: the early course is still
    # open, and so is adjacent segment disease (from 12 months, on months_max).
    assert topics["early_postop_course"] == [
        "Lumbar fusion (L5-S1), 2017 (6 to 17 months ago); back pain 6/10 now, "
        "new or different pain since."
    ]
    assert "adjacent_segment_disease" in topics
    result = runner.invoke(args=["evaluate", path, "--as-of", "2017-12-01"])
    topics = {t["id"]: t["reasons"] for t in json.loads(result.stdout)["topics"]}
    assert "early_postop_course" in topics
    assert "adjacent_segment_disease" not in topics  # 0 to 11 months


def test_an_as_of_date_that_makes_the_answers_invalid(runner: FlaskCliRunner) -> None:
    # The 2017 fusion lies in the future in 2016, and the patient was already 57.
    path = str(EXAMPLES / "after_fusion.answers.json")
    result = runner.invoke(args=["evaluate", path, "--as-of", "2016-12-31"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: surgeries[0].year: ")


@pytest.mark.parametrize("bad", ["2026-02-30", "21/11/2026", "today", "2026-1-5"])
def test_a_bad_as_of_is_a_usage_error(runner: FlaskCliRunner, bad: str) -> None:
    path = str(EXAMPLES / "stenosis.answers.json")
    result = runner.invoke(args=["evaluate", path, "--as-of", bad])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--as-of" in result.stderr
    assert "YYYY-MM-DD" in result.stderr


def test_an_unreadable_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["evaluate", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: cannot read ")
    assert "missing.json" in result.stderr

    result = runner.invoke(args=["evaluate", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: cannot read ")


@pytest.mark.parametrize(
    ("content", "first_error"),
    [
        (b"[]", "error: answers: "),
        (b"", "error: {path} is empty: it should hold the answers as JSON"),
        (b"\xff\xfe\x00garbage", "error: answers: Not valid JSON"),
        (b'{"back_pain_nrs": NaN}', "error: answers: Not valid JSON"),
        (b'{"not_an_item": 1}', "error: first_name: "),
    ],
)
def test_not_an_answer_set(
    runner: FlaskCliRunner, tmp_path: Path, content: bytes, first_error: str
) -> None:
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(first_error.format(path=path))


def test_every_error_is_reported_on_its_own_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    raw = dict(BASELINE, interference_nrs=11, smoking="sometimes", surprise=True)
    del raw["last_name"]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(raw))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", "2026-11-21"])
    assert result.exit_code == 2
    named = sorted(
        line.removeprefix("error: ").split(":")[0] for line in result.stderr.splitlines()
    )
    assert named == ["interference_nrs", "last_name", "smoking", "surprise"]


def test_reads_standard_input(runner: FlaskCliRunner) -> None:
    text = (EXAMPLES / "disc_herniation.answers.json").read_text()
    result = runner.invoke(args=["evaluate", "-", "--as-of", "2026-11-21"], input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["triage"] == "routine"


# -- the installed `screening` script, in a real process -------------------------------------


def run_screening(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        SCREENING_ENV="testing",
        DATABASE_URL=f"sqlite:///{tmp_path / 'never-created.db'}",
        PYTHONWARNINGS="error",
    )
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [str(SCREENING), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not SCREENING.exists(), reason="the screening script is not installed")
def test_the_installed_command_in_a_real_process(tmp_path: Path) -> None:
    ok = run_screening(
        tmp_path, "evaluate", str(EXAMPLES / "cauda_equina_warning.answers.json"), "--as-of",
        "2026-11-21",
    )  # fmt: skip
    check_against_expected("cauda_equina_warning", ok.returncode, ok.stdout, ok.stderr)
    assert ok.stdout.startswith('{\n  "rules_version": "2",')

    bad = run_screening(
        tmp_path, "evaluate", str(EXAMPLES / "invalid_answers.answers.json"), "--as-of",
        "2026-11-21",
    )  # fmt: skip
    check_against_expected("invalid_answers", bad.returncode, bad.stdout, bad.stderr)
    assert bad.stderr.splitlines() == [
        "error: leg_pain_nrs: Enter a number from 0 to 10.",
        "error: smoking: Please choose an answer.",
    ]

    not_json = run_screening(tmp_path, "evaluate", str(EXAMPLES / "not_json.answers.json"))
    check_against_expected("not_json", not_json.returncode, not_json.stdout, not_json.stderr)

    usage = run_screening(
        tmp_path, "evaluate", str(EXAMPLES / "stenosis.answers.json"), "--as-of", "x"
    )
    assert (usage.returncode, usage.stdout) == (2, "")
    assert "YYYY-MM-DD" in usage.stderr

    # No database is needed or touched.
    assert not (tmp_path / "never-created.db").exists()


def test_pdf_to_standard_output_with_a_dash(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """`-o -` is standard output, as for most tools (it wrote a file named "-")."""
    path = str(EXAMPLES / "stenosis.answers.json")
    result = runner.invoke(args=["pdf", path, "-o", "-", "--as-of", "2026-11-21"])
    assert result.exit_code == 0, repr(result.exception)
    assert result.stdout_bytes.startswith(b"%PDF-") and result.stdout_bytes.rstrip().endswith(
        b"%%EOF"
    )
    assert not Path("-").exists() and not (tmp_path / "-").exists()
