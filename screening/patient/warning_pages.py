"""Emergency or urgent advice, shown right after a save that calls for it."""

from __future__ import annotations

from flask import (
    Response,
    redirect,
    request,
)

from screening.evaluation.catalogue import ACT_NOW_LEVELS
from screening.forms_base import ClinicForm
from screening.patient.blueprint import (
    _csrf_ok,
    _page,
    _step_url,
    bp,
)
from screening.patient.link_access import _open
from screening.patient.warning_words import words_for
from screening.questionnaire import QUESTIONNAIRE
from screening.routes import patient_link
from screening.services import screenings


class AcknowledgeForm(ClinicForm):
    """The "I understand" button of the emergency page."""


# -- warning pages ---------------------------------------------------------------------------


@bp.route("/s/<token>/warning", methods=["GET", "POST"])
@patient_link
def warning(token: str) -> Response:
    """Emergency or urgent advice, shown before anything else after the warning signs."""
    screening = _open(token)
    next_id = request.args.get("next") or ""
    section_ids = [s.id for s in QUESTIONNAIRE.sections]
    if next_id not in section_ids:
        next_id = screenings.first_incomplete_step(screening)
    level = screenings.current_triage(screening)
    form = AcknowledgeForm()
    if request.method == "POST":
        if level != "emergency":
            return redirect(_step_url(token, next_id))
        if not _csrf_ok(form):
            return _page(
                "patient/warning.html",
                level=level,
                words=words_for(screening),
                form=form,
                timed_out=True,
                next_url=_step_url(token, next_id),
            )
        screenings.acknowledge_warning(
            screening, ip=request.remote_addr, device=request.headers.get("User-Agent")
        )
        return redirect(_step_url(token, next_id))
    if level not in ACT_NOW_LEVELS:
        return redirect(_step_url(token, next_id))
    return _page(
        "patient/warning.html",
        level=level,
        words=words_for(screening),
        form=form,
        next_url=_step_url(token, next_id),
    )
