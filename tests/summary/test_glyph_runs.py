"""glyph_runs.draw_first_line writes exactly what WeasyPrint's own would, and is really used."""

from __future__ import annotations

import re
import zlib

import pytest

from screening.summary import bench, glyph_runs
from screening.summary.render import render_pdf
from tests.summary.conftest import (
    VALID_EXAMPLES,
    count_calls,
    deflated_streams,
    example_answers,
    make_summary,
    spanish_handout_both_ways,
)
from tests.summary.hostile import HOSTILE_TEXT


def _weasyprints_own(monkeypatch) -> None:
    """From here on, render.py leaves WeasyPrint's draw_first_line in place."""
    monkeypatch.setattr(glyph_runs, "mirrors_this_weasyprint", lambda: False)


def _counting(monkeypatch) -> dict[str, int]:
    """Counts lines drawn by the fast path and lines it handed to WeasyPrint's own."""
    return count_calls(
        monkeypatch, glyph_runs, fast="draw_first_line", handed_on="weasyprints_draw_first_line"
    )


HOSTILE = dict(
    example_answers("stenosis"),
    visit_reason=HOSTILE_TEXT,
    current_medications=HOSTILE_TEXT,
    goals_text=HOSTILE_TEXT,
)


@pytest.mark.parametrize("name", [*VALID_EXAMPLES, "heavy", "hostile"])
def test_the_same_pdf_byte_for_byte_as_weasyprints_own(name: str, monkeypatch) -> None:
    answers = {"heavy": bench.HEAVY_ANSWERS, "hostile": HOSTILE}.get(name)
    summary = make_summary(answers or example_answers(name))
    counts = _counting(monkeypatch)
    fast = render_pdf(summary)
    assert counts["fast"] > 30  # the lines of the summary went through it
    _weasyprints_own(monkeypatch)
    assert render_pdf(summary) == fast


def test_the_handout_in_spanish_is_the_same_pdf_too(app, monkeypatch) -> None:
    fast, own = spanish_handout_both_ways(app, lambda: _weasyprints_own(monkeypatch))
    assert own == fast


def test_only_the_weasyprint_release_it_copies_is_taken_over(monkeypatch) -> None:
    import weasyprint

    glyph_runs.mirrors_this_weasyprint.cache_clear()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    try:
        counts = _counting(monkeypatch)
        render_pdf(make_summary(example_answers("stenosis")))
        assert counts == {"fast": 0, "handed_on": 0}  # WeasyPrint's own, never replaced
    finally:
        glyph_runs.mirrors_this_weasyprint.cache_clear()


def test_plain_lines_are_drawn_by_the_fast_path_and_the_rest_by_weasyprint(monkeypatch) -> None:
    """A line holding a character no font has (here an Egyptian hieroglyph) is handed to
    WeasyPrint's own, which draws a placeholder glyph and logs it, before anything is written.
    (Emoji, right-to-left text and accents take the fast path: see the hostile case above.)"""
    plain = _counting(monkeypatch)
    render_pdf(make_summary(example_answers("stenosis")))
    assert plain["fast"] > 30 and plain["handed_on"] == 0

    missing = _counting(monkeypatch)
    answers = dict(example_answers("stenosis"), goals_text="Walk \U00013000 again")
    render_pdf(make_summary(answers))
    assert missing["handed_on"] == 1


def test_each_glyph_text_is_made_once_per_font_and_size(monkeypatch) -> None:
    """The heavy summary sets thousands of glyphs but only a few hundred different ones: the
    text of each is made once and then looked up (the lookup is what makes drawing cheaper)."""
    summary = make_summary(bench.HEAVY_ANSWERS)
    counts = _counting(monkeypatch)
    made = count_calls(monkeypatch, glyph_runs, made="_glyph_piece")
    drawn = _count_glyphs_drawn(render_pdf(summary))
    assert counts["fast"] > 100
    assert drawn > 4000
    assert 0 < made["made"] < drawn / 5


def _count_glyphs_drawn(pdf: bytes) -> int:
    """Glyph ids written in the page content streams' TJ arrays (4 hex digits each)."""
    count = 0
    for content in map(zlib.decompress, deflated_streams(pdf)):
        for array in re.findall(rb"\[([^\]]*)\] TJ", content):
            count += sum(len(ids) // 4 for ids in re.findall(rb"<([0-9a-f]+)>", array))
    return count
