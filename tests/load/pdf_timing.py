"""Time summary PDFs in whichever version of the code is importable (`make pdf-baseline`).

`tests/load/pdf_baseline.py` copies this file into the code as issue 17 found it and runs it
there, and runs it here, so both versions are measured by the same lines: `screening pdf`'s
path (parse and validate the answers, evaluate, build the view model, render) for each answer
set, alternating with the same minimal one-paragraph WeasyPrint document (the yardstick of
issue 17's ratios), each timing in CPU time after a garbage collection, as `make bench` does.

It uses only what both versions have: `parse_answer_json`, the benchmark's `summary_of` and
`render_pdf_counting_pages`. An item that version's questionnaire does not have (version 2
added some) is left out of the answers there, and the printout names it.

    python -m tests.load.pdf_timing CASES.json --renders 20

CASES.json: {"as_of": "YYYY-MM-DD", "cases": {name: answers}}. Prints one line of JSON:
the code measured (its folder), the minimal document's median, and per case the median,
ratio, pages and items left out.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# The message version 1 and 2 give for an answer to an item they do not have.
UNKNOWN_ITEM = "Unknown item"


def answers_this_code_takes(answers: dict[str, Any], as_of: date) -> tuple[str, list[str]]:
    """`answers` as JSON without the items this version's questionnaire does not have, and
    their names (a surgery's field as `surgeries.month`). ValueError for any other error."""
    from screening.questionnaire import parse_answer_json

    answers = json.loads(json.dumps(answers))
    left_out: list[str] = []
    while True:
        validated = parse_answer_json(json.dumps(answers), as_of)
        if validated.ok:
            return json.dumps(answers), left_out
        unknown = [error for error in validated.errors if error.template.startswith(UNKNOWN_ITEM)]
        if len(unknown) != len(validated.errors):
            raise ValueError(f"not a valid answer set here: {validated.errors}")
        for error in unknown:
            if error.sub_id:
                name = f"{error.item_id}.{error.sub_id}"
                for entry in answers.get(error.item_id, []):
                    entry.pop(error.sub_id, None)
            else:
                name = error.item_id
                answers.pop(error.item_id, None)
            if name not in left_out:
                left_out.append(name)


def pdf_path(answers_json: str, as_of: date) -> tuple[bytes, int]:
    """`screening pdf`'s path in this version: the PDF and its number of pages."""
    from screening.questionnaire import parse_answer_json
    from screening.summary.bench import summary_of
    from screening.summary.render import render_pdf_counting_pages

    validated = parse_answer_json(answers_json, as_of)
    return render_pdf_counting_pages(summary_of(validated.answers, as_of))


def minimal_document() -> bytes:
    """The yardstick: the benchmark's own minimal document text (both versions define
    MINIMAL_HTML; only this checkout's has a `minimal_document` to call)."""
    import weasyprint

    from screening.summary.bench import MINIMAL_HTML

    return weasyprint.HTML(string=MINIMAL_HTML).write_pdf()


def cpu_ms(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.process_time()
    result = action()
    return (time.process_time() - start) * 1000, result


def measure(cases: dict[str, dict[str, Any]], as_of: date, renders: int) -> dict[str, Any]:
    """The figures for `cases` in the code importable here (see the module docstring)."""
    from screening import PROJECT_ROOT

    prepared = {name: answers_this_code_takes(answers, as_of) for name, answers in cases.items()}
    for _ in range(2):  # warm up: imports, fonts and caches
        minimal_document()
        for text, _ in prepared.values():
            pdf_path(text, as_of)
    minimal: list[float] = []
    timings: dict[str, list[float]] = {name: [] for name in prepared}
    pages: dict[str, int] = {}
    for _ in range(renders):
        for name, (text, _) in prepared.items():
            minimal.append(cpu_ms(minimal_document)[0])
            elapsed, (_, pages[name]) = cpu_ms(lambda text=text: pdf_path(text, as_of))
            timings[name].append(elapsed)
    minimal_median = statistics.median(minimal)
    return {
        "code": str(PROJECT_ROOT),
        "minimal_ms": minimal_median,
        "cases": {
            name: {
                "ms": statistics.median(values),
                "ratio": statistics.median(values) / minimal_median,
                "pages": pages[name],
                "left_out": prepared[name][1],
            }
            for name, values in timings.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path, help="the answer sets, as JSON")
    parser.add_argument("--renders", type=int, default=20, help="timed renders of each case")
    args = parser.parse_args(argv)
    given = json.loads(args.cases.read_text(encoding="utf-8"))
    figures = measure(given["cases"], date.fromisoformat(given["as_of"]), max(1, args.renders))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
