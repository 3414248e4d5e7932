"""Stored summaries: rendered with their hash and versions, re-rendered after template changes."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime

import pytest

from screening.evaluation import evaluate
from screening.evaluation.catalogue import RULES_VERSION
from screening.extensions import db
from screening.models import Screening, ScreeningStatus, StaffUser, Summary
from screening.questionnaire import QUESTIONNAIRE, canonical_json
from screening.services import summaries
from tests.summary.conftest import AS_OF, example_answers


@pytest.fixture
def submitted(app):  # type: ignore[no-untyped-def]
    """A factory of submitted screenings (answers and stored evaluation, no summary yet)."""

    def make(name: str = "disc_herniation", **fields: object) -> Screening:
        answers = example_answers(name)
        screening = Screening(
            public_id=secrets.token_hex(8),
            status=ScreeningStatus.SUBMITTED.value,
            answers_json=canonical_json(answers),
            questionnaire_version=QUESTIONNAIRE.version,
            token_hash=secrets.token_hex(32),
            submitted_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
            evaluation_json=json.dumps(evaluate(answers, AS_OF).to_dict()),
            rules_version=RULES_VERSION,
            **fields,
        )
        db.session.add(screening)
        db.session.commit()
        return screening

    return make


def test_store_summary_does_not_commit(app, submitted, pdftotext) -> None:
    screening = submitted()
    row = summaries.store_summary(screening)
    assert row.sha256 == hashlib.sha256(row.pdf).hexdigest()
    assert (row.questionnaire_version, row.rules_version) == ("2", "2")
    assert row.template_version == summaries.TEMPLATE_VERSION
    assert "Jordan Reyes" in pdftotext(row.pdf)
    db.session.rollback()  # the caller's transaction decides
    assert db.session.scalar(db.select(db.func.count()).select_from(Summary)) == 0


def test_store_summary_replaces_the_row(app, submitted) -> None:
    screening = submitted()
    first = summaries.store_summary(screening)
    db.session.commit()
    second = summaries.store_summary(screening)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Summary)) == 1


def test_summary_for_names_the_clinician_and_appointment(app, submitted) -> None:
    clinician = StaffUser(
        email="ana@example.org", display_name="Dr Ana Pérez", password_hash="x", role="clinician"
    )
    db.session.add(clinician)
    db.session.commit()
    screening = submitted(
        clinician_id=clinician.id, appointment_at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    )
    app.config["CLINIC_NAME"] = "Harbour Spine Centre"
    app.config["CLINIC_TIMEZONE"] = "America/Chicago"
    summary = summaries.summary_for(screening)
    assert summary["clinician"] == "Dr Ana Pérez"
    # Stored in UTC, shown in the clinic's time, as on the staff pages.
    assert summary["appointment_at"] == "2026-11-24 08:00 CST"
    assert summary["clinic_name"] == "Harbour Spine Centre"
    assert summary["submitted_at"] == "2026-11-21 03:30 CST"


def test_no_evaluation_no_summary(app, submitted) -> None:
    screening = submitted()
    screening.evaluation_json = None
    with pytest.raises(summaries.SummaryError):
        summaries.summary_for(screening)


def test_rerender_only_stale_then_all_then_one(app, submitted, monkeypatch, runner) -> None:
    first, second = submitted("stenosis"), submitted("after_fusion")
    assert summaries.rerender_summaries() == 2  # both missing
    assert summaries.rerender_summaries() == 0  # both current
    monkeypatch.setattr(summaries, "TEMPLATE_VERSION", "next")
    assert summaries.rerender_summaries() == 2
    assert {s.summary.template_version for s in (first, second)} == {"next"}
    assert summaries.rerender_summaries(everything=True) == 2
    assert summaries.rerender_summaries(public_id=first.public_id) == 1
    with pytest.raises(summaries.SummaryError):
        summaries.rerender_summaries(public_id="nope")

    result = runner.invoke(args=["rerender-summaries", "--all"])
    assert result.exit_code == 0 and "Re-rendered 2 summaries." in result.output
    result = runner.invoke(args=["rerender-summaries", "--id", second.public_id])
    assert result.exit_code == 0 and "Re-rendered 1 summary." in result.output
    result = runner.invoke(args=["rerender-summaries", "--id", "nope"])
    assert result.exit_code == 2 and "error: no submitted screening" in result.stderr
