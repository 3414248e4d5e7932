"""Sign-in and sign-out.

Sign-in is rate-limited per address (10 a minute, 50 an hour) and per typed email (5 a minute),
answers every failure with the same words, starts a fresh session (the old cookie's contents are
dropped, so a planted session id is worthless), and only follows `next` to a page of the staff
portal. Sign-out is a POST with a CSRF token, and revokes the session on the server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from screening.extensions import limiter
from screening.questionnaire.model import N_
from screening.routes import public, staff_only
from screening.services import staff as staff_service
from screening.staff.access import client_ip, signed_in_staff
from screening.staff.blueprint import bp
from screening.staff.forms import ActionForm, SignInForm

SIGN_IN_FAILED = N_("Email or password is not right.")  # translated when shown


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path inside the staff portal, else None (no open redirects).

    Accepts only relative paths under /staff/: no scheme, no host, no `//` or backslash
    tricks that browsers would read as another site.
    """
    if not target or len(target) > 500:
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.startswith("/staff/") or parts.path.startswith("//"):
        return None
    if "/../" in parts.path or parts.path.endswith("/.."):
        return None
    return target


def _submitted_email() -> str:
    """The rate-limit key for the per-account limit: the email typed, normalised."""
    email = staff_service.normalise_email(request.form.get("email", ""))[:254]
    return "staff-sign-in:" + email


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("5/minute", methods=["POST"], key_func=_submitted_email)
@public
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    failed = False
    if form.validate_on_submit():
        user = staff_service.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            staff_service.record_failed_sign_in(form.email.data or "", ip=client_ip())
            failed = True
        else:
            token = staff_service.start_session(user, ip=client_ip())
            # A fresh session: nothing from before sign-in survives into it.
            session.clear()
            principal = signed_in_staff(token)
            if principal is not None:
                login_user(principal)
                return redirect(safe_next(form.next.data) or url_for("staff.queue"))
            failed = True
    if failed:
        form.password.data = ""
    return render_template("staff/login.html", form=form, failed=failed, message=_(SIGN_IN_FAILED))


@bp.post("/logout")
@staff_only()
def logout() -> Response:
    form = ActionForm()
    if form.validate_on_submit():
        staff_service.end_session(current_user.get_id(), ip=client_ip())
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
    return redirect(url_for("staff.login"))
