"""Version 1 submissions after version 2: they keep their stored version 1 evaluation (no
triage rules, version 1 topics), still re-render, and export with their version.

The two submissions in data/v1_submissions.json were made by the version 1 code (answers as
validated then, evaluation as stored then), so these tests read exactly what is in the
database of a clinic that upgrades.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from screening.evaluation import evaluate
from screening.extensions import db
from screening.models import Screening, ScreeningStatus
from screening.questionnaire import QUESTIONNAIRE, canonical_json
from screening.services import summaries
from screening.summary.render import render_pdf
from screening.summary.view_model import build_summary
from tests.summary.conftest import AS_OF, example_answers, v1_submission

URGENT_V1_TOPICS = [
    "post_surgical_pain",
    "recurrent_herniation",
    "scar_tissue",
    "herniated_disc",
    "sciatica",
    "chronic_low_back_pain",
    "imaging",
    "risk_factors",
    "mood_and_coping",
    "recovery_planning",
]


def v1_summary(name: str) -> dict[str, Any]:
    stored = v1_submission(name)
    return build_summary(
        stored["answers"],
        stored["evaluation"],
        clinic_name="Spine Clinic",
        generated_at=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        questionnaire_version=stored["questionnaire_version"],
    )


def test_the_fixture_is_a_version_1_submission() -> None:
    stored = v1_submission("urgent")
    assert stored["questionnaire_version"] == "1"
    assert stored["evaluation"]["rules_version"] == "1"
    assert "triage_rules" not in stored["evaluation"]
    assert "phone" not in stored["answers"] and "hand_clumsiness" not in stored["answers"]


def test_a_version_1_summary_shows_its_version_1_triage_and_topics() -> None:
    summary = v1_summary("urgent")
    assert (summary["questionnaire_version"], summary["rules_version"]) == ("1", "1")
    triage = summary["triage"]
    assert (triage["level"], triage["title"]) == ("urgent", "Urgent: contact the patient today")
    assert triage["rules"] == []  # version 1 had no triage rules
    assert [flag["id"] for flag in triage["red_flags"]] == [
        "progressive_weakness",
        "sexual_dysfunction_new",
        "cancer_history",
    ]
    assert [topic["id"] for topic in summary["topics"]] == URGENT_V1_TOPICS
    # Titles as stored at submission (version 1's words), not today's catalogue.
    titles = [topic["title"] for topic in summary["topics"]]
    assert "Epidural fibrosis (scar tissue) after decompression" in titles
    # The items version 1 did not ask are simply not there.
    assert summary["patient"]["phone"] is None and summary["patient"]["claim"] is None
    assert [score["id"] for score in summary["pain"]["scores"]] == ["back", "leg", "interference"]
    assert summary["surgery"]["wound"] == []
    assert summary["surgery"]["rows"][0]["ago"] == "6–7 y ago"  # 2019, no month: 83-94 months


def test_a_version_1_emergency_keeps_its_title(pdftotext) -> None:
    text = " ".join(pdftotext(render_pdf(v1_summary("emergency"))).split())
    banner = text.index("Emergency: possible cauda equina syndrome")
    assert banner < text.index("Red flags: New bladder or bowel change · New saddle numbness")
    assert "Questionnaire v1 · rules v1" in text


def test_a_version_1_pdf_prints_its_stored_topics_and_reasons(pdftotext) -> None:
    stored = v1_submission("urgent")["evaluation"]
    text = " ".join(pdftotext(render_pdf(v1_summary("urgent"))).split())
    for topic in stored["topics"]:
        assert topic["title"] in text
    # The reason version 1 repeated under three topics is printed once, then referred to.
    shared = stored["topics"][0]["reasons"][0]
    assert [t["reasons"] for t in stored["topics"][:3]] == [[shared]] * 3
    assert text.count(shared) == 1
    assert text.count("same reason as 1 above") == 2


@pytest.fixture
def stored_v1(app: Flask):  # type: ignore[no-untyped-def]
    """Store a version 1 submission as the version 1 code did (no summary yet)."""

    def make(name: str) -> Screening:
        stored = v1_submission(name)
        screening = Screening(
            public_id=secrets.token_hex(8),
            status=ScreeningStatus.SUBMITTED.value,
            answers_json=canonical_json(stored["answers"]),
            questionnaire_version="1",
            token_hash=secrets.token_hex(32),
            submitted_at=datetime.fromisoformat(stored["submitted_at"]),
            evaluation_json=json.dumps(stored["evaluation"]),
            rules_version="1",
        )
        db.session.add(screening)
        db.session.commit()
        return screening

    return make


def test_a_stored_version_1_submission_re_renders(app: Flask, stored_v1, pdftotext) -> None:
    screening = stored_v1("urgent")
    assert summaries.rerender_summaries(public_id=screening.public_id) == 1
    row = screening.summary
    assert (row.questionnaire_version, row.rules_version) == ("1", "1")
    assert row.template_version == summaries.TEMPLATE_VERSION
    text = " ".join(pdftotext(row.pdf).split())
    assert "Urgent: contact the patient today" in text
    assert "Red flags: Leg weakness getting worse · New sexual dysfunction" in text
    assert "Epidural fibrosis (scar tissue) after decompression" in text
    assert "Questionnaire v1 · rules v1" in text
    # Its stored evaluation is untouched: still version 1, still without triage rules.
    db.session.expire_all()
    kept = db.session.get(Screening, screening.id)
    assert kept.evaluation == v1_submission("urgent")["evaluation"]


def test_rerender_without_options_includes_version_1_summaries(app: Flask, stored_v1) -> None:
    stored_v1("urgent")
    stored_v1("emergency")
    assert summaries.rerender_summaries() == 2  # no summary yet: both rendered
    assert summaries.rerender_summaries() == 0  # now current


def test_export_carries_each_answer_sets_version(
    app: Flask, stored_v1, runner: FlaskCliRunner
) -> None:
    old = stored_v1("urgent")
    answers = example_answers("disc_herniation")
    new = Screening(
        public_id=secrets.token_hex(8),
        status=ScreeningStatus.SUBMITTED.value,
        answers_json=canonical_json(answers),
        questionnaire_version=QUESTIONNAIRE.version,
        token_hash=secrets.token_hex(32),
        submitted_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        evaluation_json=json.dumps(evaluate(answers, AS_OF).to_dict()),
        rules_version="2",
    )
    db.session.add(new)
    db.session.commit()
    result = runner.invoke(args=["export"])
    assert result.exit_code == 0, result.output
    records = {
        record["id"]: record
        for record in (json.loads(line) for line in result.output.splitlines() if line.strip())
    }
    assert records[old.public_id]["questionnaire_version"] == "1"
    assert records[old.public_id]["answers"] == v1_submission("urgent")["answers"]
    assert records[new.public_id]["questionnaire_version"] == "2"
    assert "phone" in records[new.public_id]["answers"]
