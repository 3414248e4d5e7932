"""The pain chart's SVG paths drawn from a memo of what WeasyPrint wrote for them before.

WeasyPrint draws an SVG `<path>` by parsing its `d` text again on every render (weasyprint/
svg/path.py, release 70): string replaces, regular expressions and a float per number, all in
Python. The summary's pain chart (body_map.pain_chart_svg) is a few long paths, one per fill,
and parsing them was about a twentieth of a typical summary's instructions (13 M of 278 M,
counted with callgrind), though the same few paths come back on every PDF: only the shaded
regions and the score bars change, never anything a patient typed.

`draw_path` runs WeasyPrint's own path drawing the first time it meets a `d`, keeps the PDF
operators it appended to the stream and the vertices it left on the node (for markers), and
the next time appends those same operators and vertices instead of parsing again. The PDF is
byte for byte the same (tests/summary/test_svg_paths.py compares every example both ways).

Only path data of plain numbers and commands is remembered: a percentage or a unit would make
the drawing depend on the SVG's size or the font size. The memo holds MEMO_SIZE paths, the
oldest dropped first. `drawing_svg_paths_from_memo` puts it in place only while render.py
writes a PDF, under render.py's lock, and only on the WeasyPrint release glyph_runs copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from screening.summary.glyph_runs import MIRRORED_WEASYPRINT

# Numbers (with exponents), separators and path commands: nothing that depends on a size.
_PLAIN_PATH_DATA = re.compile(r"[0-9.,+\-eE\s" + "MmLlHhVvCcSsQqTtAaZz" + r"]*")
MEMO_SIZE = 512

# d -> (operators appended to the stream, vertices appended to the node)
_memo: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
_weasyprints: Any = None


def weasyprints_path(svg: Any, node: Any, font_size: float) -> None:
    """WeasyPrint's own path drawing (weasyprint.svg.path.path)."""
    return _weasyprints(svg, node, font_size)


def draw_path(svg: Any, node: Any, font_size: float) -> None:
    """Draw a `<path>` as WeasyPrint does, from the memo when its `d` has been drawn before."""
    data = node.get("d", "")
    if not _PLAIN_PATH_DATA.fullmatch(data):
        return weasyprints_path(svg, node, font_size)
    operators = svg.stream.stream  # pydyf's list of the stream's operators
    remembered = _memo.get(data)
    if remembered is None:
        operators_before, vertices_before = len(operators), len(node.vertices)
        weasyprints_path(svg, node, font_size)
        if len(_memo) >= MEMO_SIZE:
            del _memo[next(iter(_memo))]
        _memo[data] = (
            tuple(operators[operators_before:]),
            tuple(islice(node.vertices, vertices_before, None)),
        )
        return None
    operators.extend(remembered[0])
    node.vertices.extend(remembered[1])
    return None


def _drawing(svg: Any, node: Any, font_size: float) -> None:
    # Looked up on each call, so that tests can count the paths drawn.
    return draw_path(svg, node, font_size)


@contextmanager
def drawing_svg_paths_from_memo() -> Iterator[None]:
    """WeasyPrint draws SVG paths through `draw_path` inside the block (on the WeasyPrint
    release this mirrors; else nothing changes). Callers hold render.py's lock."""
    global _weasyprints
    import weasyprint
    from weasyprint import svg as weasyprint_svg

    if _weasyprints is None:
        _weasyprints = weasyprint_svg.TAGS["path"]
    if not weasyprint.__version__.startswith(MIRRORED_WEASYPRINT):
        yield
        return
    weasyprint_svg.TAGS["path"] = _drawing
    try:
        yield
    finally:
        weasyprint_svg.TAGS["path"] = _weasyprints
