"""svg_paths.draw_path gives exactly what WeasyPrint's own path drawing gives, from its memo."""

from __future__ import annotations

from typing import Any

import pytest

from screening.summary import bench, svg_paths
from screening.summary.render import render_pdf
from tests.summary.conftest import VALID_EXAMPLES, count_calls, example_answers, make_summary


def _counting(monkeypatch) -> dict[str, int]:
    """Counts paths drawn through draw_path and those parsed by WeasyPrint's own code."""
    return count_calls(monkeypatch, svg_paths, drawn="draw_path", parsed="weasyprints_path")


@pytest.mark.parametrize("name", [*VALID_EXAMPLES, "heavy"])
def test_the_same_pdf_byte_for_byte_from_the_memo_as_parsed_afresh(name: str, monkeypatch) -> None:
    summary = make_summary(bench.HEAVY_ANSWERS if name == "heavy" else example_answers(name))
    monkeypatch.setattr(svg_paths, "_memo", {})
    counts = _counting(monkeypatch)
    parsed = render_pdf(summary)  # an empty memo: every path parsed, then remembered
    assert counts["drawn"] >= 3 and counts["parsed"] == counts["drawn"]
    remembered = render_pdf(summary)  # every path from the memo
    assert counts["parsed"] == counts["drawn"] // 2
    assert remembered == parsed


def test_path_data_that_depends_on_a_size_is_never_remembered(monkeypatch) -> None:
    class Node(dict):
        vertices: list[Any] = []

    calls = []
    monkeypatch.setattr(svg_paths, "weasyprints_path", lambda *args: calls.append(args))
    monkeypatch.setattr(svg_paths, "_memo", {})
    for data in ("M0,0 L50%,10", "M0,0 h2ex", "M0,0 L1in,2px"):
        node = Node(d=data)
        svg_paths.draw_path(None, node, 12)
        svg_paths.draw_path(None, node, 12)
    assert len(calls) == 6 and svg_paths._memo == {}


def test_the_memo_keeps_at_most_memo_size_paths(monkeypatch) -> None:
    class Stream:
        stream: list[bytes] = []

    class Svg:
        stream = Stream()

    class Node(dict):
        def __init__(self, data: str) -> None:
            super().__init__(d=data)
            self.vertices: list[Any] = []

    monkeypatch.setattr(svg_paths, "weasyprints_path", lambda svg, node, size: None)
    monkeypatch.setattr(svg_paths, "_memo", {})
    monkeypatch.setattr(svg_paths, "MEMO_SIZE", 3)
    for number in range(5):
        svg_paths.draw_path(Svg(), Node(f"M0,{number}"), 12)
    assert list(svg_paths._memo) == ["M0,2", "M0,3", "M0,4"]
