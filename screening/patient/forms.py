"""Patient forms, generated from the one questionnaire definition.

`step_form_class(section_id)` builds a Flask-WTF form class per section: HTML field names are
the item ids, choice and multi values are the codes, yes/no items are radios with the values
`yes` and `no`. The form layer only does *shape*: it turns the posted strings into the types of
the canonical answer set (whole numbers, numbers, true/false, ISO dates, cm and kg) and says so
plainly when a value cannot be read. Whether an answer is allowed (codes, limits, what is
required, what applies) is the service's job, with the same validator the CLI uses.

Every field keeps the raw text the patient typed, so a page shown again after an error shows
exactly what was entered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, Section
from screening.questionnaire.conditions import Condition, Equals, OneOf
from screening.questionnaire.model import N_

T = ItemType

# Form-only fields for height and weight in other units; never stored.
HEIGHT_UNITS = (("cm", N_("Centimeters")), ("ft_in", N_("Feet and inches")))
WEIGHT_UNITS = (("kg", N_("Kilograms")), ("lb", N_("Pounds")))
CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237

# Buttons a step page may post; anything else that is not a field is refused (400).
ACTION_NAMES = frozenset(
    {"save", "back", "later", "add_surgery", "remove_surgery", "return_to", "switch_language"}
)
MAX_GROUP_ENTRIES_POSTED = 10

# The pain-area checkboxes, grouped as a patient thinks of their body (a picture is optional).
BODY_MAP_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Neck and back"), ("neck", "upper_back", "lower_back")),
    (N_("Left side"), ("arm_left", "buttock_left", "thigh_left", "below_knee_left", "foot_left")),
    (
        N_("Right side"),
        ("arm_right", "buttock_right", "thigh_right", "below_knee_right", "foot_right"),
    ),
)

WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")
DECIMAL_NUMBER = re.compile(r"^[+-]?(\d{1,9}([.,]\d{0,6})?|[.,]\d{1,6})$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "date_of_birth": "bday",
    "sex": "sex",
}


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (the form macro renders it as fieldset and legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lazy(text: str | None) -> Any:
    return lazy_gettext(text) if text else None


def _choices(item: Item) -> list[SelectChoice]:
    return [SelectChoice(str(code.value), _lazy(code.label)) for code in item.codes]


def _field_for(item: Item) -> Any:
    """The unbound WTForms field that asks `item` (raw strings only; shape comes later)."""
    label = _lazy(item.question)
    kw: dict[str, Any] = {}
    if item.type in (T.TEXT, T.LONG_TEXT):
        render_kw: dict[str, Any] = {}
        if item.max_length:
            render_kw["maxlength"] = item.max_length
        if item.id in AUTOCOMPLETE:
            render_kw["autocomplete"] = AUTOCOMPLETE[item.id]
        if item.type is T.LONG_TEXT:
            render_kw["rows"] = 4
            return TextAreaField(label, render_kw=render_kw)
        return StringField(label, render_kw=render_kw)
    if item.type is T.DATE:
        return StringField(
            label, widget=DateInput(), render_kw={"autocomplete": AUTOCOMPLETE.get(item.id, "off")}
        )
    if item.type is T.YES_NO:
        return RadioField(
            label,
            choices=[
                SelectChoice("yes", lazy_gettext("Yes")),
                SelectChoice("no", lazy_gettext("No")),
            ],
            validate_choice=False,
        )
    if item.type is T.CHOICE:
        kw = {"choices": _choices(item), "validate_choice": False}
        return RadioField(label, **kw)
    if item.type is T.MULTI:
        return MultiCheckboxField(label, choices=_choices(item), validate_choice=False)
    if item.type is T.INTEGER:
        if item.codes:
            return RadioField(label, choices=_choices(item), validate_choice=False)
        if item.presentation == "scale":
            low, high = int(item.min_value or 0), int(item.max_value or 10)
            return RadioField(
                label,
                choices=[SelectChoice(str(n), str(n)) for n in range(low, high + 1)],
                validate_choice=False,
            )
        return StringField(label, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    if item.type is T.NUMBER:
        return StringField(label, render_kw={"inputmode": "decimal", "autocomplete": "off"})
    if item.type is T.GROUP:
        entry_form = _group_entry_form(item)
        return FieldList(FormField(entry_form), label=label, min_entries=0)
    raise ValueError(f"no form field for item type {item.type}")  # pragma: no cover


def _group_entry_form(item: Item) -> type[Form]:
    """A plain sub-form (no CSRF of its own) for one entry of a group item."""
    attrs = {sub.id: _field_for(sub) for sub in item.items}
    return type(f"{item.id.title()}EntryForm", (Form,), attrs)


class StepForm(FlaskForm):
    """Base of every step form: carries the CSRF token and where to go after saving."""

    return_to = HiddenField()


def _unit_field(units: tuple[tuple[str, str], ...]) -> RadioField:
    """The unit choice beside a measurement, metric first and by default. Not validated as a
    choice: the conversion below reads anything but the imperial code as metric."""
    return RadioField(
        lazy_gettext("Unit"),
        choices=[SelectChoice(value, lazy_gettext(label)) for value, label in units],
        default=units[0][0],
        validate_choice=False,
    )


@cache
def step_form_class(section_id: str) -> type[StepForm]:
    """The form class of one section (cached: the definition never changes at run time)."""
    section = QUESTIONNAIRE.section(section_id)
    attrs: dict[str, Any] = {}
    for item in section.items:
        if item.id == "consent_confirm":
            attrs[item.id] = BooleanField(_lazy(item.question), false_values=("", "false", "no"))
            continue
        attrs[item.id] = _field_for(item)
        if item.id == "height_cm":
            attrs["height_unit"] = _unit_field(HEIGHT_UNITS)
            attrs["height_ft"] = StringField(
                lazy_gettext("Feet"), render_kw={"inputmode": "numeric", "autocomplete": "off"}
            )
            attrs["height_in"] = StringField(
                lazy_gettext("Inches"), render_kw={"inputmode": "decimal", "autocomplete": "off"}
            )
        if item.id == "weight_kg":
            attrs["weight_unit"] = _unit_field(WEIGHT_UNITS)
    return type(f"{section_id.title().replace('_', '')}StepForm", (StepForm,), attrs)


# -- stored answers -> form data ---------------------------------------------------------------


def _to_form_value(item: Item, value: Any) -> Any:
    if value is None:
        return None
    if item.type is T.YES_NO:
        return "yes" if value else "no"
    if item.type is T.MULTI:
        return [str(v) for v in value]
    if item.type is T.GROUP:
        return [
            {sub.id: _to_form_value(sub, entry.get(sub.id)) for sub in item.items}
            for entry in value
        ]
    if item.type is T.NUMBER:
        return _plain_number(value)
    return str(value)


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def form_data_from_answers(section: Section, answers: dict[str, Any]) -> dict[str, Any]:
    """What a step shows when opened: the stored answers as the strings the fields expect."""
    data: dict[str, Any] = {}
    for item in section.items:
        if item.id in answers:
            data[item.id] = _to_form_value(item, answers[item.id])
    if section.id == "surgery" and not data.get("surgeries"):
        # One empty entry ready to fill in (ignored on save while it stays empty).
        data["surgeries"] = [{}]
    return data


# -- posted form -> canonical answers (shape only) ----------------------------------------------


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


def parse_whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if WHOLE_NUMBER.match(text) else None


def parse_number(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not DECIMAL_NUMBER.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def parse_date_typed(text: str) -> str | None:
    """YYYY-MM-DD (what date pickers send) or MM/DD/YYYY (typed), as YYYY-MM-DD text.

    The calendar check (30 February) is left to the validator so its message is used.
    """
    text = text.strip()
    if ISO_DATE.match(text):
        return text
    match = US_DATE.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


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
    if feet is None:
        out.add_error("height_ft", _("Enter a whole number."))
    if inches is None:
        out.add_error("height_in", _("Enter a number."))
    if feet is None or inches is None:
        return
    out.answers["height_cm"] = round((feet * 12 + inches) * CM_PER_INCH, 1)
    out.height_in_feet = True


def _shape_weight(form: StepForm, out: Shaped) -> None:
    text = form.weight_kg.data or ""
    if _blank(text):
        return
    out.answered.add("weight_kg")
    number = parse_number(text)
    if number is None:
        out.add_error("weight_kg", _("Enter a number."))
        return
    if form.weight_unit.data == "lb":
        out.weight_in_pounds = True
        number = number * KG_PER_POUND
    out.answers["weight_kg"] = round(number, 1)


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


# -- the names a step may post ----------------------------------------------------------------


def allowed_names(section: Section, form: StepForm) -> tuple[frozenset[str], dict[str, frozenset]]:
    """Plain field names the step accepts, and for each group the names inside one entry."""
    names = {f.name for f in form if not isinstance(f, FieldList)} | ACTION_NAMES
    groups: dict[str, frozenset[str]] = {}
    for item in section.items:
        if item.type is T.GROUP:
            groups[item.id] = frozenset(sub.id for sub in item.items)
    return frozenset(names), groups


def unknown_names(section: Section, form: StepForm, formdata: MultiDict) -> list[str]:
    """Posted names that are no field of this step (a tampered or stale request)."""
    names, groups = allowed_names(section, form)
    unknown = []
    for key in formdata:
        if key in names:
            continue
        group, sep, rest = key.partition("-")
        index, sep2, sub = rest.partition("-")
        if sep and sep2 and group in groups and index.isdigit() and sub in groups[group]:
            continue
        unknown.append(key)
    return unknown


# -- add and remove group entries without JavaScript ---------------------------------------------


def formdata_without_entry(formdata: MultiDict, group_id: str, index: int) -> MultiDict:
    """The posted data with entry `index` of a group removed and the rest renumbered."""
    prefix = f"{group_id}-"
    kept: MultiDict = MultiDict()
    for key, value in formdata.items(multi=True):
        if not key.startswith(prefix):
            kept.add(key, value)
            continue
        number, _sep, sub = key[len(prefix) :].partition("-")
        if not number.isdigit():
            continue
        position = int(number)
        if position == index:
            continue
        if position > index:
            position -= 1
        kept.add(f"{prefix}{position}-{sub}", value)
    return kept


def group_entry_count(formdata: MultiDict, group_id: str) -> int:
    prefix = f"{group_id}-"
    indices = {
        key[len(prefix) :].partition("-")[0]
        for key in formdata
        if key.startswith(prefix) and key[len(prefix) :].partition("-")[0].isdigit()
    }
    return len(indices)


# -- what the templates need to know about an item -----------------------------------------------


def condition_attributes(condition: Condition | None) -> dict[str, str] | None:
    """`data-*` hints for patient.js to show an item only when it applies (progressive)."""
    if isinstance(condition, OneOf):
        return {"name": condition.item, "values": " ".join(str(v) for v in condition.values)}
    if isinstance(condition, Equals):
        value = condition.value
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return {"name": condition.item, "values": shown}
    return None


def field_errors_for_path(path: str) -> str:
    """Field id for an AnswerError path: `surgeries[0].year` -> `surgeries-0-year`."""
    return path.replace("[", "-").replace("].", "-").replace("]", "")


__all__ = [
    "MultiCheckboxField",
    "Shaped",
    "StepForm",
    "allowed_names",
    "condition_attributes",
    "field_errors_for_path",
    "form_data_from_answers",
    "formdata_without_entry",
    "group_entry_count",
    "parse_date_typed",
    "shape_answers",
    "step_form_class",
    "unknown_names",
]
