"""One screening: the summary (clinicians), the PDF, "mark reviewed" and the red-flag
acknowledgement; for front desk and admin, only where the screening stands and its link.

For an emergency or urgent screening, submitted or not, clinicians also see the red-flag panel:
the warning-sign answers, the patient's phone, each save, each alert and what was done.
Front desk sees only "call back: clinician needed".

Every view and download is audited. Screenings are found by their random public id only, so a
staff URL cannot be walked to another patient's data; unknown ids are a plain 404.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from screening.extensions import db
from screening.models import Screening, ScreeningStatus, StaffRole, StaffUser
from screening.routes import staff_only
from screening.services import audit, red_flags
from screening.services import invitations as invitation_service
from screening.services import queue as queue_service
from screening.services import screenings as screening_service
from screening.services.summaries import SummaryError, summary_for
from screening.staff.access import client_ip, current_staff_user
from screening.staff.blueprint import bp
from screening.staff.forms import (
    ActionForm,
    RedFlagActionForm,
    ReissueForm,
    ReviewForm,
    StaffForm,
)

CLINICAL = (StaffRole.CLINICIAN,)


def screening_or_404(public_id: str) -> Screening:
    screening = screening_service.find_by_public_id(public_id)
    if screening is None:
        abort(404)
    return screening


def link_state(screening: Screening) -> str:
    """Where the private link stands, in the words the front desk uses."""
    now = datetime.now(UTC)
    if screening.is_locked:
        return "finished"
    if screening.revoked_at is not None:
        return "revoked"
    if screening.locked_at is not None:
        return "locked"
    if screening.expires_at is not None and screening.expires_at <= now:
        return "expired"
    if screening_service.is_abandoned(screening, now):
        return "expired"
    return "active"


def _names(*user_ids: int | None) -> dict[int, str]:
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    users = db.session.scalars(db.select(StaffUser).where(StaffUser.id.in_(ids)))
    return {user.id: user.display_name or user.email for user in users}


def _summary(screening: Screening) -> dict | None:
    """The shared view model (same as the PDF), for a submitted screening."""
    if not screening.is_locked:
        return None
    try:
        return summary_for(screening)
    except SummaryError:
        return None


@bp.get("/screenings/<public_id>")
@staff_only()
def screening_detail(public_id: str):  # type: ignore[no-untyped-def]
    return detail_page(screening_or_404(public_id))


def reissue_offered(screening: Screening) -> bool:
    """The page offers "Reissue link and code" (front desk and admin): the screening is still
    being filled in, and a date of birth protects the new link."""
    return (
        current_user.role in (StaffRole.FRONT_DESK, StaffRole.ADMIN)
        and invitation_service.can_reissue(screening)
        and screening_service.expected_birth_date(screening) is not None
    )


def shown_birth_date(screening: Screening, clinical: bool) -> date | None:
    """The date of birth the page heads with, beside the name: the one the clinic entered
    (every role sees it), or for clinicians the one a self-starting patient typed."""
    if screening.invited_date_of_birth is not None:
        return screening.invited_date_of_birth
    if not clinical:
        return None
    typed = screening.answers.get("date_of_birth")
    try:
        return date.fromisoformat(typed) if isinstance(typed, str) else None
    except ValueError:
        return None


def detail_page(
    screening: Screening,
    *,
    red_flag_form_posted: RedFlagActionForm | None = None,
    review_form_posted: ReviewForm | None = None,
    reissue_form_posted: ReissueForm | None = None,
):  # type: ignore[no-untyped-def]
    """The screening's page, audited as a view. A form posted with something to fix comes
    back as it was typed, its errors beside it (status 422), so a note is never lost."""
    clinical = current_user.sees_clinical
    flagged = clinical and red_flags.is_flagged(screening)
    audit.record_and_commit(
        "view_screening",
        actor=current_user.email,
        screening_public_id=screening.public_id,
        ip=client_ip(),
        detail=None if clinical else "status only",
    )
    names = _names(
        screening.clinician_id,
        screening.invited_by_id,
        screening.reviewed_by_id,
        screening.flags_acknowledged_by_id,
    )
    page = render_template(
        "staff/detail.html",
        screening=screening,
        clinical=clinical,
        summary=_summary(screening) if clinical else None,
        names=names,
        link_state=link_state(screening),
        can_manage_link=current_user.role in (StaffRole.FRONT_DESK, StaffRole.ADMIN),
        can_reissue=invitation_service.can_reissue(screening)
        and screening_service.expected_birth_date(screening) is not None,
        reissue_needs_birth_date=invitation_service.can_reissue(screening)
        and screening_service.expected_birth_date(screening) is None,
        can_edit_invitation=invitation_service.can_edit(screening),
        can_revoke=invitation_service.can_revoke(screening),
        birth_date=shown_birth_date(screening, clinical),
        can_show_letter=invitation_service.is_open(screening, datetime.now(UTC))
        and screening.link_seed is not None,
        differences=invitation_service.details_differ(screening),
        has_pdf=clinical and screening.summary is not None,
        flagged=flagged,
        red_flag_panel=red_flags.panel(screening) if flagged else None,
        red_flag_form=red_flag_form_posted or red_flag_form(),
        callback_needed=red_flags.callback_needed(screening),
        review_form=review_form_posted or ReviewForm(),
        action_form=ActionForm(),
        reissue_form=reissue_form_posted or ReissueForm(),
    )
    posted = red_flag_form_posted or review_form_posted or reissue_form_posted
    return page, 422 if posted is not None else 200


def red_flag_form() -> RedFlagActionForm:
    form = RedFlagActionForm()
    form.outcome.choices = [(key, str(label)) for key, label in red_flags.OUTCOME_LABELS.items()]
    return form


def pdf_filename(screening: Screening) -> str:
    """A download name that says whose summary it is, reduced to safe ASCII characters."""
    day = (screening.submitted_at or datetime.now(UTC)).strftime("%Y-%m-%d")
    parts = [screening.patient_last_name or "", screening.patient_first_name or ""]
    plain = unicodedata.normalize("NFKD", " ".join(parts)).encode("ascii", "ignore").decode()
    name = "-".join(re.findall(r"[A-Za-z0-9]+", plain))[:60]
    return f"summary-{name}-{day}.pdf" if name else f"summary-{day}.pdf"


@bp.get("/screenings/<public_id>/summary.pdf")
@staff_only(*CLINICAL)
def summary_pdf(public_id: str) -> Response:
    screening = screening_or_404(public_id)
    if screening.summary is None:
        abort(404)
    audit.record_and_commit(
        "download_pdf",
        actor=current_user.email,
        screening_public_id=screening.public_id,
        ip=client_ip(),
    )
    response = make_response(screening.summary.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(screening)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/screenings/<public_id>/review")
@staff_only(*CLINICAL)
def review(public_id: str):  # type: ignore[no-untyped-def]
    screening = screening_or_404(public_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            queue_service.mark_reviewed(
                screening, reviewer=current_staff_user(), note=form.note.data, ip=client_ip()
            )
        except queue_service.ReviewError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Marked reviewed."), "success")
            return redirect(url_for("staff.screening_detail", public_id=public_id))
    # The page shows the review form only while the screening waits for review.
    if screening.status != ScreeningStatus.SUBMITTED:
        return refused_without_form(form, url_for("staff.screening_detail", public_id=public_id))
    return detail_page(screening, review_form_posted=form)


@bp.post("/screenings/<public_id>/acknowledge")
@staff_only(*CLINICAL)
def acknowledge(public_id: str):  # type: ignore[no-untyped-def]
    """Record what was done about the red flags (the first record acknowledges them)."""
    screening = screening_or_404(public_id)
    form = red_flag_form()
    if form.validate_on_submit():
        try:
            red_flags.record_action(
                screening,
                clinician=current_staff_user(),
                outcome=form.outcome.data,
                note=form.action_note.data,
                seen_level=form.seen_level.data,
                ip=client_ip(),
            )
        except red_flags.RedFlagError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Recorded. The red flags are acknowledged."), "success")
            return redirect(url_for("staff.screening_detail", public_id=public_id) + "#red-flags")
    # The page shows the red-flag form only while the screening is flagged.
    if not red_flags.is_flagged(screening):
        return refused_without_form(form, url_for("staff.screening_detail", public_id=public_id))
    return detail_page(screening, red_flag_form_posted=form)


def refused_without_form(form: StaffForm, page: str) -> Response:
    """A post the page can no longer show its form for (the screening moved on): its
    messages at the top of the page instead."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
    return redirect(page)
