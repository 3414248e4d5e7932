"""Nothing typed is lost, and answers come back as they were typed (issue 11, item 6).

A step with an error stores its valid answers and keeps the text of the invalid ones as a
draft; height and weight come back in the units typed; the units start in MEASUREMENT_UNITS;
an unlikely weight asks "is that right?"; the error summary follows the page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from screening.questionnaire import QUESTIONNAIRE
from tests.patient.conftest import load_screening
from tests.patient.helpers import example_answers, post_step, step_url, submit

FULL = example_answers("disc_herniation")
ABOUT = {k: v for k, v in FULL.items() if k in QUESTIONNAIRE.section("about").item_ids}
NO_MEASURES = {k: v for k, v in ABOUT.items() if k not in ("height_cm", "weight_kg")}
# 5 ft 10 in and 154 lb, as the about step's unit fields post them.
FEET_AND_POUNDS = [
    ("height_unit", "ft_in"),
    ("height_ft", "5"),
    ("height_in", "10"),
    ("weight_unit", "lb"),
    ("weight_kg", "154"),
]


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def checked(html: str, name: str) -> str | None:
    pattern = rf'<input checked id="[^"]+" name="{name}" type="radio" value="([^"]+)"'
    match = re.search(pattern, html)
    return match.group(1) if match else None


def value_of(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def test_invalid_answer_is_kept_as_typed_and_valid_ones_are_saved(
    client: FlaskClient, token: str
) -> None:
    """A patient lost a name and height to one wrong date: no more."""
    response = post_step(
        client,
        token,
        "about",
        {**NO_MEASURES, "date_of_birth": "1984-13-45"},
        extra=[("height_unit", "cm"), ("height_cm", "172")],
    )
    assert response.status_code == 200
    assert "Enter a real date" in text(response)
    stored = load_screening(token).answers
    assert stored["first_name"] == "Jordan" and stored["height_cm"] == 172
    assert "date_of_birth" not in stored

    # A reload, a dropped tab, or coming back later: the typed date is there again.
    again = text(client.get(step_url(token, "about")))
    assert 'value="1984-13-45"' in again
    assert 'value="Jordan"' in again
    assert "Enter a real date" in again, "and what to fix, again"
    assert again.count('class="field-error"') == 1, "only the answer waiting in the draft"
    assert client.get(f"/s/{token}").location.endswith(step_url(token, "about"))
    # The step is not complete while the draft waits, and the form cannot be sent.
    review = text(client.get(step_url(token, "review")))
    assert "Some answers are missing here" in review

    fixed = post_step(client, token, "about", ABOUT)
    assert fixed.status_code == 302
    assert 'value="1984-13-45"' not in text(client.get(step_url(token, "about")))
    # What is left of the draft is only the units the height and weight were typed in.
    assert not load_screening(token).draft["about"]["unsaved"]


def test_a_draft_blocks_sending(client: FlaskClient, token: str) -> None:
    for section in QUESTIONNAIRE.sections:
        if section.id != "review":
            assert post_step(client, token, section.id, FULL).status_code == 302
    post_step(client, token, "about", {**ABOUT, "height_cm": "tall"})
    response = submit(client, token)
    assert response.status_code == 200
    assert "About you: some answers are missing or need a change." in text(response)
    assert load_screening(token).status == "in_progress"


def test_surgery_entry_with_an_error_is_kept_whole(client: FlaskClient, token: str) -> None:
    fusion = example_answers("after_fusion")
    surgery = {k: v for k, v in fusion.items() if k in QUESTIONNAIRE.section("surgery").item_ids}
    entry = surgery["surgeries"][0]
    bad = {**surgery, "surgeries": [entry, {**entry, "year": "nineteen", "levels": "C5-C6"}]}
    assert post_step(client, token, "surgery", bad).status_code == 200
    assert load_screening(token).answers["surgeries"] == [entry]
    again = text(client.get(step_url(token, "surgery")))
    assert 'value="nineteen"' in again and 'value="C5-C6"' in again


def test_feet_and_inches_come_back_as_typed(client: FlaskClient, token: str) -> None:
    extra = FEET_AND_POUNDS
    assert post_step(client, token, "about", NO_MEASURES, extra=extra).status_code == 302
    stored = load_screening(token).answers
    assert stored["height_cm"] == 177.8 and stored["weight_kg"] == 69.9
    html = text(client.get(step_url(token, "about")))
    assert checked(html, "height_unit") == "ft_in"
    assert value_of(html, "height_ft") == "5" and value_of(html, "height_in") == "10"
    assert checked(html, "weight_unit") == "lb"
    assert value_of(html, "weight_kg") == "154"


def test_centimeters_come_back_as_centimeters(client: FlaskClient, token: str) -> None:
    extra = [("height_unit", "cm"), ("weight_unit", "kg")]
    assert post_step(client, token, "about", ABOUT, extra=extra).status_code == 302
    html = text(client.get(step_url(token, "about")))
    assert checked(html, "height_unit") == "cm" and value_of(html, "height_cm") == "175"
    assert checked(html, "weight_unit") == "kg" and value_of(html, "weight_kg") == "78"


def test_units_start_in_us_units_by_default(client: FlaskClient, token: str) -> None:
    html = text(client.get(step_url(token, "about")))
    assert checked(html, "height_unit") == "ft_in"
    assert checked(html, "weight_unit") == "lb"


class TestMetricClinic:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"MEASUREMENT_UNITS": "metric"}

    def test_units_start_in_metric(self, client: FlaskClient, token: str) -> None:
        html = text(client.get(step_url(token, "about")))
        assert checked(html, "height_unit") == "cm"
        assert checked(html, "weight_unit") == "kg"


def test_unlikely_weight_asks_is_that_right(client: FlaskClient, token: str) -> None:
    extra = [("height_unit", "cm"), ("height_cm", "178"), ("weight_unit", "kg")]
    asked = post_step(client, token, "about", {**NO_MEASURES, "weight_kg": 212}, extra=extra)
    html = text(asked)
    assert asked.status_code == 200
    assert "212 kilograms is about 467 pounds. Is that right?" in html
    assert "weight_kg" not in load_screening(token).answers
    confirmed = value_of(html, "weight_confirmed")
    assert confirmed
    again = post_step(
        client,
        token,
        "about",
        {**NO_MEASURES, "weight_kg": 212},
        extra=[*extra, ("weight_confirmed", confirmed)],
    )
    assert again.status_code == 302, "the same weight sent again is taken as right"
    assert load_screening(token).answers["weight_kg"] == 212


def test_likely_weight_in_pounds_is_not_queried(client: FlaskClient, token: str) -> None:
    extra = [("height_unit", "cm"), ("height_cm", "178"), ("weight_unit", "lb")]
    response = post_step(client, token, "about", {**NO_MEASURES, "weight_kg": 212}, extra=extra)
    assert response.status_code == 302
    assert load_screening(token).answers["weight_kg"] == 96.2


def test_finish_later_with_an_error_says_what_to_do(client: FlaskClient, token: str) -> None:
    response = post_step(
        client, token, "about", {"first_name": "Ann", "height_cm": "tall"}, action="later"
    )
    assert response.status_code == 200
    assert "Please fix the answers marked below, or leave them blank, before you save." in text(
        response
    )


def test_error_summary_follows_the_page(client: FlaskClient, token: str) -> None:
    response = post_step(
        client,
        token,
        "about",
        {"last_name": "Reyes", "date_of_birth": "2099-01-01", "caregiver": False},
        extra=[("height_unit", "cm"), ("height_cm", "tall"), ("phone", "12")],
    )
    html = text(response)
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    linked = re.findall(r'href="#([^"]+)"', summary)
    assert linked[:2] == ["first_name", "date_of_birth"]
    form = html[html.index("<form") :]
    positions = [form.index(f'id="{field_id}"') for field_id in linked]
    assert positions == sorted(positions), linked
    assert "Date of birth cannot be in the future." in html


def test_review_shows_height_and_weight_in_the_units_typed(client: FlaskClient, token: str) -> None:
    """Typed in feet, inches and pounds, the review page said "177.8 cm" and "69.9 kg"; in
    Spanish with an English decimal point."""
    extra = FEET_AND_POUNDS
    assert post_step(client, token, "about", NO_MEASURES, extra=extra).status_code == 302
    html = text(client.get(step_url(token, "review")))
    assert "5 ft 10 in" in html and "154 lb" in html
    assert "177.8 cm" not in html and "69.9 kg" not in html
    spanish = text(client.get(step_url(token, "review") + "?lang=es", follow_redirects=True))
    assert "5 pies 10 pulgadas" in spanish and "154 libras" in spanish


def test_review_writes_a_decimal_the_patients_way(client: FlaskClient, token: str) -> None:
    extra = [("height_unit", "cm"), ("weight_unit", "kg")]
    answers = {**ABOUT, "weight_kg": 79.8}
    assert post_step(client, token, "about", answers, extra=extra).status_code == 302
    assert "79.8 kg" in text(client.get(step_url(token, "review")))
    spanish = text(client.get(step_url(token, "review") + "?lang=es", follow_redirects=True))
    assert "79,8 kg" in spanish
