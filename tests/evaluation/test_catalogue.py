"""The catalogue is complete and consistent, and the core stays pure (no Flask, no database)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import screening.evaluation as evaluation
from screening.evaluation import RED_FLAGS, RULES_VERSION, TOPICS, TRIAGE_LEVELS, catalogue


def test_public_interface() -> None:
    assert RULES_VERSION == "2"
    assert evaluation.catalogue is catalogue
    for name in (
        "evaluate",
        "assess_triage",
        "Evaluation",
        "TopicResult",
        "TriageResult",
        "TriageRuleResult",
        "Check",
        "risk_factors_present",
    ):
        assert hasattr(evaluation, name)
    assert list(catalogue.TRIAGE_RANK) == list(TRIAGE_LEVELS)
    assert set(catalogue.TRIAGE_TITLES) == set(TRIAGE_LEVELS)


def test_red_flags_in_spec_order_with_plain_words() -> None:
    assert list(RED_FLAGS) == [
        "bladder_bowel_change",
        "saddle_numbness",
        "both_legs_symptoms",
        "progressive_weakness",
        "sexual_dysfunction_new",
        "fever_chills",
        "weight_loss_unexplained",
        "cancer_history",
        "immunosuppressed",
        "long_term_steroids",
        "iv_drug_use",
        "recent_trauma",
        "possible_myelopathy",
        "wound_problem",
    ]
    assert all(words and "_" not in words for words in RED_FLAGS.values())


def test_topics_have_unique_ids_concise_titles_and_plain_explanations() -> None:
    assert len({topic.id for topic in TOPICS}) == len(TOPICS) == 20
    for topic in TOPICS:
        assert 0 < len(topic.title) <= 80, topic.id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", topic.patient_explanation) if s]
        assert 1 <= len(sentences) <= 3, topic.id
        words = topic.patient_explanation.split()
        # Short sentences for a patient reading on a phone (a rough reading-level guard).
        assert len(words) / len(sentences) <= 20, topic.id
        assert "_" not in topic.patient_explanation


def test_the_core_imports_only_the_standard_library_and_itself() -> None:
    # The package's __init__ builds the Flask app, so check the core's own imports, file by file.
    root = Path(evaluation.__file__).parent.parent
    allowed = set(sys.stdlib_module_names) | {"screening"}
    for folder in ("evaluation", "questionnaire"):
        for path in sorted((root / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                    if name.startswith("screening"):
                        assert name.split(".")[1] in ("evaluation", "questionnaire"), name
