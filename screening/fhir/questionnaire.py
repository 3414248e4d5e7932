"""The questionnaire definition as an SDC `Questionnaire` (FHIR R4), generated, never hand-written.

One `group` per section (linkId = section id), one question per item (linkId = item id); the
surgeries group repeats and its questions keep their own ids (`procedure`, `year`...). Choices
are `answerOption.valueCoding` in a code system of our own per answer list
(`{base}/CodeSystem/{item id}`), with `ordinalValue` on numbered answers (PHQ-2, GAD-2) so a
renderer can total them. Limits become `maxLength`, the `minLength` extension and the SDC
`minValue`/`maxValue` extensions (integer and decimal only, the types LHC-Forms checks).

"Applies when" becomes `enableWhen` wherever FHIR can say it: an answer equal to a value, one of
several values (several conditions with `enableBehavior` any), a ticked box of a multi item, a
number above a threshold. What FHIR cannot say is listed by `inexpressible_conditions`, so a
test notices the day the definition gains one. Rules FHIR has no place for stay with our own
validator, which checks every imported response anyway: an adult's date of birth, a surgery year
not after the as-of year, and "choose at least one pain area when there is pain"
(`required_when`: FHIR's `required` cannot depend on other answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from screening.fhir.naming import (
    EXT_ITEM_CONTROL,
    EXT_MAX_OCCURS,
    EXT_MAX_VALUE,
    EXT_MIN_LENGTH,
    EXT_MIN_OCCURS,
    EXT_MIN_VALUE,
    EXT_ORDINAL_VALUE,
    EXT_REGEX,
    EXT_UNIT,
    ITEM_CONTROL_SYSTEM,
    QUESTIONNAIRE_ID,
    QUESTIONNAIRE_NAME,
    SDC_QUESTIONNAIRE_PROFILE,
    UCUM,
    Canonical,
)
from screening.questionnaire import conditions
from screening.questionnaire.model import Item, ItemType, Questionnaire, Section

T = ItemType

# Our item types as FHIR item types (choice items with numbered answers become `choice` too).
FHIR_TYPES: dict[ItemType, str] = {
    T.TEXT: "string",
    T.LONG_TEXT: "text",
    T.DATE: "date",
    T.INTEGER: "integer",
    T.NUMBER: "decimal",
    T.YES_NO: "boolean",
    T.CHOICE: "choice",
    T.MULTI: "choice",
    T.GROUP: "group",
}

# Text formats the definition checks (v2: phone, email), as the regex LHC-Forms enforces too.
FORMAT_PATTERNS: dict[str, str] = {
    "phone": r"^[0-9 +\-().]{7,20}$",
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
}

# Up to this many answers show as radio buttons; more as a drop-down (LHC-Forms' own controls).
RADIO_BUTTON_LIMIT = 7


def is_coded(item: Item) -> bool:
    """Answered with a code from a list: choice and multi items, and numbered answers."""
    return item.type in (T.CHOICE, T.MULTI) or (item.type is T.INTEGER and bool(item.codes))


def fhir_type(item: Item) -> str:
    return "choice" if is_coded(item) else FHIR_TYPES[item.type]


def coding(item: Item, value: Any, canonical: Canonical) -> dict[str, Any]:
    """The Coding of one listed answer of `item` (numbered answers use the number as code)."""
    return {
        "system": canonical.code_system(item.id),
        "code": str(value),
        "display": item.code_label(value),
    }


def typed_value(item: Item, value: Any, canonical: Canonical) -> tuple[str, Any]:
    """One canonical value as FHIR's `value[x]`/`answer[x]`: the type suffix and the value."""
    if is_coded(item):
        return "Coding", coding(item, value, canonical)
    if item.type is T.YES_NO:
        return "Boolean", value
    if item.type is T.INTEGER:
        return "Integer", value
    if item.type is T.NUMBER:
        return "Decimal", value
    if item.type is T.DATE:
        return "Date", value
    return "String", value


# -- "applies when" as enableWhen ------------------------------------------------------------


def _enable_when(
    condition: conditions.Condition, questionnaire: Questionnaire, canonical: Canonical
) -> list[dict[str, Any]] | None:
    """The condition as enableWhen entries that hold when ANY of them holds, or None."""
    if isinstance(condition, conditions.Equals):
        pairs = [(condition.item, "=", condition.value)]
    elif isinstance(condition, conditions.OneOf | conditions.Includes):
        # For a multi item (Includes), "=" holds when any chosen answer equals the value.
        pairs = [(condition.item, "=", value) for value in condition.values]
    elif isinstance(condition, conditions.Above):
        pairs = [(condition.item, ">", condition.threshold)]
    elif isinstance(condition, conditions.AnyOf):
        entries: list[dict[str, Any]] = []
        for part in condition.conditions:
            own = _enable_when(part, questionnaire, canonical)
            if own is None:
                return None
            entries.extend(own)
        return entries
    else:
        return None
    entries = []
    for item_id, operator, value in pairs:
        target = questionnaire.item(item_id)
        if operator == ">" and target.type is T.INTEGER:
            value = int(value)
        suffix, fhir_value = typed_value(target, value, canonical)
        entries.append({"question": item_id, "operator": operator, f"answer{suffix}": fhir_value})
    return entries


def inexpressible_conditions(questionnaire: Questionnaire) -> list[str]:
    """Ids of items whose "applies when" FHIR's enableWhen cannot say (shown always there)."""
    stand_in = Canonical("urn:check")
    return [
        item.id
        for item in _all_items(questionnaire)
        if item.applies_when is not None
        and _enable_when(item.applies_when, questionnaire, stand_in) is None
    ]


def _all_items(questionnaire: Questionnaire) -> Iterator[Item]:
    for item in questionnaire.items:
        yield item
        yield from item.items


# -- items -----------------------------------------------------------------------------------


def _extension(url: str, key: str, value: Any) -> dict[str, Any]:
    return {"url": url, key: value}


def _item_control(code: str) -> dict[str, Any]:
    return _extension(
        EXT_ITEM_CONTROL,
        "valueCodeableConcept",
        {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    )


def _number_key(item: Item) -> str:
    return "valueInteger" if item.type is T.INTEGER else "valueDecimal"


def _number(item: Item, value: float) -> int | float:
    return int(value) if item.type is T.INTEGER or float(value).is_integer() else value


def _question(item: Item, questionnaire: Questionnaire, canonical: Canonical) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.id, "text": item.question, "type": fhir_type(item)}
    extensions: list[dict[str, Any]] = []
    if item.type is T.GROUP:
        if item.min_entries is not None:
            extensions.append(_extension(EXT_MIN_OCCURS, "valueInteger", item.min_entries))
        if item.max_entries is not None:
            extensions.append(_extension(EXT_MAX_OCCURS, "valueInteger", item.max_entries))
    elif is_coded(item):
        many = item.type is T.MULTI
        control = "check-box" if many else "radio-button"
        if not many and len(item.codes) > RADIO_BUTTON_LIMIT:
            control = "drop-down"
        extensions.append(_item_control(control))
    elif item.type in (T.INTEGER, T.NUMBER):
        if item.min_value is not None:
            key = _number_key(item)
            extensions.append(_extension(EXT_MIN_VALUE, key, _number(item, item.min_value)))
        if item.max_value is not None:
            key = _number_key(item)
            extensions.append(_extension(EXT_MAX_VALUE, key, _number(item, item.max_value)))
        if item.unit:
            unit = {"system": UCUM, "code": item.unit, "display": item.unit}
            extensions.append(_extension(EXT_UNIT, "valueCoding", unit))
    elif item.type in (T.TEXT, T.LONG_TEXT):
        if item.min_length is not None and item.min_length > 1:
            extensions.append(_extension(EXT_MIN_LENGTH, "valueInteger", item.min_length))
        pattern = FORMAT_PATTERNS.get(getattr(item, "format", None) or "")
        if pattern:
            extensions.append(_extension(EXT_REGEX, "valueString", pattern))
    if extensions:
        out["extension"] = extensions
    if item.applies_when is not None:
        enable_when = _enable_when(item.applies_when, questionnaire, canonical)
        if enable_when:
            out["enableWhen"] = enable_when
            if len(enable_when) > 1:
                out["enableBehavior"] = "any"
    if item.required:
        out["required"] = True
    if item.type in (T.MULTI, T.GROUP):
        out["repeats"] = True
    if item.max_length is not None and item.type in (T.TEXT, T.LONG_TEXT):
        out["maxLength"] = item.max_length
    if is_coded(item):
        out["answerOption"] = [_answer_option(item, code.value, canonical) for code in item.codes]
    children: list[dict[str, Any]] = []
    if item.hint:
        children.append(_help(item.id, item.hint))
    children.extend(_question(sub, questionnaire, canonical) for sub in item.items)
    if children:
        out["item"] = children
    return out


def _answer_option(item: Item, value: Any, canonical: Canonical) -> dict[str, Any]:
    option: dict[str, Any] = {"valueCoding": coding(item, value, canonical)}
    if item.type is T.INTEGER:
        option["extension"] = [_extension(EXT_ORDINAL_VALUE, "valueDecimal", value)]
    return option


def _help(owner_id: str, text: str) -> dict[str, Any]:
    """A hint, as the help text LHC-Forms and other SDC renderers show beside the question."""
    return {
        "linkId": f"{owner_id}.help",
        "text": text,
        "type": "display",
        "extension": [_item_control("help")],
    }


def _section(section: Section, questionnaire: Questionnaire, canonical: Canonical) -> dict:
    children: list[dict[str, Any]] = []
    if section.intro:
        children.append({"linkId": f"{section.id}.intro", "text": section.intro, "type": "display"})
    children.extend(_question(item, questionnaire, canonical) for item in section.items)
    return {"linkId": section.id, "text": section.title, "type": "group", "item": children}


def build_questionnaire(
    questionnaire: Questionnaire, canonical: Canonical, *, publisher: str | None = None
) -> dict[str, Any]:
    """The whole definition as a Questionnaire resource (a JSON-ready dict).

    It holds no patient data: /fhir serves it to anyone.
    """
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "meta": {"profile": [SDC_QUESTIONNAIRE_PROFILE]},
        "language": "en",
        "url": canonical.questionnaire_url,
        "version": questionnaire.version,
        "name": QUESTIONNAIRE_NAME,
        "title": "MISS pre-consultation screening",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Questions a patient answers before a consultation at a minimally invasive spine "
            "surgery (MISS) clinic: symptoms, warning signs, earlier surgery, health, treatments "
            "tried, mood and goals. Generated from the screening app's questionnaire definition."
        ),
        "item": [_section(section, questionnaire, canonical) for section in questionnaire.sections],
    }
    if publisher:
        resource["publisher"] = publisher
    return resource
