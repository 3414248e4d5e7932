"""The staff blueprint object, its template helpers and its error pages.

Route modules (auth, queue, detail, invitations, users, audit_views) register on `bp`;
`screening.staff.views` imports them all, so importing that module yields a complete blueprint.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from screening.routes import access_for
from screening.services.screenings import clinic_zone
from screening.staff.access import configure_login_manager
from screening.staff.audit_labels import action_label

bp = Blueprint("staff", __name__, url_prefix="/staff")

TRIAGE_LABELS = {
    "emergency": "Emergency",
    "urgent": "Urgent",
    "review": "Review",
    "routine": "Routine",
}
STATUS_LABELS = {
    "invited": "Invited",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "reviewed": "Reviewed",
}


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    configure_login_manager()
    # Globals rather than a context processor, so imported macros see them too.
    state.app.jinja_env.globals.update(TRIAGE_LABELS=TRIAGE_LABELS, STATUS_LABELS=STATUS_LABELS)


@bp.before_app_request
def _load_staff_afresh() -> None:
    """Check the server-side session on every request, never a user cached on `g`.

    `g` normally dies with each request, but when an app context outlives requests (tests, CLI
    code calling views) Flask-Login would reuse the previous request's user and skip the
    revocation and timeout checks.
    """
    g.pop("_login_user", None)


@bp.app_template_filter("clinic_datetime")
def clinic_datetime(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC time as the clinic reads it, in the clinic's time zone."""
    if value is None:
        return ""
    return value.astimezone(clinic_zone()).strftime(fmt)


@bp.app_template_filter("duration")
def duration(value: timedelta | None) -> str:
    """A span of time as a clinician says it: "45 s", "12 min", "3 h 05 min", "2 d 4 h"."""
    if value is None:
        return "–"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return _("%(num)s s", num=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("%(num)s min", num=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)s h %(minutes)02d min", hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    return _("%(days)s d %(hours)s h", days=days, hours=hours)


@bp.app_template_filter("audit_action")
def audit_action(code: str) -> str:
    """An audit action code in words ("sign_in" -> "Signed in"), for the admin pages."""
    return action_label(code)


@bp.app_template_filter("clinic_date")
def clinic_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(clinic_zone()).date()
    return value.strftime("%d %b %Y")


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError) -> tuple[str, int] | Response:
    """A staff form posted without a valid CSRF token: usually a page left open too long.

    When the browser is signed out (the session was ended in another tab, or ran out), that
    is the reason, and it is said so: sign in again, back to where the form was (see
    auth.landing_page). The sign-in page's own forms keep the plain message.
    """
    access = access_for(current_app, request.endpoint or "")
    if access is not None and access.kind == "staff" and not current_user.is_authenticated:
        if request.endpoint == "staff.logout":
            flash(_("You are signed out."), "success")
            return redirect(url_for("staff.login"))
        flash(_("You were signed out, so the form was not sent. Sign in to continue."), "info")
        return redirect(url_for("staff.login", next=request.path))
    return (
        render_template(
            "errors/error.html",
            code=400,
            title=_("The form expired"),
            text=_(
                "This form was open too long or came from another page, so it was not sent. "
                "Please go back, reload the page and try again."
            ),
        ),
        400,
    )
