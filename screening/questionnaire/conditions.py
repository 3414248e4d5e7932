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


@dataclass(frozen=True)
class Equals(Condition):
    """`item` has exactly `value` (e.g. prior_spine_surgery is true)."""

    item: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.item) is not None and answers.get(self.item) == self.value

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})


@dataclass(frozen=True)
class OneOf(Condition):
    """`item` is one of `values` (e.g. work_status is working, working_reduced...)."""

    item: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.item) in self.values

    def depends_on(self) -> frozenset[str]:
        return frozenset({self.item})


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
