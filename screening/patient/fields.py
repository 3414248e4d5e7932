"""Patient form fields, generated from the one questionnaire definition.

`step_form_class(section_id)` builds a Flask-WTF form class per section: HTML field names are
the item ids, choice and multi values are the codes, yes/no items are radios with the values
`yes` and `no`. Every field keeps the raw text the patient typed, so a page shown again after an
error shows exactly what was entered.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from screening.forms_base import ClinicForm
from screening.patient.units import HEIGHT_UNITS, WEIGHT_UNITS, _unit_field
from screening.questionnaire import QUESTIONNAIRE, Item, ItemType
from screening.questionnaire.conditions import Condition
from screening.questionnaire.model import N_
from screening.translations_cache import lazy_gettext

T = ItemType

# The pain-area checkboxes, grouped as a patient thinks of their body (a picture is optional).
BODY_MAP_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Neck and back"), ("neck", "upper_back", "lower_back")),
    (N_("Left side"), ("arm_left", "buttock_left", "thigh_left", "below_knee_left", "foot_left")),
    (
        N_("Right side"),
        ("arm_right", "buttock_right", "thigh_right", "below_knee_right", "foot_right"),
    ),
)

AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "date_of_birth": "bday",
    "sex": "sex",
    "phone": "tel",
    "email": "email",
}
# The keyboard a phone shows for a text item with a checked shape (the page is `novalidate`,
# so the browser does not judge these: the validator does, with its own words).
INPUT_TYPES = {"phone": "tel", "email": "email"}
# An optional choice among this many codes or more is a drop-down with a blank first choice
# (a surgery month: twelve radio buttons are a long scroll on a phone for a "maybe").
SELECT_FROM = 7


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
        # No `maxlength`: a browser cuts a longer paste without a word (the end of a medicine
        # list gone), and counts differently from us. The server's message names the limit and
        # the count, and the page keeps all of the text to shorten.
        render_kw: dict[str, Any] = {}
        if item.id in AUTOCOMPLETE:
            render_kw["autocomplete"] = AUTOCOMPLETE[item.id]
        if item.format in INPUT_TYPES:
            render_kw["type"] = INPUT_TYPES[item.format]
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
        if item.codes and not item.required and len(item.codes) >= SELECT_FROM:
            blank = SelectChoice("", lazy_gettext("I don't remember"))
            return SelectField(label, choices=[blank, *_choices(item)], validate_choice=False)
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


class StepForm(ClinicForm):
    """Base of every step form: carries the CSRF token, where to go after saving, and which
    page this is and what it showed (screening.services.step_pages)."""

    return_to = HiddenField()
    page = HiddenField()
    loaded = HiddenField()


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
            # Set when an unlikely weight was queried ("is that right?"); the same weight sent
            # again with it is taken as confirmed.
            attrs["weight_confirmed"] = HiddenField()
    return type(f"{section_id.title().replace('_', '')}StepForm", (StepForm,), attrs)


def _form_value(value: Any) -> str:
    """A canonical value as the form posts it (true/false are the radios `yes`/`no`)."""
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def condition_attributes(condition: Condition | None) -> dict[str, str] | None:
    """`data-*` hints for patient.js to show an item only when it applies (progressive).

    `name` lists the fields to read and `values` the posted values that make the item apply:
    it applies when any ticked or chosen value of those fields is listed. A condition over
    several fields is put this way only when every field shares the same values (the four
    cauda equina signs, each "yes"); otherwise None, and the item is always shown with its
    "only if..." words.
    """
    pairs = condition.any_of_answers() if condition is not None else None
    if not pairs:
        return None
    value_sets = {tuple(_form_value(v) for v in values) for _name, values in pairs}
    if len(value_sets) != 1:
        return None
    names = list(dict.fromkeys(name for name, _values in pairs))
    return {"name": " ".join(names), "values": " ".join(value_sets.pop())}


def field_errors_for_path(path: str) -> str:
    """Field id for an AnswerError path: `surgeries[0].year` -> `surgeries-0-year`."""
    return path.replace("[", "-").replace("].", "-").replace("]", "")
