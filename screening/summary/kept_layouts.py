"""Each line of text keeps its Pango layout from laying out to drawing: the same PDF, less work.

WeasyPrint (release 70) frees a line's Pango layout as soon as the line is laid out
(`Layout.deactivate`) and builds it again to draw the line (`Layout.reactivate`: a new Pango
context and layout, the font description, the features, the text set and shaped again). That
is how it keeps memory down on documents of hundreds of pages; a summary has one to three.

Keeping the layout is only half of the saving: drawing switches the layout to single-paragraph
mode, and Pango then lays the line out again. glyph_runs switches it only when the text holds a
paragraph separator (the two modes give the same line otherwise), so the kept line is drawn as
it is. Measured with `make bench-instructions`, in times the minimal document: the typical
after_fusion from 4.15 to 4.02-4.11 with the layout kept, and to 3.89 with its line kept too;
the heavy case from 10.05 to 9.68-9.87, then 9.22. `make bench` CPU ratios, on one machine in one
session: after_fusion 4.32 to 3.95, heavy 9.70 to 8.56.

While render.py lays out and writes a summary (under its lock, `_rendering_faster`), a layout
is kept, and drawing uses it as it is when rebuilding it would give the same one: the line's
style is the one it was laid out with and no justification spacing was added after (the
summary justifies no text; WeasyPrint adds that spacing only when it rebuilds). Anything else is
rebuilt by WeasyPrint's own `reactivate`. tests/summary/test_kept_layouts.py holds every
example, the heavy case, hostile text and the Spanish handout byte for byte to WeasyPrint's
own way. The kept layouts belong to the document's boxes and go with them once the PDF is
written (peak memory unchanged, `make bench`).
"""

from __future__ import annotations

from typing import Any

from weasyprint.text.line_break import Layout

# WeasyPrint's own, bound at import (before render.py replaces anything).
weasyprints_reactivate = Layout.reactivate


def keep(layout: Any) -> None:
    """Layout.deactivate while a summary is made: the Pango layout stays for drawing."""


def reactivate(layout: Any, style: Any) -> None:
    """Layout.reactivate while a summary is made: the kept layout when it is what WeasyPrint
    would build again (same style, no justification spacing), else WeasyPrint's own."""
    if (
        getattr(layout, "layout", None) is not None
        and getattr(layout, "style", None) is style
        and not layout.justification_spacing
    ):
        return
    weasyprints_reactivate(layout, style)


def mirrors_this_weasyprint() -> bool:
    """Whether WeasyPrint is the release this module was checked against (glyph_runs')."""
    from screening.summary.glyph_runs import is_mirrored_release

    return is_mirrored_release()
