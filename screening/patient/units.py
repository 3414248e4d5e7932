"""Height and weight in the units a patient uses: the unit choices and their conversions.

The canonical answer set holds centimeters and kilograms; the form also accepts feet and inches
and pounds. These unit fields are form-only and never stored.
"""

from __future__ import annotations

from wtforms import RadioField, SelectChoice

from screening.questionnaire.model import N_
from screening.translations_cache import lazy_gettext

# Form-only fields for height and weight in other units; never stored.
HEIGHT_UNITS = (("cm", N_("Centimeters")), ("ft_in", N_("Feet and inches")))
WEIGHT_UNITS = (("kg", N_("Kilograms")), ("lb", N_("Pounds")))
CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237


def _unit_field(units: tuple[tuple[str, str], ...]) -> RadioField:
    """The unit choice beside a measurement, metric first and by default. Not validated as a
    choice: the conversion below reads anything but the imperial code as metric."""
    return RadioField(
        lazy_gettext("Unit"),
        choices=[SelectChoice(value, lazy_gettext(label)) for value, label in units],
        default=units[0][0],
        validate_choice=False,
    )


# -- which units a step starts in --------------------------------------------------------------

DEFAULT_UNITS = {"us": ("ft_in", "lb"), "metric": ("cm", "kg")}


def default_units(setting: str | None) -> tuple[str, str]:
    """(height unit, weight unit) a form starts in, from MEASUREMENT_UNITS (us or metric)."""
    return DEFAULT_UNITS.get((setting or "us").lower(), DEFAULT_UNITS["us"])


def plain_number(value: float) -> str:
    """12.0 -> "12", 12.5 -> "12.5": how a person writes a number back."""
    return str(int(value)) if float(value).is_integer() else str(value)


def feet_and_inches(cm: float) -> tuple[str, str]:
    """A stored height as feet and inches to show (inches to 0.1, the form's precision)."""
    total = round(cm / CM_PER_INCH, 1)
    feet = int(total // 12)
    return str(feet), plain_number(round(total - feet * 12, 1))


def pounds(kg: float) -> str:
    """A stored weight in pounds to show (whole pounds unless the kilograms say otherwise)."""
    return plain_number(round(kg / KG_PER_POUND, 1))


def height_cm_from(feet: int, inches: float) -> float:
    return round((feet * 12 + inches) * CM_PER_INCH, 1)


def weight_kg_from(number: float, unit: str) -> float:
    return round(number * KG_PER_POUND if unit == "lb" else number, 1)


# -- "is that right?" --------------------------------------------------------------------------

# Body mass index bounds for "is that right?": a weight whose BMI falls outside the first range
# in the unit chosen but inside the second in the other unit was most likely typed in the
# other unit (212 typed as kilograms by someone who weighs 212 pounds). Both are possible, so
# the patient is asked, never corrected.
PLAUSIBLE_BMI = (13.0, 60.0)
LIKELY_BMI = (15.0, 45.0)
# Used when no height is given: a typical adult.
TYPICAL_HEIGHT_CM = 170.0


def other_unit_likely(number: float, unit: str, height_cm: float | None) -> bool:
    """Whether `number` typed in `unit` ("kg" or "lb") was more likely meant in the other."""
    metres = (height_cm or TYPICAL_HEIGHT_CM) / 100
    as_typed = weight_kg_from(number, unit) / metres**2
    other = weight_kg_from(number, "kg" if unit == "lb" else "lb") / metres**2
    typed_ok = PLAUSIBLE_BMI[0] <= as_typed <= PLAUSIBLE_BMI[1]
    other_ok = LIKELY_BMI[0] <= other <= LIKELY_BMI[1]
    return not typed_ok and other_ok
