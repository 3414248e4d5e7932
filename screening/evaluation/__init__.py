"""The clinical core's evaluation: scores, red-flag triage and MISS discussion topics.

Pure Python (no Flask, SQLAlchemy or clock), implementing ../shared/spec/evaluation.md, rules
version 1. `evaluate()` takes a validated answer set; `assess_triage()` also works on the partial
set the web form holds after the warning-signs step. `catalogue` lists what can be found.
"""

from screening.evaluation import catalogue
from screening.evaluation.catalogue import (
    RED_FLAGS,
    RULES_VERSION,
    TOPICS,
    TRIAGE_LEVELS,
    TRIAGE_RANK,
    Topic,
)
from screening.evaluation.checks import Check
from screening.evaluation.result import (
    Evaluation,
    TopicResult,
    evaluate,
    risk_factors_present,
)
from screening.evaluation.triage import TriageResult, assess_triage

__all__ = [
    "RED_FLAGS",
    "RULES_VERSION",
    "TOPICS",
    "TRIAGE_LEVELS",
    "TRIAGE_RANK",
    "Check",
    "Evaluation",
    "Topic",
    "TopicResult",
    "TriageResult",
    "assess_triage",
    "catalogue",
    "evaluate",
    "risk_factors_present",
]
