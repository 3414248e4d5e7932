"""Benchmark of the surgeon's PDF: `python -m screening.summary.bench [--runs N]` (`make bench`).

Renders every valid example answer set in ../shared/examples (or a built-in synthetic answer
set when that folder is missing) N times in one process, alternating with a minimal
one-paragraph WeasyPrint document so that both see the same machine load, and prints for each
example the median and 95th-percentile milliseconds, pages, bytes and the ratio of its median to
the minimal document's median (also in CPU time, which other load on the machine disturbs
less), then the process's peak memory (ru_maxrss: WeasyPrint's memory
lives in C libraries that tracemalloc does not see).

Targets (issue 4): ratio at most 4, peak memory under 250 MB.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from screening import PROJECT_ROOT

EXAMPLES_DIR = PROJECT_ROOT.parent / "shared" / "examples"
RATIO_TARGET = 4.0
MEMORY_TARGET_MB = 250.0
MINIMAL_HTML = "<p>A minimal one-paragraph document.</p>"

# Used when ../shared/examples is not there (a checkout on its own): a typical submission.
SYNTHETIC_ANSWERS: dict[str, Any] = {
    "first_name": "Taylor",
    "last_name": "Example",
    "date_of_birth": "1970-05-02",
    "sex": "female",
    "height_cm": 168,
    "weight_kg": 82,
    "work_status": "working_reduced",
    "work_demand": "heavy",
    "caregiver": True,
    "visit_reason": "Pain down my left leg for four months; sitting at work is hard.",
    "prior_spine_surgery": True,
    "surgeries": [
        {
            "procedure": "discectomy",
            "region": "lumbar",
            "year": 2019,
            "approach": "minimally_invasive",
            "outcome": "better",
            "levels": "L4-L5",
        }
    ],
    "symptoms_since_surgery": "improved_then_returned",
    "back_pain_nrs": 4,
    "leg_pain_nrs": 7,
    "pain_regions": ["lower_back", "buttock_left", "thigh_left", "below_knee_left"],
    "pain_duration": "3_to_12_months",
    "numbness_tingling": True,
    "leg_weakness": "stable",
    "walking_limit": "10_to_30_min",
    "worse_standing_walking": False,
    "relief_sitting_bending": False,
    "worse_sitting_bending": True,
    "night_pain": False,
    "interference_nrs": 6,
    "bladder_bowel_change": False,
    "saddle_numbness": False,
    "both_legs_symptoms": False,
    "sexual_dysfunction_new": False,
    "fever_chills": False,
    "weight_loss_unexplained": False,
    "cancer_history": False,
    "immunosuppressed": False,
    "long_term_steroids": False,
    "iv_drug_use": False,
    "recent_trauma": False,
    "diagnoses": ["herniated_disc", "sciatica"],
    "mri_when": "over_12_months_ago",
    "diabetes": "yes_diet_or_tablets",
    "smoking": "former",
    "blood_thinners": False,
    "heart_or_lung_disease": False,
    "prior_spine_infection": False,
    "current_medications": "Metformin 500 mg twice a day\nIbuprofen 400 mg when needed",
    "allergies": "Penicillin (rash)",
    "physical_therapy": "under_6_weeks",
    "injections": "one",
    "medications_tried": ["anti_inflammatories", "nerve_pain_medication"],
    "opioid_use": "occasional",
    "other_treatments": "Chiropractic care, six sessions.",
    "phq2_interest": 1,
    "phq2_down": 2,
    "gad2_nervous": 2,
    "gad2_worry": 1,
    "goals": ["return_to_work", "care_for_family"],
    "concerns": ["time_off_work", "recovery_time"],
    "goals_text": "Lift my grandson again.",
}
SYNTHETIC_AS_OF = date(2026, 11, 21)


def load_examples(folder: Path = EXAMPLES_DIR) -> list[tuple[str, dict[str, Any], date]]:
    """(name, answers, as_of) for each valid example; the synthetic set when there are none."""
    from screening.questionnaire import parse_answer_json, parse_iso_date

    found = []
    for path in sorted(folder.glob("*.answers.json")) if folder.is_dir() else []:
        name = path.name.removesuffix(".answers.json")
        expected_path = path.with_name(f"{name}.expected.json")
        expected = json.loads(expected_path.read_text()) if expected_path.exists() else {}
        if expected.get("exit"):
            continue  # an invalid-input example: nothing to render
        as_of = parse_iso_date(expected.get("as_of")) or date.today()
        validated = parse_answer_json(path.read_text(encoding="utf-8"), as_of)
        if validated.ok:
            found.append((name, validated.answers, as_of))
    if not found:
        found.append(("synthetic", SYNTHETIC_ANSWERS, SYNTHETIC_AS_OF))
    return found


def summary_of(answers: dict[str, Any], as_of: date) -> dict[str, Any]:
    from screening.evaluation import evaluate
    from screening.summary.view_model import build_summary

    return build_summary(
        answers,
        evaluate(answers, as_of).to_dict(),
        clinic_name="Spine Clinic",
        generated_at=datetime(as_of.year, as_of.month, as_of.day, 12, 0, tzinfo=UTC),
        submitted_at=datetime(as_of.year, as_of.month, as_of.day, 9, 30, tzinfo=UTC),
    )


def _timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU milliseconds of one call (CPU time is steadier on a busy machine).

    The garbage of earlier calls is collected first, outside the timing, so that neither the
    summary nor the minimal document pays for collecting the other's objects.
    """
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def peak_memory_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(runs: int, page_size: str = "Letter") -> dict[str, Any]:
    """Render everything `runs` times; return the figures (also used by the printout)."""
    import weasyprint

    from screening.summary.render import render_pdf_counting_pages

    def minimal() -> bytes:
        return weasyprint.HTML(string=MINIMAL_HTML).write_pdf()

    examples = [(name, summary_of(answers, as_of)) for name, answers, as_of in load_examples()]
    # Warm up: first renders pay for imports, font loading and caches.
    for _ in range(2):
        minimal()
        for _, summary in examples:
            render_pdf_counting_pages(summary, page_size=page_size)

    minimal_ms: list[float] = []
    minimal_cpu: list[float] = []
    timings: dict[str, list[float]] = {name: [] for name, _ in examples}
    cpu_timings: dict[str, list[float]] = {name: [] for name, _ in examples}
    shapes: dict[str, tuple[int, int]] = {}
    for _ in range(runs):
        for name, summary in examples:
            elapsed, cpu, _ = _timed(minimal)
            minimal_ms.append(elapsed)
            minimal_cpu.append(cpu)
            elapsed, cpu, (pdf, pages) = _timed(
                lambda s=summary: render_pdf_counting_pages(s, page_size=page_size)
            )
            timings[name].append(elapsed)
            cpu_timings[name].append(cpu)
            shapes[name] = (pages, len(pdf))

    minimal_median = statistics.median(minimal_ms)
    minimal_cpu_median = statistics.median(minimal_cpu)
    rows = []
    for name, values in timings.items():
        median = statistics.median(values)
        pages, size = shapes[name]
        rows.append(
            {
                "example": name,
                "median_ms": median,
                "p95_ms": p95(values),
                "pages": pages,
                "bytes": size,
                "ratio": median / minimal_median,
                "cpu_ratio": statistics.median(cpu_timings[name]) / minimal_cpu_median,
            }
        )
    return {
        "runs": runs,
        "page_size": page_size,
        "minimal_median_ms": minimal_median,
        "minimal_p95_ms": p95(minimal_ms),
        "minimal_cpu_median_ms": minimal_cpu_median,
        "examples": rows,
        "peak_memory_mb": peak_memory_mb(),
    }


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"Summary PDF benchmark: {figures['runs']} runs each, page size "
        f"{figures['page_size']}, alternating with a minimal one-paragraph document.",
        "",
        f"{'example':<24} {'median ms':>9} {'p95 ms':>8} {'pages':>5} {'bytes':>8} {'ratio':>6}"
        f" {'cpu ratio':>9}",
    ]
    for row in figures["examples"]:
        lines.append(
            f"{row['example']:<24} {row['median_ms']:>9.1f} {row['p95_ms']:>8.1f} "
            f"{row['pages']:>5} {row['bytes']:>8} {row['ratio']:>6.2f} {row['cpu_ratio']:>9.2f}"
        )
    worst = max(row["ratio"] for row in figures["examples"])
    peak = figures["peak_memory_mb"]
    lines += [
        f"{'minimal document':<24} {figures['minimal_median_ms']:>9.1f} "
        f"{figures['minimal_p95_ms']:>8.1f}",
        "",
        f"peak memory (ru_maxrss): {peak:.0f} MB",
        "(cpu ratio: the same with CPU time, steadier when other work shares the machine)",
        f"worst ratio {worst:.2f} (target <= {RATIO_TARGET:g}): "
        + ("met" if worst <= RATIO_TARGET else "NOT met"),
        f"peak memory {peak:.0f} MB (target < {MEMORY_TARGET_MB:g} MB): "
        + ("met" if peak < MEMORY_TARGET_MB else "NOT met"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="renders per example (default 20)")
    parser.add_argument("--page-size", default="Letter", choices=("Letter", "A4"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    figures = run(args.runs, args.page_size)
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
