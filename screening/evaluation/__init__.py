"""The clinical core's evaluation: scores, red-flag triage and MISS discussion topics.

Pure Python (no Flask, SQLAlchemy or clock), implementing the evaluation spec, rules version 2.
`evaluate()` takes a validated answer set; `assess_triage()` gives the triage level, the triage
rules that held and the red flags of a (possibly partial) answer set, such as the one the web
form holds after the warning-signs step. `catalogue` lists what can be found.
"""

from screening.evaluation import catalogue
from screening.evaluation.catalogue import (
    RED_FLAGS,
    RULES_VERSION,
    TOPICS,
    TRIAGE_LEVELS,
    TRIAGE_RANK,
    TRIAGE_RULE_TITLES,
    Topic,
)
from screening.evaluation.checks import Check
from screening.evaluation.result import (
    Evaluation,
    TopicResult,
    TriageRuleResult,
    evaluate,
    risk_factors_present,
)
from screening.evaluation.triage import TRIAGE_RULES, TriageResult, assess_triage

__all__ = [
    "RED_FLAGS",
    "RULES_VERSION",
    "TOPICS",
    "TRIAGE_LEVELS",
    "TRIAGE_RANK",
    "TRIAGE_RULES",
    "TRIAGE_RULE_TITLES",
    "Check",
    "Evaluation",
    "Topic",
    "TopicResult",
    "TriageResult",
    "TriageRuleResult",
    "assess_triage",
    "catalogue",
    "evaluate",
    "risk_factors_present",
]
