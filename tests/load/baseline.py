"""`make load-baseline`: `make load` on this machine against the code as issue 17 found it,
then against this checkout, in turn, and the capacity that comparison points to.

Why: issue 17 set its capacity target from figures taken on its own machine (8.6 submissions a
second on PostgreSQL and 5.8 on SQLite, 2 cores, 50 patients at a time). Submissions per second
depend on the machine: the machines this project runs on have differed by more than 2x in
speed, and a slow one cannot show whether the code met the target. What does carry over is how
this checkout compares with the code the issue measured, both run the same way on the same
machine. So this extracts that code (commit BASELINE_COMMIT, from this repository's history,
with `git archive`) into a temporary folder, and runs `tests/load/loadtest.py` from there
(serving that code) and from here, alternating, `--rounds` times per database. It prints every
run, the median of each side, the ratio, and the issue's figure times the ratio: what this
checkout would reach on the issue's machine, as far as a ratio on another machine can say.

Both sides send the load script's synthetic patient (`--mix synthetic`): the issue's load test
sent synthetic patients, and it is one patient in both versions of the questionnaire (version 2
adds its phone number and the new questions). Each run checks every stored answer, as
`make load` does; a run that fails fails this too.

    .venv/bin/python -m tests.load.baseline --database sqlite --database postgresql://...
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from screening import PROJECT_ROOT

# The code as issue 17 found it: the last commit before this round's work began.
BASELINE_COMMIT = "c214c0415082d1bcac772970619030c444c8f74d"
# What the issue measured with that code on its machine (submissions per second).
ISSUE_FIGURES = {"SQLite": 5.8, "PostgreSQL": 8.6}
TARGET = 10.0  # PostgreSQL; SQLite within 10% of it

RATE = re.compile(r"^(SQLite|PostgreSQL), .* sent in [\d.]+ s = ([\d.]+) submissions/s", re.M)
SERVER_CPU = re.compile(r"CPU per submission: server (\d+) ms")
SERVED = re.compile(r"code served: (.+) \(")


@dataclass(frozen=True)
class Run:
    """One load run's figures, read from the load script's printout."""

    backend: str
    rate: float
    server_cpu_ms: int | None
    served: str


def parse_run(output: str) -> Run:
    """The figures of one load run's printout; ValueError if it has none (the run failed)."""
    rate = RATE.search(output)
    served = SERVED.search(output)
    if not rate or not served:
        raise ValueError("no figures in the load run's output")
    cpu = SERVER_CPU.search(output)
    return Run(
        rate.group(1), float(rate.group(2)), int(cpu.group(1)) if cpu else None, served.group(1)
    )


# This checkout's scripts, run in the extracted code: the load script, and pdf_timing for
# `make pdf-baseline` (whose minimal document the load script times too).
SCRIPTS = ("loadtest.py", "pdf_timing.py")


def extract_baseline(commit: str, into: Path) -> Path:
    """The files of `commit` (this repository's history) in `into`/baseline, with this
    checkout's SCRIPTS from tests/load in it; SystemExit with what to do when git or the
    commit is not there."""
    if shutil.which("git") is None:
        raise SystemExit("make load-baseline needs git (apt-get install -y git).")
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", commit],
        capture_output=True,
    )
    if archive.returncode != 0:
        raise SystemExit(
            f"Commit {commit[:12]} (the code as issue 17 found it) is not in this repository's"
            " history: run this from a full clone (`git fetch --unshallow` in a shallow one)."
        )
    folder = into / "baseline"
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    load_folder = folder / "tests" / "load"
    load_folder.mkdir(parents=True, exist_ok=True)
    (load_folder / "__init__.py").touch()
    for script in SCRIPTS:
        shutil.copy(PROJECT_ROOT / "tests" / "load" / script, load_folder / script)
    return folder


def run_module_in(checkout: Path, module: str, *arguments: str) -> subprocess.CompletedProcess:
    """`python -m module arguments` with `checkout`'s code importable as `screening` (this
    checkout's, or an extracted one's ahead of the installed package), output captured."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if checkout != PROJECT_ROOT:
        env["PYTHONPATH"] = str(checkout)  # ahead of this checkout's installed package
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )


def load_run(checkout: Path, database: str, load_args: list[str]) -> tuple[Run, str]:
    """Run the load script serving `checkout`'s code; its figures and printout. SystemExit
    when the run fails or served other code than asked."""
    completed = run_module_in(
        checkout, "tests.load.loadtest", "--database", database, "--mix", "synthetic", *load_args
    )
    output = completed.stdout + completed.stderr
    printout = "\n".join(line for line in output.splitlines() if "alembic" not in line)
    try:
        run = parse_run(output)
    except ValueError:
        raise SystemExit(f"The load run serving {checkout} failed:\n{printout}") from None
    if Path(run.served).resolve() != checkout.resolve():
        raise SystemExit(f"The load run was to serve {checkout} but served {run.served}.")
    if completed.returncode != 0:
        raise SystemExit(f"The load run serving {checkout} found problems:\n{printout}")
    return run, printout


def report(backend: str, baseline: list[Run], current: list[Run]) -> list[str]:
    """The comparison for one database, as printed lines."""
    then = statistics.median(run.rate for run in baseline)
    now = statistics.median(run.rate for run in current)
    ratio = now / then
    issue = ISSUE_FIGURES[backend]
    lines = [
        f"{backend}: the code as issue 17 found it {then:.1f} submissions/s,"
        f" this checkout {now:.1f} (medians of {len(current)}): {ratio:.2f}x",
        f"  on the issue's machine, where that code reached {issue}/s: about"
        f" {issue * ratio:.1f}/s (target: {TARGET:g} on PostgreSQL, SQLite within 10% of it)",
    ]
    cpu_then = [run.server_cpu_ms for run in baseline if run.server_cpu_ms]
    cpu_now = [run.server_cpu_ms for run in current if run.server_cpu_ms]
    if cpu_then and cpu_now:
        lines.append(
            f"  server CPU per submission: {statistics.median(cpu_then):.0f} ms then,"
            f" {statistics.median(cpu_now):.0f} ms now"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", action="append", help="sqlite, or a PostgreSQL server URL (repeatable)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side per database")
    args, load_args = parser.parse_known_args(argv)
    databases = args.database or ["sqlite"]

    summary: list[str] = []
    with tempfile.TemporaryDirectory(prefix="load-baseline-") as scratch:
        baseline = extract_baseline(BASELINE_COMMIT, Path(scratch))
        for database in databases:
            runs: dict[Path, list[Run]] = {baseline: [], PROJECT_ROOT: []}
            for round_number in range(1, max(1, args.rounds) + 1):
                for checkout, name in (
                    (baseline, "the code as issue 17 found it"),
                    (PROJECT_ROOT, "this checkout"),
                ):
                    run, printout = load_run(checkout, database, load_args)
                    runs[checkout].append(run)
                    print(f"== round {round_number}, {name}", flush=True)
                    print(printout, flush=True)
            backend = runs[PROJECT_ROOT][0].backend
            summary += report(backend, runs[baseline], runs[PROJECT_ROOT])
    print("\n".join(["", *summary]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
