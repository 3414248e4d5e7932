"""The urgent page says what made it urgent, in the patient's words (warning_words.py)."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import force_locale

from screening.evaluation.triage import TRIAGE_RULES, assess_triage
from screening.patient.warning_words import URGENT_REASONS, urgent_reasons, warning_words
from tests.patient.helpers import example_answers


def test_every_urgent_rule_has_words_for_the_patient() -> None:
    """A new urgent rule without words would leave its patients with no reason given."""
    rules = set(TRIAGE_RULES["urgent"]) - {"cauda_equina_not_changing"}
    assert rules == set(URGENT_REASONS)


def test_signs_not_changing_are_named_and_a_shared_sign_is_said_once(app: Flask) -> None:
    answers = {"saddle_numbness": True, "both_legs_symptoms": True}
    with app.test_request_context():
        reasons = urgent_reasons(["cauda_equina_not_changing", "both_legs", "wound"], answers)
    assert reasons == [
        "new numbness around your genitals, bottom or inner thighs",
        "pain, numbness or weakness that has spread to both legs",
        "a scar from spine surgery that is red, swollen, hot or leaking",
    ]


def test_an_example_triaged_urgent_gets_its_reasons(app: Flask) -> None:
    """Fever with diabetes (infection risk), through the real triage rules."""
    answers = {
        **example_answers("disc_herniation"),
        "fever_chills": True,
        "diabetes": "yes_diet_or_tablets",
    }
    result = assess_triage(answers, date(2026, 12, 1))
    assert (result.triage, result.triage_rules) == ("urgent", ("infection_risk",))
    with app.test_request_context():
        words = warning_words(result.triage, result.triage_rules, answers)
    assert words is not None
    assert words.signs == ["fever, chills or night sweats, with a higher risk of infection"]


def test_the_reasons_are_in_spanish_for_a_spanish_page(app: Flask) -> None:
    with app.test_request_context(), force_locale("es"):
        reasons = urgent_reasons(list(URGENT_REASONS), {})
    assert len(set(reasons)) == len(URGENT_REASONS)
    english = {str(words) for words in URGENT_REASONS.values()}
    assert not english & set(reasons), english & set(reasons)
