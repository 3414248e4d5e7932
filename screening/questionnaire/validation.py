"""Validation of canonical answers, whole or one section at a time.

One validator serves the web form (a section on each save), `screening evaluate` and
`screening pdf` (a whole answer set). It reports every problem at once, each naming the item id
and saying what to fix, and it returns the answers in canonical form (text trimmed, empty text
and nulls dropped, multi codes in catalogue order, whole numbers as integers).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from screening.questionnaire.definition import QUESTIONNAIRE
from screening.questionnaire.model import N_, Item, ItemType, Questionnaire, Section
from screening.questionnaire.text_input import (
    BROKEN_CHARACTER_MESSAGE,
    CONTROL_CHARACTERS_MESSAGE,
    has_broken_characters,
    has_control_characters,
    is_blank_text,
    without_bidi_controls,
)

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_AGE = 18
MAX_AGE = 110

# A phone number as people write it: digits, spaces and + - ( ) . only; 7-15 digits (E.164
# allows 15) in 7-20 characters. Stored as typed (trimmed): the clinic dials what it reads.
PHONE_CHARACTERS = re.compile(r"^[0-9 +\-().]+$")
PHONE_LENGTH = (7, 20)
PHONE_DIGITS = (7, 15)
# An email address, checked only as far as the spec asks (one @, a dot in the domain): a
# stricter pattern turns away real addresses, and a wrong one is caught when mail bounces.
EMAIL_MAX_LENGTH = 254


@dataclass(frozen=True)
class AnswerError:
    """One problem with one item: `template % params` is the message (translated at display).

    `index` and `sub_id` locate a problem inside a group entry (surgeries[0].year).
    """

    item_id: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    index: int | None = None
    sub_id: str | None = None

    @property
    def path(self) -> str:
        if self.index is None:
            return self.item_id
        if self.sub_id is None:
            return f"{self.item_id}[{self.index}]"
        return f"{self.item_id}[{self.index}].{self.sub_id}"

    @property
    def message(self) -> str:
        return self.template % dict(self.params) if self.params else self.template

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Validated:
    """The outcome: canonical answers (only valid items) and every error found."""

    answers: dict[str, Any]
    errors: list[AnswerError]

    @property
    def ok(self) -> bool:
        return not self.errors


def age_on(date_of_birth: date, as_of: date) -> int:
    """Whole years from `date_of_birth` to `as_of` (a 29 February birthday counts on 1 March)."""
    years = as_of.year - date_of_birth.year
    if (as_of.month, as_of.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def parse_iso_date(value: Any) -> date | None:
    """A real calendar date written exactly as YYYY-MM-DD, else None."""
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    """A number that is neither infinite nor NaN. Integers always are: asking math.isfinite
    about one too large for a float (a JSON file may hold 1 followed by 400 zeros) would
    raise OverflowError instead of answering."""
    return _is_number(value) and (isinstance(value, int) or math.isfinite(value))


def _is_blank(item: Item, value: Any) -> bool:
    """Not answered: absent, null, or (for text) only white space and invisible characters."""
    if value is None:
        return True
    if item.type in (ItemType.TEXT, ItemType.LONG_TEXT) and isinstance(value, str):
        return is_blank_text(value)
    # An empty group adds nothing: treat it like an absent one.
    return item.type is ItemType.GROUP and isinstance(value, list) and not value


class _Checker:
    """Checks items against the definition, collecting errors and canonical values."""

    def __init__(self, as_of: date, context: Mapping[str, Any]) -> None:
        self.as_of = as_of
        self.context = context
        self.errors: list[AnswerError] = []

    def error(self, item: Item, template: str, **params: Any) -> None:
        self.errors.append(AnswerError(item.id, template, params))

    def check_item(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        """Return the canonical value of one answered item, or None after recording an error."""
        checker = getattr(self, f"_check_{item.type.value}")
        return checker(item, value, answers)

    # -- one method per item type -----------------------------------------------------------

    def _check_text(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not isinstance(value, str):
            self.error(item, N_("Must be text."))
            return None
        if has_control_characters(value):
            self.error(item, CONTROL_CHARACTERS_MESSAGE)
            return None
        if has_broken_characters(value):
            self.error(item, BROKEN_CHARACTER_MESSAGE)
            return None
        # Direction overrides would make the text print in another order than typed.
        text = without_bidi_controls(value).strip()
        if item.type is ItemType.TEXT and item.format != "phone":
            # The spec keeps a one-line answer as typed, only trimmed ("Mary  Ann" stays so);
            # a line break has no place on one line, so each becomes a space (a phone number
            # gets its own message instead).
            text = " ".join(text.splitlines())
        if item.format == "phone":
            # Its own message covers the length too: the digits are what a patient counts.
            return text if self._phone_ok(item, text) else None
        if item.max_length is not None and len(text) > item.max_length:
            self.error(
                item,
                N_("Please keep this to %(max)d characters or fewer (it has %(count)d)."),
                max=item.max_length,
                count=len(text),
            )
            return None
        if item.format == "email" and not self._email_ok(item, text):
            return None
        return text

    def _phone_ok(self, item: Item, text: str) -> bool:
        digits = sum(character.isdigit() for character in text)
        if (
            PHONE_CHARACTERS.match(text) is None
            or not PHONE_LENGTH[0] <= len(text) <= PHONE_LENGTH[1]
            or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
        ):
            self.error(
                item,
                N_(
                    "Enter a phone number with %(min)d to %(max)d digits, like 555-123-4567. "
                    "Use only numbers, spaces, dashes, dots, brackets or a plus sign."
                ),
                min=PHONE_DIGITS[0],
                max=PHONE_DIGITS[1],
            )
            return False
        return True

    def _email_ok(self, item: Item, text: str) -> bool:
        local, at, domain = text.partition("@")
        if (
            not at
            or not local
            or "@" in domain
            or "." not in domain.strip(".")
            or domain.startswith(".")
            or domain.endswith(".")
            or any(character.isspace() for character in text)
        ):
            self.error(
                item,
                N_("Enter an email address like name@example.com, or leave it blank."),
            )
            return False
        return True

    _check_long_text = _check_text

    def _check_date(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        parsed = parse_iso_date(value)
        if parsed is None:
            self.error(item, N_("Enter a real date as year-month-day, for example 1975-03-14."))
            return None
        if item.id == "date_of_birth":
            if parsed > self.as_of:
                self.error(item, N_("Date of birth cannot be in the future."))
                return None
            age = age_on(parsed, self.as_of)
            if age < MIN_AGE:
                self.error(
                    item,
                    N_(
                        "This form is for adults aged 18 or over. Please ask the "
                        "clinic how to get ready for your visit."
                    ),
                )
                return None
            if age > MAX_AGE:
                self.error(
                    item,
                    N_("Please check the year: this date makes you older than %(max)d."),
                    max=MAX_AGE,
                )
                return None
        return value

    def _check_integer(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not _is_finite_number(value) or value != int(value):
            self.error(item, N_("Enter a whole number."))
            return None
        number = int(value)
        return number if self._in_range(item, number, answers) else None

    def _check_number(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not _is_finite_number(value):
            self.error(item, N_("Enter a number."))
            return None
        number = value if isinstance(value, int) else int(value) if value.is_integer() else value
        return number if self._in_range(item, number, answers) else None

    def _in_range(self, item: Item, number: float, answers: Mapping[str, Any]) -> bool:
        low, high = item.min_value, item.max_value
        if item.id == "year":
            # A surgery year: from 1940 and from the birth year, up to the as-of year.
            high = self.as_of.year
            born = parse_iso_date(answers.get("date_of_birth"))
            if born is None:
                born = parse_iso_date(self.context.get("date_of_birth"))
            # Only a plausible birth date bounds the year (an invalid one is reported itself).
            if born is not None and not MIN_AGE <= age_on(born, self.as_of) <= MAX_AGE:
                born = None
            if born is not None and low is not None:
                low = max(low, born.year)
        if (
            item.id == "month"
            and answers.get("year") == self.as_of.year
            and self.as_of.month < number <= (high or 12)
        ):
            # A surgery month: not after the as-of month when the year is the as-of year.
            self.error(
                item,
                N_(
                    "That month has not come yet this year. Enter a month from "
                    "1 to %(max)d, or leave it blank."
                ),
                max=self.as_of.month,
            )
            return False
        if (low is not None and number < low) or (high is not None and number > high):
            if item.unit:
                self.error(
                    item,
                    N_("Enter a number from %(min)s to %(max)s %(unit)s."),
                    min=_plain(low),
                    max=_plain(high),
                    unit=item.unit,
                )
            else:
                self.error(
                    item,
                    N_("Enter a number from %(min)s to %(max)s."),
                    min=_plain(low),
                    max=_plain(high),
                )
            return False
        return True

    def _check_yes_no(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not isinstance(value, bool):
            self.error(item, N_("Answer yes or no (true or false)."))
            return None
        return value

    def _check_choice(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if isinstance(value, bool) or value not in item.code_values:
            self.error(
                item,
                N_("Choose one of the options given (%(codes)s)."),
                codes=", ".join(str(code) for code in item.code_values),
            )
            return None
        return value

    def _check_multi(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not isinstance(value, list):
            self.error(item, N_("Must be a list of options."))
            return None
        unknown = [v for v in value if isinstance(v, bool) or v not in item.code_values]
        if unknown:
            self.error(
                item,
                N_("These are not options here: %(unknown)s. Choose from: %(codes)s."),
                unknown=", ".join(repr(v) for v in unknown),
                codes=", ".join(item.code_values),
            )
            return None
        if len(set(value)) != len(value):
            self.error(item, N_("Each option can be chosen only once."))
            return None
        chosen = set(value)
        return [code for code in item.code_values if code in chosen]

    def _check_group(self, item: Item, value: Any, answers: Mapping[str, Any]) -> Any:
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            self.error(item, N_("Must be a list of entries."))
            return None
        before = len(self.errors)
        if item.max_entries is not None and len(value) > item.max_entries:
            # Named, and the entries still checked: every error at once.
            self.error(item, N_("Please list at most %(max)d entries."), max=item.max_entries)
        entries: list[dict[str, Any]] = []
        for index, entry in enumerate(value):
            sub = _Checker(self.as_of, self.context)
            canonical = sub.check_items(item.items, entry, context_answers=answers)
            for err in sub.errors:
                self.errors.append(
                    AnswerError(item.id, err.template, err.params, index, err.item_id)
                )
            entries.append(canonical)
        if len(self.errors) > before:
            return None
        return entries

    # -- a set of items ---------------------------------------------------------------------

    def check_items(
        self,
        items: Iterable[Item],
        raw: Mapping[str, Any],
        context_answers: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Check `raw` against `items`: unknown keys, types, limits, requirements, applicability.

        "Applies when" is judged on the canonical values of the same set (falling back to the
        raw value, so that one wrong answer does not hide a second problem).
        """
        items = tuple(items)
        known = {item.id for item in items}
        for key in raw:
            if key not in known:
                self.errors.append(
                    AnswerError(
                        str(key), N_("Unknown item: it is not part of the questionnaire here.")
                    )
                )
        canonical: dict[str, Any] = {}
        lookup: dict[str, Any] = dict(context_answers or {})
        # Items that others depend on come first in each section, so one pass is enough.
        for item in items:
            value = raw.get(item.id)
            if _is_blank(item, value):
                continue
            checked = self.check_item(item, value, {**lookup, **raw})
            if checked is not None:
                canonical[item.id] = checked
        lookup.update(raw)
        lookup.update(canonical)
        for item in items:
            answered = item.id in canonical or not _is_blank(item, raw.get(item.id))
            applies = item.applies(lookup)
            if answered and not applies:
                self.error(item, N_("Does not apply here, given the other answers; leave it out."))
                canonical.pop(item.id, None)
            elif not answered and applies and item.required:
                self.error(item, _missing_message(item))
            elif (
                item.required_when is not None
                and item.required_when.holds(lookup)
                and not canonical.get(item.id)
                and not raw.get(item.id)
            ):
                self.error(item, N_("Choose at least one."))
        return canonical


def _missing_message(item: Item) -> str:
    if item.type is ItemType.GROUP:
        return N_("Add at least one entry.")
    if item.type in (ItemType.CHOICE, ItemType.YES_NO, ItemType.MULTI):
        return N_("Please choose an answer.")
    if item.type is ItemType.INTEGER and item.codes:
        return N_("Please choose an answer.")
    if item.presentation == "scale":
        return N_("Please choose a number.")
    return N_("Please fill this in.")


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def validate_section(
    section: Section | str,
    raw: Mapping[str, Any],
    as_of: date,
    context: Mapping[str, Any] | None = None,
    questionnaire: Questionnaire = QUESTIONNAIRE,
) -> Validated:
    """Validate the answers of one section (one web step).

    `context` holds the patient's other stored answers (the date of birth bounds surgery
    years). Unknown keys are errors.
    """
    if isinstance(section, str):
        section = questionnaire.section(section)
    checker = _Checker(as_of, context or {})
    answers = checker.check_items(section.items, raw, context_answers=context)
    return Validated(answers, checker.errors)


def validate_answer_set(
    raw: Any,
    as_of: date,
    *,
    require_consent: bool = False,
    questionnaire: Questionnaire = QUESTIONNAIRE,
) -> Validated:
    """Validate a whole canonical answer set, reporting every error at once.

    `consent_confirm` may be left out (only the web form asks it) unless `require_consent`.
    """
    if not isinstance(raw, dict):
        return Validated(
            {}, [AnswerError("answers", N_("Must be a JSON object that maps item ids to answers."))]
        )
    checker = _Checker(as_of, raw)
    answers = checker.check_items(questionnaire.items, raw)
    if require_consent and answers.get("consent_confirm") is not True:
        checker.errors.append(
            AnswerError("consent_confirm", N_("Please tick the box to confirm before you send."))
        )
    order = {item.id: n for n, item in enumerate(questionnaire.items)}
    checker.errors.sort(key=lambda e: (order.get(e.item_id, len(order)), e.index or 0))
    return Validated(answers, checker.errors)


def parse_answer_json(text: str | bytes, as_of: date) -> Validated:
    """Parse a JSON document and validate it as an answer set (`screening evaluate`, `pdf`)."""
    try:
        raw = load_json(text)
    except (ValueError, UnicodeDecodeError) as exc:
        return Validated(
            {}, [AnswerError("answers", N_("Not valid JSON: %(problem)s"), {"problem": str(exc)})]
        )
    except RecursionError:  # lists or objects nested thousands deep: no answer set is
        problem = "lists or objects are nested too deeply"
        return Validated(
            {}, [AnswerError("answers", N_("Not valid JSON: %(problem)s"), {"problem": problem})]
        )
    return validate_answer_set(raw, as_of)


def load_json(text: str | bytes) -> Any:
    """JSON as an answer set or a QuestionnaireResponse is read: NaN and Infinity refused, and
    an integer too long for any answer read as a number out of every range, so the item's own
    message says what to fix (Python itself refuses more than 4,300 digits with advice about
    `sys.set_int_max_str_digits`, which would tell the clinic nothing)."""
    return json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answer set")


# No answer has more digits than this (a year has 4, a score 2); longer is out of range anyway.
_MAX_INTEGER_DIGITS = 30


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        return -(10**_MAX_INTEGER_DIGITS) if text.startswith("-") else 10**_MAX_INTEGER_DIGITS
    return int(text)


def canonical_json(answers: Mapping[str, Any]) -> str:
    """The one serialisation of an answer set that is stored and exported."""
    return json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
