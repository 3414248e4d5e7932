"""Hypothesis strategies built from THE questionnaire definition, for anyone's property tests.

`answer_sets(as_of)` draws valid canonical answer sets: every item of QUESTIONNAIRE in order,
honouring "applies when" (an item that does not apply is left out), "required" and "required
when" (pain_regions once there is pain), codes, number limits, text lengths, group entry counts,
the adult age range, surgery years from the birth year to the as-of year (and surgery months not
after the as-of month in the as-of year), and the shape of phone numbers and email addresses.
Optional items are sometimes left out or sent as null. Because it reads the definition, a new
item or code is covered without touching this file.

`corrupted_answer_sets()` takes a valid set and breaks exactly one thing (a wrong type, a value
out of range, an unknown code, a missing required item, an unknown key, or an answer to an item
that does not apply) and says which item the validator must name.

    from tests.evaluation.strategies import answer_sets, as_of_dates, cases

    @given(cases())
    def test_something(case):
        answers, as_of = case
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, Questionnaire, age_on
from screening.questionnaire.validation import MAX_AGE, MIN_AGE

# Warning signs are mostly "no" in real life; drawing them 50/50 would make nearly every set an
# emergency and starve the routine-only topics (conservative care) of examples.
RARE_YES_SECTIONS = frozenset({"warning_signs"})
TEXT_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t"
)
SHORT_TEXT = 40
# Free text that the answer checks read: sometimes draw something a patient would really type.
REALISTIC_TEXT = {
    "current_medications": (
        "Eliquis 5 mg twice a day",
        "metformin 500mg, lisinopril",
        "oxycodone 5 mg as needed",
        "prednisone 10 mg",
        "alendronate weekly, vitamin D",
        "insulin glargine 20 units, aspirin 81 mg",
        "none",
    ),
    "levels": ("L4-L5", "L5-S1", "C5-C6", "L3 to S1"),
}


def as_of_dates() -> st.SearchStrategy[date]:
    """Evaluation dates from 2000 to 2045 (29 February included)."""
    return st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def birth_dates(as_of: date) -> st.SearchStrategy[date]:
    """Dates of birth that make the patient 18 to 110 at `as_of`, both ends included."""
    earliest = _years_before(as_of, MAX_AGE + 1) + timedelta(days=1)
    latest = _years_before(as_of, MIN_AGE)
    return st.dates(min_value=earliest, max_value=latest).filter(
        lambda born: MIN_AGE <= age_on(born, as_of) <= MAX_AGE
    )


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    """Phone numbers as people type them: 7-15 digits in groups, with the allowed marks."""
    digits = draw(st.text("0123456789", min_size=7, max_size=15))
    style = draw(st.sampled_from(("plain", "dashes", "spaces", "plus", "brackets", "dots")))
    if style == "plain":
        text = digits
    elif style == "brackets" and len(digits) >= 7:
        text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}".rstrip("-")
    else:
        mark = {"dashes": "-", "spaces": " ", "plus": " ", "dots": "."}[style]
        groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
        text = mark.join(groups)
        if style == "plus":
            text = "+" + text
    # Only what fits in 20 characters (the spec's limit); plain digits always fit.
    return text if len(text) <= 20 else digits


EMAIL_PART = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@st.composite
def email_addresses(draw: st.DrawFn) -> str:
    local = draw(EMAIL_PART)
    domain = draw(EMAIL_PART)
    top = draw(st.sampled_from(("com", "org", "co.uk", "example")))
    return f"{local}@{domain}.{top}"


def _text(item: Item, required: bool) -> st.SearchStrategy[str]:
    if item.format == "phone":
        return phone_numbers() | st.sampled_from(("555-0134", "+1 (555) 012-3456", " 5550134 "))
    if item.format == "email":
        return email_addresses() | st.just("  pat.lee@example.org ")
    limit = item.max_length or SHORT_TEXT
    short = st.text(TEXT_ALPHABET, min_size=1, max_size=min(limit, SHORT_TEXT))
    if required:
        short = short.filter(lambda text: text.strip() != "")
    # Now and then exactly at the limit, padded with spaces that trimming removes.
    at_limit = st.just("x" * limit) | st.just("  " + "y" * (limit - 2) + "  ")
    realistic = st.sampled_from(REALISTIC_TEXT.get(item.id, ("Some words.",)))
    return st.one_of(short, at_limit, realistic) if limit >= 4 else short


def _number(item: Item) -> st.SearchStrategy[int | float]:
    low = -1e6 if item.min_value is None else item.min_value
    high = 1e6 if item.max_value is None else item.max_value
    return st.one_of(
        st.integers(math.ceil(low), math.floor(high)),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
        st.sampled_from([low, high]),
    )


def value_strategy(
    item: Item, answers: dict[str, Any], as_of: date, *, required: bool = True
) -> st.SearchStrategy[Any]:
    """Valid values of one item, given the answers drawn so far (a group's are the context)."""
    kind = item.type
    if kind in (ItemType.TEXT, ItemType.LONG_TEXT):
        return _text(item, required)
    if kind is ItemType.DATE:
        return birth_dates(as_of).map(date.isoformat)
    if kind is ItemType.INTEGER:
        low, high = int(item.min_value or 0), int(item.max_value or 0)
        if item.id == "year":
            born = date.fromisoformat(answers["date_of_birth"])
            low, high = max(low, born.year), as_of.year
            # Half the time in the last few years, where the fever and fusion rules change.
            return st.integers(low, high) | st.integers(max(low, high - 3), high)
        if item.id == "month" and answers.get("year") == as_of.year:
            # Not after the as-of month in the as-of year.
            high = as_of.month
        return st.integers(low, high)
    if kind is ItemType.NUMBER:
        return _number(item)
    if kind is ItemType.YES_NO:
        return st.booleans()
    if kind is ItemType.CHOICE:
        return st.sampled_from(item.code_values)
    if kind is ItemType.MULTI:
        return st.lists(st.sampled_from(item.code_values), unique=True, min_size=int(required))
    if kind is ItemType.GROUP:
        entries = _entries(item, answers, as_of)
        return st.lists(
            entries, min_size=max(item.min_entries or 0, 1), max_size=item.max_entries or 3
        )
    raise AssertionError(f"no strategy for item type {kind}")  # pragma: no cover


@st.composite
def _entries(draw: st.DrawFn, group: Item, answers: dict[str, Any], as_of: date) -> dict:
    entry: dict[str, Any] = {}
    for sub in group.items:
        if sub.required or draw(st.booleans()):
            context = {**answers, **entry}  # the month reads its entry's year
            entry[sub.id] = draw(value_strategy(sub, context, as_of, required=sub.required))
    return entry


def _is_required(item: Item, answers: dict[str, Any]) -> bool:
    return item.required or (item.required_when is not None and item.required_when.holds(answers))


@st.composite
def answer_sets(
    draw: st.DrawFn, as_of: date, questionnaire: Questionnaire = QUESTIONNAIRE
) -> dict[str, Any]:
    """One valid answer set at `as_of` (consent_confirm sometimes given, sometimes not)."""
    answers: dict[str, Any] = {}
    for section in questionnaire.sections:
        for item in section.items:
            if not item.applies(answers):
                continue
            required = _is_required(item, answers)
            if not required:
                leave_out = draw(st.sampled_from(("answer", "absent", "null")))
                if leave_out == "null":
                    answers[item.id] = None
                if leave_out != "answer":
                    continue
            if section.id in RARE_YES_SECTIONS and item.type is ItemType.YES_NO:
                answers[item.id] = draw(st.sampled_from((False,) * 7 + (True,)))
            else:
                answers[item.id] = draw(value_strategy(item, answers, as_of, required=required))
    return answers


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
    """(a valid answer set, its as-of date)."""
    as_of = draw(as_of_dates())
    return draw(answer_sets(as_of)), as_of


# -- one thing broken -------------------------------------------------------------------------


@dataclass(frozen=True)
class Corruption:
    """A raw answer set with one thing broken, and where the validator must say so."""

    answers: dict[str, Any]
    as_of: date
    item_id: str
    index: int | None
    sub_id: str | None
    kind: str


def _bad_values(item: Item, as_of: date) -> dict[str, list[Any]]:
    """Invalid values for `item`, by kind of mistake."""
    kind = item.type
    if item.format == "phone":
        return {
            "wrong type": [5550134, True],
            "out of range": [
                "123456",
                "1" * 16,
                "555-0134 ext 2",
                "12 34 56",
                "+1 (555) 012-3456 ...",
            ],
        }
    if item.format == "email":
        return {
            "wrong type": [42, ["a@b.co"]],
            "out of range": ["pat.example.org", "pat@localhost", "a@b@c.org", "@example.org"],
        }
    if kind in (ItemType.TEXT, ItemType.LONG_TEXT):
        return {"wrong type": [42, True, ["text"]], "out of range": ["z" * (item.max_length + 1)]}
    if kind is ItemType.DATE:
        return {
            "wrong type": [19750314, "14/03/1975", "1975-02-30", "1975-3-4"],
            "out of range": [
                as_of.isoformat(),
                (as_of + timedelta(days=1)).isoformat(),
                _years_before(as_of, 17).isoformat(),
                date(as_of.year - 120, 1, 1).isoformat(),
            ],
        }
    if kind is ItemType.INTEGER:
        if item.id == "year":
            limits = [as_of.year + 1, 1939]
        else:
            limits = [int(item.max_value) + 1, int(item.min_value) - 1]
        return {"wrong type": ["5", 2.5, True, float("inf")], "out of range": limits}
    if kind is ItemType.NUMBER:
        return {
            "wrong type": ["175", True, float("nan")],
            "out of range": [item.min_value - 0.5, item.max_value + 1],
        }
    if kind is ItemType.YES_NO:
        return {"wrong type": ["yes", 1, "true", 0]}
    if kind is ItemType.CHOICE:
        return {
            "wrong type": [1, True, [item.code_values[0]]],
            "unknown code": ["not_a_code", str(item.code_values[0]).upper()],
        }
    if kind is ItemType.MULTI:
        first = item.code_values[0]
        return {
            "wrong type": [first, {"a": 1}, [True]],
            "unknown code": [["not_a_code"], [first, "not_a_code"]],
            "out of range": [[first, first]],
        }
    if kind is ItemType.GROUP:
        return {"wrong type": ["surgery", {"procedure": "fusion"}, ["not an entry"]]}
    raise AssertionError(f"no bad values for {kind}")  # pragma: no cover


@st.composite
def corrupted_answer_sets(draw: st.DrawFn) -> Corruption:
    """A valid answer set with exactly one item made invalid."""
    as_of = draw(as_of_dates())
    answers = draw(answer_sets(as_of))
    answered = [item for item in QUESTIONNAIRE.items if answers.get(item.id) is not None]
    targets: list[tuple[str, Item, int | None]] = [("item", item, None) for item in answered]
    for index, entry in enumerate(answers.get("surgeries") or ()):
        group = QUESTIONNAIRE.item("surgeries")
        targets += [("sub", group.sub_item(key), index) for key in entry]
    targets.append(("unknown key", QUESTIONNAIRE.item("first_name"), None))
    not_applying = [i for i in QUESTIONNAIRE.items if not i.applies(answers)]
    if not_applying:
        targets.append(("not applying", not_applying[0], None))
    missing = [i for i in answered if i.required]
    if missing:
        targets.append(("missing", missing[0], None))

    where, item, index = draw(st.sampled_from(targets))
    raw = dict(answers)
    if where == "unknown key":
        key = draw(st.sampled_from(["not_an_item", "First_Name", "pain", "surgeries_2"]))
        # An unknown key is an error whatever its value, null included.
        raw[key] = draw(st.sampled_from([1, "x", None, True]))
        return Corruption(raw, as_of, key, None, None, "unknown key")
    if where == "not applying":
        item = draw(st.sampled_from(not_applying))
        # A value that would be valid if the item applied, so only applicability is wrong.
        raw[item.id] = draw(value_strategy(item, raw, as_of))
        return Corruption(raw, as_of, item.id, None, None, "does not apply")
    if where == "missing":
        item = draw(st.sampled_from(missing))
        del raw[item.id]
        return Corruption(raw, as_of, item.id, None, None, "missing")

    kinds = _bad_values(item, as_of)
    kind = draw(st.sampled_from(sorted(kinds)))
    bad = draw(st.sampled_from(kinds[kind]))
    if where == "sub":
        entries = [dict(entry) for entry in raw["surgeries"]]
        entries[index][item.id] = bad
        raw["surgeries"] = entries
        return Corruption(raw, as_of, "surgeries", index, item.id, kind)
    if item.type is ItemType.GROUP and draw(st.booleans()):
        # Too many entries.
        bad = [raw[item.id][0]] * ((item.max_entries or 10) + 1)
        kind = "out of range"
    raw[item.id] = bad
    return Corruption(raw, as_of, item.id, None, None, kind)
