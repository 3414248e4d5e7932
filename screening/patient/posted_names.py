"""The names a step page may post, and adding or removing group entries without JavaScript.

A step refuses (400) anything that is no field or button of its own: a tampered or stale
request never reaches the service.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict
from wtforms import FieldList
from wtforms.csrf.core import CSRFTokenField

from screening.patient.fields import StepForm
from screening.questionnaire import ItemType, Section

T = ItemType

# Buttons a step page may post; anything else that is not a field is refused (400).
ACTION_NAMES = frozenset(
    {"save", "back", "later", "add_surgery", "remove_surgery", "return_to", "switch_language"}
)
MAX_GROUP_ENTRIES_POSTED = 10
# Entry positions a step takes: 0 to 99 (`surgeries-0-year` ... `surgeries-99-year`). The page
# numbers entries from 0 and never shows more than MAX_GROUP_ENTRIES_POSTED, so anything
# higher is a tampered request, refused before a form is built with thousands of entries.
_POSITION = re.compile(r"[0-9]{1,2}")


def entry_position(text: str) -> int | None:
    """A group entry's position as posted ("3"), or None: one or two ASCII digits (str.isdigit
    also says yes to "²" and "①", which int() refuses)."""
    return int(text) if _POSITION.fullmatch(text) else None


AllowedNames = tuple[frozenset[str], dict[str, frozenset[str]]]
# Per form class (one per step, cached in fields.step_form_class): its names never change.
_ALLOWED: dict[type[StepForm], AllowedNames] = {}


def allowed_names(section: Section, form_class: type[StepForm]) -> AllowedNames:
    """Plain field names the step accepts, and for each group the names inside one entry.

    Worked out from an empty form, never from what was posted: a tampered request could name
    thousands of group entries, and building a form from it would build them all.
    """
    known = _ALLOWED.get(form_class)
    if known is None:
        form = form_class(formdata=MultiDict())
        # The CSRF field is allowed whether or not this app turns CSRF on (the form class, and
        # so this cache, is shared by every app in the process: the tests build several).
        fields = {f.name for f in form if not isinstance(f, FieldList | CSRFTokenField)}
        names = fields | ACTION_NAMES | {form.meta.csrf_field_name}
        groups: dict[str, frozenset[str]] = {}
        for item in section.items:
            if item.type is T.GROUP:
                groups[item.id] = frozenset(sub.id for sub in item.items)
        known = _ALLOWED[form_class] = (frozenset(names), groups)
    return known


def unknown_names(section: Section, form_class: type[StepForm], formdata: MultiDict) -> list[str]:
    """Posted names that are no field of this step (a tampered or stale request)."""
    names, groups = allowed_names(section, form_class)
    unknown = []
    for key in formdata:
        if key in names:
            continue
        group, sep, rest = key.partition("-")
        index, sep2, sub = rest.partition("-")
        entry_name = sep and sep2 and group in groups and sub in groups[group]
        if entry_name and entry_position(index) is not None:
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
        position = entry_position(number)
        if position is None:
            continue
        if position == index:
            continue
        if position > index:
            position -= 1
        kept.add(f"{prefix}{position}-{sub}", value)
    return kept


def posted_positions(formdata: MultiDict, group_id: str) -> set[int]:
    """The positions of the group's entries in the posted data."""
    prefix = f"{group_id}-"
    positions = (
        entry_position(key[len(prefix) :].partition("-")[0])
        for key in formdata
        if key.startswith(prefix)
    )
    return {position for position in positions if position is not None}
