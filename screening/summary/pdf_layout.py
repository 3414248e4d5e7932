"""What the PDF draws its own way, worked out from the view model: the pain chart and the
surgery rows.

The staff page shows the same facts with HTML bars, the body map and a <table>, which cost a
browser nothing. In WeasyPrint every box costs time, so the PDF draws the three score bars
and the body diagram as ONE SVG (pain_chart_svg) and the surgery table as aligned lines
of text (aligned_rows). Both are built here from the view model only, so the PDF still cannot show
anything the staff page does not.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from screening.questionnaire.model import N_
from screening.summary.aligned_rows import AlignedRows, aligned_rows
from screening.summary.body_map import pain_chart_svg

# The scores drawn as bars, top to bottom, with the words the PDF prints above each bar.
SCORE_LABELS = (
    ("back", N_("Back pain")),
    ("leg", N_("Leg pain")),
    ("interference", N_("Interference")),
)


def pdf_layout(summary: dict[str, Any]) -> dict[str, Any]:
    """The PDF template's `pdf` context: `scores`, `pain_chart_svg` and `surgery_rows`."""
    pain = summary["pain"]
    present = [(label, pain[key]) for key, label in SCORE_LABELS if pain.get(key)]
    scores = [{"label": _(label), "value": s["value"], "max": s["max"]} for label, s in present]
    steps = [score["step"] for _label, score in present]
    in_words = "; ".join(
        [_("%(label)s %(value)s of %(max)s", **score) for score in scores]
        + [
            _(
                "Pain regions: %(regions)s",
                regions=", ".join(pain.get("regions") or []) or _("none"),
            )
        ]
    )
    return {
        "scores": scores,
        "pain_chart_svg": pain_chart_svg(steps, pain.get("region_codes") or [], label=in_words),
        "surgery_rows": surgery_rows(summary.get("surgery")),
    }


def surgery_rows(surgery: dict[str, Any] | None) -> AlignedRows:
    """The surgery table as aligned lines of text, header first; the levels (free text) last."""
    if not surgery or not surgery.get("rows"):
        return AlignedRows(lines=[], hangs=False)
    header = [_("Year"), _("Procedure"), _("Region"), _("Approach"), _("Outcome"), _("Levels")]
    rows = [header]
    for row in surgery["rows"]:
        year = str(row["year"])
        if row.get("years_ago") is not None:
            year = f"{year} ({_('%(n)s y ago', n=row['years_ago'])})"
        rows.append(
            [year, row["procedure"], row["region"], row["approach"], row["outcome"], row["levels"]]
        )
    return aligned_rows(rows)
