"""Invitations: create, edit, revoke, reissue, and the letter page (print or email again).

Post, then redirect (issue 13): creating and reissuing redirect to the letter page, so a reload
repeats a harmless GET and makes nothing new. The letter page rebuilds the link and code from
the invitation's seed (see services.invitations), so front desk can print or email the same
letter again without reissuing; every showing is audited and the page is never cached.
"""

from __future__ import annotations

from datetime import UTC, datetime

import segno
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from screening.models import Screening
from screening.routes import staff_only
from screening.services import audit
from screening.services import invitation_messages as messages
from screening.services import invitations as invitation_service
from screening.services import staff as staff_service
from screening.staff.access import client_ip, current_staff_user
from screening.staff.blueprint import bp, clinic_date, clinic_datetime, clinic_zone
from screening.staff.confirm import Confirmation, confirmation_page
from screening.staff.detail import (
    detail_page,
    refused_without_form,
    reissue_offered,
    screening_or_404,
    shown_birth_date,
)
from screening.staff.forms import (
    ActionForm,
    ConfirmForm,
    EditInvitationForm,
    InvitationForm,
    ReissueForm,
)

INVITERS = ("front_desk", "admin")


def qr_data_uri(url: str) -> str:
    """A QR code of the link as an SVG data: URI (allowed by the CSP's img-src)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def _clinician_choices(form: InvitationForm | EditInvitationForm) -> bool:
    """Fill the clinician select; False when there is no active clinician to choose."""
    clinicians = staff_service.active_clinicians()
    labels = staff_service.clinician_labels(clinicians)
    form.clinician_id.choices = [SelectChoice("0", _("Choose a clinician"))] + [
        SelectChoice(str(user.id), labels[user.id]) for user in clinicians
    ]
    return bool(clinicians)


def _explain_clinician_gone(form: InvitationForm | EditInvitationForm) -> None:
    """A page opened before its chosen clinician was given another role or deactivated posts
    a choice the select no longer has: say so, instead of WTForms' "Not a valid choice"."""
    offered = {choice[0] for choice in form.clinician_id.iter_choices()}
    if form.clinician_id.errors and str(form.clinician_id.data) not in offered:
        form.clinician_id.errors = [
            _("The clinician chosen is no longer an active clinician: choose another.")
        ]


def _former_clinician_hint(screening: Screening) -> str | None:
    """Edit invitation's words when the invitation names someone who is no longer an active
    clinician (another role, or deactivated, with nobody chosen to take over)."""
    named = staff_service.former_clinician(screening.clinician_id)
    if named is None:
        return None
    return _(
        "This invitation named %(name)s, who is no longer an active clinician: choose who the "
        "patient will see.",
        name=named.display_name or named.email,
    )


def _config_int(name: str) -> int:
    return int(current_app.config[name])


@bp.route("/invitations/new", methods=["GET", "POST"])
@staff_only(*INVITERS)
def new_invitation():  # type: ignore[no-untyped-def]
    form = InvitationForm()
    has_clinicians = _clinician_choices(form)
    duplicates: list[Screening] = []
    if form.validate_on_submit():
        assert form.date_of_birth.data and form.appointment_date.data
        assert form.appointment_time.data
        try:
            screening = invitation_service.create_invitation(
                invitation_service.PatientDetails(
                    first_name=form.first_name.data or "",
                    last_name=form.last_name.data or "",
                    date_of_birth=form.date_of_birth.data,
                ),
                contact=invitation_service.ContactDetails(
                    phone=form.phone.data or "",
                    email=form.email.data,
                    locale=form.locale.data,
                ),
                appointment_at=invitation_service.appointment_to_utc(
                    form.appointment_date.data, form.appointment_time.data, clinic_zone()
                ),
                clinician_id=form.clinician_id.data or 0,
                invited_by=current_staff_user(),
                secret_key=current_app.config["SECRET_KEY"],
                expiry_days=_config_int("INVITATION_EXPIRY_DAYS"),
                confirm_duplicate=form.confirm_duplicate.data == "yes",
                ip=client_ip(),
            )
        except invitation_service.PossibleDuplicate as duplicate:
            duplicates = duplicate.existing
            form.confirm_duplicate.data = "yes"
        except invitation_service.InvitationError as error:
            form.appointment_date.errors = [str(error)]
        else:
            flash(
                _("Invitation created and emailed to the patient.")
                if screening.invited_email
                else _("Invitation created."),
                "success",
            )
            return redirect(url_for("staff.invitation_letter", public_id=screening.public_id))
    _explain_clinician_gone(form)
    return render_template(
        "staff/invitation_new.html",
        form=form,
        no_clinicians=not has_clinicians,
        duplicates=duplicates,
        zone=current_app.config.get("CLINIC_TIMEZONE"),
    )


@bp.get("/screenings/<public_id>/invitation")
@staff_only(*INVITERS)
def invitation_letter(public_id: str):  # type: ignore[no-untyped-def]
    """The letter to print: the link, QR code and code, in the patient's language."""
    screening = screening_or_404(public_id)
    issued = invitation_service.issued_link(screening, current_app.config["SECRET_KEY"])
    if issued is None or not invitation_service.is_open(screening, datetime.now(UTC)):
        flash(_("This link can no longer be shown. Reissue it to print a new letter."), "error")
        return redirect(url_for("staff.screening_detail", public_id=public_id))
    audit.record_and_commit(
        "view_invitation_letter",
        actor=current_user.email,
        screening_public_id=public_id,
        ip=client_ip(),
    )
    link = messages.patient_link_url(issued.token)
    with force_locale(messages.patient_locale(screening)):
        wording = messages.invitation_wording(screening, resume_url=messages.resume_url())
    return render_template(
        "staff/invitation_link.html",
        screening=screening,
        issued=issued,
        link=link,
        qr=qr_data_uri(link),
        wording=wording,
        letter_lang=messages.patient_locale(screening),
        action_form=ActionForm(),
    )


@bp.post("/screenings/<public_id>/invitation/email")
@staff_only(*INVITERS)
def email_invitation(public_id: str) -> Response:
    screening = screening_or_404(public_id)
    if ActionForm().validate_on_submit():
        try:
            invitation_service.email_again(
                screening,
                actor=current_user.email,
                secret_key=current_app.config["SECRET_KEY"],
                ip=client_ip(),
            )
        except invitation_service.InvitationError as error:
            flash(str(error), "error")
        else:
            flash(_("The invitation is on its way to %(email)s.", email=screening.invited_email))
    return redirect(url_for("staff.screening_detail", public_id=public_id))


def _show_stored(form: EditInvitationForm, screening: Screening) -> None:
    """Fill Edit invitation with what is stored now, and note which version that is (over a
    post's typed values too: a field shows what it was posted with until that is cleared)."""
    assert screening.appointment_at is not None
    for field in form:
        if field.type != "CSRFTokenField":
            field.raw_data = None
    form.first_name.data = screening.patient_first_name
    form.last_name.data = screening.patient_last_name
    form.date_of_birth.data = screening.invited_date_of_birth
    local = screening.appointment_at.astimezone(clinic_zone())
    form.appointment_date.data = local.date()
    form.appointment_time.data = local.time().replace(tzinfo=None)
    form.clinician_id.data = screening.clinician_id
    form.phone.data = screening.invited_phone
    form.email.data = screening.invited_email
    form.locale.data = screening.invited_locale or "en"
    form.loaded.data = invitation_service.invitation_version(screening)


@bp.route("/screenings/<public_id>/invitation/edit", methods=["GET", "POST"])
@staff_only(*INVITERS)
def edit_invitation(public_id: str):  # type: ignore[no-untyped-def]
    screening = screening_or_404(public_id)
    if not invitation_service.can_edit(screening):
        flash(_("This screening is already sent; its invitation cannot change."), "error")
        return redirect(url_for("staff.screening_detail", public_id=public_id))
    form = EditInvitationForm()
    form.stored_appointment_at = screening.appointment_at
    form.stored_date_of_birth = screening.invited_date_of_birth
    _clinician_choices(form)
    if not form.is_submitted():
        _show_stored(form, screening)
    elif form.loaded.data and form.loaded.data != invitation_service.invitation_version(screening):
        # Opened before a colleague changed it: applying every field of this older page would
        # undo their change (a corrected date of birth would lock the patient out again).
        _show_stored(form, screening)
        form.form_errors.append(
            _(
                "Someone changed this invitation after you opened this page, so nothing was "
                "saved. It now shows what is stored: make your change again and save."
            )
        )
    elif form.validate_on_submit():
        assert form.appointment_date.data and form.appointment_time.data
        assert form.date_of_birth.data
        try:
            changed = invitation_service.edit_invitation(
                screening,
                invitation_service.InvitationChanges(
                    patient=invitation_service.PatientDetails(
                        first_name=form.first_name.data or "",
                        last_name=form.last_name.data or "",
                        date_of_birth=form.date_of_birth.data,
                    ),
                    appointment_at=invitation_service.appointment_to_utc(
                        form.appointment_date.data, form.appointment_time.data, clinic_zone()
                    ),
                    clinician_id=form.clinician_id.data or 0,
                    phone=form.phone.data or "",
                    email=form.email.data,
                    locale=form.locale.data,
                ),
                actor=current_user.email,
                secret_key=current_app.config["SECRET_KEY"],
                expiry_days=_config_int("INVITATION_EXPIRY_DAYS"),
                ip=client_ip(),
            )
        except invitation_service.InvitedNameMissing as error:
            form.first_name.errors = [str(error)]
        except invitation_service.InvitationError as error:
            form.appointment_date.errors = [str(error)]
        else:
            _flash_edited(screening, changed)
            return redirect(url_for("staff.screening_detail", public_id=public_id))
    audit.record_and_commit(
        "view_invitation_edit",
        actor=current_user.email,
        screening_public_id=public_id,
        ip=client_ip(),
    )
    _explain_clinician_gone(form)
    return render_template(
        "staff/invitation_edit.html",
        form=form,
        screening=screening,
        zone=current_app.config.get("CLINIC_TIMEZONE"),
        clinician_hint=_former_clinician_hint(screening),
    )


def _flash_edited(screening: Screening, changed: list[str]) -> None:
    """What the edit did, and what it means for the patient at their link."""
    if not changed:
        flash(_("Nothing changed."), "success")
        return
    now = datetime.now(UTC)
    message = _("Invitation updated. The link and code stay the same.")
    if "date_of_birth" in changed:
        if invitation_service.is_open(screening, now):
            message += " " + _(
                "The link now asks for the corrected date of birth, and any wrong tries "
                "are cleared. The patient can try again now."
            )
        else:
            message += " " + _(
                "The date of birth is corrected, but this link no longer works: reissue it to "
                "let the patient in."
            )
    flash(message, "success")
    if {"name", "date_of_birth"} & set(changed):
        others = invitation_service.other_open_invitations(screening, now)
        if others:
            flash(
                _(
                    "Another open invitation has the same name, date of birth and appointment "
                    "day. Revoke the one that is not needed, so the patient gets one link."
                ),
                "warning",
            )


@bp.post("/screenings/<public_id>/revoke")
@staff_only(*INVITERS)
def revoke_invitation(public_id: str) -> Response | str:
    """Asked first: one mis-tap would cut a patient off from their form."""
    screening = screening_or_404(public_id)
    form = ConfirmForm()
    page = url_for("staff.screening_detail", public_id=public_id)
    if not form.validate_on_submit():
        return redirect(page)
    if not invitation_service.can_revoke(screening):
        # The service's own refusal, said before anyone is asked to confirm it.
        flash(invitation_service.revoke_refused(), "error")
        return redirect(page)
    if screening.revoked_at is not None:
        flash(_("This link is already revoked; nothing changed."))
        return redirect(page)
    if not form.confirmed:
        return confirmation_page(_revoke_confirmation(screening))
    try:
        invitation_service.revoke(screening, actor=current_user.email, ip=client_ip())
    except invitation_service.InvitationError as error:
        flash(str(error), "error")
    else:
        flash(
            _("The private link no longer works. Reissue it to send a new one.")
            if reissue_offered(screening)
            else _("The private link no longer works."),
            "success",
        )
    return redirect(page)


def _revoke_confirmation(screening: Screening) -> Confirmation:
    """Whose link it is (the name, then the date of birth and appointment to tell two patients
    of one name apart), and what revoking does to it."""
    name = " ".join(
        part for part in (screening.patient_first_name, screening.patient_last_name) if part
    )
    facts: list[tuple[str, str]] = []
    born = shown_birth_date(screening, clinical=current_user.sees_clinical)
    if born is not None:
        facts.append((_("Date of birth"), clinic_date(born)))
    facts.append(
        (_("Appointment"), clinic_datetime(screening.appointment_at) or _("None (self-started)"))
    )
    consequence = _(
        "The link and code stop working at once: the patient can no longer open or finish the "
        "form. Their answers so far are kept."
    )
    if screening.invited_email:
        consequence += " " + _("No more reminders are sent.")
    if reissue_offered(screening):
        consequence += " " + _("To let them in again, reissue a new link and code.")
    else:
        consequence += " " + _(
            "It cannot be reissued (there is no date of birth to protect a new link): the "
            "patient would have to start a new form."
        )
    return Confirmation(
        title=_("Revoke the private link?"),
        question=_("Revoke the private link for %(name)s?", name=name)
        if name
        else _("Revoke the private link of this screening? The patient has not given a name."),
        consequence=consequence,
        yes=_("Yes, revoke the link"),
        action=url_for("staff.revoke_invitation", public_id=screening.public_id),
        cancel=url_for("staff.screening_detail", public_id=screening.public_id),
        facts=tuple(facts),
    )


@bp.post("/screenings/<public_id>/reissue")
@staff_only(*INVITERS)
def reissue_invitation(public_id: str) -> Response:
    screening = screening_or_404(public_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        if reissue_offered(screening):
            # Back in its form as posted (the reason chosen, the details typed), each error
            # beside its field.
            return detail_page(screening, reissue_form_posted=form)
        # The page no longer offers a reissue (the patient sent the form meanwhile): why not.
        if not invitation_service.can_reissue(screening):
            flash(_("This screening is already submitted; it needs no new link."), "error")
            return redirect(url_for("staff.screening_detail", public_id=public_id))
        return refused_without_form(form, url_for("staff.screening_detail", public_id=public_id))
    try:
        invitation_service.reissue(
            screening,
            actor=current_user.email,
            secret_key=current_app.config["SECRET_KEY"],
            expiry_days=_config_int("INVITATION_EXPIRY_DAYS"),
            reason=form.reissue_reason.data or "",
            note=form.reissue_note.data,
            ip=client_ip(),
        )
    except invitation_service.InvitationError as error:
        flash(_(str(error)), "error")
        return redirect(url_for("staff.screening_detail", public_id=public_id))
    flash(_("New link and code made. The old ones no longer work."), "success")
    return redirect(url_for("staff.invitation_letter", public_id=public_id))
