"""Scores: age at the as-of date, BMI rounded half up (exact decimals), pain scales (back, leg,
neck and arm), PHQ-2, GAD-2."""

from __future__ import annotations

import pytest

from screening.evaluation.facts import bmi
from tests.evaluation.answers import AS_OF, born, evaluated


def test_scores_have_the_spec_keys_in_order() -> None:
    result = evaluated(
        height_cm=175,
        weight_kg=78,
        back_pain_nrs=3,
        leg_pain_nrs=8,
        pain_regions=["lower_back"],
        interference_nrs=7,
        phq2_interest=1,
        phq2_down=0,
        gad2_nervous=2,
        gad2_worry=0,
    )
    assert result.to_dict()["scores"] == {
        "age": 46,
        "bmi": 25.5,
        "back_pain": 3,
        "leg_pain": 8,
        "neck_pain": None,
        "arm_pain": None,
        "interference": 7,
        "phq2": 1,
        "gad2": 2,
    }
    assert list(result.to_dict()["scores"]) == [
        "age",
        "bmi",
        "back_pain",
        "leg_pain",
        "neck_pain",
        "arm_pain",
        "interference",
        "phq2",
        "gad2",
    ]


@pytest.mark.parametrize(
    ("regions", "more", "neck", "arm"),
    [
        (["neck"], {"neck_pain_nrs": 0}, 0, None),
        (["neck"], {"neck_pain_nrs": 10}, 10, None),
        (["arm_left"], {"arm_pain_nrs": 6}, None, 6),
        (["arm_right", "neck"], {"arm_pain_nrs": 2, "neck_pain_nrs": 9}, 9, 2),
        (["lower_back"], {}, None, None),
    ],
)
def test_neck_and_arm_pain_are_null_when_not_asked(
    regions: list[str], more: dict, neck: int | None, arm: int | None
) -> None:
    result = evaluated(back_pain_nrs=1, pain_regions=regions, **more)
    assert (result.scores["neck_pain"], result.scores["arm_pain"]) == (neck, arm)


@pytest.mark.parametrize(("days_to_birthday", "age"), [(1, 49), (0, 50), (-1, 50)])
def test_age_counts_whole_years_at_the_as_of_date(days_to_birthday: int, age: int) -> None:
    result = evaluated(date_of_birth=born(50, days_to_birthday))
    assert result.scores["age"] == age


def test_age_is_counted_at_the_as_of_date_not_today() -> None:
    result = evaluated(as_of=AS_OF.replace(year=2030), date_of_birth="1980-05-10")
    assert result.scores["age"] == 50


@pytest.mark.parametrize(
    ("height", "weight", "expected"),
    [
        (175, 78, 25.5),  # 25.469...
        (200, 139.6, 34.9),  # exactly 34.9
        (200, 139.8, 35.0),  # exactly 34.95: half rounds up
        (200, 119.6, 29.9),  # exactly 29.9
        (200, 119.8, 30.0),  # exactly 29.95: half rounds up (binary floats give 29.9)
        (200, 119.79, 29.9),  # 29.9475
        (160, 80, 31.3),  # 31.25: the spec's example
        (200, 137, 34.3),  # exactly 34.25: banker's round() would give 34.2
        (200, 140.2, 35.1),  # 35.05: float division and round() would give 35.0
        (200, 141.8, 35.5),  # exactly 35.45: half rounds up
        (200, 140, 35.0),
        (180.5, 80.25, 24.6),
        (100, 25, 25.0),
        (250, 350, 56.0),
    ],
)
def test_bmi_rounds_half_up(height: float, weight: float, expected: float) -> None:
    result = evaluated(height_cm=height, weight_kg=weight)
    assert result.scores["bmi"] == expected


def test_bmi_does_not_use_float_division_and_bankers_rounding() -> None:
    # The naive formula gets these halves wrong; the score must not.
    assert round(137 / 2**2, 1) == 34.2
    assert bmi({"height_cm": 200, "weight_kg": 137}) == 34.3
    assert round(140.2 / 2**2, 1) == 35.0
    assert bmi({"height_cm": 200, "weight_kg": 140.2}) == 35.1
    assert round(119.8 / 2**2, 1) == 29.9
    assert bmi({"height_cm": 200, "weight_kg": 119.8}) == 30.0


@pytest.mark.parametrize("missing", ["height_cm", "weight_kg"])
def test_bmi_is_null_unless_height_and_weight_are_both_given(missing: str) -> None:
    given = {"height_cm": 175, "weight_kg": 78}
    given.pop(missing)
    result = evaluated(**given)
    assert result.scores["bmi"] is None
    assert result.to_dict()["scores"]["bmi"] is None


def test_phq2_and_gad2_add_their_two_items() -> None:
    result = evaluated(phq2_interest=3, phq2_down=2, gad2_nervous=1, gad2_worry=3)
    assert (result.scores["phq2"], result.scores["gad2"]) == (5, 4)
