"""Posted form -> canonical answers (shape only).

Turns the posted strings into the types of the canonical answer set (whole numbers, numbers,
true/false, ISO dates, cm and kg) and says so plainly when a value cannot be read. Whether an
answer is allowed (codes, limits, what is required) is the service's job, with the same
validator the CLI uses. An item that does not apply, given the answers posted before it and the
other steps' stored answers, is not read at all: the service drops it on save, so what is typed
in a block the page hides must never stop the step. Height and weight are read with a matching
unit typed after them ("70 kg" with Kilograms chosen); a unit that conflicts with the one chosen
is refused with what to do, never converted unasked. Feet and inches are checked as a height
(inches 0 to under 12, feet within the height item's limits).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wtforms import FieldList

from screening.i18n import current_locale
from screening.patient.fields import StepForm
from screening.patient.parsing import (
    AMBIGUOUS_DATE,
    AmbiguousDate,
    number_in_unit,
    parse_date_typed,
    parse_feet_and_inches,
    parse_number,
    parse_whole_number,
    read_feet,
    read_measure,
)
from screening.patient.posted_names import MAX_GROUP_ENTRIES_POSTED
from screening.patient.units import (
    CM_PER_INCH,
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
        try:
            parsed = parse_date_typed(str(value), day_first=current_locale() != "en")
        except AmbiguousDate:
            out.add_error(field_id, _(AMBIGUOUS_DATE, typed=str(value).strip()))
            return None
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
        if number is None and item.id == "year":
            # "'19", "about 2015", "not sure": the year is needed; a guess is fine.
            out.add_error(
                field_id,
                _(
                    "Type the year as 4 numbers, like 2015. If you are not sure, type your "
                    "best guess."
                ),
            )
        elif number is None:
            out.add_error(field_id, _("Enter a whole number."))
        return number
    if item.type is T.NUMBER:
        number = parse_number(str(value))
        if number is None:
            out.add_error(field_id, _("Enter a number."))
            return None
        return round(number, 1)
    raise ValueError(item.type)  # pragma: no cover


def height_range_in_feet() -> tuple[int, int, int, int]:
    """The height item's limits in feet and inches: (min feet, min inches, max feet, max
    inches), the nearest whole inches inside the limits (3 ft 4 in to 8 ft 2 in)."""
    item = QUESTIONNAIRE.item("height_cm")
    low = math.ceil(item.min_value / CM_PER_INCH)
    high = math.floor(item.max_value / CM_PER_INCH)
    return low // 12, low % 12, high // 12, high % 12


def height_range_message() -> str:
    min_ft, min_in, max_ft, max_in = height_range_in_feet()
    return _(
        "Enter a height from %(min_ft)d feet %(min_in)d inches to %(max_ft)d feet "
        "%(max_in)d inches.",
        min_ft=min_ft,
        min_in=min_in,
        max_ft=max_ft,
        max_in=max_in,
    )


def _shape_height(form: StepForm, out: Shaped) -> None:
    cm_text = form.height_cm.data or ""
    ft_text, in_text = form.height_ft.data or "", form.height_in.data or ""
    feet_typed = not (_blank(ft_text) and _blank(in_text))
    use_feet = feet_typed and (form.height_unit.data == "ft_in" or _blank(cm_text))
    if not use_feet:
        if not _blank(cm_text):
            out.answered.add("height_cm")
            number = _centimeters(cm_text, out)
            if number is not None:
                out.answers["height_cm"] = round(number, 1)
        return
    out.answered.add("height_cm")
    feet_read = read_feet(ft_text) if not _blank(ft_text) else (0, None)
    inches: float | None = 0.0
    if not _blank(in_text):
        inches = number_in_unit(in_text, "in")
    elif feet_read is not None and feet_read[1] is not None:
        inches = feet_read[1]  # 5'10" typed in the Feet box, the Inches box left empty
    # Said of their box: both boxes' messages are shown together, above the pair.
    if feet_read is None or (feet_read[1] is not None and not _blank(in_text)):
        out.add_error("height_ft", _("Enter the feet as a whole number, for example 5."))
        feet_read = None
    if inches is None:
        out.add_error("height_in", _("Enter the inches as a number, for example 7."))
    elif not 0 <= inches < 12:
        # 5 ft 25 in or 5 ft -2 in: the inches of a height are 0 to 11 (11.5 is fine).
        out.add_error("height_in", _("Enter the inches as a number from 0 to 11."))
        inches = None
    if feet_read is not None:
        min_ft, _min_in, max_ft, _max_in = height_range_in_feet()
        if not min_ft <= feet_read[0] <= max_ft:
            out.add_error("height_ft", height_range_message())
            feet_read = None
    if feet_read is None or inches is None:
        return
    out.answers["height_cm"] = height_cm_from(feet_read[0], inches)
    out.height_in_feet = True


def _centimeters(text: str, out: Shaped) -> float | None:
    """The centimeters box: a number, bare or with "cm". Feet, inches or meters typed there
    are refused with what to do instead (never converted without asking)."""
    number, unit = read_measure(text)
    if number is not None and unit in (None, "cm"):
        return number
    feet_and_inches = parse_feet_and_inches(text)
    if feet_and_inches is not None and feet_and_inches[1] is not None:
        out.add_error(
            "height_cm",
            _(
                "This box is for centimeters. For feet and inches, choose Feet and inches, "
                "then type %(feet)s in Feet and %(inches)s in Inches.",
                feet=feet_and_inches[0],
                inches=plain_number(feet_and_inches[1]),
            ),
        )
    elif feet_and_inches is not None or unit in ("ft", "in"):
        out.add_error(
            "height_cm",
            _(
                "This box is for centimeters, like 170. For feet and inches, choose "
                "Feet and inches."
            ),
        )
    elif unit == "m":
        out.add_error(
            "height_cm",
            _("Type your height in centimeters, not meters. For example, type 170, not 1.70."),
        )
    else:
        out.add_error(
            "height_cm",
            _("Type only the number of centimeters, like 170. Or choose Feet and inches."),
        )
    return None


def weight_signature(text: str, unit: str) -> str:
    """What the patient confirmed with "is that right?": the number and unit as posted."""
    return f"{' '.join(text.split())} {unit}"


def _shape_weight(form: StepForm, out: Shaped) -> None:
    text = form.weight_kg.data or ""
    if _blank(text):
        return
    out.answered.add("weight_kg")
    unit = "lb" if form.weight_unit.data == "lb" else "kg"
    number, typed_unit = read_measure(text)
    if typed_unit in ("kg", "lb") and typed_unit != unit:
        # "154 lbs" with Kilograms chosen is never read as 154 kg, nor converted unasked.
        out.add_error("weight_kg", _other_weight_unit_message(typed_unit))
        return
    if number is None or typed_unit not in (None, unit):
        out.add_error(
            "weight_kg", _("Type only the number, like 70. Then choose Kilograms or Pounds.")
        )
        return
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


def _other_weight_unit_message(typed_unit: str) -> str:
    if typed_unit == "lb":
        return _(
            "You typed pounds, but Kilograms is chosen. Choose Pounds, or type your weight "
            "in kilograms."
        )
    return _(
        "You typed kilograms, but Pounds is chosen. Choose Kilograms, or type your weight "
        "in pounds."
    )


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


def shape_answers(
    section: Section, form: StepForm, stored: Mapping[str, Any] | None = None
) -> Shaped:
    """Turn a posted step form into canonical-typed answers, noting unreadable values.

    An item that does not apply, given the answers posted on the step before it and the
    `stored` answers of the other steps, is skipped: not read, not checked, not an answer
    (a surgery year left typed in the hidden block after "No" must not stop the save). It is
    the same rule the service uses to drop such answers when it stores the step.
    """
    out = Shaped()
    others = {k: v for k, v in (stored or {}).items() if k not in section.item_id_set}
    for item in section.items:
        if item.id == "consent_confirm":
            continue
        # Items that others depend on come first in each section, so the answers shaped so
        # far are all a rule needs (tests/questionnaire checks the order).
        if not item.applies({**others, **out.answers}):
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
