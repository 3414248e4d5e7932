"""Posted form -> canonical answers (shape only).

Turns the posted strings into the types of the canonical answer set (whole numbers, numbers,
true/false, ISO dates, cm and kg) and says so plainly when a value cannot be read. Whether an
answer is allowed (codes, limits, what is required, what applies) is the service's job, with the
same validator the CLI uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wtforms import FieldList

from screening.patient.fields import StepForm
from screening.patient.parsing import parse_date_typed, parse_number, parse_whole_number
from screening.patient.posted_names import MAX_GROUP_ENTRIES_POSTED
from screening.patient.units import (
    KG_PER_POUND,
    height_cm_from,
    other_unit_likely,
    plain_number,
    weight_kg_from,
)
from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, Section
from screening.translations_cache import gettext as _

T = ItemType


@dataclass
class Shaped:
    """The posted answers in canonical types, plus any shape errors keyed by field id.

    `entry_fields` maps the index of each kept group entry to its index on the page (empty
    entries are skipped), so errors about `surgeries[1]` land beside the right entry.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    entry_fields: dict[str, list[int]] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    height_in_feet: bool = False
    weight_in_pounds: bool = False

    def add_error(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, []).append(message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _shape_value(item: Item, value: Any, field_id: str, out: Shaped) -> Any:
    """One posted value in canonical type, or None (after noting an error) if unreadable."""
    if item.type in (T.TEXT, T.LONG_TEXT):
        if not isinstance(value, str):
            return None
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if item.type is T.DATE:
        parsed = parse_date_typed(str(value))
        if parsed is None:
            out.add_error(field_id, _("Enter a date like 1975-03-14 (year, month, day)."))
        return parsed
    if item.type is T.YES_NO:
        if value in ("yes", "no"):
            return value == "yes"
        out.add_error(field_id, _("Please choose yes or no."))
        return None
    if item.type is T.CHOICE:
        return str(value)
    if item.type is T.INTEGER:
        number = parse_whole_number(str(value))
        if number is None:
            out.add_error(field_id, _("Enter a whole number."))
        return number
    if item.type is T.NUMBER:
        number = parse_number(str(value))
        if number is None:
            out.add_error(field_id, _("Enter a number."))
            return None
        return round(number, 1)
    raise ValueError(item.type)  # pragma: no cover


def _shape_height(form: StepForm, out: Shaped) -> None:
    cm_text = form.height_cm.data or ""
    ft_text, in_text = form.height_ft.data or "", form.height_in.data or ""
    feet_typed = not (_blank(ft_text) and _blank(in_text))
    use_feet = feet_typed and (form.height_unit.data == "ft_in" or _blank(cm_text))
    if not use_feet:
        if not _blank(cm_text):
            out.answered.add("height_cm")
            value = _shape_value(QUESTIONNAIRE.item("height_cm"), cm_text, "height_cm", out)
            if value is not None:
                out.answers["height_cm"] = value
        return
    out.answered.add("height_cm")
    feet = parse_whole_number(ft_text) if not _blank(ft_text) else 0
    inches = parse_number(in_text) if not _blank(in_text) else 0.0
    # Said of their box: both boxes' messages are shown together, above the pair.
    if feet is None:
        out.add_error("height_ft", _("Enter the feet as a whole number, for example 5."))
    if inches is None:
        out.add_error("height_in", _("Enter the inches as a number, for example 7."))
    if feet is None or inches is None:
        return
    out.answers["height_cm"] = height_cm_from(feet, inches)
    out.height_in_feet = True


def weight_signature(text: str, unit: str) -> str:
    """What the patient confirmed with "is that right?": the number and unit as posted."""
    return f"{' '.join(text.split())} {unit}"


def _shape_weight(form: StepForm, out: Shaped) -> None:
    text = form.weight_kg.data or ""
    if _blank(text):
        return
    out.answered.add("weight_kg")
    number = parse_number(text)
    if number is None:
        out.add_error("weight_kg", _("Enter a number."))
        return
    unit = "lb" if form.weight_unit.data == "lb" else "kg"
    out.weight_in_pounds = unit == "lb"
    weight_kg = weight_kg_from(number, unit)
    signature = weight_signature(text, unit)
    if (
        other_unit_likely(number, unit, out.answers.get("height_cm"))
        and form.weight_confirmed.data != signature
    ):
        # Asked once; sending the same weight again means "yes, that is right".
        form.weight_confirmed.data = signature
        out.add_error("weight_kg", _unlikely_weight_message(number, unit, weight_kg))
        return
    out.answers["weight_kg"] = weight_kg


def _unlikely_weight_message(number: float, unit: str, weight_kg: float) -> str:
    if unit == "kg":
        return _(
            "%(kg)s kilograms is about %(lb)d pounds. Is that right? If you meant pounds, "
            "choose Pounds. If it is right, press Save and continue again.",
            kg=plain_number(number),
            lb=round(number / KG_PER_POUND),
        )
    return _(
        "%(lb)s pounds is about %(kg)d kilograms. Is that right? If you meant kilograms, "
        "choose Kilograms. If it is right, press Save and continue again.",
        lb=plain_number(number),
        kg=round(weight_kg),
    )


def _shape_group(item: Item, form_field: FieldList, out: Shaped) -> None:
    entries: list[dict[str, Any]] = []
    positions: list[int] = []
    if len(form_field.entries) > MAX_GROUP_ENTRIES_POSTED:
        out.add_error(item.id, _("Please list at most %(max)d.", max=MAX_GROUP_ENTRIES_POSTED))
        return
    for position, entry in enumerate(form_field.entries):
        sub_form = entry.form
        raw = {sub.id: sub_form[sub.id].data for sub in item.items}
        if all(_blank(v) for v in raw.values()):
            continue  # an empty entry (the one shown ready to fill in) is not an answer
        shaped: dict[str, Any] = {}
        for sub in item.items:
            value = raw[sub.id]
            if _blank(value):
                continue
            checked = _shape_value(sub, value, sub_form[sub.id].id, out)
            if checked is not None:
                shaped[sub.id] = checked
        entries.append(shaped)
        positions.append(position)
    if entries:
        out.answers[item.id] = entries
        out.answered.add(item.id)
    out.entry_fields[item.id] = positions


def shape_answers(section: Section, form: StepForm) -> Shaped:
    """Turn a posted step form into canonical-typed answers, noting unreadable values."""
    out = Shaped()
    for item in section.items:
        if item.id == "consent_confirm":
            continue
        if item.id == "height_cm":
            _shape_height(form, out)
            continue
        if item.id == "weight_kg":
            _shape_weight(form, out)
            continue
        form_field = form[item.id]
        if item.type is T.GROUP:
            _shape_group(item, form_field, out)
            continue
        if item.type is T.MULTI:
            values = [v for v in (form_field.data or []) if isinstance(v, str)]
            out.answers[item.id] = values
            if values:
                out.answered.add(item.id)
            continue
        value = form_field.data
        if _blank(value):
            continue
        out.answered.add(item.id)
        shaped = _shape_value(item, value, form_field.id, out)
        if shaped is not None:
            out.answers[item.id] = shaped
    return out
