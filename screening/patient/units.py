"""Height and weight in the units a patient uses: the unit choices and their conversions.

The canonical answer set holds centimeters and kilograms; the form also accepts feet and inches
and pounds. These unit fields are form-only and never stored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import RadioField, SelectChoice

from screening.questionnaire.model import N_

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
