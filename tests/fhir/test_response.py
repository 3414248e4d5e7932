"""QuestionnaireResponse both ways: every public example round-trips to the identical canonical
answer set, and a response that does not fit the questionnaire is refused item by item."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from screening.fhir import build_questionnaire_response, read_questionnaire_response
from screening.questionnaire import QUESTIONNAIRE, validate_answer_set
from tests.fhir.helpers import BASE, CANONICAL, evaluation_of, example, valid_examples, validate_r4b


def _node(response: dict[str, Any], link_id: str) -> dict[str, Any]:
    def find(items: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node in items:
            if node["linkId"] == link_id:
                return node
            found = find(node.get("item", []))
            if found:
                return found
        return None

    node = find(response["item"])
    assert node is not None, link_id
    return node


@pytest.mark.parametrize("name", valid_examples())
def test_each_public_example_round_trips_to_the_identical_answer_set(name):
    answers, as_of = example(name)
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    validate_r4b(response)
    # Through JSON text, as a file or an HTTP body carries it.
    imported = read_questionnaire_response(
        json.loads(json.dumps(response)), QUESTIONNAIRE, CANONICAL
    )
    assert imported.ok, [str(error) for error in imported.errors]
    validated = validate_answer_set(imported.answers, as_of)
    assert validated.ok, [str(error) for error in validated.errors]
    assert validated.answers == answers
    assert evaluation_of(validated.answers, as_of) == evaluation_of(answers, as_of)


def test_the_response_names_the_questionnaire_and_is_completed():
    answers, _as_of = example("after_fusion")
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    assert response["status"] == "completed"
    assert (
        response["questionnaire"] == f"{BASE}/Questionnaire/miss-screening|{QUESTIONNAIRE.version}"
    )
    assert [group["linkId"] for group in response["item"]][:2] == ["about", "surgery"]


def test_an_empty_multi_answer_is_absent_and_a_chosen_one_lists_codes():
    answers, _as_of = example("after_fusion")
    assert answers["diagnoses"] == []
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    text = json.dumps(response)
    assert '"diagnoses"' not in text
    regions = _node(response, "pain_regions")["answer"]
    assert regions == [
        {
            "valueCoding": {
                "system": f"{BASE}/CodeSystem/pain_regions",
                "code": "lower_back",
                "display": "Lower back",
            }
        }
    ]


def test_each_surgery_is_one_repeat_of_the_group_with_its_own_item_ids():
    answers, _as_of = example("after_fusion")
    answers = copy.deepcopy(answers)
    second = dict(answers["surgeries"][0], year=2020, procedure="discectomy")
    answers["surgeries"].append(second)
    response = build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)
    surgery_group = next(group for group in response["item"] if group["linkId"] == "surgery")
    repeats = [node for node in surgery_group["item"] if node["linkId"] == "surgeries"]
    assert len(repeats) == 2
    assert [child["linkId"] for child in repeats[0]["item"]][:3] == ["procedure", "region", "year"]
    assert repeats[1]["item"][2]["answer"] == [{"valueInteger": 2020}]


def _errors(response: dict[str, Any]) -> dict[str, str]:
    imported = read_questionnaire_response(response, QUESTIONNAIRE, CANONICAL)
    assert not imported.ok
    return {error.path: error.message for error in imported.errors}


@pytest.fixture
def response() -> dict[str, Any]:
    answers, _as_of = example("disc_herniation")
    return json.loads(json.dumps(build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)))


def test_an_unknown_link_id_is_named(response):
    _node(response, "smoking")["linkId"] = "vaping_hours"
    assert "Unknown linkId" in _errors(response)["vaping_hours"]


def test_a_wrong_answer_type_is_named(response):
    _node(response, "back_pain_nrs")["answer"] = [{"valueString": "7"}]
    assert "valueInteger" in _errors(response)["back_pain_nrs"]


def test_a_code_not_in_the_list_is_named(response):
    _node(response, "smoking")["answer"][0]["valueCoding"]["code"] = "sometimes"
    assert "'sometimes' is not an option" in _errors(response)["smoking"]


def test_a_code_from_another_system_is_named(response):
    _node(response, "smoking")["answer"][0]["valueCoding"]["system"] = "http://snomed.info/sct"
    assert "Code system" in _errors(response)["smoking"]


def test_two_answers_to_a_single_answer_question_are_named(response):
    node = _node(response, "smoking")
    node["answer"] = node["answer"] * 2
    assert "one answer" in _errors(response)["smoking"]


def test_another_questionnaire_or_an_unfinished_response_is_refused(response):
    response["questionnaire"] = "http://example.org/Questionnaire/phq-9|1"
    response["status"] = "in-progress"
    assert set(_errors(response)) == {"questionnaire", "status"}


def test_a_code_without_system_is_read_by_its_code(response):
    del _node(response, "smoking")["answer"][0]["valueCoding"]["system"]
    imported = read_questionnaire_response(response, QUESTIONNAIRE, CANONICAL)
    assert imported.ok and imported.answers["smoking"] == "never"


def test_limits_and_applies_when_are_then_checked_by_the_answer_set_validator(response):
    _node(response, "back_pain_nrs")["answer"] = [{"valueInteger": 11}]
    imported = read_questionnaire_response(response, QUESTIONNAIRE, CANONICAL)
    assert imported.ok
    _answers, as_of = example("disc_herniation")
    validated = validate_answer_set(imported.answers, as_of)
    assert [error.item_id for error in validated.errors] == ["back_pain_nrs"]


def test_what_fhir_r4_itself_rejects_is_named_by_link_id(response):
    _node(response, "date_of_birth")["answer"] = [{"valueDate": "1975-13-45"}]
    response["authored"] = "yesterday"
    errors = _errors(response)
    assert "Not valid FHIR R4" in errors["date_of_birth"]
    assert "authored" in errors["QuestionnaireResponse"]


def _two_surgeries() -> dict[str, Any]:
    answers, _as_of = example("after_fusion")
    answers = copy.deepcopy(answers)
    answers["surgeries"].append(dict(answers["surgeries"][0], year=2020))
    return json.loads(json.dumps(build_questionnaire_response(answers, QUESTIONNAIRE, CANONICAL)))


def _in_surgery(response: dict[str, Any], index: int, link_id: str) -> dict[str, Any]:
    repeats = [
        node for node in _section(response, "surgery")["item"] if node["linkId"] == "surgeries"
    ]
    return next(node for node in repeats[index]["item"] if node["linkId"] == link_id)


def test_a_problem_in_one_operation_names_that_operation():
    """With two operations, "procedure: Code 'laser' is not an option" did not say which."""
    response = _two_surgeries()
    _in_surgery(response, 1, "procedure")["answer"][0]["valueCoding"]["code"] = "laser"
    _in_surgery(response, 0, "levels")["answer"] *= 2
    _in_surgery(response, 1, "year")["answer"] = [{"valueString": "2020"}]
    errors = _errors(response)
    assert set(errors) == {"surgeries[1].procedure", "surgeries[0].levels", "surgeries[1].year"}
    assert "'laser' is not an option" in errors["surgeries[1].procedure"]


def test_an_unknown_question_or_a_malformed_item_list_in_an_operation_names_it():
    response = _two_surgeries()
    repeats = [
        node for node in _section(response, "surgery")["item"] if node["linkId"] == "surgeries"
    ]
    repeats[0]["item"].append({"linkId": "colour", "answer": [{"valueString": "red"}]})
    repeats[1]["item"] = {"linkId": "year"}
    errors = _errors(response)
    assert "Unknown linkId" in errors["surgeries[0].colour"]
    assert "`item` must be a list" in errors["surgeries[1]"]


def test_what_fhir_r4_rejects_in_an_operation_names_that_operation():
    response = _two_surgeries()
    _in_surgery(response, 1, "levels")["answer"] = [{"valueString": 45}]
    errors = _errors(response)
    assert set(errors) == {"surgeries[1].levels"}
    assert "Not valid FHIR R4" in errors["surgeries[1].levels"]


# -- what an outside audit of the import found (each was accepted, lost data or crashed) ------


def _section(response: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(group for group in response["item"] if group["linkId"] == section_id)


def test_questions_inside_an_answer_are_refused_not_dropped(response):
    """FHIR allows questions under an answer; this questionnaire has none, and the email put
    there vanished with exit 0."""
    _node(response, "caregiver")["answer"][0]["item"] = [
        {"linkId": "email", "answer": [{"valueString": "kim@example.org"}]}
    ]
    assert "holds questions" in _errors(response)["caregiver"]


def test_a_question_in_another_sections_group_is_refused(response):
    leg = _node(response, "leg_pain_nrs")
    _section(response, "symptoms")["item"].remove(leg)
    _section(response, "about")["item"].append(leg)
    assert "belongs in section symptoms, not about" in _errors(response)["leg_pain_nrs"]


def test_a_section_given_twice_is_refused(response):
    about = _section(response, "about")
    response["item"].append({"linkId": "about", "item": []})
    assert about and "appears twice" in _errors(response)["about"]


@pytest.mark.parametrize("first_copy", [{"linkId": "smoking"}, {"linkId": "smoking", "answer": []}])
def test_a_question_given_twice_is_refused_even_when_its_first_copy_is_empty(response, first_copy):
    history = _section(response, "history")["item"]
    history.insert(0, first_copy)
    assert "appears twice" in _errors(response)["smoking"]


def test_a_response_nested_too_deeply_is_a_message_not_a_crash(response):
    deep: dict[str, Any] = {"url": "http://example.org/x", "valueString": "x"}
    for _ in range(400):
        deep = {"url": "http://example.org/x", "extension": [deep]}
    response["extension"] = [deep]
    assert "nested too deeply" in _errors(response)["QuestionnaireResponse"]


def test_every_kind_of_problem_is_named_at_once(response):
    """An unknown linkId hid the R4 problems, and both hid the validator's."""
    _node(response, "smoking")["linkId"] = "vaping_hours"
    _node(response, "date_of_birth")["answer"] = [{"valueDate": "1975-13-45"}]
    errors = _errors(response)
    assert "Unknown linkId" in errors["vaping_hours"]
    assert "Not valid FHIR R4" in errors["date_of_birth"]


def test_fhir_problems_are_one_line_each(response):
    _node(response, "first_name")["answer"] = [{"valueString": ""}]
    message = _errors(response)["first_name"]
    assert "\n" not in message and "\t" not in message
