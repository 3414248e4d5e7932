"""Reading what a patient typed: whole numbers, decimals, dates, and heights and weights with
their unit ("70 kg", "5'10\""), forgiving common habits.

Shape only: these say whether a text can be read as a number or a date, never whether the value
is allowed (limits and calendar checks belong to the validator, so its messages are used).
"""

from __future__ import annotations

import math
import re

from screening.questionnaire.model import N_

# A full stop after a whole number ends a sentence ("2019."); it is not a decimal point.
WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}\.?$")
DECIMAL_NUMBER = re.compile(r"^[+-]?(\d{1,9}([.,]\d{0,6})?|[.,]\d{1,6})$")
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


# Month names a patient may type, English and Spanish, whole or cut short ("Mar", "sept."),
# compared in lower case without accents.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "enero", "ene"),
        ("february", "feb", "febrero"),
        ("march", "mar", "marzo"),
        ("april", "apr", "abril", "abr"),
        ("may", "mayo"),
        ("june", "jun", "junio"),
        ("july", "jul", "julio"),
        ("august", "aug", "agosto", "ago"),
        ("september", "sep", "sept", "septiembre", "setiembre", "set"),
        ("october", "oct", "octubre"),
        ("november", "nov", "noviembre"),
        ("december", "dec", "diciembre", "dic"),
    ),
    start=1,
):
    MONTHS.update(dict.fromkeys(_names, _number))
# Words around a written date that say nothing: "14 de marzo de 1975", "the 14th of March".
_DATE_FILLERS = frozenset({"de", "del", "of", "the", "el"})
_DATE_WORDS = re.compile(r"[a-z]+|[0-9]+")
_NUMERIC_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
_ACCENTS = str.maketrans("áéíóúü", "aeiouu")


# What a patient is told about an AmbiguousDate (translated where it is shown).
AMBIGUOUS_DATE = N_(
    "%(typed)s could be two different days. Please write the month in words, like 14 March 1975."
)


class AmbiguousDate(ValueError):
    """A date like 04/03/1975 that reads as two different days on a page whose readers may
    write the day first (Spanish) or the month first: asked again rather than guessed."""


def _written_date(text: str) -> str | None:
    """A date with its month in words ("March 14, 1975", "14 de marzo de 1975"), or None."""
    words = _DATE_WORDS.findall(text.lower().translate(_ACCENTS))
    month = day = year = None
    for word in words:
        if word.isdigit():
            if len(word) == 4 and year is None:
                year = int(word)
            elif len(word) <= 2 and day is None:
                day = int(word)
            else:
                return None
        elif word in MONTHS and month is None:
            month = MONTHS[word]
        elif word in ("st", "nd", "rd", "th") or word in _DATE_FILLERS:
            continue
        else:
            return None
    if month is None or day is None or year is None:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date_typed(text: str, *, day_first: bool = False) -> str | None:
    """A typed date as YYYY-MM-DD text: YYYY-MM-DD (what date pickers send), a date with its
    month in words in English or Spanish (the form's own example, "March 14, 1975"), or
    numbers with slashes, dots or dashes.

    Numbers are read month first (03/14/1975), as in the United States, unless only the other
    way makes a date (14/03/1975). With `day_first` (a Spanish page, whose readers may write
    either way) a date that reads as two different days (04/03/1975) raises AmbiguousDate
    rather than being guessed: a wrong guess is a wrong date of birth, or a failed try at the
    link's date-of-birth check. The calendar check (30 February) is left to the validator so
    its message is used.
    """
    text = text.strip()
    if ISO_DATE.match(text):
        return text
    match = _NUMERIC_DATE.match(text)
    if match:
        first, second, year = (int(part) for part in match.groups())
        if day_first and first <= 12 and second <= 12 and first != second:
            raise AmbiguousDate(text)
        if first > 12 >= second:  # only day first makes a date
            first, second = second, first
        return f"{year:04d}-{first:02d}-{second:02d}"
    if any(character.isalpha() for character in text):
        return _written_date(text)
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
