"""Benchmark of the surgeon's PDF: `python -m screening.summary.bench [--runs N]` (`make bench`).

Makes the PDF of every valid example answer set in docs/examples (or a built-in synthetic
answer set when that folder is missing), and of a heavy synthetic one, N times in one process
through `screening pdf`'s whole path (parse and validate the JSON, evaluate, build the view
model, render), alternating with a minimal one-paragraph WeasyPrint document so that both see
the same machine load. Prints for each case the median and 95th-percentile milliseconds, pages,
bytes and the ratio of its median to the minimal document's median (also in CPU time, which
other load on the machine disturbs less), then the process's peak memory (ru_maxrss:
WeasyPrint's memory lives in C libraries that tracemalloc does not see).

Targets (issues 4 and 17): a typical summary at most 4x the minimal document, the heavy
two-page one (two surgeries, many topics, a 1,900-character reason for the visit and medicine
list, 1,000 characters of goals) at most 6x; peak memory under 250 MB.

Two references, with no target, show where the heavy case's cost lies: the same heavy answers
with a typical case's short patient text, and that 4,800 characters of patient text alone in a
plain WeasyPrint document.
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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from screening import PROJECT_ROOT

# The worked examples shipped with the repository (docs/examples, a copy of the shared ones).
EXAMPLES_DIR = PROJECT_ROOT / "docs" / "examples"
# Issue 17: a typical summary at most 4x the minimal document, a heavy two-page one at most 6x.
RATIO_TARGETS = {"typical": 4.0, "heavy": 6.0}
MEMORY_TARGET_MB = 250.0
MINIMAL_HTML = "<p>A minimal one-paragraph document.</p>"

# A synthetic submission after spine surgery (eleven topics; its summary runs just onto a
# second page): `make load`'s synthetic patient, and the typical case when docs/examples is
# not there.
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
    "phone": "555-0199",
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
    "hand_clumsiness": False,
    "balance_problem": "none",
    "wound_problem": False,
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
    "injection_within_3_months": False,
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


def _text_of_length(sentences: tuple[str, ...], length: int) -> str:
    """Patient-like text of exactly `length` characters: the sentences repeated as running
    text (a new paragraph every third time), then cut."""
    text, count = " ".join(sentences), 1
    while len(text) < length:
        text += ("\n" if count % 3 == 0 else " ") + " ".join(sentences)
        count += 1
    text = text[:length].rstrip()
    return text + "." * (length - len(text))


# The heavy two-page case of issue 17 (synthetic): two surgeries, many topics, a reason for the
# visit and a medicine list of 1,900 characters each and 1,000 characters of goals.
HEAVY_ANSWERS: dict[str, Any] = {
    **SYNTHETIC_ANSWERS,
    "first_name": "Jordan",
    "last_name": "Heavyweather-Sample",
    "date_of_birth": "1958-06-14",
    "height_cm": 162,
    "weight_kg": 84,
    "work_status": "off_work_due_to_pain",
    "phone": "+1 (555) 010-4477",
    "email": "jordan.sample@example.org",
    "compensation_claim": "yes",
    "visit_reason": _text_of_length(
        (
            "The pain started in my lower back after I lifted boxes at work and now it goes",
            "down my left leg to the foot, worse when I stand in line or walk to the car.",
            "Since the second operation it has never really settled and some days I cannot",
            "sleep more than two hours. My neck and right arm ache when I drive.",
        ),
        1900,
    ),
    "surgeries": [
        {
            "procedure": "discectomy",
            "region": "lumbar",
            "year": 2019,
            "month": 4,
            "approach": "minimally_invasive",
            "outcome": "better",
            "levels": "L4-L5",
        },
        {
            "procedure": "fusion",
            "region": "lumbar",
            "year": 2023,
            "month": 9,
            "approach": "open",
            "outcome": "no_change",
            "levels": "L4-S1 with screws",
        },
    ],
    "symptoms_since_surgery": "worse",
    "back_pain_nrs": 7,
    "leg_pain_nrs": 8,
    "pain_regions": [
        "neck",
        "lower_back",
        "buttock_left",
        "thigh_left",
        "below_knee_left",
        "foot_left",
        "arm_right",
    ],
    "neck_pain_nrs": 5,
    "arm_pain_nrs": 4,
    "pain_duration": "over_1_year",
    "walking_limit": "under_10_min",
    "worse_standing_walking": True,
    "relief_sitting_bending": True,
    "worse_sitting_bending": False,
    "night_pain": True,
    "interference_nrs": 8,
    "cancer_history": True,
    "cancer_status": "treated_over_5_years_ago",
    "hand_clumsiness": False,
    "balance_problem": "stable",
    "wound_problem": False,
    "diagnoses": ["herniated_disc", "spinal_stenosis", "sciatica", "osteoporosis"],
    "diabetes": "yes_insulin",
    "smoking": "current",
    "blood_thinners": True,
    "heart_or_lung_disease": True,
    "current_medications": _text_of_length(
        (
            "Insulin glargine 24 units at night; insulin lispro with meals by sliding scale.",
            "Apixaban 5 mg twice a day. Metoprolol 50 mg in the morning. Atorvastatin 40 mg.",
            "Pregabalin 75 mg twice a day. Oxycodone 5 mg up to four times a day.",
            "Alendronate 70 mg every Monday. Omeprazole 20 mg. Vitamin D 1000 units.",
        ),
        1900,
    ),
    "allergies": "Penicillin (rash); codeine (vomiting); sticking plaster (blisters).",
    "physical_therapy": "6_weeks_or_more",
    "injections": "two_or_more",
    "injection_within_3_months": False,
    "medications_tried": [
        "anti_inflammatories",
        "muscle_relaxants",
        "nerve_pain_medication",
        "opioids",
        "oral_steroids",
    ],
    "opioid_use": "daily",
    "other_treatments": "Chiropractic care, acupuncture, a TENS machine and hydrotherapy.",
    "phq2_interest": 2,
    "phq2_down": 2,
    "gad2_nervous": 2,
    "gad2_worry": 1,
    "goals": ["return_to_work", "walk_further", "sleep_better", "less_medication"],
    "concerns": ["recovery_time", "time_off_work", "pain_after_surgery", "complications"],
    "goals_text": _text_of_length(
        (
            "I want to walk my dog round the park again and get back to my job at the depot.",
            "I would like to sleep through the night and come off the strong painkillers.",
            "Most of all I want to pick up my grandchildren without being afraid.",
        ),
        1000,
    ),
}


# The heavy case's patient text: what its reason for the visit, medicine list and goals say.
HEAVY_OWN_WORDS = ("visit_reason", "current_medications", "goals_text")
# The heavy case with the typical case's short patient text in place of its 4,800 characters:
# a reference (no target) that shows what everything else on the heavy summary costs.
HEAVY_WITHOUT_LONG_WORDS: dict[str, Any] = {
    **HEAVY_ANSWERS,
    **{item: SYNTHETIC_ANSWERS[item] for item in HEAVY_OWN_WORDS},
}


@dataclass(frozen=True)
class Case:
    """One answer set to render: `kind` is "typical" (target ratio 4), "heavy" (6) or
    "reference" (no target: printed to show where the heavy case's cost lies)."""

    name: str
    kind: str
    answers_json: str
    as_of: date


def load_examples(folder: Path = EXAMPLES_DIR) -> list[Case]:
    """The typical cases (each valid example; the synthetic set when there are none), then the
    heavy synthetic one and its reference without the long patient text. Kept as JSON text:
    the timed path parses and validates it, as `screening pdf` does."""
    from screening.questionnaire import parse_answer_json, parse_iso_date

    found = []
    for path in sorted(folder.glob("*.answers.json")) if folder.is_dir() else []:
        name = path.name.removesuffix(".answers.json")
        expected_path = path.with_name(f"{name}.expected.json")
        expected = json.loads(expected_path.read_text()) if expected_path.exists() else {}
        if expected.get("exit"):
            continue  # an invalid-input example: nothing to render
        as_of = parse_iso_date(expected.get("as_of")) or date.today()
        text = path.read_text(encoding="utf-8")
        if parse_answer_json(text, as_of).ok:
            found.append(Case(name, "typical", text, as_of))
    if not found:
        found.append(Case("synthetic", "typical", json.dumps(SYNTHETIC_ANSWERS), SYNTHETIC_AS_OF))
    found.append(Case("heavy (synthetic)", "heavy", json.dumps(HEAVY_ANSWERS), SYNTHETIC_AS_OF))
    short_words = json.dumps(HEAVY_WITHOUT_LONG_WORDS)
    found.append(Case("heavy, short own words", "reference", short_words, SYNTHETIC_AS_OF))
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


def pdf_of(case: Case, page_size: str = "Letter") -> tuple[bytes, int]:
    """`screening pdf`'s path, timed whole: parse and validate the JSON, evaluate, build the
    view model, render (the command then only writes the bytes to a file)."""
    from screening.questionnaire import parse_answer_json
    from screening.summary.render import render_pdf_counting_pages

    validated = parse_answer_json(case.answers_json, case.as_of)
    if not validated.ok:
        raise ValueError(f"{case.name}: not a valid answer set: {validated.errors}")
    summary = summary_of(validated.answers, case.as_of)
    return render_pdf_counting_pages(summary, page_size=page_size)


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


def minimal_document() -> bytes:
    """The yardstick every ratio is taken against: a minimal one-paragraph WeasyPrint
    document, rendered with WeasyPrint's defaults."""
    import weasyprint

    return weasyprint.HTML(string=MINIMAL_HTML).write_pdf()


def heavy_own_words_html() -> str:
    """The reference document's HTML: the heavy case's patient text as three paragraphs, in
    the summary's font, size, line height and page margins (copied from pdf.css: change them
    together), and nothing else."""
    from html import escape

    paragraphs = "".join(f"<p>{escape(HEAVY_ANSWERS[item])}</p>" for item in HEAVY_OWN_WORDS)
    return (
        "<style>@page { size: Letter; margin: 10mm 14mm 15mm 14mm }"
        " html { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; line-height: 1.27 }"
        " p { margin: 0; white-space: pre-line }</style>" + paragraphs
    )


def heavy_own_words_document() -> bytes:
    """A reference, not a target: the heavy case's 4,800 characters of patient text alone,
    set by WeasyPrint with its defaults otherwise (no tagging, none of this project's
    changes to how it lays out or draws). Every line of text costs WeasyPrint about the same
    wherever it stands, so this shows how much of the heavy target those words take before
    anything else is on the page; the report prints it beside the heavy ratio."""
    import weasyprint

    return weasyprint.HTML(string=heavy_own_words_html()).write_pdf()


def warm_up(cases: list[Case], page_size: str = "Letter") -> None:
    """Render the yardstick, the reference and every case twice, untimed: first renders pay
    for imports, font loading and caches."""
    for _ in range(2):
        minimal_document()
        heavy_own_words_document()
        for case in cases:
            pdf_of(case, page_size)


def run(runs: int, page_size: str = "Letter") -> dict[str, Any]:
    """Render everything `runs` times; return the figures (also used by the printout)."""
    cases = load_examples()
    warm_up(cases, page_size)

    minimal_ms: list[float] = []
    minimal_cpu: list[float] = []
    timings: dict[str, list[float]] = {case.name: [] for case in cases}
    cpu_timings: dict[str, list[float]] = {case.name: [] for case in cases}
    shapes: dict[str, tuple[int, int]] = {}
    own_words_cpu: list[float] = []
    for _ in range(runs):
        own_words_cpu.append(_timed(heavy_own_words_document)[1])
        for case in cases:
            elapsed, cpu, _ = _timed(minimal_document)
            minimal_ms.append(elapsed)
            minimal_cpu.append(cpu)
            elapsed, cpu, (pdf, pages) = _timed(lambda c=case: pdf_of(c, page_size))
            timings[case.name].append(elapsed)
            cpu_timings[case.name].append(cpu)
            shapes[case.name] = (pages, len(pdf))

    minimal_median = statistics.median(minimal_ms)
    minimal_cpu_median = statistics.median(minimal_cpu)
    rows = []
    for case in cases:
        values = timings[case.name]
        median = statistics.median(values)
        pages, size = shapes[case.name]
        rows.append(
            {
                "example": case.name,
                "kind": case.kind,
                "median_ms": median,
                "p95_ms": p95(values),
                "pages": pages,
                "bytes": size,
                "ratio": median / minimal_median,
                "cpu_ratio": statistics.median(cpu_timings[case.name]) / minimal_cpu_median,
            }
        )
    return {
        "runs": runs,
        "page_size": page_size,
        "minimal_median_ms": minimal_median,
        "minimal_p95_ms": p95(minimal_ms),
        "minimal_cpu_median_ms": minimal_cpu_median,
        "heavy_own_words_cpu_ratio": statistics.median(own_words_cpu) / minimal_cpu_median,
        "examples": rows,
        "peak_memory_mb": peak_memory_mb(),
    }


def default_serif_font() -> str:
    """The font the minimal document is set in (fontconfig's default serif), or "unknown":
    with the subsetter (screening.system_check), the yardstick's cost depends on it."""
    import shutil
    import subprocess

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return "unknown"
    # A fixed command found on PATH, no input from anyone.
    found = subprocess.run(  # noqa: S603
        [fc_match, "serif"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def report(figures: dict[str, Any]) -> str:
    from screening.system_check import harfbuzz_subsetter_available

    lines = [
        f"Summary PDF benchmark: {figures['runs']} runs each, page size "
        f"{figures['page_size']}, through `screening pdf`'s path (validate, evaluate, view "
        "model, render), alternating with a minimal one-paragraph document.",
        "",
        f"{'example':<24} {'kind':<9} {'median ms':>9} {'p95 ms':>8} {'pages':>5} {'bytes':>8}"
        f" {'ratio':>6} {'cpu ratio':>9}",
    ]
    for row in figures["examples"]:
        lines.append(
            f"{row['example']:<24} {row['kind']:<9} {row['median_ms']:>9.1f} "
            f"{row['p95_ms']:>8.1f} {row['pages']:>5} {row['bytes']:>8} {row['ratio']:>6.2f} "
            f"{row['cpu_ratio']:>9.2f}"
        )
    peak = figures["peak_memory_mb"]
    lines += [
        f"{'minimal document':<24} {'':<9} {figures['minimal_median_ms']:>9.1f} "
        f"{figures['minimal_p95_ms']:>8.1f}",
        f"(minimal document's font: {default_serif_font()}; fonts subset by "
        f"{'HarfBuzz' if harfbuzz_subsetter_available() else 'fontTools, several times slower'})",
        "",
        f"peak memory (ru_maxrss): {peak:.0f} MB",
        "(cpu ratio: the same with CPU time, steadier when other work shares the machine)",
    ]
    for kind, target in RATIO_TARGETS.items():
        rows = [row for row in figures["examples"] if row["kind"] == kind]
        if not rows:
            continue
        worst = max(row["ratio"] for row in rows)
        worst_cpu = max(row["cpu_ratio"] for row in rows)
        lines.append(
            f"{kind} ratio {worst:.2f} (cpu {worst_cpu:.2f}; worst of {len(rows)}, target <= "
            f"{target:g}): " + ("met" if worst <= target else "NOT met")
        )
    if "heavy_own_words_cpu_ratio" in figures:
        lines.append(own_words_line(figures["heavy_own_words_cpu_ratio"], "cpu ratio"))
    lines.append(
        f"peak memory {peak:.0f} MB (target < {MEMORY_TARGET_MB:g} MB): "
        + ("met" if peak < MEMORY_TARGET_MB else "NOT met")
    )
    return "\n".join(lines)


def own_words_line(ratio: float, measure: str) -> str:
    """The reference's line in both benchmarks' printouts (see heavy_own_words_document)."""
    return (
        "reference, not a target: the heavy case's patient text alone, in plain WeasyPrint: "
        f"{measure} {ratio:.2f} (the whole heavy summary's target: {RATIO_TARGETS['heavy']:g})"
    )


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
