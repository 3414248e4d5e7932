"""Invitations: create one, see its private link and QR code once, revoke or reissue it.

The link page is rendered straight from the POST (never redirected to, never cached): the token
exists in clear only in that response, since the database keeps just its hash.
"""

from __future__ import annotations

import segno
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from screening.public_links import public_url
from screening.routes import staff_only
from screening.services import invitations as invitation_service
from screening.services import staff as staff_service
from screening.services.invitations import IssuedLink
from screening.staff.access import client_ip, current_staff_user
from screening.staff.blueprint import bp, clinic_zone
from screening.staff.detail import screening_or_404
from screening.staff.forms import ActionForm, InvitationForm, ReissueForm

INVITERS = ("front_desk", "admin")


def patient_link_url(token: str) -> str:
    """The absolute private link the patient opens, from PUBLIC_BASE_URL (never the Host)."""
    return public_url("patient.resume_link", token=token)


def qr_data_uri(url: str) -> str:
    """A QR code of the link as an SVG data: URI (allowed by the CSP's img-src)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def _resume_url() -> str:
    """Where a patient types the short code (the patient blueprint's resume page)."""
    try:
        return public_url("patient.resume")
    except BuildError:
        return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _link_page(issued: IssuedLink, *, reissued: bool) -> str:
    screening = screening_or_404(issued.public_id)
    url = patient_link_url(issued.token)
    return render_template(
        "staff/invitation_link.html",
        screening=screening,
        issued=issued,
        link=url,
        qr=qr_data_uri(url),
        start_url=_resume_url(),
        reissued=reissued,
    )


@bp.route("/invitations/new", methods=["GET", "POST"])
@staff_only(*INVITERS)
def new_invitation():  # type: ignore[no-untyped-def]
    form = InvitationForm()
    clinicians = staff_service.active_clinicians()
    form.clinician_id.choices = [SelectChoice("0", _("Choose a clinician"))] + [
        SelectChoice(str(user.id), user.display_name or user.email) for user in clinicians
    ]
    if form.validate_on_submit():
        assert form.date_of_birth.data and form.appointment_date.data
        assert form.appointment_time.data
        try:
            issued = invitation_service.create_invitation(
                invitation_service.PatientDetails(
                    first_name=form.first_name.data or "",
                    last_name=form.last_name.data or "",
                    date_of_birth=form.date_of_birth.data,
                ),
                appointment_at=invitation_service.appointment_to_utc(
                    form.appointment_date.data, form.appointment_time.data, clinic_zone()
                ),
                clinician_id=form.clinician_id.data or 0,
                invited_by=current_staff_user(),
                secret_key=current_app.config["SECRET_KEY"],
                expiry_days=int(current_app.config["INVITATION_EXPIRY_DAYS"]),
                ip=client_ip(),
            )
        except invitation_service.InvitationError as error:
            form.clinician_id.errors = [str(error)]
        else:
            return _link_page(issued, reissued=False)
    return render_template(
        "staff/invitation_new.html",
        form=form,
        no_clinicians=not clinicians,
        zone=current_app.config.get("CLINIC_TIMEZONE"),
    )


@bp.post("/screenings/<public_id>/revoke")
@staff_only(*INVITERS)
def revoke_invitation(public_id: str) -> Response:
    screening = screening_or_404(public_id)
    if ActionForm().validate_on_submit():
        invitation_service.revoke(screening, actor=current_user.email, ip=client_ip())
        flash(_("The private link no longer works. Reissue it to send a new one."), "success")
    return redirect(url_for("staff.screening_detail", public_id=public_id))


@bp.post("/screenings/<public_id>/reissue")
@staff_only(*INVITERS)
def reissue_invitation(public_id: str):  # type: ignore[no-untyped-def]
    screening = screening_or_404(public_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("staff.screening_detail", public_id=public_id))
    try:
        issued = invitation_service.reissue(
            screening,
            actor=current_user.email,
            secret_key=current_app.config["SECRET_KEY"],
            expiry_days=int(current_app.config["INVITATION_EXPIRY_DAYS"]),
            reason=form.reissue_reason.data or "",
            note=form.reissue_note.data,
            ip=client_ip(),
        )
    except invitation_service.InvitationError as error:
        flash(_(str(error)), "error")
        return redirect(url_for("staff.screening_detail", public_id=public_id))
    return _link_page(issued, reissued=True)
