"""A step's draft: what the patient typed, kept as typed so nothing typed is lost.

When a step is saved with an error, its valid answers are stored and the text of the invalid
ones is kept in the screening's draft (`Screening.draft_json`), so a reload, a dropped tab or
coming back later shows it again. The units height and weight were typed in are kept the same
way on every save, so "5 ft 10 in" comes back as 5 ft 10 in rather than as 177.8 cm.

A step's draft is `{"fields": {field name: posted value(s)}, "unsaved": [item ids]}`; `unsaved`
lists the items whose typed text is not in the answers (the step is not complete while any
is). Each save of a step replaces its draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from screening.patient.parsing import (
    height_from_feet_boxes,
    number_in_unit,
    read_feet,
)
from screening.patient.posted_names import entry_position
from screening.patient.shaping import Shaped
from screening.patient.units import (
    default_units,
    feet_and_inches,
    height_cm_from,
    pounds,
    weight_kg_from,
)
from screening.questionnaire import AnswerError, ItemType, Section

# The form-only fields that remember the units a measurement was typed in, and the typed text.
HEIGHT_FIELDS = ("height_unit", "height_cm", "height_ft", "height_in")
WEIGHT_FIELDS = ("weight_unit", "weight_kg")
# Shape errors name a form field; these belong to the height and weight items.
FIELD_ITEMS = {"height_ft": "height_cm", "height_in": "height_cm"}


def _posted(formdata: MultiDict, name: str) -> Any:
    values = [v for v in formdata.getlist(name) if isinstance(v, str)]
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def draft_item(field_id: str) -> str:
    """The item a field id or an error path belongs to (`surgeries-0-year` -> `surgeries`)."""
    field_id = FIELD_ITEMS.get(field_id, field_id)
    return field_id.split("-", 1)[0].split("[", 1)[0]


def unsaved_items(
    section: Section, shaped: Shaped, errors: Iterable[AnswerError]
) -> dict[str, set[int] | None]:
    """Items whose typed answer cannot be stored: item id -> the group entries at fault (the
    indexes among the kept entries), or None for the whole item.

    Missing answers are not listed: there is nothing typed to keep.
    """
    faulty: dict[str, set[int] | None] = {}
    for field_id in shaped.errors:
        item_id = draft_item(field_id)
        head, _sep, rest = field_id.partition("-")
        position = rest.partition("-")[0]
        index = entry_position(position)
        if head in shaped.entry_fields and index is not None:
            positions = shaped.entry_fields[head]
            if index in positions:
                entries = faulty.setdefault(item_id, set())
                if entries is not None:
                    entries.add(positions.index(index))
            continue
        faulty[item_id] = None
    for error in errors:
        if error.item_id not in section.item_ids or error.item_id not in shaped.answered:
            continue
        if error.index is not None:
            entries = faulty.setdefault(error.item_id, set())
            if entries is not None:
                entries.add(error.index)
        else:
            faulty[error.item_id] = None
    return faulty


def storable_answers(
    answers: Mapping[str, Any], faulty: Mapping[str, set[int] | None]
) -> dict[str, Any]:
    """The step's answers less those at fault (a group keeps its entries that are fine)."""
    kept: dict[str, Any] = {}
    for item_id, value in answers.items():
        if item_id not in faulty:
            kept[item_id] = value
            continue
        entries = faulty[item_id]
        if entries is not None and isinstance(value, list):
            good = [entry for index, entry in enumerate(value) if index not in entries]
            if good:
                kept[item_id] = good
    return kept


def step_draft(
    section: Section, formdata: MultiDict, faulty: Mapping[str, set[int] | None]
) -> dict[str, Any]:
    """The draft to keep for a step just posted: the typed text of `faulty` items and the
    units of height and weight."""
    fields: dict[str, Any] = {}
    names: list[str] = []
    for item_id in faulty:
        if item_id == "height_cm":
            names.extend(HEIGHT_FIELDS)
        elif item_id == "weight_kg":
            names.extend(WEIGHT_FIELDS)
        else:
            names.append(item_id)
            prefix = f"{item_id}-"
            names.extend(key for key in formdata if key.startswith(prefix))
    if "height_cm" in section.item_ids:
        names.extend(HEIGHT_FIELDS)
    if "weight_kg" in section.item_ids:
        names.extend(WEIGHT_FIELDS)
    for name in dict.fromkeys(names):
        value = _posted(formdata, name)
        if value not in (None, ""):
            fields[name] = value
    # Keep the unit each measurement was READ in (shaping.py), so the draft is read back the
    # same way: a weight with no unit chosen is in kilograms; a height is in feet and inches
    # only when a feet box was filled and Feet and inches was chosen or the centimeters box
    # left empty. (170 typed in the centimeters box with Feet and inches still chosen was
    # stored as 170 cm, then shown back as 5 ft 6.9 in and saved again as 169.9.)
    if "weight_kg" in fields and "weight_unit" not in fields:
        fields["weight_unit"] = "kg"
    typed = {name: str(fields.get(name) or "").strip() for name in HEIGHT_FIELDS[1:]}
    feet_typed = bool(typed["height_ft"] or typed["height_in"])
    if feet_typed or typed["height_cm"]:
        use_feet = feet_typed and (fields.get("height_unit") == "ft_in" or not typed["height_cm"])
        fields["height_unit"] = "ft_in" if use_feet else "cm"
    if not fields:
        return {}
    return {"fields": fields, "unsaved": sorted(faulty)}


def _group_data(section: Section, fields: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Flat `surgeries-0-year` draft fields back into the nested data a FieldList takes."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in section.items:
        if item.type is not ItemType.GROUP:
            continue
        entries: dict[int, dict[str, Any]] = {}
        prefix = f"{item.id}-"
        for name, value in fields.items():
            if not name.startswith(prefix):
                continue
            position, _sep, sub_id = name[len(prefix) :].partition("-")
            index = entry_position(position)
            if index is not None and sub_id:
                entries.setdefault(index, {})[sub_id] = value
        if entries:
            groups[item.id] = [entries[index] for index in sorted(entries)]
    return groups


def height_as_shown(fields: Mapping[str, Any], stored: float | None, unit: str) -> dict[str, Any]:
    """The height fields to show (the about step, the review page): as typed when that is what
    is stored, else converted; `unit` when the draft has none."""
    typed_unit = fields.get("height_unit") or unit
    if typed_unit == "ft_in":
        feet_text = str(fields.get("height_ft") or "")
        typed_feet = height_from_feet_boxes(feet_text, str(fields.get("height_in") or ""))
        typed = height_cm_from(*typed_feet) if typed_feet is not None else None
        # 5'10" typed in the Feet box alone comes back as 5 and 10, each in its box.
        feet_read = read_feet(feet_text) if feet_text.strip() else None
        one_box = feet_read is not None and feet_read[1] is not None
        if stored is None or (typed == stored and not one_box):
            return {k: fields[k] for k in HEIGHT_FIELDS if k in fields} | {"height_unit": "ft_in"}
        feet_text, inches_text = feet_and_inches(stored)
        return {"height_unit": "ft_in", "height_ft": feet_text, "height_in": inches_text}
    return {"height_unit": "cm"} | (
        {"height_cm": fields["height_cm"]} if stored is None and "height_cm" in fields else {}
    )


def weight_as_shown(fields: Mapping[str, Any], stored: float | None, unit: str) -> dict[str, Any]:
    """The weight fields to show, by the same rule as height_as_shown."""
    typed_unit = fields.get("weight_unit") or unit
    text = fields.get("weight_kg")
    number = number_in_unit(str(text), typed_unit) if text is not None else None
    if stored is None or (number is not None and weight_kg_from(number, typed_unit) == stored):
        return {"weight_unit": typed_unit} | ({"weight_kg": text} if text is not None else {})
    if typed_unit == "lb":
        return {"weight_unit": "lb", "weight_kg": pounds(stored)}
    return {"weight_unit": "kg"}


def apply_draft(
    section: Section,
    data: dict[str, Any],
    draft: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    measurement_units: str | None,
) -> dict[str, Any]:
    """The data a step shows: stored answers (`data`), then the draft's typed text on top.

    Height and weight come back in the units they were typed in; with nothing typed yet, in
    the clinic's units (MEASUREMENT_UNITS); a stored value with no memory of its units (a
    screening begun before drafts existed) is shown in centimeters and kilograms, exactly.
    """
    fields: Mapping[str, Any] = (draft or {}).get("fields") or {}
    shown = dict(data)
    height_unit, weight_unit = default_units(measurement_units)
    if "height_cm" in section.item_ids:
        stored = answers.get("height_cm")
        if stored is not None and "height_unit" not in fields:
            shown["height_unit"] = "cm"
        else:
            if (fields.get("height_unit") or height_unit) == "ft_in":
                shown.pop("height_cm", None)  # shown in feet and inches instead
            shown.update(height_as_shown(fields, stored, height_unit))
    if "weight_kg" in section.item_ids:
        stored = answers.get("weight_kg")
        if stored is not None and "weight_unit" not in fields:
            shown["weight_unit"] = "kg"
        else:
            shown.update(weight_as_shown(fields, stored, weight_unit))
    measurement = set(HEIGHT_FIELDS) | set(WEIGHT_FIELDS)
    for name, value in fields.items():
        if name in measurement or "-" in name:
            continue
        shown[name] = value
    shown.update(_group_data(section, fields))
    return shown


def has_unsaved(draft: Mapping[str, Any] | None) -> bool:
    """Whether a step's draft holds typed text that is not in the answers."""
    return bool((draft or {}).get("unsaved"))
