"""What a patient types that the form must not choke on: answers left in a hidden block, numbers
typed with their unit, and heights in feet and inches that cannot be.

All through HTTP, as a browser posts them (see helpers.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from screening.questionnaire import QUESTIONNAIRE, Item, ItemType
from tests.patient.helpers import post_step, see_errors, step_post_data, step_url
from tests.patient.test_steps import AFTER_FUSION, FULL, Stored, section_answers, text


def post_pairs(
    client: FlaskClient, token: str, section_id: str, pairs: list[tuple[str, str]]
) -> Any:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return see_errors(client, client.post(step_url(token, section_id), data=data))


# -- 1. answers that do not apply are not read ---------------------------------------------

UNREADABLE_YEARS = ["'19", "not sure", "about 2015", "19 or 20"]


def _surgery_no_with_typed_entry(year: str) -> list[tuple[str, str]]:
    """Yes, one operation half filled in (year as typed), then the answer changed to No."""
    return [
        ("prior_spine_surgery", "no"),
        ("surgeries-0-procedure", "fusion"),
        ("surgeries-0-region", "lumbar"),
        ("surgeries-0-year", year),
        ("surgeries-0-levels", "L4-L5"),
        ("symptoms_since_surgery", "worse"),
    ]


@pytest.mark.parametrize("year", UNREADABLE_YEARS)
@pytest.mark.parametrize("action", ["save", "back", "later"])
def test_a_year_left_in_the_hidden_surgery_block_does_not_stop_the_step(
    client: FlaskClient, token: str, stored: Stored, year: str, action: str
) -> None:
    # First Yes with the year as typed: refused, beside the field the patient can see.
    typed = _surgery_no_with_typed_entry(year)[1:]
    first = post_pairs(
        client, token, "surgery", [("prior_spine_surgery", "yes"), *typed, ("save", "1")]
    )
    assert first.status_code == 200
    assert 'id="surgeries-0-year-error"' in text(first)
    # Then No: the hidden operation is ignored, whatever its year says.
    response = post_pairs(
        client, token, "surgery", [*_surgery_no_with_typed_entry(year), (action, "1")]
    )
    assert response.status_code == 302, text(response)
    assert stored(token) == {"prior_spine_surgery": False}
    page = text(client.get(step_url(token, "surgery")))
    assert "field-error" not in page, "nothing is left to fix when the step opens again"


# A controlling answer that makes each conditional item not apply.
NOT_APPLYING = {
    "work_status": "retired",
    "prior_spine_surgery": False,
    "pain_regions": ["lower_back"],
    "bladder_bowel_change": False,
    "saddle_numbness": False,
    "both_legs_symptoms": False,
    "sexual_dysfunction_new": False,
    "cancer_history": False,
    "injections": "none",
}
UNREADABLE = {
    ItemType.YES_NO: "maybe",
    ItemType.INTEGER: "lots",
    ItemType.NUMBER: "lots",
    ItemType.CHOICE: "whatever",
    ItemType.DATE: "someday",
}
CONDITIONAL = [item for item in QUESTIONNAIRE.items if item.applies_when is not None]


def _unreadable_pairs(item: Item) -> list[tuple[str, str]]:
    if item.type is ItemType.GROUP:
        return [
            (f"{item.id}-0-{sub.id}", UNREADABLE.get(sub.type, "x" * 500)) for sub in item.items
        ]
    return [(item.id, UNREADABLE.get(item.type, "x" * 5000))]


@pytest.mark.parametrize("item", CONDITIONAL, ids=[item.id for item in CONDITIONAL])
def test_unreadable_answers_to_items_that_do_not_apply_are_ignored(
    client: FlaskClient, token: str, stored: Stored, item: Item
) -> None:
    answers = {**FULL, **NOT_APPLYING}
    assert not item.applies(answers), f"{item.id}: the test's answers must make it not apply"
    section = QUESTIONNAIRE.section_of(item.id)
    # An item whose rule reads another step (a surgery scar) sees that step's stored answer.
    for other in sorted(item.applies_when.depends_on() - set(section.item_ids)):
        other_section = QUESTIONNAIRE.section_of(other).id
        saved = post_step(client, token, other_section, section_answers(other_section, answers))
        assert saved.status_code == 302
    own = section_answers(section.id, answers)
    pairs = [*step_post_data(section.id, own), *_unreadable_pairs(item), ("save", "1")]
    response = post_pairs(client, token, section.id, pairs)
    assert response.status_code in (302, 303), text(response)
    assert item.id not in stored(token)


def test_every_rule_reads_items_asked_before_it_on_its_step() -> None:
    """The form reads a step in order, deciding what applies from the answers before each
    item; a rule reading a later item of the same step would be decided on nothing."""
    for section in QUESTIONNAIRE.sections:
        seen: set[str] = set()
        for item in section.items:
            if item.applies_when is not None:
                same_step = item.applies_when.depends_on() & set(section.item_ids)
                assert same_step <= seen, item.id
            seen.add(item.id)


# -- 2. numbers typed with a unit -------------------------------------------------------------


def _about(
    client: FlaskClient, token: str, changes: dict[str, str], *, action: str = "save"
) -> Any:
    good = section_answers("about")
    pairs = [(k, v) for k, v in step_post_data("about", good) if k not in changes]
    return post_pairs(client, token, "about", [*pairs, *changes.items(), (action, "1")])


@pytest.mark.parametrize(
    ("typed", "unit", "kg"),
    [
        ("70 kg", "kg", 70),
        ("70kg", "kg", 70),
        ("70 Kilos", "kg", 70),
        ("154 lbs", "lb", 69.9),
        ("154 lbs.", "lb", 69.9),
        ("154 pounds", "lb", 69.9),
    ],
)
def test_a_weight_typed_with_the_chosen_unit_is_read(
    client: FlaskClient, token: str, stored: Stored, typed: str, unit: str, kg: float
) -> None:
    response = _about(client, token, {"weight_kg": typed, "weight_unit": unit})
    assert response.status_code == 302, text(response)
    assert stored(token)["weight_kg"] == kg


@pytest.mark.parametrize(
    ("typed", "unit", "message"),
    [
        ("154 lbs", "kg", "You typed pounds, but Kilograms is chosen. Choose Pounds, or type"),
        ("70 kg", "lb", "You typed kilograms, but Pounds is chosen. Choose Kilograms, or type"),
        ("about 70", "kg", "Type only the number, like 70. Then choose Kilograms or Pounds."),
        ("70 cm", "kg", "Type only the number, like 70."),
    ],
)
def test_a_weight_in_another_unit_is_refused_not_converted(
    client: FlaskClient, token: str, stored: Stored, typed: str, unit: str, message: str
) -> None:
    response = _about(client, token, {"weight_kg": typed, "weight_unit": unit})
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert 'id="weight_kg-error"' in html
    assert f'value="{typed}"' in html, "what was typed is kept"
    assert "weight_kg" not in stored(token)


def test_a_weight_typed_with_its_unit_shows_back_plainly(
    client: FlaskClient, token: str, stored: Stored
) -> None:
    response = _about(client, token, {"weight_kg": "154 lbs", "weight_unit": "lb"})
    assert response.status_code == 302
    review = text(client.get(step_url(token, "review")))
    assert "154 lb" in review
    assert "lbs lb" not in review


@pytest.mark.parametrize(
    ("changes", "cm"),
    [
        ({"height_unit": "cm", "height_cm": "170 cm"}, 170),
        ({"height_unit": "cm", "height_cm": "170cm."}, 170),
        (
            {"height_unit": "ft_in", "height_cm": "", "height_ft": "5 ft", "height_in": "10 in"},
            177.8,
        ),
        ({"height_unit": "ft_in", "height_cm": "", "height_ft": "5'", "height_in": '10"'}, 177.8),
        ({"height_unit": "ft_in", "height_cm": "", "height_ft": "5'10\"", "height_in": ""}, 177.8),
    ],
)
def test_a_height_typed_with_the_chosen_unit_is_read(
    client: FlaskClient, token: str, stored: Stored, changes: dict[str, str], cm: float
) -> None:
    response = _about(client, token, changes)
    assert response.status_code == 302, text(response)
    assert stored(token)["height_cm"] == cm


def test_a_height_typed_in_one_box_shows_back_in_both(
    client: FlaskClient, token: str, stored: Stored
) -> None:
    changes = {"height_unit": "ft_in", "height_cm": "", "height_ft": "5'10\"", "height_in": ""}
    assert _about(client, token, changes).status_code == 302
    page = text(client.get(step_url(token, "about")))
    assert re.search(r'<input[^>]*id="height_ft"[^>]*value="5"', page)
    assert re.search(r'<input[^>]*id="height_in"[^>]*value="10"', page)
    assert "5 ft 10 in" in text(client.get(step_url(token, "review")))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("5'10\"", "For feet and inches, choose Feet and inches, then type 5 in Feet and 10 in"),
        ("5 ft 10", "then type 5 in Feet and 10 in Inches."),
        ("70 in", "This box is for centimeters, like 170. For feet and inches, choose"),
        ("1.70 m", "Type your height in centimeters, not meters. For example, type 170"),
        ("tall", "Type only the number of centimeters, like 170. Or choose Feet and inches."),
    ],
)
def test_a_height_in_another_unit_in_the_centimeters_box_says_what_to_do(
    client: FlaskClient, token: str, stored: Stored, typed: str, message: str
) -> None:
    response = _about(client, token, {"height_unit": "cm", "height_cm": typed})
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert 'id="height_cm-error"' in html
    assert "height_cm" not in stored(token)


@pytest.mark.parametrize("year", ["not sure", "about 2015", "'19", "2015?"])
def test_an_unsure_surgery_year_gets_advice_to_guess(
    client: FlaskClient, token: str, stored: Stored, year: str
) -> None:
    answers = section_answers("surgery", AFTER_FUSION)
    pairs = [(k, v) for k, v in step_post_data("surgery", answers) if k != "surgeries-0-year"]
    response = post_pairs(
        client, token, "surgery", [*pairs, ("surgeries-0-year", year), ("save", "1")]
    )
    assert response.status_code == 200
    html = text(response)
    assert (
        "Type the year as 4 numbers, like 2015. If you are not sure, type your best guess." in html
    )
    assert 'id="surgeries-0-year-error"' in html
    assert "surgeries" not in stored(token)


def test_a_surgery_year_ending_a_sentence_is_read(
    client: FlaskClient, token: str, stored: Stored
) -> None:
    answers = section_answers("surgery", AFTER_FUSION)
    year = answers["surgeries"][0]["year"]
    pairs = [(k, v) for k, v in step_post_data("surgery", answers) if k != "surgeries-0-year"]
    response = post_pairs(
        client, token, "surgery", [*pairs, ("surgeries-0-year", f"{year}."), ("save", "1")]
    )
    assert response.status_code == 302, text(response)
    assert stored(token) == answers


# -- 3. feet and inches that cannot be ---------------------------------------------------------


@pytest.mark.parametrize(
    ("feet", "inches", "message"),
    [
        ("5", "-2", "Enter the inches as a number from 0 to 11."),
        ("5", "25", "Enter the inches as a number from 0 to 11."),
        ("5", "12", "Enter the inches as a number from 0 to 11."),
        ("0", "70", "Enter the inches as a number from 0 to 11."),
        ("0", "70", "Enter a height from 3 feet 4 inches to 8 feet 2 inches."),
        ("-5", "2", "Enter a height from 3 feet 4 inches to 8 feet 2 inches."),
        ("12", "0", "Enter a height from 3 feet 4 inches to 8 feet 2 inches."),
    ],
)
def test_impossible_feet_and_inches_are_refused_and_kept(
    client: FlaskClient, token: str, stored: Stored, feet: str, inches: str, message: str
) -> None:
    changes = {"height_unit": "ft_in", "height_cm": "", "height_ft": feet, "height_in": inches}
    response = _about(client, token, changes)
    assert response.status_code == 200
    html = text(response)
    shown = re.search(r'<p class="field-error" id="height_ft-error">(.*?)</p>', html, re.S)
    assert shown and message in shown.group(1), "said beside the boxes"
    assert 'href="#height_ft"' in html or 'href="#height_in"' in html
    assert "height_cm" not in stored(token)
    # What was typed is shown again, now and when the step opens later.
    for page in (html, text(client.get(step_url(token, "about")))):
        assert re.search(rf'<input[^>]*id="height_ft"[^>]*value="{re.escape(feet)}"', page)
        assert re.search(rf'<input[^>]*id="height_in"[^>]*value="{re.escape(inches)}"', page)


@pytest.mark.parametrize(("feet", "inches", "cm"), [("5", "11.5", 181.6), ("5", "0", 152.4)])
def test_inches_up_to_just_under_twelve_are_fine(
    client: FlaskClient, token: str, stored: Stored, feet: str, inches: str, cm: float
) -> None:
    changes = {"height_unit": "ft_in", "height_cm": "", "height_ft": feet, "height_in": inches}
    assert _about(client, token, changes).status_code == 302
    assert stored(token)["height_cm"] == cm
