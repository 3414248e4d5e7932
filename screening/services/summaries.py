"""The surgeon's summary of a stored screening: build it, render it once, store it, re-render it.

The PDF is rendered at submission (`store_summary`, inside the submission's transaction) and
kept with its SHA-256 and the versions it was made with; downloads serve those stored bytes.
After a template change, bump `TEMPLATE_VERSION` and run `screening rerender-summaries`: the
summary is rebuilt from the stored answers and the STORED evaluation, so it still says what was
found at submission, only laid out anew.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from screening.extensions import db
from screening.i18n import clinic_locale, in_clinic_language
from screening.models import Screening, ScreeningStatus, StaffUser, Summary
from screening.services import audit
from screening.services.screenings import clinic_zone
from screening.summary.render import render_pdf
from screening.summary.view_model import build_summary
from screening.translations_cache import gettext as _

# Bump whenever templates/pdf, templates/summary or screening/summary/pdf.css change what a
# stored PDF looks like; `rerender-summaries` (no option) re-renders the older ones.
# 7: a warning the patient took back before sending; 6: when warning signs began, "no spine
# surgery", blank lists "not answered"; 5: footer wraps a name with no space; 4: pain chart
# beside its facts.
TEMPLATE_VERSION = "7"


class SummaryError(LookupError):
    """The summary cannot be made: the screening is not submitted or has no evaluation."""


def _clinician_name(screening: Screening) -> str | None:
    if screening.clinician_id is None:
        return None
    clinician = db.session.get(StaffUser, screening.clinician_id)
    if clinician is None:
        return None
    return clinician.display_name or clinician.email


def summary_for(
    screening: Screening,
    *,
    generated_at: datetime | None = None,
    answers: dict[str, Any] | None = None,
    evaluation: dict[str, Any] | None = None,
    submitted_at: datetime | None = None,
) -> dict[str, Any]:
    """The view model (plain dict) of a submitted screening, for the staff page and the PDF.

    `answers`, `evaluation` and `submitted_at` stand in for the stored ones when the summary
    is rendered *before* the submission is stored (see `render_summary`).
    """
    evaluation = evaluation if evaluation is not None else screening.evaluation
    if evaluation is None:
        raise SummaryError(f"screening {screening.public_id} has no stored evaluation")
    summary = build_summary(
        answers if answers is not None else screening.answers,
        evaluation,
        clinic_name=current_app.config.get("CLINIC_NAME", "Spine Clinic"),
        generated_at=generated_at or datetime.now(UTC),
        submitted_at=submitted_at or screening.submitted_at,
        appointment_at=screening.appointment_at,
        clinician=_clinician_name(screening),
        questionnaire_version=screening.questionnaire_version,
        zone=clinic_zone(),
        warning_during_form=_highest_warning(screening),
    )
    answered_in = _answered_in(screening.patient_locale)
    if answered_in:
        summary["answered_in"] = answered_in
    return summary


def _highest_warning(screening: Screening) -> dict[str, Any] | None:
    """The highest level the screening reached while it was filled in, with the rules and red
    flags that held then (None where they were not kept), for the summary to show when the
    sent answers no longer give it (the view model decides)."""
    if screening.highest_triage is None:
        return None

    def kept(column: str | None) -> list[str] | None:
        return None if column is None else list(json.loads(column))

    return {
        "level": screening.highest_triage,
        "at": screening.highest_triage_at,
        "triage_rules": kept(screening.highest_triage_rules_json),
        "red_flags": kept(screening.highest_red_flags_json),
    }


def _answered_in(locale: str | None) -> str | None:
    """The "Answered in Spanish ..." note, when it is not the clinic's language."""
    clinic = clinic_locale()
    if not locale or locale == clinic:
        return None
    from babel import Locale

    return _(
        "Answered in %(language)s. The patient's own words are shown exactly as they typed "
        "them (not translated).",
        language=Locale.parse(locale).get_display_name(clinic) or locale,
    )


@dataclass(frozen=True)
class RenderedSummary:
    """A rendered PDF not yet stored: made outside any write transaction, stored after."""

    pdf: bytes
    generated_at: datetime
    rules_version: str


def render_summary(
    screening: Screening,
    *,
    answers: dict[str, Any] | None = None,
    evaluation: dict[str, Any] | None = None,
    submitted_at: datetime | None = None,
) -> RenderedSummary:
    """Render the surgeon's PDF. Reads only; holds no lock and writes nothing.

    Submission calls this before it takes the database's write lock (SQLite has one lock for
    the whole database; holding it through a WeasyPrint render stalled every other patient).
    """
    generated_at = datetime.now(UTC)
    # Rendered during the patient's Send, which may be in Spanish: the surgeon's record is
    # always in the clinic's language.
    with in_clinic_language():
        summary = summary_for(
            screening,
            generated_at=generated_at,
            answers=answers,
            evaluation=evaluation,
            submitted_at=submitted_at,
        )
        pdf = render_pdf(summary, page_size=current_app.config.get("PDF_PAGE_SIZE", "Letter"))
    used = evaluation if evaluation is not None else screening.evaluation
    return RenderedSummary(pdf, generated_at, str((used or {}).get("rules_version", "")))


def attach_summary(screening: Screening, rendered: RenderedSummary) -> Summary:
    """Store (or replace) the screening's Summary row from a rendered PDF. Does NOT commit.

    The caller's service commits, so the summary is saved in the same transaction as the
    submission (or the re-render) and never exists without it.
    """
    row = screening.summary
    if row is None:
        row = Summary(screening=screening)
        db.session.add(row)
    row.pdf = rendered.pdf
    row.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
    row.questionnaire_version = screening.questionnaire_version
    row.rules_version = rendered.rules_version
    row.template_version = TEMPLATE_VERSION
    row.generated_at = rendered.generated_at
    return row


def store_summary(screening: Screening) -> Summary:
    """Render the PDF and store (or replace) the screening's Summary row. Does NOT commit."""
    return attach_summary(screening, render_summary(screening))


def rerender_summaries(*, public_id: str | None = None, everything: bool = False) -> int:
    """Re-render stored summaries and commit; return how many were rendered.

    With `public_id`, that screening only (SummaryError if it is not submitted). With
    `everything`, every submitted screening. Otherwise only those whose summary is missing or
    was made with another TEMPLATE_VERSION.
    """
    query = select(Screening).where(
        Screening.status.in_((ScreeningStatus.SUBMITTED, ScreeningStatus.REVIEWED)),
        Screening.evaluation_json.is_not(None),
    )
    if public_id is not None:
        screening = db.session.scalars(query.where(Screening.public_id == public_id)).first()
        if screening is None:
            raise SummaryError(f"no submitted screening with id {public_id}")
        screenings = [screening]
    else:
        screenings = list(db.session.scalars(query.order_by(Screening.id)))
        if not everything:
            screenings = [
                s
                for s in screenings
                if s.summary is None or s.summary.template_version != TEMPLATE_VERSION
            ]
    for screening in screenings:
        store_summary(screening)
        audit.record("rerender_summary", actor="cli", screening_public_id=screening.public_id)
    db.session.commit()
    return len(screenings)
