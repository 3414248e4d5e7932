"""The review page's view model: every answer in the patient's own words, grouped by step.

Built from the questionnaire definition and the stored canonical answers as plain dicts, so the
template only lays it out. Question and answer wording are the definition's (translated here).
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_date

from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, parse_iso_date
from screening.translations_cache import gettext as _

T = ItemType


def answer_text(item: Item, value: Any) -> str:
    """One answer as a patient would say it (codes become their labels, units are added)."""
    if value is None:
        return _("Not answered")
    if item.type is T.YES_NO:
        return _("Yes") if value else _("No")
    if item.type is T.CHOICE or (item.type is T.INTEGER and item.codes):
        return _(item.code_label(value))
    if item.type is T.MULTI:
        if not value:
            return _("None chosen")
        return ", ".join(_(item.code_label(code)) for code in value)
    if item.type is T.INTEGER and item.presentation == "scale":
        return _("%(value)s out of %(max)s", value=value, max=int(item.max_value or 10))
    if item.type is T.NUMBER:
        number = str(int(value)) if float(value).is_integer() else str(value)
        return f"{number} {item.unit}" if item.unit else number
    if item.type is T.DATE:
        parsed = parse_iso_date(value)
        return format_date(parsed, format="long") if parsed else str(value)
    return str(value)


def review_sections(answers: dict[str, Any], complete: dict[str, bool]) -> list[dict[str, Any]]:
    """Each step with its answered questions; group items list their entries."""
    sections = []
    for number, section in enumerate(QUESTIONNAIRE.sections, start=1):
        if section.id == "review":
            continue
        rows: list[dict[str, Any]] = []
        for item in section.items:
            if not item.applies(answers) and item.id not in answers:
                continue
            value = answers.get(item.id)
            if item.type is T.GROUP:
                entries = [
                    [
                        {"label": _(sub.label), "answer": answer_text(sub, entry.get(sub.id))}
                        for sub in item.items
                        if entry.get(sub.id) is not None
                    ]
                    for entry in (value or [])
                ]
                rows.append({"question": _(item.question), "entries": entries})
                continue
            if value is None and not item.required:
                continue
            rows.append({"question": _(item.question), "answer": answer_text(item, value)})
        sections.append(
            {
                "id": section.id,
                "number": number,
                "title": _(section.title),
                "rows": rows,
                "complete": complete.get(section.id, False),
            }
        )
    return sections
