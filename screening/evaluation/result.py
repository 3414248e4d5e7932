"""`evaluate()`: one validated answer set and an as-of date in, one immutable `Evaluation` out.

Pure: no clock, database or request, so the same answers and date always give the same result,
and a stored result (`to_dict()`, with `rules_version`) can be trusted to say what was found at
submission even after the rules change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from screening.evaluation.catalogue import RULES_VERSION, TOPIC_BY_ID, TRIAGE_RULE_TITLES
from screening.evaluation.checks import Check, answer_checks
from screening.evaluation.facts import Facts
from screening.evaluation.topics import TOPIC_RULES, risk_factor_reasons
from screening.evaluation.triage import triage_of_facts, with_triage

SCORE_IDS = (
    "age",
    "bmi",
    "back_pain",
    "leg_pain",
    "neck_pain",
    "arm_pain",
    "interference",
    "phq2",
    "gad2",
)


@dataclass(frozen=True)
class TopicResult:
    """A topic that applies, with the reasons (never empty) that made it apply."""

    id: str
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TriageRuleResult:
    """A triage rule that held at the triage level, with the reason citing the answers."""

    id: str
    title: str
    reason: str


@dataclass(frozen=True)
class Evaluation:
    """Scores, triage with its rules and red flags, the topics that apply, and answers to
    double-check. A result stored under rules version 1 has no triage rules."""

    rules_version: str
    as_of: date
    triage: str
    red_flags: tuple[str, ...]
    topics: tuple[TopicResult, ...]
    scores: dict[str, Any]
    checks: tuple[Check, ...]
    triage_rules: tuple[TriageRuleResult, ...] = ()

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of evaluation.md (what `screening evaluate` prints and what is stored)."""
        return {
            "rules_version": self.rules_version,
            "as_of": self.as_of.isoformat(),
            "triage": self.triage,
            "triage_rules": [rule.id for rule in self.triage_rules],
            "red_flags": list(self.red_flags),
            "topics": [
                {"id": topic.id, "title": topic.title, "reasons": list(topic.reasons)}
                for topic in self.topics
            ],
            "scores": {score: self.scores[score] for score in SCORE_IDS},
            "checks": [{"id": check.id, "message": check.message} for check in self.checks],
            "triage_reasons": [
                {"id": rule.id, "title": rule.title, "reason": rule.reason}
                for rule in self.triage_rules
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        """Rebuild a stored result (the inverse of `to_dict`); the stored wording is kept."""
        return cls(
            rules_version=data["rules_version"],
            as_of=date.fromisoformat(data["as_of"]),
            triage=data["triage"],
            red_flags=tuple(data["red_flags"]),
            topics=tuple(
                TopicResult(topic["id"], topic["title"], tuple(topic["reasons"]))
                for topic in data["topics"]
            ),
            scores={score: data["scores"].get(score) for score in SCORE_IDS},
            checks=tuple(Check(check["id"], check["message"]) for check in data.get("checks", ())),
            triage_rules=_stored_triage_rules(data),
        )


def _stored_triage_rules(data: Mapping[str, Any]) -> tuple[TriageRuleResult, ...]:
    """The triage rules of a stored result (none under rules version 1)."""
    reasons = {
        rule.get("id"): rule
        for rule in data.get("triage_reasons") or ()
        if isinstance(rule, Mapping)
    }
    return tuple(
        TriageRuleResult(
            rule_id,
            str(reasons.get(rule_id, {}).get("title", TRIAGE_RULE_TITLES.get(rule_id, rule_id))),
            str(reasons.get(rule_id, {}).get("reason", "")),
        )
        for rule_id in data.get("triage_rules") or ()
    )


def _scores(f: Facts) -> dict[str, Any]:
    return {
        "age": f.age,
        "bmi": f.bmi,
        "back_pain": f.back_pain,
        "leg_pain": f.leg_pain,
        "neck_pain": f.neck_pain,
        "arm_pain": f.arm_pain,
        "interference": f.interference,
        "phq2": f.phq2,
        "gad2": f.gad2,
    }


def evaluate(answers: Mapping[str, Any], as_of: date) -> Evaluation:
    """Evaluate a VALIDATED canonical answer set (`validate_answer_set(...).answers`) at `as_of`.

    Triage comes from the same rules `assess_triage` applies to the partial answers the web
    form holds, so the warning the patient saw mid-form and the final result cannot disagree.
    A partial answer set evaluates too: what is not answered does not hold.
    """
    facts = Facts.of(answers, as_of)
    triage = triage_of_facts(facts)
    facts = with_triage(facts, triage)
    topics = []
    for topic_id, rule in TOPIC_RULES.items():
        reasons = rule(facts)
        if reasons:
            topics.append(TopicResult(topic_id, TOPIC_BY_ID[topic_id].title, tuple(reasons)))
    return Evaluation(
        rules_version=RULES_VERSION,
        as_of=as_of,
        triage=triage.triage,
        red_flags=triage.red_flags,
        topics=tuple(topics),
        scores=_scores(facts),
        checks=answer_checks(facts),
        triage_rules=tuple(
            TriageRuleResult(rule_id, TRIAGE_RULE_TITLES[rule_id], reason)
            for rule_id, reason in zip(triage.triage_rules, triage.reasons, strict=True)
        ),
    )


def risk_factors_present(answers: Mapping[str, Any], as_of: date) -> frozenset[str]:
    """Which factors of the risk_factors topic hold (ids of RISK_FACTOR_RULES).

    The summary marks these in its health facts; asking the rule itself keeps that marking
    from drifting away from the topic.
    """
    return frozenset(risk_factor_reasons(Facts.of(answers, as_of)))
