"""The generated Questionnaire: valid R4 (R4B models), and faithful to the definition item by item.

Everything is compared with the definition itself, so a new item, code or condition is checked
the day it is added, without touching these tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from screening.fhir import build_questionnaire
from screening.fhir.questionnaire import FHIR_TYPES, inexpressible_conditions, is_coded
from screening.questionnaire import QUESTIONNAIRE, ItemType
from screening.questionnaire.conditions import Above, AnyOf, Equals, Includes, OneOf
from tests.fhir.helpers import BASE, CANONICAL, validate_r4b

T = ItemType
QUESTIONNAIRE_JSON = build_questionnaire(QUESTIONNAIRE, CANONICAL)


def _walk(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for node in items:
        found[node["linkId"]] = node
        found.update(_walk(node.get("item", [])))
    return found


NODES = _walk(QUESTIONNAIRE_JSON["item"])


def _extension(node: dict[str, Any], url_end: str) -> dict[str, Any] | None:
    for extension in node.get("extension", []):
        if extension["url"].endswith("/" + url_end):
            return extension
    return None


def test_it_validates_as_r4_with_url_version_and_sdc_profile():
    validate_r4b(QUESTIONNAIRE_JSON)
    assert QUESTIONNAIRE_JSON["url"] == f"{BASE}/Questionnaire/miss-screening"
    assert QUESTIONNAIRE_JSON["version"] == QUESTIONNAIRE.version
    assert QUESTIONNAIRE_JSON["status"] == "active"
    assert QUESTIONNAIRE_JSON["meta"]["profile"] == [
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
    ]


def test_one_group_per_section_holding_its_items_by_id():
    groups = QUESTIONNAIRE_JSON["item"]
    assert [group["linkId"] for group in groups] == [s.id for s in QUESTIONNAIRE.sections]
    for group, section in zip(groups, QUESTIONNAIRE.sections, strict=True):
        assert group["type"] == "group"
        questions = [node["linkId"] for node in group["item"] if node["type"] != "display"]
        assert questions == list(section.item_ids)


def test_link_ids_are_unique():
    link_ids: list[str] = []

    def collect(items: list[dict[str, Any]]) -> None:
        for node in items:
            link_ids.append(node["linkId"])
            collect(node.get("item", []))

    collect(QUESTIONNAIRE_JSON["item"])
    assert len(link_ids) == len(set(link_ids))


@pytest.mark.parametrize("item", QUESTIONNAIRE.items, ids=lambda item: item.id)
def test_each_item_keeps_its_type_limits_and_codes(item):
    node = NODES[item.id]
    expected_type = "choice" if is_coded(item) else FHIR_TYPES[item.type]
    assert node["type"] == expected_type
    assert node.get("required", False) == item.required
    assert node.get("repeats", False) == (item.type in (T.MULTI, T.GROUP))
    if item.type in (T.TEXT, T.LONG_TEXT) and item.max_length:
        assert node["maxLength"] == item.max_length
    if is_coded(item):
        options = [option["valueCoding"] for option in node["answerOption"]]
        assert [option["code"] for option in options] == [str(v) for v in item.code_values]
        assert {option["system"] for option in options} == {f"{BASE}/CodeSystem/{item.id}"}
        assert all(option["display"] for option in options)
    if item.type in (T.INTEGER, T.NUMBER) and not item.codes:
        key = "valueInteger" if item.type is T.INTEGER else "valueDecimal"
        for url_end, limit in (("minValue", item.min_value), ("maxValue", item.max_value)):
            extension = _extension(node, url_end)
            if limit is None:
                assert extension is None
            else:
                assert extension == {
                    "url": f"http://hl7.org/fhir/StructureDefinition/{url_end}",
                    key: limit,
                }


def test_scored_answers_carry_their_ordinal_value():
    node = NODES["phq2_interest"]
    weights = [
        _extension(option, "ordinalValue")["valueDecimal"] for option in node["answerOption"]
    ]
    assert weights == [0, 1, 2, 3]


def test_surgeries_repeat_as_a_group_whose_items_keep_their_own_ids():
    surgeries = QUESTIONNAIRE.item("surgeries")
    node = NODES["surgeries"]
    assert node["type"] == "group" and node["repeats"] is True
    assert _extension(node, "questionnaire-maxOccurs")["valueInteger"] == surgeries.max_entries
    assert _extension(node, "questionnaire-minOccurs")["valueInteger"] == surgeries.min_entries
    inner = [child["linkId"] for child in node["item"] if child["type"] != "display"]
    assert inner == [sub.id for sub in surgeries.items]
    assert node["enableWhen"] == [
        {"question": "prior_spine_surgery", "operator": "=", "answerBoolean": True}
    ]


def _expected_enable_when(condition) -> list[tuple[str, str, Any]]:
    if isinstance(condition, Equals):
        return [(condition.item, "=", condition.value)]
    if isinstance(condition, Above):
        return [(condition.item, ">", condition.threshold)]
    if isinstance(condition, AnyOf):
        return [pair for part in condition.conditions for pair in _expected_enable_when(part)]
    if isinstance(condition, OneOf | Includes):
        return [(condition.item, "=", value) for value in condition.values]
    raise AssertionError(f"a condition this test does not know: {condition!r}")


def _answer(entry: dict[str, Any]) -> Any:
    (key,) = [key for key in entry if key.startswith("answer")]
    value = entry[key]
    return value["code"] if key == "answerCoding" else value


def test_every_applies_when_becomes_enable_when_with_behaviour():
    assert inexpressible_conditions(QUESTIONNAIRE) == []
    conditional = [item for item in QUESTIONNAIRE.items if item.applies_when is not None]
    assert conditional, "the definition has conditional items"
    for item in conditional:
        node = NODES[item.id]
        expected = _expected_enable_when(item.applies_when)
        got = [(e["question"], e["operator"], _answer(e)) for e in node["enableWhen"]]
        assert got == [
            (question, op, str(value) if not isinstance(value, bool) else value)
            if is_coded(QUESTIONNAIRE.item(question))
            else (question, op, value)
            for question, op, value in expected
        ], item.id
        if len(expected) > 1:
            assert node["enableBehavior"] == "any", item.id
        else:
            assert "enableBehavior" not in node


def test_a_coded_condition_names_the_code_in_our_code_system():
    (entry,) = NODES["work_demand"]["enableWhen"][:1]
    assert entry["answerCoding"]["system"] == f"{BASE}/CodeSystem/work_status"
    arm = NODES["arm_pain_nrs"]
    assert arm["enableBehavior"] == "any"
    assert {e["answerCoding"]["code"] for e in arm["enableWhen"]} == {"arm_left", "arm_right"}


def test_units_are_ucum():
    unit = _extension(NODES["height_cm"], "questionnaire-unit")["valueCoding"]
    assert unit == {"system": "http://unitsofmeasure.org", "code": "cm", "display": "cm"}
