"""The review page's view model: every answer in the patient's own words, grouped by step.

Built from the questionnaire definition and the stored canonical answers as plain dicts, so the
template only lays it out. Question and answer wording are the definition's (translated here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import format_date, format_decimal

from screening.patient.drafts import height_as_shown, weight_as_shown
from screening.patient.parsing import read_measure
from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, parse_iso_date
from screening.translations_cache import gettext as _

T = ItemType


def typed_measures(draft: Mapping[str, Any]) -> Mapping[str, Any]:
    """What the about step's draft keeps of how height and weight were typed (units, numbers)."""
    return (draft.get("about") or {}).get("fields") or {}


def _number(text: Any) -> str:
    """A number as the patient's language writes it (79,8 in Spanish; "70 kg" typed: 70)."""
    number, _unit = read_measure(str(text))
    return format_decimal(number) if number is not None else str(text)


def _measurement(item: Item, value: float, typed: Mapping[str, Any] | None) -> str:
    """A height or weight as the about step shows it back (drafts.height_as_shown: in the
    units typed, the numbers typed when those are what is stored); stored in cm and kg."""
    typed = typed or {}
    if item.id == "height_cm":
        shown = height_as_shown(typed, value, "cm")
        if shown["height_unit"] == "ft_in":
            return _(
                "%(feet)s ft %(inches)s in",
                feet=_number(shown.get("height_ft") or 0),
                inches=_number(shown.get("height_in") or 0),
            )
    if item.id == "weight_kg":
        shown = weight_as_shown(typed, value, "kg")
        if shown["weight_unit"] == "lb":
            return _("%(n)s lb", n=_number(shown["weight_kg"]))
    number = format_decimal(value)
    return f"{number} {item.unit}" if item.unit else number


def answer_text(item: Item, value: Any, typed: Mapping[str, Any] | None = None) -> str:
    """One answer as a patient would say it (codes become their labels, units are added;
    height and weight as `typed`, see typed_measures)."""
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
        return _measurement(item, float(value), typed)
    if item.type is T.DATE:
        parsed = parse_iso_date(value)
        return format_date(parsed, format="long") if parsed else str(value)
    return str(value)


def review_sections(
    answers: dict[str, Any],
    complete: dict[str, bool],
    typed: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
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
            rows.append({"question": _(item.question), "answer": answer_text(item, value, typed)})
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
