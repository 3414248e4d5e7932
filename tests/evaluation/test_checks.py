"""Answers to double-check: each check fires on its pair of answers, and never changes triage."""

from __future__ import annotations

from typing import Any

import pytest

from screening.evaluation.catalogue import CHECKS
from screening.evaluation.checks import CHECK_RULES
from tests.evaluation.answers import after_surgery, evaluated, surgery


def checks(**changes: Any) -> dict[str, str]:
    return {check.id: check.message for check in evaluated(**changes).checks}


def test_rules_cover_the_catalogue_in_order() -> None:
    assert tuple(CHECK_RULES) == tuple(CHECKS)


def test_the_baseline_has_no_check() -> None:
    assert checks() == {}


# -- leg pain 0 with pain marked in the lower leg ---------------------------------------------


@pytest.mark.parametrize(
    "region", ["below_knee_left", "below_knee_right", "foot_left", "foot_right"]
)
def test_leg_pain_zero_with_lower_leg_marked(region: str) -> None:
    found = checks(back_pain_nrs=3, leg_pain_nrs=0, pain_regions=["lower_back", region])
    assert found == {
        "leg_pain_zero_with_leg_regions": "Leg pain is 0/10, but pain is marked on the body map "
        f"at: {region.replace('_', ' ')}. Ask which is right."
    }


def test_leg_pain_zero_with_thigh_only_or_leg_pain_above_zero_is_fine() -> None:
    assert checks(back_pain_nrs=3, pain_regions=["thigh_left"]) == {}
    assert checks(leg_pain_nrs=1, pain_regions=["foot_left"]) == {}


# -- "pain went away" after surgery, but severe pain now --------------------------------------


@pytest.mark.parametrize(("back", "leg", "fires"), [(6, 6, False), (7, 0, True), (2, 9, True)])
def test_resolved_after_surgery_with_pain_7_or_more(back: int, leg: int, fires: bool) -> None:
    found = checks(
        back_pain_nrs=back,
        leg_pain_nrs=leg,
        pain_regions=["lower_back", "thigh_left"],
        **after_surgery("resolved", surgery("discectomy", 2019)),
    )
    assert ("resolved_but_severe_pain" in found) is fires
    if fires:
        assert f"{max(back, leg)}/10" in found["resolved_but_severe_pain"]


def test_a_persistent_course_with_severe_pain_is_no_contradiction() -> None:
    found = checks(
        back_pain_nrs=9,
        pain_regions=["lower_back"],
        **after_surgery("worse", surgery("discectomy", 2019)),
    )
    assert found == {}


# -- medicines named in the free text ---------------------------------------------------------


@pytest.mark.parametrize(
    "medicines",
    [
        "Warfarin 5 mg",
        "eliquis 5mg twice a day",
        "APIXABAN",
        "Xarelto, metoprolol",
        "rivaroxaban",
        "edoxaban",
        "dabigatran",
        "clopidogrel 75",
        "Plavix",
        "prasugrel",
        "ticagrelor",
        "heparin injections",
        "Enoxaparin",
        "coumadin",
        "aspirin 81 mg daily",
    ],
)
def test_blood_thinner_named_but_not_declared(medicines: str) -> None:
    found = checks(current_medications=medicines)
    assert "blood_thinner_not_declared" in found
    assert "no blood thinners" in found["blood_thinner_not_declared"]
    assert checks(current_medications=medicines, blood_thinners=True) == {}


def test_medicine_names_are_quoted_as_written_once_each() -> None:
    found = checks(current_medications="Eliquis 5 mg; eliquis again; Plavix\nwarfarin (stopped)")
    assert found["blood_thinner_not_declared"] == (
        "Answered 'no blood thinners', but current medicines name: Eliquis, Plavix, warfarin. "
        "Confirm before any procedure."
    )


@pytest.mark.parametrize(
    "medicines",
    ["heparinoid cream", "non-warfarin", "Xareltoish", "apixabanum", "aspirinated", "  "],
)
def test_medicine_names_match_whole_words_only(medicines: str) -> None:
    # "non-warfarin" does contain the whole word warfarin (a hyphen is a word boundary).
    found = checks(current_medications=medicines)
    assert ("blood_thinner_not_declared" in found) is (medicines == "non-warfarin")


@pytest.mark.parametrize(
    "medicines",
    [
        "oxycodone",
        "Hydrocodone",
        "tramadol 50",
        "morphine",
        "codeine",
        "tapentadol",
        "hydromorphone",
        "fentanyl patch",
        "buprenorphine",
        "methadone",
        "Percocet",
        "NORCO",
        "Vicodin",
        "MS  Contin",
    ],
)
def test_opioid_named_but_none_declared(medicines: str) -> None:
    found = checks(current_medications=medicines)
    assert set(found) == {"opioid_not_declared"}
    assert (
        checks(current_medications=medicines, opioid_use="daily", medications_tried=["opioids"])
        == {}
    )


@pytest.mark.parametrize(
    "medicines",
    ["metformin", "Insulin glargine", "glipizide", "semaglutide", "Ozempic", "empagliflozin"],
)
def test_diabetes_medicine_named_but_no_diabetes_declared(medicines: str) -> None:
    found = checks(current_medications=medicines)
    assert set(found) == {"diabetes_medicine_not_declared"}
    assert medicines.split()[0] in found["diabetes_medicine_not_declared"]
    assert checks(current_medications=medicines, diabetes="yes_insulin") == {}


def test_insulin_named_but_diet_or_tablets_declared() -> None:
    found = checks(current_medications="Lantus 20 units, metformin", diabetes="yes_diet_or_tablets")
    assert set(found) == {"insulin_not_declared"}
    assert "Lantus" in found["insulin_not_declared"]
    assert checks(current_medications="metformin", diabetes="yes_diet_or_tablets") == {}


@pytest.mark.parametrize("medicines", ["prednisone 5 mg", "Dexamethasone", "methylprednisolone"])
def test_steroid_named_but_no_long_term_steroids_declared(medicines: str) -> None:
    found = checks(current_medications=medicines)
    assert set(found) == {"steroid_not_declared"}
    assert checks(current_medications=medicines, long_term_steroids=True) == {}


@pytest.mark.parametrize(("use", "words"), [("daily", "every day"), ("occasional", "sometimes")])
def test_opioids_now_but_not_ticked_as_tried(use: str, words: str) -> None:
    found = checks(opioid_use=use, medications_tried=["anti_inflammatories"])
    assert found == {
        "opioids_not_in_tried": f"Takes opioid pain medicine {words}, "
        "but opioids are not ticked as tried."
    }
    assert checks(opioid_use=use, medications_tried=["opioids"]) == {}
    assert "opioids_not_in_tried" in checks(opioid_use=use)  # medications_tried left out


@pytest.mark.parametrize("medicines", ["alendronate 70 mg weekly", "Prolia", "zoledronic  acid"])
def test_osteoporosis_medicine_named_but_not_ticked(medicines: str) -> None:
    found = checks(current_medications=medicines)
    assert set(found) == {"osteoporosis_medicine_not_declared"}
    assert checks(current_medications=medicines, diagnoses=["osteoporosis"]) == {}


def test_checks_never_change_triage_or_topics() -> None:
    plain = evaluated(physical_therapy="none")
    contradicted = evaluated(
        physical_therapy="none",
        current_medications="warfarin, oxycodone, metformin, prednisone, alendronate",
    )
    assert [c.id for c in contradicted.checks] == [
        "blood_thinner_not_declared",
        "opioid_not_declared",
        "diabetes_medicine_not_declared",
        "steroid_not_declared",
        "osteoporosis_medicine_not_declared",
    ]
    assert (contradicted.triage, contradicted.red_flags, contradicted.topics) == (
        plain.triage,
        plain.red_flags,
        plain.topics,
    )
    assert contradicted.to_dict()["checks"][0] == {
        "id": "blood_thinner_not_declared",
        "message": contradicted.checks[0].message,
    }
