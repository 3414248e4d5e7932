"""The patient's handout: a page of its own and its PDF, after the answers are sent.

Reached only through the patient's own private link, with the same access as the page shown
after Send (and, for invited screenings, only after the date of birth matched in this browser:
the topics say something about the patient's health).
"""

from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, url_for

from screening.extensions import csrf
from screening.forms_base import ClinicForm
from screening.models import Screening
from screening.patient.blueprint import bp
from screening.patient.link_access import _confirmed, _open
from screening.public_links import public_url
from screening.routes import patient_link
from screening.services import handout
from screening.services.screenings import clinic_date
from screening.translations_cache import gettext as _


class EmailLinkForm(ClinicForm):
    """Only a CSRF token: the address is the one the patient gave in their answers."""


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
            email_form=EmailLinkForm() if handout.patient_email(screening) else None,
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


@bp.post("/s/<token>/handout/email")
@patient_link
def email_handout(token: str) -> Response:
    """Email the patient a link to their handout (through the outbox), then show the page."""
    screening = _sent_screening(token)
    form = EmailLinkForm()
    if not form.validate_on_submit():
        flash(_("For your safety this page timed out. Please press the button again."), "warning")
    else:
        link = public_url(".handout_page", token=token)
        if handout.email_handout_link(screening, link, today=clinic_date().isoformat()):
            flash(_("We will email you a link to your handout."), "success")
    return redirect(url_for(".handout_page", token=token))


# Like the steps: an expired form token shows the page again with a plain message, not an error.
csrf.exempt(email_handout)
