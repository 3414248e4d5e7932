"""Reading what a patient typed: whole numbers, decimals, dates, and heights and weights with
their unit ("70 kg", "5'10\""), forgiving common habits.

Shape only: these say whether a text can be read as a number or a date, never whether the value
is allowed (limits and calendar checks belong to the validator, so its messages are used).
"""

from __future__ import annotations

import math
import re

# A full stop after a whole number ends a sentence ("2019."); it is not a decimal point.
WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}\.?$")
DECIMAL_NUMBER = re.compile(r"^[+-]?(\d{1,9}([.,]\d{0,6})?|[.,]\d{1,6})$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text.rstrip(".")) if WHOLE_NUMBER.match(text) else None


def parse_number(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not DECIMAL_NUMBER.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def parse_date_typed(text: str) -> str | None:
    """YYYY-MM-DD (what date pickers send) or MM/DD/YYYY (typed), as YYYY-MM-DD text.

    The calendar check (30 February) is left to the validator so its message is used.
    """
    text = text.strip()
    if ISO_DATE.match(text):
        return text
    match = US_DATE.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


# -- heights and weights typed with their unit ---------------------------------------------

# Words a patient may type after a height or weight, by the unit they name (English and
# Spanish, the languages the form speaks). Matched whole, in any case, a final full stop
# ignored ("lbs.").
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramo", "kilogramos"),
    "lb": ("lb", "lbs", "pound", "pounds", "libra", "libras"),
    "cm": (
        "cm",
        "cms",
        "centimeter",
        "centimeters",
        "centimetre",
        "centimetres",
        "centimetro",
        "centimetros",
        "centímetro",
        "centímetros",
    ),
    "m": ("m", "mt", "mts", "meter", "meters", "metre", "metres", "metro", "metros"),
    "ft": ("ft", "feet", "foot", "pie", "pies", "'", "’", "′"),
    "in": ("in", "inch", "inches", "pulgada", "pulgadas", '"', "”", "″", "''", "’’"),
}
_UNIT_OF = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
_NUMBER_THEN_WORD = re.compile(r"^(?P<number>[+-]?[\d.,]*\d[.,]?)\s*(?P<word>\D*)$")
_FEET_MARK = r"(?:'|’|′|ft\.?|feet|foot|pies?)"
_INCH_MARK = r"(?:\"|”|″|''|’’|in\.?|inch|inches|pulgadas?)"
FEET_AND_INCHES = re.compile(
    rf"^(?P<feet>\d{{1,2}})\s*{_FEET_MARK}\s*(?:(?P<inches>\d{{1,2}}(?:[.,]\d{{1,2}})?)\s*"
    rf"{_INCH_MARK}?)?$",
    re.IGNORECASE,
)


def read_measure(text: str) -> tuple[float | None, str | None]:
    """A height or weight as typed: (number, the unit named after it, or None if none is).

    `70` -> (70.0, None); `70 kg` and `70kg` -> (70.0, "kg"); `154 lbs.` -> (154.0, "lb").
    (None, None) when the number cannot be read or the word names no unit we know.
    """
    match = _NUMBER_THEN_WORD.match(text.strip())
    if not match:
        return None, None
    number = parse_number(match["number"])
    word = match["word"].strip()
    if not word:
        return number, None
    word = word.lower() if word in ("''", "’’") else word.lower().rstrip(".")
    unit = _UNIT_OF.get(word)
    if number is None or unit is None:
        return None, None
    return number, unit


def number_in_unit(text: str, unit: str) -> float | None:
    """The number of a measurement typed bare or with `unit` itself ("70 kg" in kg: 70);
    None when unreadable or typed in another unit (never converted without asking)."""
    number, typed_unit = read_measure(text)
    return number if typed_unit in (None, unit) else None


def parse_feet_and_inches(text: str) -> tuple[int, float | None] | None:
    """Feet, and inches when given, typed in one box: `5'10"`, `5 ft 10 in`, `5 ft` ->
    (5, 10.0), (5, 10.0), (5, None). None unless a feet mark follows the feet."""
    match = FEET_AND_INCHES.match(text.strip())
    if not match:
        return None
    inches = parse_number(match["inches"]) if match["inches"] else None
    return int(match["feet"]), inches


def read_feet(text: str) -> tuple[int, float | None] | None:
    """The Feet box: `5` or `5 ft` -> (5, None); `5'10"` -> (5, 10.0); None when unreadable
    or not a whole number of feet."""
    number = number_in_unit(text, "ft")
    if number is not None:
        return (int(number), None) if number.is_integer() else None
    return parse_feet_and_inches(text)


def height_from_feet_boxes(feet_text: str, inches_text: str) -> tuple[int, float] | None:
    """(feet, inches) from the two boxes as typed (a blank box is 0), or None when either
    cannot be read (inches typed in both boxes at once included)."""
    feet = read_feet(feet_text) if feet_text.strip() else (0, None)
    inches = number_in_unit(inches_text, "in") if inches_text.strip() else None
    if feet is None or (inches is None and inches_text.strip()):
        return None
    if feet[1] is not None and inches is not None:
        return None
    return feet[0], feet[1] if feet[1] is not None else (inches or 0.0)
