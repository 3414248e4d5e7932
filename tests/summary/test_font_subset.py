"""The shipped PDF fonts: cut down to COVERAGE, and still covering what patients write."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from screening.summary.aligned_rows import EN_SPACE, FINE_SPACES
from screening.summary.font_subset import (
    COVERAGE,
    DROPPED_TABLES,
    FACES,
    FONTS_DIR,
    code_points,
    main,
    subset_face,
)
from screening.summary.render import render_pdf
from tests.summary.conftest import example_answers, make_summary

# Debian's fonts-dejavu-core: the source the shipped files were cut from.
SYSTEM_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# What the PDF itself prints besides letters: separators, dashes, quotes, the ellipsis.
TEMPLATE_CHARACTERS = "·–—’“”…≥≤±×°/()%:;,.!?&#@*+-=<>[]{}|~^_'\"\\"


def _cmap(path: Path) -> set[int]:
    with TTFont(str(path)) as font:
        return set(font.getBestCmap())


@pytest.mark.parametrize("face", FACES)
def test_shipped_face_holds_only_the_coverage_and_no_unused_tables(face: str) -> None:
    with TTFont(str(FONTS_DIR / face)) as font:
        assert set(font.getBestCmap()) <= code_points()
        for table in (*DROPPED_TABLES, "fpgm", "prep", "cvt "):
            assert table not in font, table
        # The layout rules stay: kerning (GPOS) and Arabic joining (GSUB).
        assert "GPOS" in font and "GSUB" in font


@pytest.mark.parametrize("face", FACES)
def test_shipped_face_covers_every_range_and_what_the_template_prints(face: str) -> None:
    cmap = _cmap(FONTS_DIR / face)
    for first, last, what in COVERAGE:
        assert cmap & set(range(first, last + 1)), what
    latin_1_letters = [chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha()]
    wanted = [*TEMPLATE_CHARACTERS, EN_SPACE, *FINE_SPACES, *latin_1_letters, "ő", "ł", "ș", "ệ"]
    assert [char for char in wanted if ord(char) not in cmap] == []


@pytest.mark.skipif(
    not (SYSTEM_DEJAVU / FACES[0]).is_file(), reason="Debian's fonts-dejavu-core is not installed"
)
@pytest.mark.parametrize("face", FACES)
def test_subsetting_the_full_font_again_gives_the_shipped_face(face: str, tmp_path: Path) -> None:
    """The shipped files match COVERAGE (compared by content, not bytes, which may differ
    between fontTools releases)."""
    subset_face(SYSTEM_DEJAVU / face, tmp_path / face)
    with TTFont(str(tmp_path / face)) as fresh, TTFont(str(FONTS_DIR / face)) as shipped:
        assert fresh.getBestCmap() == shipped.getBestCmap()
        assert fresh.getGlyphOrder() == shipped.getGlyphOrder()
        assert sorted(fresh.keys()) == sorted(shipped.keys())


def test_subset_command_names_missing_source_files(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "DejaVuSans.ttf" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_other_alphabets_print_in_the_shipped_font(pdffonts, pdftotext) -> None:
    """Greek, Cyrillic, Vietnamese, Hebrew and Arabic text needs no other font."""
    answers = dict(
        example_answers("stenosis"),
        first_name="Νίκος Жанна",
        last_name="Nguyễn",
        visit_reason="כאב גב תחתון · ألم في الظهر · Schmerzen im Rücken",
    )
    pdf = render_pdf(make_summary(answers))
    rows = pdffonts(pdf).splitlines()[2:]
    assert {row.split()[0].split("+")[-1] for row in rows} == {"Summary-Sans", "Summary-Sans-Bold"}
    text = pdftotext(pdf)
    assert "Νίκος Жанна Nguyễn" in text
    assert "Schmerzen im Rücken" in text
