"""The surgery table as aligned rows: columns line up in the PDF for every answer code."""

from __future__ import annotations

import re
from itertools import cycle, islice
from pathlib import Path

import pytest
from flask_babel import gettext

from screening.questionnaire import QUESTIONNAIRE
from screening.summary import render, view_model
from screening.summary.aligned_rows import (
    LAST_COLUMN_PX,
    AlignedRows,
    aligned_rows,
    fill,
    units_to_px,
    width_units,
)
from screening.summary.render import render_pdf
from tests.summary.conftest import example_answers, make_summary


def surgeon_label(sub_id: str, code: str) -> str:
    """The words the summary prints for a surgery answer code."""
    item = QUESTIONNAIRE.item("surgeries").sub_item(sub_id)
    return view_model._value(sub_id, code, gettext, item)


def _codes(sub_id: str) -> list[str]:
    return [code.value for code in QUESTIONNAIRE.item("surgeries").sub_item(sub_id).codes]


SPACES = "\u2002\u2004\u2005\u2006\u2009\u200a"
HEADER = ["Year", "Procedure", "Region", "Approach", "Outcome", "Levels"]


def _starts(line: str, row: list[str]) -> list[int]:
    """Where each cell of `row` starts in its printed `line`, in font units."""
    starts, position = [], 0
    for cell in row[:-1]:
        starts.append(width_units(line[:position]))
        position = line.index(cell, position) + len(cell)
        position = len(line) - len(line[position:].lstrip(SPACES))
    starts.append(width_units(line[:position]))
    return starts


def test_every_row_starts_its_cells_where_the_header_does() -> None:
    rows = [
        HEADER,
        ["2019 (7 y ago)", "Spinal cord stimulator", "Cervical", "Open", "Worse", "C5-C6"],
        ["1998", "Fusion", "Lumbar", "Minimally invasive", "Much better", ""],
        ["2001", "AVAVAV", "Wwww", "iiii", "Better", "L4 to L5, and a long note"],
    ]
    laid_out = aligned_rows(rows)
    starts = [_starts(line, row) for line, row in zip(laid_out.lines, rows, strict=True)]
    for row_starts in starts[1:]:
        for column, (start, header_start) in enumerate(zip(row_starts, starts[0], strict=True)):
            assert abs(start - header_start) <= 40, (column, start, header_start)  # < 0.2 pt
    assert laid_out.hangs
    assert abs(units_to_px(starts[0][-1]) - LAST_COLUMN_PX) < 0.1  # wraps hang at Levels


def test_fill_comes_within_a_tenth_of_a_point_of_any_gap_wider_than_an_en_space() -> None:
    for units in range(1024, 20000, 7):
        assert abs(width_units(fill(units)) - units) <= 20, units  # 20 units = 0.08 pt


def test_rows_of_unequal_length_are_refused_and_overlong_rows_do_not_hang() -> None:
    with pytest.raises(ValueError, match="same number of cells"):
        aligned_rows([["a", "b"], ["c"]])
    assert aligned_rows([]) == AlignedRows(lines=[], hangs=False)
    assert not aligned_rows([["W" * 60, "W" * 40, "levels"]]).hangs


def test_the_longest_english_labels_still_hang_where_the_css_says() -> None:
    """Every procedure, region, approach and outcome label fits before LAST_COLUMN_PX, the
    same place pdf.css hangs wrapped levels."""
    longest = [
        max((surgeon_label(sub_id, code) for code in _codes(sub_id)), key=width_units)
        for sub_id in ("procedure", "region", "approach", "outcome")
    ]
    assert aligned_rows([HEADER, ["2026 (10 y ago)", *longest, "L4-L5"]]).hangs
    css = (Path(render.__file__).parent / "pdf.css").read_text()
    hang = re.search(r"\.hang \{ padding-left: ([\d.]+)px; text-indent: -([\d.]+)px; \}", css)
    assert hang and float(hang[1]) == float(hang[2]) == LAST_COLUMN_PX


def _words(bbox_html: str) -> list[tuple[float, float, str]]:
    """(x, y, word) of every word in `pdftotext -bbox` output."""
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>'
    return [(float(x), float(y), word) for x, y, word in re.findall(pattern, bbox_html)]


def test_columns_line_up_in_the_pdf_for_every_answer_code(pdftotext) -> None:
    """Every procedure, region, approach and outcome at least once: in the PDF each cell's first
    word starts where its column's header word does (poppler's word boxes)."""
    count = len(_codes("procedure"))
    surgeries = [
        {
            "procedure": procedure,
            "region": region,
            "approach": approach,
            "outcome": outcome,
            "year": 2000 + n,
            "levels": "L4-L5" if n % 2 else "",
        }
        for n, procedure, region, approach, outcome in zip(
            range(count),
            _codes("procedure"),
            islice(cycle(_codes("region")), count),
            islice(cycle(_codes("approach")), count),
            islice(cycle(_codes("outcome")), count),
            strict=True,
        )
    ]
    summary = make_summary(dict(example_answers("after_fusion"), surgeries=surgeries))
    words = _words(pdftotext(render_pdf(summary), "-bbox"))
    header_y = next(y for x, y, word in words if word == "Procedure")
    header = {word: x for x, y, word in words if abs(y - header_y) < 0.5}
    columns = [header[name] for name in ("When", "Procedure", "Region", "Approach", "Outcome")]
    for row in summary["surgery"]["rows"]:
        row_y = next(
            y
            for x, y, word in words
            if word == str(row["year"]) and abs(x - columns[0]) < 0.5 and y > header_y
        )
        on_row = sorted((x, word) for x, y, word in words if abs(y - row_y) < 0.5)
        cells = [str(row["year"]), row["procedure"], row["region"], row["approach"]]
        cells.append(row["outcome"])
        for column, cell in zip(columns, cells, strict=True):
            first_word = cell.split()[0]
            assert any(abs(x - column) < 0.25 and word == first_word for x, word in on_row), (
                cell,
                column,
                on_row,
            )
