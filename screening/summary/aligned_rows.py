"""Table rows as aligned lines of text: the PDF's previous-surgery table.

Why not an HTML <table>: WeasyPrint builds, lays out and draws a table cell by cell, and a
one-operation, six-column table cost about 10 ms, a fifth of a whole summary (issue 4's
benchmark). The same rows as lines of text cost about 1 ms.

How the columns line up: every cell but the last is followed by Unicode spaces of known widths
(en spaces, then up to four thinner ones) that fill up to the next column. Widths come from the
advance widths of the font the PDF ships, and pdf.css turns kerning and ligatures off for these
rows, so the measured width is the drawn width. Tabs would be simpler but WeasyPrint 70 draws
a tab about 2% wider than it lays it out, so columns after one drift by a point or more.

The last column holds the free text (the levels operated on): it is never measured, and when
it is long it wraps under itself (the rows hang at that column), so nothing is ever cut.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import combinations_with_replacement
from pathlib import Path

FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans.ttf"

# Must match pdf.css `.surgery-row { font-size: 8.5pt }`, in CSS pixels (96 per inch).
FONT_SIZE_PX = 8.5 * 96 / 72
# Clear space after the longest cell of a column.
GAP_PX = 14.0
# Where the last column starts (135.5 mm in, leaving 46 mm on A4), so that pdf.css can hang
# wrapped free text there with one fixed rule (`.hang`). The English labels need at most
# 507 px; rows whose other columns need more (long translations) start the last column
# where they end, and do not hang.
LAST_COLUMN_PX = 512.0
EN_SPACE = "\u2002"
# Thinner spaces that make up the rest of a gap (up to four of them): three-per-em, four-per-em,
# six-per-em, thin and hair spaces.
FINE_SPACES = ("\u2004", "\u2005", "\u2006", "\u2009", "\u200a")


@cache
def _font() -> tuple[dict[int, int], int]:
    """(advance width by code point, units per em) of the shipped font."""
    from fontTools.ttLib import TTFont

    with TTFont(str(FONT_FILE)) as font:
        widths = font["hmtx"].metrics
        advances = {code: widths[glyph][0] for code, glyph in font.getBestCmap().items()}
        return advances, font["head"].unitsPerEm


def width_units(text: str) -> int:
    """The advance width of `text` in font units; a character the font lacks counts as an em."""
    advances, units = _font()
    return sum(advances.get(ord(char), units) for char in text)


def units_to_px(units: float) -> float:
    return units * FONT_SIZE_PX / _font()[1]


def px_to_units(px: float) -> float:
    return px * _font()[1] / FONT_SIZE_PX


@cache
def _fillers() -> dict[int, str]:
    """Up to four fine spaces for each total width they can make, in font units."""
    made: dict[int, str] = {0: ""}
    for count in (1, 2, 3, 4):
        for combo in combinations_with_replacement(FINE_SPACES, count):
            made.setdefault(width_units("".join(combo)), "".join(combo))
    return made


@lru_cache(maxsize=4096)  # a handful of widths recur on every render
def fill(units: int) -> str:
    """Spaces as close as they come to `units` wide (a gap of at least one en space)."""
    en = width_units(EN_SPACE)
    ens, rest = divmod(units, en)
    made = _fillers()
    # The rest from fine spaces alone, or with one en space fewer: whichever comes closer.
    choices = [(ens, min(made, key=lambda width: abs(width - rest)))]
    if ens:
        choices.append((ens - 1, min(made, key=lambda width: abs(width - rest - en))))
    ens, width = min(choices, key=lambda choice: abs(choice[0] * en + choice[1] - units))
    return EN_SPACE * ens + made[width]


@dataclass(frozen=True)
class AlignedRows:
    """Rows ready to print, one string each; `hangs` when the last column starts at
    LAST_COLUMN_PX, so wrapped free text can continue under it (pdf.css `.hang`)."""

    lines: list[str]
    hangs: bool


def aligned_rows(rows: Sequence[Sequence[str]]) -> AlignedRows:
    """Lay out `rows` (the header first, all the same length) as aligned lines of text.

    Each column but the last is as wide as its longest cell plus a gap, and the spare width
    is shared among them so that the last starts at LAST_COLUMN_PX when it can.
    """
    if not rows:
        return AlignedRows(lines=[], hangs=False)
    count = len(rows[0])
    if any(len(row) != count for row in rows):
        raise ValueError("every row needs the same number of cells")
    gap = math.ceil(px_to_units(GAP_PX))
    widths = [max(width_units(row[column]) for row in rows) + gap for column in range(count - 1)]
    last_column = math.floor(px_to_units(LAST_COLUMN_PX))
    hangs = sum(widths) <= last_column
    if hangs and widths:  # share the spare width out, as a table spreads its columns
        spare = last_column - sum(widths)
        for column in range(len(widths)):
            widths[column] += spare // len(widths) + (column < spare % len(widths))
    lines = []
    for row in rows:
        line, x, column_start = "", 0, 0
        for cell, column_width in zip(row[:-1], widths, strict=True):
            column_start += column_width
            padded = cell + fill(column_start - x - width_units(cell))
            line += padded
            x += width_units(padded)  # exact: fill's small misses never add up
        lines.append(line + row[-1])
    return AlignedRows(lines=lines, hangs=hangs)
