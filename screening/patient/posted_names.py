"""The names a step page may post, and adding or removing group entries without JavaScript.

A step refuses (400) anything that is no field or button of its own: a tampered or stale
request never reaches the service.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import FieldList

from screening.patient.fields import StepForm
from screening.questionnaire import ItemType, Section

T = ItemType

# Buttons a step page may post; anything else that is not a field is refused (400).
ACTION_NAMES = frozenset(
    {"save", "back", "later", "add_surgery", "remove_surgery", "return_to", "switch_language"}
)
MAX_GROUP_ENTRIES_POSTED = 10


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
