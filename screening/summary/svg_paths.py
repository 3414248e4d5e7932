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
oldest dropped first. render.py puts it in place only while it writes a PDF, under its lock
(`_writing_faster`), and only on the WeasyPrint release glyph_runs copies.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

# WeasyPrint's own, for path data that is not remembered and the first drawing of each. This
# module is imported (by render.py, lazily) before anything is replaced.
from weasyprint.svg.path import path as weasyprints_path

from screening.summary.glyph_runs import is_mirrored_release

# Numbers (with exponents), separators and path commands: nothing that depends on a size.
_PLAIN_PATH_DATA = re.compile(r"[0-9.,+\-eE\s" + "MmLlHhVvCcSsQqTtAaZz" + r"]*")
MEMO_SIZE = 512

# d -> (operators appended to the stream, vertices appended to the node)
_memo: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}


def mirrors_this_weasyprint() -> bool:
    """Whether WeasyPrint is the release glyph_runs copies: this was checked against it too."""
    return is_mirrored_release()


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


def installed_path(svg: Any, node: Any, font_size: float) -> None:
    """What render.py puts in WeasyPrint's place: draw_path, looked up on each call (so that
    tests can count the paths drawn)."""
    return draw_path(svg, node, font_size)
