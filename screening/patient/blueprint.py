"""The patient blueprint object and the small helpers every patient page uses.

Route modules (link_access, steps, warning_pages, finish) register on `bp`;
`screening.patient.views` imports them all, so importing that module yields a complete blueprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    render_template,
    url_for,
)
from flask_wtf import FlaskForm

from screening.i18n import LANGUAGE_NAMES
from screening.models import Screening
from screening.questionnaire import QUESTIONNAIRE, Section
from screening.services import screenings
from screening.services.screenings import REVIEW_STEP
from screening.translations_cache import gettext as _

bp = Blueprint("patient", __name__)

STEP_COUNT = len(QUESTIONNAIRE.sections)


def timed_out_message(formdata: Mapping[str, Any]) -> str:
    """The timed-out notice of a step, naming the button the patient pressed: after "Save and
    finish later", "Back" or a language, "press Save and continue" would send them on instead
    of doing what they asked."""
    chosen = formdata.get("switch_language")
    if chosen in LANGUAGE_NAMES:
        # Its own name, as the button shows it ("Español" on an English page).
        button = LANGUAGE_NAMES[chosen]
    elif "later" in formdata:
        button = _("Save and finish later")
    elif "back" in formdata:
        button = _("Back")
    else:
        button = _("Save and continue")
    return _(
        "For your safety this page timed out. Your answers are still here — "
        "please press %(button)s again.",
        button=button,
    )


def _csrf_ok(form: FlaskForm) -> bool:
    """The form's own CSRF check (the app-wide one is switched off for these views)."""
    if not form.meta.csrf:
        return True
    return bool(form.csrf_token.validate(form))


def _page(template: str, status: int = 200, **context: Any) -> Response:
    return make_response(render_template(template, **context), status)


def _section_or_404(section_id: str) -> Section:
    try:
        return QUESTIONNAIRE.section(section_id)
    except KeyError:
        abort(404)


def _step_url(token: str, section_id: str) -> str:
    return url_for(".step", token=token, section_id=section_id)


def _next_section_id(section_id: str) -> str:
    ids = [s.id for s in QUESTIONNAIRE.sections]
    position = ids.index(section_id)
    return ids[min(position + 1, len(ids) - 1)]


def _previous_section_id(section_id: str) -> str | None:
    ids = [s.id for s in QUESTIONNAIRE.sections]
    position = ids.index(section_id)
    return ids[position - 1] if position > 0 else None


def step_progress(screening: Screening, number: int) -> dict[str, int]:
    """Where the patient is ("Step 3 of 8") and how much is done (complete steps of 7).

    The bar shows what is done, not the position: the review step of an empty form is
    "Step 8 of 8" but nothing is filled in, and a full bar there would say otherwise.
    """
    steps = [s.id for s in QUESTIONNAIRE.sections if s.id != REVIEW_STEP]
    done = sum(screenings.section_complete(screening, section_id) for section_id in steps)
    return {"number": number, "step_count": STEP_COUNT, "done": done, "total": len(steps)}
