"""What the PDF draws its own way, worked out from the view model: the pain chart and the
surgery rows.

The staff page shows the same facts with HTML bars, the body map and a <table>, which cost a
browser nothing. In WeasyPrint every box costs time, so the PDF draws the score bars and the
body diagram as ONE SVG (pain_chart_svg) and the surgery table as aligned lines of text
(aligned_rows). Both are built here from the view model only, so the PDF still cannot show
anything the staff page does not.
"""

from __future__ import annotations

from typing import Any

from screening.summary.aligned_rows import AlignedRows, aligned_rows
from screening.summary.body_map import pain_chart_svg
from screening.translations_cache import gettext as _


def pdf_layout(summary: dict[str, Any]) -> dict[str, Any]:
    """The PDF template's `pdf` context: `pain_chart_svg` and `surgery_rows`."""
    pain = summary["pain"]
    regions = _("Pain regions: %(regions)s", regions=", ".join(pain["regions"]) or _("none"))
    return {
        "pain_chart_svg": pain_chart_svg(
            [score["step"] for score in pain["scores"]],
            pain["region_codes"],
            label="; ".join(filter(None, [regions, pain["scores_in_words"]])),
        ),
        "surgery_rows": surgery_rows(summary.get("surgery")),
    }


def surgery_rows(surgery: dict[str, Any] | None) -> AlignedRows:
    """The surgery table as aligned lines of text, header first; the levels (free text) last,
    in the same column order as the staff page's table."""
    if not surgery or not surgery.get("rows"):
        return AlignedRows(lines=[], hangs=False)
    header = [_("When"), _("Procedure"), _("Region"), _("Approach"), _("Outcome"), _("Levels")]
    rows = [header]
    for row in surgery["rows"]:
        when = row["when"] if not row.get("ago") else f"{row['when']} ({row['ago']})"
        rows.append(
            [when, row["procedure"], row["region"], row["approach"], row["outcome"], row["levels"]]
        )
    return aligned_rows(rows)
