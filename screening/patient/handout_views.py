"""The patient's handout: a page of its own and its PDF, after the answers are sent.

Reached only through the patient's own private link, with the same access as the page shown
after Send (and, for invited screenings, only after the date of birth matched in this browser:
the topics say something about the patient's health).
"""

from __future__ import annotations

from flask import Response, abort, make_response, redirect, render_template, url_for

from screening.models import Screening
from screening.patient.views import _confirmed, _open, bp
from screening.routes import patient_link
from screening.services import handout


def _sent_screening(token: str) -> Screening:
    screening = _open(token, allow_done=True, allow_unconfirmed=True)
    if not screening.is_locked:
        abort(redirect(url_for(".resume_link", token=token)))
    if not _confirmed(screening):
        abort(redirect(url_for(".confirm", token=token)))
    return screening


@bp.get("/s/<token>/handout")
@patient_link
def handout_page(token: str) -> Response:
    screening = _sent_screening(token)
    return make_response(
        render_template(
            "patient/handout.html",
            token=token,
            handout=handout.handout_for(screening),
        )
    )


@bp.get("/s/<token>/handout.pdf")
@patient_link
def handout_pdf(token: str) -> Response:
    screening = _sent_screening(token)
    response = make_response(handout.handout_pdf(screening))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'inline; filename="handout.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
