"""kept_layouts: lines drawn from the layout they were laid out with give WeasyPrint's own PDF,
and that layout really is used (it is what saves the work)."""

from __future__ import annotations

import types
from typing import Any

import pytest
from weasyprint.text.line_break import Layout

from screening.summary import bench, kept_layouts
from screening.summary.render import render_pdf
from tests.summary.conftest import (
    VALID_EXAMPLES,
    count_calls,
    example_answers,
    make_summary,
    spanish_handout_both_ways,
)
from tests.summary.hostile import ARABIC, HEBREW, HOSTILE_TEXT

HOSTILE = dict(
    example_answers("stenosis"),
    visit_reason=HOSTILE_TEXT,
    current_medications=HOSTILE_TEXT,
    goals_text=HOSTILE_TEXT,
)
# Right-to-left lines on their own (the name heading and the own words take their direction
# from their first letter): Pango places such a line against the right end of its width.
RIGHT_TO_LEFT = dict(
    example_answers("disc_herniation"),
    first_name=ARABIC,
    last_name=HEBREW,
    visit_reason=f"{ARABIC} {HEBREW} " * 30,
)
# Paragraph separators Pango breaks on unless told the line is one paragraph (as drawing tells
# it): a kept layout holding one is laid out again to be drawn, the others are drawn as kept.
PARAGRAPH_SEPARATORS = dict(
    example_answers("stenosis"),
    visit_reason="Back pain\u2029worse at night\rbetter lying down\r\nsince May " * 12,
    goals_text="Walk the dog\u2029garden again",
)


def _weasyprints_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, render.py leaves WeasyPrint to free and rebuild every layout."""
    monkeypatch.setattr(kept_layouts, "mirrors_this_weasyprint", lambda: False)


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts lines about to be drawn, and those WeasyPrint had to build again."""
    return count_calls(
        monkeypatch, kept_layouts, drawn="reactivate", rebuilt="weasyprints_reactivate"
    )


CASES = {
    "heavy": bench.HEAVY_ANSWERS,
    "hostile": HOSTILE,
    "right_to_left": RIGHT_TO_LEFT,
    "paragraph_separators": PARAGRAPH_SEPARATORS,
}


@pytest.mark.parametrize("name", [*VALID_EXAMPLES, *CASES])
def test_the_same_pdf_byte_for_byte_as_weasyprints_own(name: str, monkeypatch) -> None:
    answers = CASES
    summary = make_summary(answers.get(name) or example_answers(name))
    counts = _counting(monkeypatch)
    kept = render_pdf(summary)
    assert counts["drawn"] > 30 and counts["rebuilt"] == 0  # every line drawn as laid out
    _weasyprints_own(monkeypatch)
    assert render_pdf(summary) == kept


def test_the_handout_in_spanish_is_the_same_pdf_too(app, monkeypatch) -> None:
    kept, own = spanish_handout_both_ways(app, lambda: _weasyprints_own(monkeypatch))
    assert own == kept


def test_a_kept_line_is_drawn_without_pango_laying_it_out_again(monkeypatch) -> None:
    """Switching a layout to single-paragraph mode makes Pango lay it out again: drawing the
    summary's lines (none holds a paragraph separator) must leave every kept layout's mode."""
    from weasyprint.text import ffi as text_ffi

    pango, switched = text_ffi.pango, []

    class Pango:
        def __getattr__(self, name: str) -> Any:
            return getattr(pango, name)

        def pango_layout_set_single_paragraph_mode(self, layout: Any, setting: bool) -> None:
            switched.append(layout)
            pango.pango_layout_set_single_paragraph_mode(layout, setting)

    monkeypatch.setattr(text_ffi, "pango", Pango())
    counts = _counting(monkeypatch)
    render_pdf(make_summary(example_answers("stenosis")))
    assert counts["drawn"] > 30 and switched == []


def test_weasyprints_own_methods_are_back_once_the_pdf_is_written() -> None:
    own = (Layout.deactivate, Layout.reactivate)
    render_pdf(make_summary(example_answers("stenosis")))
    assert (Layout.deactivate, Layout.reactivate) == own
    assert Layout.reactivate is kept_layouts.weasyprints_reactivate


def test_only_the_weasyprint_release_it_was_checked_against_is_changed(monkeypatch) -> None:
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    counts = _counting(monkeypatch)
    render_pdf(make_summary(example_answers("stenosis")))
    assert counts == {"drawn": 0, "rebuilt": 0}


@pytest.mark.parametrize(
    ("change", "rebuilt"),
    [
        ({}, 0),
        ({"justification_spacing": 1.5}, 1),  # justified text: spacing added when drawn
        ({"style": "another style"}, 1),
        ({"layout": None}, 1),  # freed by WeasyPrint's own deactivate
    ],
)
def test_a_layout_is_rebuilt_unless_drawing_would_build_the_same(
    change: dict, rebuilt: int, monkeypatch
) -> None:
    style = "the line's style"
    line = types.SimpleNamespace(layout="pango layout", style=style, justification_spacing=0)
    for name, value in change.items():
        setattr(line, name, value)
    monkeypatch.setattr(kept_layouts, "weasyprints_reactivate", lambda *args: None)
    counts = count_calls(monkeypatch, kept_layouts, rebuilt="weasyprints_reactivate")
    kept_layouts.reactivate(line, style)
    assert counts["rebuilt"] == rebuilt
