"""The PDF benchmark's cases and printout (`make bench`); no timing is ever asserted."""

from __future__ import annotations

import pytest

from screening.summary import bench


def test_every_case_is_a_valid_answer_set_that_renders() -> None:
    cases = bench.load_examples()
    assert [case.kind for case in cases].count("heavy") == 1
    assert [case.kind for case in cases][-2:] == ["heavy", "reference"]
    assert {case.kind for case in cases} == {"typical", "heavy", "reference"}
    for case in cases:
        pdf, pages = bench.pdf_of(case)  # raises on an invalid answer set
        assert pdf.startswith(b"%PDF") and pages >= 1


def test_the_heavy_case_is_what_issue_17_describes() -> None:
    heavy = bench.HEAVY_ANSWERS
    assert len(heavy["surgeries"]) == 2
    assert len(heavy["visit_reason"]) == 1900
    assert len(heavy["current_medications"]) == 1900
    assert len(heavy["goals_text"]) == 1000


def test_the_reference_case_is_the_heavy_one_with_short_patient_text() -> None:
    reference = bench.HEAVY_WITHOUT_LONG_WORDS
    differing = {
        item for item in bench.HEAVY_ANSWERS if reference[item] != bench.HEAVY_ANSWERS[item]
    }
    assert differing == set(bench.HEAVY_OWN_WORDS)
    assert all(len(reference[item]) < 100 for item in bench.HEAVY_OWN_WORDS)


def test_the_reference_document_holds_the_heavy_case_s_patient_text_and_nothing_else() -> None:
    """The reference is only fair if it is exactly the heavy case's three texts: no more (it
    would overstate what the words cost), no less (it would understate it)."""
    from html.parser import HTMLParser

    class Paragraphs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.texts: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.tags.append(tag)
            if tag == "p":
                self.texts.append("")

        def handle_data(self, data: str) -> None:
            if self.tags and self.tags[-1] == "p":
                self.texts[-1] += data

    parsed = Paragraphs()
    parsed.feed(bench.heavy_own_words_html())
    assert parsed.tags == ["style", "p", "p", "p"]
    assert parsed.texts == [bench.HEAVY_ANSWERS[item] for item in bench.HEAVY_OWN_WORDS]
    assert sum(map(len, parsed.texts)) == 4800
    assert bench.heavy_own_words_document().startswith(b"%PDF")


def test_the_synthetic_typical_case_is_used_without_the_shared_examples(tmp_path) -> None:
    cases = bench.load_examples(tmp_path)
    assert [(case.name, case.kind) for case in cases] == [
        ("synthetic", "typical"),
        ("heavy (synthetic)", "heavy"),
        ("heavy, short own words", "reference"),
    ]
    assert bench.pdf_of(cases[0])[1] >= 1


def test_the_report_prints_both_ratios_against_their_targets() -> None:
    row = {"median_ms": 40.0, "p95_ms": 45.0, "pages": 1, "bytes": 18000, "cpu_ratio": 3.5}
    figures = {
        "runs": 3,
        "page_size": "Letter",
        "minimal_median_ms": 11.0,
        "minimal_p95_ms": 12.0,
        "minimal_cpu_median_ms": 11.0,
        "peak_memory_mb": 90.0,
        "examples": [
            {**row, "example": "stenosis", "kind": "typical", "ratio": 3.6},
            {**row, "example": "heavy (synthetic)", "kind": "heavy", "ratio": 6.4, "pages": 2},
            {**row, "example": "heavy, short own words", "kind": "reference", "ratio": 9.0},
        ],
    }
    text = bench.report(figures)
    assert "heavy, short own words   reference" in text
    verdicts = [line for line in text.splitlines() if line.endswith("met")]
    assert verdicts == [  # none for the reference
        "typical ratio 3.60 (cpu 3.50; worst of 1, target <= 4): met",
        "heavy ratio 6.40 (cpu 3.50; worst of 1, target <= 6): NOT met",
        "peak memory 90 MB (target < 250 MB): met",
    ]
    assert "reference, not a target" not in text  # printed only when measured
    text = bench.report({**figures, "heavy_own_words_cpu_ratio": 4.93})
    assert (
        "reference, not a target: the heavy case's patient text alone, in plain WeasyPrint: "
        "cpu ratio 4.93 (the whole heavy summary's target: 6)"
    ) in text
    assert "4.93): met" not in text and "4.93): NOT met" not in text  # no verdict on it


def test_the_report_says_how_fonts_were_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    """The yardstick's cost depends on HarfBuzz's subsetter: the report says which one ran."""
    from screening import system_check

    figures = {
        "runs": 1,
        "page_size": "Letter",
        "examples": [],
        "peak_memory_mb": 1.0,
        "minimal_median_ms": 1.0,
        "minimal_p95_ms": 1.0,
    }
    monkeypatch.setattr(system_check, "harfbuzz_subsetter_available", lambda: True)
    assert "fonts subset by HarfBuzz" in bench.report(figures)
    monkeypatch.setattr(system_check, "harfbuzz_subsetter_available", lambda: False)
    assert "fonts subset by fontTools, several times slower" in bench.report(figures)


def test_one_run_of_the_whole_benchmark_prints_every_case_and_the_references(capsys) -> None:
    """`make bench`'s own path, once: every case rendered and timed, the verdicts and both
    references printed (no figure is judged here)."""
    assert bench.main(["--runs", "1"]) == 0
    text = capsys.readouterr().out
    for case in bench.load_examples():
        assert f"{case.name:<24} {case.kind:<9}" in text
    assert "typical ratio" in text and "heavy ratio" in text
    assert "the heavy case's patient text alone, in plain WeasyPrint: cpu ratio" in text
