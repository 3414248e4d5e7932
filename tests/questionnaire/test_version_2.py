"""The items new in questionnaire version 2: where they sit, when they apply, their limits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from screening.questionnaire import QUESTIONNAIRE, validate_answer_set, validate_section
from tests.conftest import EXAMPLES

AS_OF = date(2026, 11, 21)


def valid_answers() -> dict[str, Any]:
    return json.loads((EXAMPLES / "after_fusion.answers.json").read_text())


def error_paths(answers: dict[str, Any], as_of: date = AS_OF) -> list[str]:
    return [e.path for e in validate_answer_set(answers, as_of).errors]


def test_version_2() -> None:
    assert QUESTIONNAIRE.version == "2"


@pytest.mark.parametrize(
    ("section", "items"),
    [
        ("about", ["phone", "email", "compensation_claim"]),
        ("symptoms", ["neck_pain_nrs", "arm_pain_nrs"]),
        (
            "warning_signs",
            [
                "warning_signs_onset",
                "cancer_status",
                "hand_clumsiness",
                "balance_problem",
                "wound_problem",
            ],
        ),
        ("treatments", ["injection_within_3_months"]),
    ],
)
def test_new_items_sit_on_the_steps_the_spec_names(section: str, items: list[str]) -> None:
    for item_id in items:
        assert QUESTIONNAIRE.section_of(item_id).id == section
    assert QUESTIONNAIRE.item("surgeries").sub_item("month").required is False


def test_every_conditional_item_says_when_to_answer_it() -> None:
    """Without JavaScript every item shows; its "only if..." words say when to skip it."""
    conditional = [item for item in QUESTIONNAIRE.items if item.applies_when is not None]
    assert {item.id for item in conditional} == {
        "work_demand",
        "surgeries",
        "symptoms_since_surgery",
        "neck_pain_nrs",
        "arm_pain_nrs",
        "warning_signs_onset",
        "cancer_status",
        "wound_problem",
        "injection_within_3_months",
    }
    for item in conditional:
        assert item.only_if and item.only_if.startswith("Only "), item.id
        # A browser script can show it from the answers it depends on.
        pairs = item.applies_when.any_of_answers()
        assert pairs, item.id
        assert {name for name, _ in pairs} == set(item.applies_when.depends_on())
    unconditional = [item for item in QUESTIONNAIRE.items if item.applies_when is None]
    assert all(item.only_if is None for item in unconditional)


def test_the_onset_question_follows_the_four_cauda_equina_signs() -> None:
    pairs = QUESTIONNAIRE.item("warning_signs_onset").applies_when.any_of_answers()
    assert pairs == (
        ("bladder_bowel_change", (True,)),
        ("saddle_numbness", (True,)),
        ("both_legs_symptoms", (True,)),
        ("sexual_dysfunction_new", (True,)),
    )
    ids = list(QUESTIONNAIRE.section("warning_signs").item_ids)
    assert ids.index("warning_signs_onset") > ids.index("sexual_dysfunction_new")


# -- phone and email -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("555-0134", "555-0134"),
        ("  +1 (555) 012-3456  ", "+1 (555) 012-3456"),
        ("1234567", "1234567"),  # 7 digits
        ("123456789012345", "123456789012345"),  # 15 digits
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("020.7946.0958", "020.7946.0958"),
        ("12 34  56 7", "12 34  56 7"),  # kept as typed, only trimmed
    ],
)
def test_phone_numbers_accepted_and_stored_as_typed(typed: str, stored: str) -> None:
    answers = valid_answers()
    answers["phone"] = typed
    result = validate_answer_set(answers, AS_OF)
    assert result.ok, [str(e) for e in result.errors]
    assert result.answers["phone"] == stored


@pytest.mark.parametrize(
    "typed",
    [
        "123456",  # 6 digits
        "1234567890123456",  # 16 digits
        "555-0134 ext 2",  # letters
        "555_0134_00",
        "+1 (555) 012-3456 ...",  # 21 characters
        "(((((((((((((((1234567",
        "555/0134/00",
    ],
)
def test_phone_numbers_refused(typed: str) -> None:
    answers = valid_answers()
    answers["phone"] = typed
    errors = validate_answer_set(answers, AS_OF).errors
    assert [e.path for e in errors] == ["phone"]
    assert "digits" in errors[0].message


def test_phone_is_required_and_email_is_not() -> None:
    answers = valid_answers()
    del answers["phone"]
    assert error_paths(answers) == ["phone"]
    answers = valid_answers()
    answers["phone"] = "   "
    assert error_paths(answers) == ["phone"]
    answers = valid_answers()
    answers.pop("email", None)
    assert error_paths(answers) == []


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("pat@example.org", True),
        ("  Pat.Lee+clinic@mail.example.co.uk ", True),
        ("pat.example.org", False),
        ("pat@example", False),
        ("pat@@example.org", False),
        ("pat@exa@mple.org", False),
        ("@example.org", False),
        ("pat@.org", False),
        ("pat@example.", False),
        ("pat lee@example.org", False),
        ("p@" + "x" * 248 + ".org", True),  # 254 characters
        ("p@" + "x" * 249 + ".org", False),  # 255
    ],
)
def test_email_addresses(typed: str, ok: bool) -> None:
    answers = valid_answers()
    answers["email"] = typed
    assert error_paths(answers) == ([] if ok else ["email"])


# -- surgery month ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "ok"),
    [
        (2025, 12, True),
        (2025, 1, True),
        (2026, 11, True),  # the as-of month
        (2026, 12, False),  # after the as-of month in the as-of year
        (2025, 13, False),
        (2025, 0, False),
    ],
)
def test_surgery_month(year: int, month: int, ok: bool) -> None:
    answers = valid_answers()
    answers["surgeries"] = [{**answers["surgeries"][0], "year": year, "month": month}]
    assert error_paths(answers) == ([] if ok else ["surgeries[0].month"])


def test_surgery_month_is_judged_at_the_as_of_date() -> None:
    answers = valid_answers()
    answers["surgeries"] = [{**answers["surgeries"][0], "year": 2026, "month": 12}]
    assert error_paths(answers, date(2026, 12, 1)) == []


# -- applies when ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regions", "given", "errors"),
    [
        (["lower_back"], {}, []),
        (["lower_back"], {"neck_pain_nrs": 3}, ["neck_pain_nrs"]),
        (["neck"], {}, ["neck_pain_nrs"]),
        (["neck"], {"neck_pain_nrs": 3}, []),
        (["arm_left"], {}, ["arm_pain_nrs"]),
        (["arm_right"], {"arm_pain_nrs": 11}, ["arm_pain_nrs"]),
        (["arm_right", "neck"], {"arm_pain_nrs": 0, "neck_pain_nrs": 10}, []),
        (["lower_back"], {"arm_pain_nrs": 2}, ["arm_pain_nrs"]),
    ],
)
def test_neck_and_arm_pain_apply_to_the_regions_marked(
    regions: list[str], given: dict[str, int], errors: list[str]
) -> None:
    answers = {**valid_answers(), "pain_regions": regions, **given}
    assert error_paths(answers) == errors


@pytest.mark.parametrize(
    "sign",
    ["bladder_bowel_change", "saddle_numbness", "both_legs_symptoms", "sexual_dysfunction_new"],
)
def test_onset_asked_when_any_cauda_equina_sign_is_yes(sign: str) -> None:
    answers = {**valid_answers(), sign: True}
    assert error_paths(answers) == ["warning_signs_onset"]
    answers["warning_signs_onset"] = "longer_not_changing"
    assert error_paths(answers) == []
    answers[sign] = False
    assert error_paths(answers) == ["warning_signs_onset"]


def test_cancer_status_only_after_cancer() -> None:
    answers = {**valid_answers(), "cancer_history": True}
    assert error_paths(answers) == ["cancer_status"]
    answers["cancer_status"] = "skin_not_melanoma_only"
    assert error_paths(answers) == []
    answers["cancer_history"] = False
    assert error_paths(answers) == ["cancer_status"]


def test_injection_within_3_months_only_after_injections() -> None:
    answers = {**valid_answers(), "injections": "two_or_more"}
    assert error_paths(answers) == ["injection_within_3_months"]
    answers["injection_within_3_months"] = True
    assert error_paths(answers) == []
    answers["injections"] = "none"
    assert error_paths(answers) == ["injection_within_3_months"]


def test_hand_and_balance_are_required_and_balance_has_three_codes() -> None:
    answers = valid_answers()
    del answers["hand_clumsiness"]
    del answers["balance_problem"]
    assert error_paths(answers) == ["hand_clumsiness", "balance_problem"]
    assert QUESTIONNAIRE.item("balance_problem").code_values == ("none", "stable", "getting_worse")


def test_compensation_claim_is_optional_with_three_codes() -> None:
    answers = valid_answers()
    for code in ("no", "yes", "prefer_not_to_say"):
        assert error_paths({**answers, "compensation_claim": code}) == []
    assert error_paths({**answers, "compensation_claim": "maybe"}) == ["compensation_claim"]


def test_warning_signs_step_reads_prior_surgery_from_the_earlier_step() -> None:
    step = {
        key: value
        for key, value in valid_answers().items()
        if key in QUESTIONNAIRE.section("warning_signs").item_ids
    }
    after_surgery = validate_section("warning_signs", step, AS_OF, {"prior_spine_surgery": True})
    assert after_surgery.ok
    without = {k: v for k, v in step.items() if k != "wound_problem"}
    missing = validate_section("warning_signs", without, AS_OF, {"prior_spine_surgery": True})
    assert [e.path for e in missing.errors] == ["wound_problem"]
    no_surgery = validate_section("warning_signs", step, AS_OF, {"prior_spine_surgery": False})
    assert [e.path for e in no_surgery.errors] == ["wound_problem"]
