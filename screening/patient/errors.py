"""Where each validation message goes on a step page: beside its field and in the summary.

The validator names items by their canonical path (`surgeries[1].year`, `height_cm`); the page
has WTForms fields (`surgeries-1-year`, or `height_ft` when the patient typed feet and inches).
This module maps one onto the other and words each summary line with the patient's own
question, so the views only ask for the result.
"""

from __future__ import annotations

import math
from typing import Any

from screening.patient.forms import (
    KG_PER_POUND,
    Shaped,
    StepForm,
    field_errors_for_path,
)
from screening.patient.shaping import height_range_message
from screening.questionnaire import QUESTIONNAIRE, AnswerError, Section
from screening.translations_cache import gettext as _


def place_errors(
    section: Section,
    form: StepForm,
    shaped: Shaped,
    errors: list[AnswerError],
) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Put each message beside its field; return the summary pairs and group-level messages."""
    by_field: dict[str, list[str]] = {k: list(v) for k, v in shaped.errors.items()}
    for error in errors:
        field_id, message = _place_error(error, shaped)
        if field_id in shaped.errors:
            continue  # the shape message already says what to fix
        by_field.setdefault(field_id, []).append(message)

    summary: list[tuple[str, str]] = []
    group_errors: dict[str, list[str]] = {}
    for field_id, messages in by_field.items():
        label = _label_for(section, field_id)
        target = _form_field(form, field_id)
        if target is not None:
            target.errors = list(messages)
        elif field_id in section.item_ids:
            group_errors[field_id] = list(messages)
        for message in messages:
            summary.append((field_id, _summary_line(label, message)))
    order = _field_order(form)
    summary.sort(key=lambda pair: order.get(pair[0], len(order)))
    return summary, group_errors


def _place_error(error: AnswerError, shaped: Shaped) -> tuple[str, str]:
    message = _(error.template) % dict(error.params) if error.params else _(error.template)
    item = QUESTIONNAIRE.item(error.item_id) if _known_item(error.item_id) else None
    if error.item_id == "height_cm" and shaped.height_in_feet and item is not None:
        return "height_ft", height_range_message()
    if error.item_id == "weight_kg" and shaped.weight_in_pounds and item is not None:
        return "weight_kg", _(
            "Enter a weight from %(min)d to %(max)d pounds.",
            min=math.ceil(item.min_value / KG_PER_POUND),
            max=math.floor(item.max_value / KG_PER_POUND),
        )
    if error.index is not None:
        positions = shaped.entry_fields.get(error.item_id, [])
        position = positions[error.index] if error.index < len(positions) else error.index
        if error.sub_id:
            return f"{error.item_id}-{position}-{error.sub_id}", message
        return f"{error.item_id}-{position}", message
    return field_errors_for_path(error.path), message


def _known_item(item_id: str) -> bool:
    try:
        QUESTIONNAIRE.item(item_id)
    except KeyError:
        return False
    return True


def _label_for(section: Section, field_id: str) -> str:
    """The patient's own wording of a field for the error summary ("Operation 2: What year?")."""
    extra = {"height_ft": _("Height"), "height_in": _("Height"), "weight_kg": _("Weight")}
    if field_id in extra:
        return extra[field_id]
    head, _sep, rest = field_id.partition("-")
    if head in section.item_ids:
        item = section.items[section.item_ids.index(head)]
        if not rest:
            return _(item.question)
        position, _sep2, sub_id = rest.partition("-")
        if position.isdigit() and sub_id:
            sub = item.sub_item(sub_id)
            return _("Operation %(n)d: %(question)s", n=int(position) + 1, question=_(sub.question))
    return ""


def _summary_line(label: str, message: str) -> str:
    if not label:
        return message
    return f"{label} {message}" if label.endswith(("?", ".", ":")) else f"{label}: {message}"


def _form_field(form: StepForm, field_id: str) -> Any:
    head, sep, rest = field_id.partition("-")
    if not sep:
        target = form._fields.get(field_id)
        return None if target is None or target.type == "FieldList" else target
    group = form._fields.get(head)
    position, _sep, sub_id = rest.partition("-")
    if group is None or group.type != "FieldList" or not position.isdigit():
        return None
    index = int(position)
    if index >= len(group.entries):
        return None
    sub_form = group.entries[index].form
    return sub_form._fields.get(sub_id) if sub_id else None


def _field_order(form: StepForm) -> dict[str, int]:
    order: dict[str, int] = {}
    for field in form:
        if field.type == "FieldList":
            order[field.name] = len(order)
            for entry in field.entries:
                for sub in entry.form:
                    order[sub.id] = len(order)
        else:
            order[field.id] = len(order)
    return order
