"""Small declarative conditions for "applies when" and "required when".

A condition reads other answers of the same canonical answer set. Keeping them as data (not
lambdas) lets the form, the validator and the review page share one rule and lets a test list
what each item depends on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Condition:
    """Something that holds or not for an answer set."""

    def holds(self, answers: Mapping[str, Any]) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def depends_on(self) -> frozenset[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def any_of_answers(self) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        """The condition as "(item, values)" pairs, holding when any item has one of its values.

        What a browser script needs to show an item only when it applies (a yes/no value is
        True/False, a multi item holds when any listed code is ticked). None when the condition
        cannot be put that way (a number threshold), so the form shows the item always.
        """
        return None


def same_answer(given: Any, wanted: Any) -> bool:
    """`given` is the answer `wanted`. A yes/no answer is only ever true or false: Python holds
    1 == True, but a JSON 1 given for "prior spine surgery" is a wrong answer (named as one),
    not a yes that would make its follow-up questions required."""
    return (
        given is not None
        and isinstance(given, bool) == isinstance(wanted, bool)
        and (given == wanted)
    )


@dataclass(frozen=True)
class Equals(Condition):
    """`item` has exactly `value` (e.g. prior_spine_surgery is true)."""

    item: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return same_answer(answers.get(self.item), self.value)

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})

    def any_of_answers(self) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        return ((self.item, (self.value,)),)


@dataclass(frozen=True)
class OneOf(Condition):
    """`item` is one of `values` (e.g. work_status is working, working_reduced...)."""

    item: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.item)
        return any(same_answer(given, value) for value in self.values)

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})

    def any_of_answers(self) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        return ((self.item, self.values),)


@dataclass(frozen=True)
class Includes(Condition):
    """The multi item `item` holds at least one of `values` (e.g. neck is a pain region)."""

    item: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        chosen = answers.get(self.item)
        return isinstance(chosen, list | tuple) and any(
            same_answer(given, value) for given in chosen for value in self.values
        )

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})

    def any_of_answers(self) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        return ((self.item, self.values),)


@dataclass(frozen=True)
class Above(Condition):
    """`item` is a number above `threshold`."""

    item: str
    threshold: float

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.item)
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and value > self.threshold
        )

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one of `conditions` holds."""

    conditions: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(condition.holds(answers) for condition in self.conditions)

    def depends_on(self) -> frozenset[str]:
        return frozenset().union(*(c.depends_on() for c in self.conditions))

    def any_of_answers(self) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        pairs: list[tuple[str, tuple[Any, ...]]] = []
        for condition in self.conditions:
            own = condition.any_of_answers()
            if own is None:
                return None
            pairs.extend(own)
        return tuple(pairs)
