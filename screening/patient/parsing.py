"""Reading what a patient typed: whole numbers, decimals and dates, forgiving common habits.

Shape only: these say whether a text can be read as a number or a date, never whether the value
is allowed (limits and calendar checks belong to the validator, so its messages are used).
"""

from __future__ import annotations

import math
import re

WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")
DECIMAL_NUMBER = re.compile(r"^[+-]?(\d{1,9}([.,]\d{0,6})?|[.,]\d{1,6})$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if WHOLE_NUMBER.match(text) else None


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
