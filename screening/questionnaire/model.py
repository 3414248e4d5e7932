"""The building blocks of the questionnaire definition: item types, codes, items, sections.

Plain frozen dataclasses with no Flask or database imports, so the clinical core, the CLI and
the tests can read them anywhere. Patient-facing strings are marked with `N_` (a no-op that
Babel's extractor knows) and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from screening.questionnaire.conditions import Condition


def N_(text: str) -> str:
    """Mark a string for translation without translating it here (translated at display)."""
    return text


class ItemType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    INTEGER = "integer"
    NUMBER = "number"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI = "multi"
    GROUP = "group"


@dataclass(frozen=True)
class Code:
    """One allowed value of a choice, multi or labelled integer item, with its patient wording."""

    value: Any
    label: str


@dataclass(frozen=True)
class Item:
    """One question, as the data dictionary defines it."""

    id: str
    type: ItemType
    question: str
    label: str
    required: bool = False
    hint: str | None = None
    codes: tuple[Code, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_entries: int | None = None
    max_entries: int | None = None
    items: tuple[Item, ...] = ()
    applies_when: Condition | None = None
    # The patient's "only if..." label of an item that applies only sometimes, so a form shown
    # without JavaScript (every item visible) says plainly when to answer it and when to skip it.
    only_if: str | None = None
    # For multi items: at least one code must be chosen when this holds.
    required_when: Condition | None = None
    # How the web form shows it: "scale" (0-10 buttons), "body_map", "inline".
    presentation: str | None = None
    scale_labels: tuple[str, str] | None = None
    unit: str | None = None
    # A text item with a checked shape: "phone" or "email" (see validation).
    format: str | None = None

    @property
    def code_values(self) -> tuple[Any, ...]:
        return tuple(code.value for code in self.codes)

    def code_label(self, value: Any) -> str:
        """The patient wording of `value`, or the value itself when it is not a listed code."""
        for code in self.codes:
            if code.value == value:
                return code.label
        return str(value)

    def applies(self, answers: dict[str, Any]) -> bool:
        return self.applies_when is None or self.applies_when.holds(answers)

    def sub_item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


@dataclass(frozen=True)
class Section:
    """One step of the questionnaire (one page in the web form)."""

    id: str
    title: str
    intro: str | None
    items: tuple[Item, ...] = field(default_factory=tuple)

    # The definition never changes once built: computed once (hot in every save and page).
    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @cached_property
    def item_id_set(self) -> frozenset[str]:
        """The item ids, for `in` tests."""
        return frozenset(self.item_ids)


@dataclass(frozen=True)
class Questionnaire:
    """The whole definition: ordered sections and a version that is stored with every answer."""

    version: str
    sections: tuple[Section, ...]

    # Look-ups by id, built once: the definition is immutable.
    @cached_property
    def _sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @cached_property
    def _items_by_id(self) -> dict[str, tuple[Section, Item]]:
        return {item.id: (section, item) for section in self.sections for item in section.items}

    def section(self, section_id: str) -> Section:
        return self._sections_by_id[section_id]

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id][1]

    def section_of(self, item_id: str) -> Section:
        return self._items_by_id[item_id][0]

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def step_number(self, section_id: str) -> int:
        return [s.id for s in self.sections].index(section_id) + 1
