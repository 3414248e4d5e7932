"""The end of the questionnaire: review and send, the confirmation, and "finish later"."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    redirect,
    request,
    url_for,
)
from wtforms import BooleanField

from screening.models import Screening
from screening.patient import language
from screening.patient.blueprint import (
    STEP_COUNT,
    _csrf_ok,
    _page,
    _previous_section_id,
    _step_url,
    bp,
    step_progress,
)
from screening.patient.drafts import has_unsaved
from screening.patient.forms import (
    StepForm,
)
from screening.patient.link_access import _open
from screening.patient.review import review_sections, typed_measures
from screening.patient.warning_words import reports_back_or_leg_pain, words_for
from screening.public_links import public_url
from screening.questionnaire import QUESTIONNAIRE
from screening.routes import patient_link
from screening.services import screenings
from screening.services.retry import read_with_one_retry
from screening.services.screenings import REVIEW_STEP, ScreeningLocked
from screening.translations_cache import gettext as _


class ReviewForm(StepForm):
    consent_confirm = BooleanField(false_values=("", "false", "no"), render_kw={"value": "yes"})


# -- review, submit, confirmation, later ------------------------------------------------------


def _review(token: str, screening: Screening) -> Response:
    complete = {
        section.id: screenings.section_complete(screening, section.id)
        for section in QUESTIONNAIRE.sections
        if section.id != REVIEW_STEP
    }
    form = ReviewForm()
    summary: list[tuple[str, str]] = []
    notice = None
    missing_sections: list[str] = []
    if request.method == "POST":
        if not _csrf_ok(form):
            notice = _(
                "For your safety this page timed out. Your answers are still saved — "
                "please tick the box and press Send my answers again."
            )
        else:
            # Typed text still waiting in a step's draft must be fixed or cleared first: the
            # patient meant to answer it.
            missing_sections = [
                section_id
                for section_id, ok in complete.items()
                if not ok and has_unsaved(screening.draft.get(section_id))
            ]
            validated = None
            if not missing_sections:
                language.keep_language_at_send(screening)
                try:
                    validated = screenings.submit(screening, bool(form.consent_confirm.data))
                except ScreeningLocked:  # pragma: no cover - submit does not raise it
                    validated = None
            if validated is not None and validated.ok:
                return redirect(url_for(".done", token=token))
            for error in validated.errors if validated else []:
                if error.item_id == "consent_confirm":
                    message = _(error.template)
                    form.consent_confirm.errors = [message]
                    summary.append(("consent_confirm", message))
                else:
                    try:
                        missing = QUESTIONNAIRE.section_of(error.item_id).id
                    except KeyError:
                        missing = None
                    if missing and missing not in missing_sections:
                        missing_sections.append(missing)
            # In page order: the steps from the top, then the consent box at the bottom.
            summary[:0] = [
                (
                    f"section-{section_id}",
                    _(
                        "%(title)s: some answers are missing or need a change.",
                        title=_(QUESTIONNAIRE.section(section_id).title),
                    ),
                )
                for section_id in sorted(missing_sections, key=QUESTIONNAIRE.step_number)
            ]
    sections = review_sections(screening.answers, complete, typed_measures(screening.draft))
    number = QUESTIONNAIRE.step_number(REVIEW_STEP)
    return _page(
        "patient/review.html",
        token=token,
        form=form,
        sections=sections,
        summary=summary,
        notice=notice,
        number=number,
        progress=step_progress(screening, number),
        step_count=STEP_COUNT,
        all_complete=all(complete.values()),
        section=QUESTIONNAIRE.section(REVIEW_STEP),
        previous_url=_step_url(token, _previous_section_id(REVIEW_STEP) or REVIEW_STEP),
    )


@bp.get("/s/<token>/done")
@patient_link
def done(token: str) -> Response:
    # Just after Send, a database restart must not make a patient think it did not work.
    # The confirmation repeats the patient's own warning, so it asks for the date of birth
    # first, like every other page behind the link.
    screening = read_with_one_retry(lambda: _open(token, allow_done=True))
    if not screening.is_locked:
        return redirect(url_for(".resume_link", token=token))
    return _page("patient/done.html", **_done_context(screening, show_warning=True))


def _done_context(screening: Screening, show_warning: bool) -> dict[str, Any]:
    """The confirmation page: any warning first and alone, the signs to watch for, next steps.

    Nothing from the answers is shown to a browser that has not confirmed the date of birth of
    an invited screening (`show_warning` False).
    """
    words = words_for(screening) if show_warning else None
    return {
        "screening": screening,
        "show_warning": show_warning,
        "words": words,
        "watch_for_signs": show_warning and reports_back_or_leg_pain(screening.answers),
    }


@bp.get("/s/<token>/later")
@patient_link
def later(token: str) -> Response:
    screening = _open(token)
    return _page(
        "patient/later.html",
        link=public_url(".resume_link", token=token),
        screening=screening,
    )
