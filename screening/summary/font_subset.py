"""The PDF's fonts, cut down to the scripts a clinic's patients write in.

`python -m screening.summary.font_subset SOURCE_DIR` writes screening/fonts/DejaVuSans.ttf and
DejaVuSans-Bold.ttf from the full DejaVu Sans 2.37 files in SOURCE_DIR (Debian's
fonts-dejavu-core puts them in /usr/share/fonts/truetype/dejavu). The shipped files were made
this way; run it again only to change COVERAGE, then run the tests and `make bench`.

Why: WeasyPrint copies and subsets every font it embeds on every render, and its cost grows
with the whole font, not just the glyphs used. The full DejaVu Sans (6,253 glyphs, about
700 KB a face) cost about 3 ms a summary, a tenth of the render; these files (2,839 glyphs,
217 KB) about 1.5 ms, and the pages are the same pixel for pixel (same glyphs, advance
widths and kerning).

What is kept: Latin with every accent (Western, Central and Eastern European, Vietnamese,
Turkish), Greek, Cyrillic, Hebrew and Arabic (with the shaping rules that join Arabic
letters), punctuation, currency, arrows, maths and a few marks patients type (✓ ✗).
Hinting is left out: WeasyPrint drops it from embedded fonts anyway. Text in any other script
(as with emoji before) is drawn by Pango from the fonts installed on the machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
FACES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

# (first, last) code points kept, with what they are for.
COVERAGE: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x02FF, "Latin, Latin-1, Latin Extended-A/B, IPA, spacing modifiers"),
    (0x0300, 0x036F, "combining accents"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x04FF, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x1E00, 0x1EFF, "Latin Extended Additional (Vietnamese, Welsh...)"),
    (0x2000, 0x206F, "punctuation and the spaces aligned_rows uses"),
    (0x2070, 0x209F, "superscripts and subscripts"),
    (0x20A0, 0x20CF, "currency"),
    (0x2100, 0x218F, "letterlike symbols and number forms (℃, №, ½)"),
    (0x2190, 0x21FF, "arrows"),
    (0x2200, 0x22FF, "mathematical operators (≤, ≥, ±)"),
    (0x25A0, 0x25FF, "geometric shapes"),
    (0x2713, 0x2717, "check and cross marks"),
    (0xFB00, 0xFB06, "Latin ligatures"),
    (0xFFFD, 0xFFFD, "replacement character"),
)

# Tables nothing reads when WeasyPrint lays out and embeds text: the maths layout table,
# the legacy kerning table (HarfBuzz uses GPOS kerning), FontForge's timestamp.
DROPPED_TABLES = ("MATH", "kern", "FFTM")


def code_points() -> set[int]:
    return {code for first, last, _what in COVERAGE for code in range(first, last + 1)}


def subset_face(source: Path, target: Path) -> None:
    """Write `source` cut down to COVERAGE (all OpenType layout features kept) to `target`."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.hinting = False
    options.drop_tables += list(DROPPED_TABLES)
    with subset.load_font(str(source), options) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=code_points())
        subsetter.subset(font)
        subset.save_font(font, str(target), options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder holding the full DejaVu Sans files")
    parser.add_argument("--out", type=Path, default=FONTS_DIR, help="where to write them")
    args = parser.parse_args(argv)
    missing = [face for face in FACES if not (args.source / face).is_file()]
    if missing:
        print(f"{args.source} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    for face in FACES:
        subset_face(args.source / face, args.out / face)
        print(f"wrote {args.out / face} ({(args.out / face).stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
