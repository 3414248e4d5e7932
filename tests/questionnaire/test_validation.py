"""The validator: every rule of the data dictionary, all errors at once, canonical output."""

from __future__ import annotations

import json
from datetime import date

import pytest

from screening.questionnaire import (
    canonical_json,
    parse_answer_json,
    validate_answer_set,
    validate_section,
)
from tests.conftest import EXAMPLES

AS_OF = date(2026, 11, 21)


def valid_answers() -> dict:
    return json.loads((EXAMPLES / "after_fusion.answers.json").read_text())


def error_paths(answers: object, **kwargs: object) -> list[str]:
    return [e.path for e in validate_answer_set(answers, AS_OF, **kwargs).errors]


def test_valid_example_passes_and_is_canonical() -> None:
    result = validate_answer_set(valid_answers(), AS_OF)
    assert result.ok
    assert result.answers["surgeries"][0]["year"] == 2017
    assert canonical_json(result.answers) == canonical_json(result.answers)


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("leg_pain_nrs", 11),
        ("leg_pain_nrs", -1),
        ("leg_pain_nrs", 4.5),
        ("leg_pain_nrs", "7"),
        ("leg_pain_nrs", True),
        ("caregiver", "yes"),
        ("caregiver", 1),
        ("smoking", "sometimes"),
        ("smoking", True),
        ("pain_regions", ["lower_back", "lower_back"]),
        ("pain_regions", ["tail"]),
        ("pain_regions", "lower_back"),
        ("height_cm", 99),
        ("height_cm", 250.5),
        ("weight_kg", "78"),
        ("weight_kg", float("nan")),
        ("date_of_birth", "1959-02-30"),
        ("date_of_birth", "21/06/1959"),
        ("date_of_birth", "2010-01-01"),
        ("date_of_birth", "1900-01-01"),
        ("date_of_birth", "2030-01-01"),
        ("first_name", "x" * 101),
        ("first_name", 5),
        ("visit_reason", "x" * 2001),
        ("allergies", "x" * 1001),
        ("phq2_interest", 4),
        ("surgeries", {"procedure": "fusion"}),
    ],
)
def test_bad_value_is_named(item: str, value: object) -> None:
    answers = valid_answers()
    answers[item] = value
    paths = error_paths(answers)
    assert paths and all(p.startswith(item) for p in paths), paths


@pytest.mark.parametrize("item", ["first_name", "smoking", "back_pain_nrs", "saddle_numbness"])
def test_missing_required_item_is_named(item: str) -> None:
    answers = valid_answers()
    del answers[item]
    assert error_paths(answers) == [item]


def test_blank_required_text_counts_as_missing_and_optional_null_is_fine() -> None:
    answers = valid_answers()
    answers["first_name"] = "   "
    answers["visit_reason"] = None
    answers["sex"] = None
    assert error_paths(answers) == ["first_name"]


def test_unknown_key_is_an_error() -> None:
    answers = valid_answers()
    answers["favourite_colour"] = "blue"
    assert error_paths(answers) == ["favourite_colour"]


def test_all_errors_reported_at_once() -> None:
    answers = valid_answers()
    answers["leg_pain_nrs"] = 12
    del answers["smoking"]
    answers["pain_regions"] = ["nowhere"]
    assert error_paths(answers) == ["pain_regions", "leg_pain_nrs", "smoking"] or set(
        error_paths(answers)
    ) == {"pain_regions", "leg_pain_nrs", "smoking"}


def test_answers_that_do_not_apply_are_errors() -> None:
    answers = valid_answers()
    answers["work_status"] = "retired"
    assert error_paths(answers) == ["work_demand"]
    answers = valid_answers()
    answers["prior_spine_surgery"] = False
    assert set(error_paths(answers)) == {"surgeries", "symptoms_since_surgery", "wound_problem"}


@pytest.mark.parametrize("value", [1, 1.0, 0])
def test_a_yes_no_given_as_a_number_is_one_error_and_makes_nothing_else_apply(value) -> None:
    """Python holds 1 == True: a JSON 1 for "prior spine surgery" was also read as a yes,
    and its follow-up questions were named as missing beside the real error."""
    answers = json.loads((EXAMPLES / "stenosis.answers.json").read_text())
    answers["prior_spine_surgery"] = value
    answers["cancer_history"] = value
    answers["bladder_bowel_change"] = value
    assert error_paths(answers) == ["prior_spine_surgery", "bladder_bowel_change", "cancer_history"]


def test_applicable_items_become_required() -> None:
    answers = valid_answers()
    del answers["work_demand"]
    assert error_paths(answers) == ["work_demand"]
    del answers["surgeries"]
    assert "surgeries" in error_paths(answers)


def test_pain_regions_needed_only_when_there_is_pain() -> None:
    answers = valid_answers()
    answers["pain_regions"] = []
    assert error_paths(answers) == ["pain_regions"]
    answers["back_pain_nrs"] = 0
    answers["leg_pain_nrs"] = 0
    assert error_paths(answers) == []


def test_surgery_entries_are_checked_one_by_one() -> None:
    answers = valid_answers()
    entry = answers["surgeries"][0]
    answers["surgeries"] = [entry, {**entry, "year": 1950}, {**entry, "approach": "robotic"}]
    # Born 1959: 1950 is before birth; 1940 is the floor otherwise.
    assert error_paths(answers) == ["surgeries[1].year", "surgeries[2].approach"]
    answers["surgeries"] = [{**entry, "year": AS_OF.year + 1}]
    assert error_paths(answers) == ["surgeries[0].year"]
    answers["surgeries"] = [entry] * 11
    assert error_paths(answers) == ["surgeries"]
    # Too many entries, and a wrong one among them: both named (every error at once).
    answers["surgeries"] = [entry] * 10 + [{**entry, "year": 1800}]
    assert error_paths(answers) == ["surgeries", "surgeries[10].year"]
    answers["surgeries"] = [{**entry, "colour": "red"}]
    assert error_paths(answers) == ["surgeries[0].colour"]


def test_age_limits_at_the_as_of_date() -> None:
    answers = valid_answers()
    answers["date_of_birth"] = "2008-11-21"  # 18 today
    assert error_paths(answers) == []
    answers["date_of_birth"] = "2008-11-22"  # 18 tomorrow
    assert error_paths(answers) == ["date_of_birth"]


def test_consent_is_only_required_when_asked() -> None:
    answers = valid_answers()
    assert error_paths(answers) == []
    assert error_paths(answers, require_consent=True) == ["consent_confirm"]
    answers["consent_confirm"] = True
    assert error_paths(answers, require_consent=True) == []


def test_canonical_form_trims_orders_and_drops_blanks() -> None:
    answers = valid_answers()
    answers["first_name"] = "  Robin  "
    answers["visit_reason"] = "  line one\nline two  "
    answers["pain_regions"] = ["thigh_left", "lower_back"]
    answers["allergies"] = ""
    answers["leg_pain_nrs"] = 0.0
    result = validate_answer_set(answers, AS_OF)
    assert result.ok
    assert result.answers["first_name"] == "Robin"
    assert result.answers["visit_reason"] == "line one\nline two"
    assert result.answers["pain_regions"] == ["lower_back", "thigh_left"]
    assert "allergies" not in result.answers
    assert result.answers["leg_pain_nrs"] == 0 and isinstance(result.answers["leg_pain_nrs"], int)


def test_one_line_text_is_trimmed_not_squeezed() -> None:
    """Spec: a text answer is trimmed, nothing more; its inner spaces stay as typed. A line
    break (possible only in JSON) cannot stay on one line and becomes a space."""
    answers = valid_answers()
    answers["first_name"] = "  Mary  Ann "
    answers["last_name"] = "O'Neil\nSmith"
    result = validate_answer_set(answers, AS_OF)
    assert result.ok
    assert result.answers["first_name"] == "Mary  Ann"
    assert result.answers["last_name"] == "O'Neil Smith"


def test_not_json_and_not_an_object() -> None:
    assert not parse_answer_json("{ nope", AS_OF).ok
    assert not parse_answer_json("[1, 2]", AS_OF).ok
    assert not parse_answer_json('{"height_cm": NaN}', AS_OF).ok


def test_section_validation_uses_context_for_surgery_years() -> None:
    raw = {
        "prior_spine_surgery": True,
        "symptoms_since_surgery": "worse",
        "surgeries": [
            {
                "procedure": "fusion",
                "region": "lumbar",
                "year": 1960,
                "approach": "open",
                "outcome": "better",
            }
        ],
    }
    assert validate_section("surgery", raw, AS_OF, context={}).ok
    late_born = validate_section("surgery", raw, AS_OF, context={"date_of_birth": "1970-01-01"})
    assert [e.path for e in late_born.errors] == ["surgeries[0].year"]


def test_control_characters_are_exactly_unicodes_cc_less_tab_and_line_breaks() -> None:
    """The regular expression behind has_control_characters matches Unicode's own category
    for every code point: nothing typed on purpose is refused, nothing hidden slips through."""
    import unicodedata

    from screening.questionnaire.text_input import has_control_characters

    for code in range(0x110000):
        char = chr(code)
        expected = unicodedata.category(char) == "Cc" and char not in "\t\n\r"
        assert has_control_characters(f"a{char}b") is expected, hex(code)


@pytest.mark.parametrize("digits", ["9" * 5000, "-" + "9" * 5000, "1" + "0" * 30])
def test_a_number_thousands_of_digits_long_gets_the_items_own_message(digits: str) -> None:
    """Python will not read an integer of more than 4,300 digits and says to call
    sys.set_int_max_str_digits(); the clinic gets the item's range instead."""
    answers = valid_answers()
    answers["back_pain_nrs"] = 0
    text = json.dumps(answers).replace('"back_pain_nrs": 0', f'"back_pain_nrs": {digits}')
    result = parse_answer_json(text, AS_OF)
    assert not result.ok
    assert [(e.item_id, e.message % e.params) for e in result.errors] == [
        ("back_pain_nrs", "Enter a number from 0 to 10.")
    ]
