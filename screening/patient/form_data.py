"""Stored answers -> the strings a step's fields show when the step is opened."""

from __future__ import annotations

from typing import Any

from screening.questionnaire import Item, ItemType, Section

T = ItemType


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
