"""The PDF benchmark counted in instructions: `python -m screening.summary.bench_instructions`.

`make bench` times renders, and on a shared machine the same code moves by ten percent or more
between runs: too much to tell whether a change to the PDF helped by three. This counts the
instructions each render executes instead, with valgrind's callgrind, which gives nearly the
same count on every run (within about 1%). It runs itself under valgrind (`apt-get install
valgrind`; about a minute), renders every case of `make bench` once after warming up
(`screening pdf`'s whole path, as there), and prints each one's count and its ratio to the
same minimal WeasyPrint document, against the same targets. Instructions are not time, but
their ratios track the CPU ratios closely on one machine: use them to compare changes, and
`make bench` for the figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from screening.summary.bench import RATIO_TARGETS, own_words_line

_CHILD_FLAG = "--counting-inside-valgrind"
_TRIGGER = re.compile(r"^desc: Trigger: dump (\S+)$", re.M)
_TOTALS = re.compile(r"^totals: (\d+)$", re.M)


def _control(*arguments: str) -> None:
    """Send callgrind_control a command for this process and wait for it, running Python
    meanwhile: valgrind takes commands only while the program runs."""
    command = [shutil.which("callgrind_control") or "callgrind_control", *arguments]
    # A fixed tool found on PATH, with our own pid: no outside input.
    process = subprocess.Popen(  # noqa: S603
        [*command, str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while process.poll() is None:
        sum(range(1000))


def _count_inside_valgrind() -> None:
    """Warm up, then render the minimal document, the heavy case's own words (a reference) and
    each case once with counting on (after collecting earlier garbage, outside the count), each
    dumped under its own label (`minimal`, `own_words`, `case0`, `case1`, ...)."""
    from screening.summary.bench import (
        heavy_own_words_document,
        load_examples,
        minimal_document,
        pdf_of,
        warm_up,
    )

    cases = load_examples()
    warm_up(cases)
    actions = [("minimal", minimal_document), ("own_words", heavy_own_words_document)]
    actions += [(f"case{n}", lambda case=case: pdf_of(case)) for n, case in enumerate(cases)]
    for label, action in actions:
        # As `make bench` does before each timed call: a full collection of earlier garbage
        # counted inside one case added some 35 M instructions (a sixth of a typical summary)
        # to whichever case it fell in.
        gc.collect()
        _control("-i", "on")
        action()
        _control("-i", "off")
        _control("-d", label)


def read_counts(folder: Path) -> dict[str, int]:
    """Instructions by dump label, from callgrind's output files in `folder`."""
    counts = {}
    for path in folder.glob("callgrind.*"):
        text = path.read_text(encoding="utf-8", errors="replace")
        trigger, totals = _TRIGGER.search(text), _TOTALS.search(text)
        if trigger and totals:
            counts[trigger.group(1)] = int(totals.group(1))
    return counts


def report(counts: dict[str, int], cases: list[tuple[str, str]]) -> str:
    """The printout: each case's instructions and ratio to the minimal document, then the
    worst ratio of each kind against its target. `cases` is (name, kind) in case order."""
    minimal = counts["minimal"]
    lines = [
        "Summary PDF benchmark in instructions (callgrind; within about 1% from run to run), "
        "through `screening pdf`'s path, each case once after warming up.",
        "",
        f"{'example':<24} {'kind':<9} {'instructions':>14} {'ratio':>6}",
    ]
    worst: dict[str, float] = {}
    for index, (name, kind) in enumerate(cases):
        count = counts[f"case{index}"]
        ratio = count / minimal
        worst[kind] = max(worst.get(kind, 0.0), ratio)
        lines.append(f"{name:<24} {kind:<9} {count:>14,} {ratio:>6.2f}")
    lines.append(f"{'minimal document':<24} {'':<9} {minimal:>14,}")
    for kind, target in RATIO_TARGETS.items():
        if kind in worst:
            verdict = "met" if worst[kind] <= target else "NOT met"
            lines.append(f"{kind} ratio {worst[kind]:.2f} (target <= {target:g}): {verdict}")
    if "own_words" in counts:
        lines.append(own_words_line(counts["own_words"] / minimal, "ratio"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if _CHILD_FLAG in arguments:
        _count_inside_valgrind()
        return 0
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(arguments)
    valgrind = shutil.which("valgrind")
    if valgrind is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    from screening.summary.bench import load_examples

    with tempfile.TemporaryDirectory() as folder:
        # Our own interpreter and module under a tool found on PATH: no outside input.
        subprocess.run(  # noqa: S603
            [
                valgrind,
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/callgrind.%p",
                sys.executable,
                "-m",
                "screening.summary.bench_instructions",
                _CHILD_FLAG,
            ],
            check=True,
            capture_output=True,
        )
        counts = read_counts(Path(folder))
    print(report(counts, [(case.name, case.kind) for case in load_examples()]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
