"""The review page's view model: every answer in the patient's own words, grouped by step.

Built from the questionnaire definition and the stored canonical answers as plain dicts, so the
template only lays it out. Question and answer wording are the definition's (translated here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date, format_decimal

from screening.patient.parsing import parse_number
from screening.patient.units import feet_and_inches, height_cm_from, pounds, weight_kg_from
from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, parse_iso_date
from screening.translations_cache import gettext as _

T = ItemType


@dataclass(frozen=True)
class TypedUnits:
    """How the patient typed height and weight on the about step, as its draft keeps them:
    "ft_in" or "cm", "lb" or "kg", and the numbers as typed."""

    height: str = "cm"
    weight: str = "kg"
    fields: Mapping[str, Any] = field(default_factory=dict)


def typed_units(draft: Mapping[str, Any]) -> TypedUnits:
    """The units of the about step's draft, read as the step read them (shaping: feet and
    inches only when typed; pounds only when chosen); centimetres and kilograms otherwise."""
    fields = (draft.get("about") or {}).get("fields") or {}
    feet_typed = any(fields.get(name) for name in ("height_ft", "height_in"))
    in_feet = feet_typed and (fields.get("height_unit") == "ft_in" or not fields.get("height_cm"))
    weight = "lb" if fields.get("weight_unit") == "lb" else "kg"
    return TypedUnits("ft_in" if in_feet else "cm", weight, fields)


def _typed_number(text: Any) -> float | None:
    return parse_number(str(text)) if text not in (None, "") else None


def _measurement(item: Item, value: float, units: TypedUnits | None) -> str:
    """A height or weight in the units the patient typed it in (stored in cm and kg): the
    numbers they typed when those are what is stored, written the way their language writes
    numbers (79,8 in Spanish)."""
    units = units or TypedUnits()
    typed = units.fields
    if item.id == "height_cm" and units.height == "ft_in":
        feet, inches = _typed_number(typed.get("height_ft")), _typed_number(typed.get("height_in"))
        if feet is None or height_cm_from(int(feet), inches or 0.0) != value:
            feet, inches = (float(part) for part in feet_and_inches(value))
        return _(
            "%(feet)s ft %(inches)s in",
            feet=format_decimal(feet),
            inches=format_decimal(inches or 0),
        )
    if item.id == "weight_kg" and units.weight == "lb":
        number = _typed_number(typed.get("weight_kg"))
        if number is None or weight_kg_from(number, "lb") != value:
            number = float(pounds(value))
        return _("%(n)s lb", n=format_decimal(number))
    number = format_decimal(value)
    return f"{number} {item.unit}" if item.unit else number


def answer_text(item: Item, value: Any, units: TypedUnits | None = None) -> str:
    """One answer as a patient would say it (codes become their labels, units are added;
    height and weight in `units`, those the patient typed in: see typed_units)."""
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
        return _measurement(item, float(value), units)
    if item.type is T.DATE:
        parsed = parse_iso_date(value)
        return format_date(parsed, format="long") if parsed else str(value)
    return str(value)


def review_sections(
    answers: dict[str, Any],
    complete: dict[str, bool],
    units: TypedUnits | None = None,
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
            rows.append({"question": _(item.question), "answer": answer_text(item, value, units)})
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
