"""`make pdf-baseline`: the summary PDF timed in the code as issue 17 found it and in this
checkout, the same way, and the issue's heavy figure carried over by the comparison."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screening import PROJECT_ROOT
from screening.summary.bench import SYNTHETIC_ANSWERS, SYNTHETIC_AS_OF
from tests.load import pdf_baseline, pdf_timing
from tests.load.test_baseline import has_baseline_commit


def figures(code: str, synthetic: float, heavy: float, left_out: list[str]) -> dict:
    return {
        "code": code,
        "minimal_ms": 8.0,
        "cases": {
            "synthetic patient": {
                "ms": 8 * synthetic,
                "ratio": synthetic,
                "pages": 2,
                "left_out": left_out,
            },
            "heavy": {"ms": 8 * heavy, "ratio": heavy, "pages": 3, "left_out": left_out},
        },
    }


def test_the_comparison_takes_medians_and_carries_the_issue_figure_over() -> None:
    then = [figures("old", s, h, ["phone"]) for s, h in ((5.2, 8.4), (5.4, 8.0), (9.9, 9.9))]
    now = [figures("new", s, h, []) for s, h in ((4.2, 6.3), (4.4, 6.0), (1.0, 1.0))]
    lines = pdf_baseline.report(then, now)
    # Medians: synthetic 5.4 then, 4.2 now; heavy 8.4 then, 6.0 now (0.71).
    assert lines[1].split() == ["synthetic", "patient", "5.40", "2", "4.20", "2", "0.78"]
    assert lines[2].split() == ["heavy", "8.40", "3", "6.00", "3", "0.71"]
    assert "left out on the old side (its questionnaire does not have them): phone" in lines
    assert not any(line.startswith("left out on this checkout") for line in lines)
    assert lines[-1].endswith("at 8x on its machine; times 0.71: about 5.7x (target <= 6)")
    # Were this checkout's questionnaire to lose an item the benchmark sends, it would show.
    now[0]["cases"]["heavy"]["left_out"] = ["month"]
    lines = pdf_baseline.report(then, now)
    assert "left out on this checkout's side (its questionnaire does not have them): month" in lines


def test_items_this_version_lacks_are_left_out_and_named() -> None:
    answers = {**SYNTHETIC_ANSWERS, "not_an_item": 3}
    answers["surgeries"] = [{**answers["surgeries"][0], "colour": "red"}]
    text, left_out = pdf_timing.answers_this_code_takes(answers, SYNTHETIC_AS_OF)
    assert sorted(left_out) == ["not_an_item", "surgeries.colour"]
    assert '"not_an_item"' not in text and '"colour"' not in text
    assert '"surgeries"' in text  # the rest of the entry stays
    with pytest.raises(ValueError, match="not a valid answer set"):
        pdf_timing.answers_this_code_takes({**SYNTHETIC_ANSWERS, "back_pain_nrs": 42}, date.today())


@pytest.mark.skipif(not has_baseline_commit(), reason="a clone without the history (shallow)")
def test_both_codes_are_timed_in_turn(capsys) -> None:
    """One round of one render each: the old side measured in its temporary copy (gone
    after), without the version 2 items, and this checkout with all of them."""
    assert pdf_baseline.main(["--rounds", "1", "--renders", "1"]) == 0
    out = capsys.readouterr().out
    old, new = out.split("== round 1, this checkout")
    assert "== round 1, the code as issue 17 found it (" in old
    old_folder = old.split("found it (", 1)[1].split(")", 1)[0]
    assert "pdf-baseline-" in old_folder and not Path(old_folder).exists()
    assert f"({PROJECT_ROOT})" in new.splitlines()[0]
    assert "synthetic patient" in old and "heavy" in old
    left_out = [line for line in new.splitlines() if line.startswith("left out")]
    assert len(left_out) == 1 and left_out[0].startswith("left out on the old side")
    assert "phone" in left_out[0] and "surgeries.month" in left_out[0]
    assert "issue 17 measured that code's heavy two-page summary at 8x" in new
