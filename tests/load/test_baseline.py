"""`make load-baseline`: the load script serves the code as issue 17 found it, then this
checkout, and the comparison carries the issue's own figures over."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from screening import PROJECT_ROOT
from tests.load import baseline

PRINTOUT = """\
PostgreSQL, gunicorn 2 workers, 50 patients at a time (only the synthetic patient, varied): \
150 of 150 sent in 28.4 s = 5.3 submissions/s (after 4 of 4 warm-up patients, not timed)
  code served: /work/main (screening.wsgi:app)
  3015 requests: median 314 ms, p95 1565 ms
  CPU per submission: server 307 ms (gunicorn and its workers), load generator 17 ms
  stored answers checked: 154 of 154 equal what was sent
"""


def has_baseline_commit() -> bool:
    found = subprocess.run(
        [
            "git",
            "-C",
            str(PROJECT_ROOT),
            "cat-file",
            "-e",
            f"{baseline.BASELINE_COMMIT}^{{commit}}",
        ],
        capture_output=True,
    )
    return found.returncode == 0


def test_a_runs_figures_are_read_from_its_printout() -> None:
    run = baseline.parse_run(PRINTOUT)
    assert run == baseline.Run("PostgreSQL", 5.3, 307, "/work/main")
    with pytest.raises(ValueError):
        baseline.parse_run("Traceback (most recent call last): ...")


def test_the_issue_figure_is_carried_over_by_the_ratio_of_medians() -> None:
    then = [baseline.Run("PostgreSQL", rate, 390, "old") for rate in (4.0, 4.4, 9.0)]
    now = [baseline.Run("PostgreSQL", rate, 310, "new") for rate in (5.0, 5.4, 1.0)]
    lines = baseline.report("PostgreSQL", then, now)
    # Medians 4.4 and 5.0: 1.14x, and the issue's 8.6/s times that is 9.8/s.
    assert lines[0].endswith("4.4 submissions/s, this checkout 5.0 (medians of 3): 1.14x")
    assert "where that code reached 8.6/s: about 9.8/s" in lines[1]
    assert lines[2] == "  server CPU per submission: 390 ms then, 310 ms now"


def test_a_commit_not_in_the_history_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        baseline.extract_baseline("0" * 40, tmp_path)
    assert "is not in this repository's history" in str(stopped.value)


@pytest.mark.skipif(not has_baseline_commit(), reason="a clone without the history (shallow)")
def test_both_codes_are_served_in_turn_and_compared(capsys) -> None:
    """Two patients each through gunicorn, on the suite's kind of database: the code as
    issue 17 found it (from the history, with its own questionnaire, Start page and app
    factory), then this checkout; every stored answer checked on both, and the comparison
    printed. The temporary copy is gone after."""
    # The suite's database kind: on PostgreSQL, the load script makes its own database there.
    server = os.environ.get("TEST_DATABASE_URL", "").rpartition("/")[0]
    argv = ["--database", server or "sqlite", "--rounds", "1"]
    argv += ["--patients", "2", "--concurrency", "2", "--workers", "1", "--warm-up", "1"]
    assert baseline.main(argv) == 0
    out = capsys.readouterr().out
    old, new = out.split("== round 1, this checkout")
    assert "== round 1, the code as issue 17 found it" in old
    served_then = baseline.parse_run(old).served
    assert "load-baseline-" in served_then and "(screening:create_app())" in old
    assert not Path(served_then).exists()
    assert f"code served: {PROJECT_ROOT} (screening.wsgi:app)" in new
    assert old.count("stored answers checked: 3 of 3 equal what was sent") == 1
    assert new.count("stored answers checked: 3 of 3 equal what was sent") == 1
    backend, issue_figure = ("PostgreSQL", 8.6) if server else ("SQLite", 5.8)
    assert f"{backend}: the code as issue 17 found it" in new
    assert f"on the issue's machine, where that code reached {issue_figure}/s" in new
