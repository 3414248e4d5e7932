"""Sign-in and sign-out.

Sign-in is rate-limited per address (10 a minute, 50 an hour) and throttled with growing waits
per account and per address (see `sign_in_throttle`; a browser the account signed in from
before skips the account's wait, so an attacker cannot lock its owner out), answers every
failure with the same words (a right temporary password that has expired is told so, since
only its holder can type it), starts a fresh session (the old cookie's contents are
dropped, so a planted session id is worthless), and only follows `next` to a page of the staff
portal. Sign-out is a POST with a CSRF token, and revokes the session on the server.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from screening.extensions import db, limiter
from screening.models import StaffUser
from screening.questionnaire.model import N_
from screening.routes import public, staff_only
from screening.services import sign_in_throttle, two_factor
from screening.services import staff as staff_service
from screening.staff.access import client_ip, signed_in_staff
from screening.staff.blueprint import bp
from screening.staff.forms import ActionForm, SecondStepForm, SignInForm

SIGN_IN_FAILED = N_("Email or password is not right.")  # translated when shown
NOT_SENT_WHILE_SIGNED_OUT = N_(
    "What you sent while you were signed out was not saved. Please do it again."
)
TEMPORARY_PASSWORD_EXPIRED = N_(
    "This temporary password has expired. Ask an administrator for a new one."
)


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


def landing_page(target: str | None) -> tuple[str, bool]:
    """Where sign-in leads for a safe `next` (see `safe_next`), and whether what the member
    was sending when they were signed out was lost.

    `next` is the page that asked for sign-in; when that was a form's POST (a red-flag note
    typed while the session ran out), following it would GET a POST-only address ("405 Not
    allowed"). Such a target leads to its screening's page for /staff/screenings/<id>/...,
    else to the queue; an address that matches no page leads to the queue too.
    """
    queue = url_for("staff.queue")
    if not target:
        return queue, False
    parts = urlsplit(target)
    path, query = parts.path, parts.query
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET", query_args=query)
    except RequestRedirect:
        return target, False  # a slash added: the page is there
    except MethodNotAllowed:
        try:
            endpoint, values = adapter.match(path, method="POST")
        except HTTPException:
            return queue, True
        if endpoint == "staff.logout":
            return queue, False  # nothing to do again
        public_id = values.get("public_id")
        if isinstance(public_id, str):
            page = url_for("staff.screening_detail", public_id=public_id)
            return page + ("#red-flags" if endpoint == "staff.acknowledge" else ""), True
        return queue, True
    except HTTPException:
        return queue, False
    return target, False


KNOWN_DEVICE_COOKIE = "staff_device"
KNOWN_DEVICE_DAYS = 90


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="staff-known-device")


def _known_device_ids() -> list[int]:
    """Accounts that signed in from this browser before (their waits do not apply here)."""
    cookie = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not cookie or len(cookie) > 500:
        return []
    try:
        value = _device_serializer().loads(cookie, max_age=KNOWN_DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return list(sign_in_throttle.known_device_ids(value))


def _remember_device(response: Response, user_id: int) -> Response:
    ids = [user_id] + [known for known in _known_device_ids() if known != user_id]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        _device_serializer().dumps(ids[:10]),
        max_age=KNOWN_DEVICE_DAYS * 86400,
        path="/staff",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


def _seconds_to_wait(email: str) -> int:
    """The sign-in throttle's wait for this try (0 when throttling is off, as in most tests)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return 0
    account = staff_service.user_by_email(email)
    return sign_in_throttle.seconds_to_wait(
        account.email if account else None,
        client_ip(),
        unknown_detail=None if account else staff_service.unknown_email_detail(email),
        known_device=account is not None and account.id in _known_device_ids(),
    )


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = -(-seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def _too_many_tries(wait: int) -> str:
    return _("Too many tries. Please wait %(wait)s, then try again.", wait=_wait_words(wait))


def _held(page: str, wait: int) -> Response:
    """A sign-in step refused while its wait runs: 429, saying when to try again."""
    return make_response(page, 429, {"Retry-After": str(wait)})


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@public
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    failed = False
    if form.validate_on_submit():
        wait = _seconds_to_wait(form.email.data or "")
        if wait:
            # Refused before the password is checked, and not counted as a failure.
            form.password.data = ""
            page = render_template(
                "staff/login.html", form=form, failed=True, message=_too_many_tries(wait)
            )
            return _held(page, wait)
        user = staff_service.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            staff_service.record_failed_sign_in(form.email.data or "", ip=client_ip())
            failed = True
        elif staff_service.temporary_password_expired(user):
            staff_service.refuse_expired_temporary_password(user, ip=client_ip())
            return _expired_temporary_password_page(form)
        elif two_factor.is_enabled(user):
            # The password was right; the second step decides. Nothing else survives into it.
            session.clear()
            session[PENDING_SECOND_STEP] = {
                "user": user.id,
                # To the microsecond: wrong codes are counted from this moment (audit trail).
                "at": time.time(),
                "next": safe_next(form.next.data) or "",
            }
            return redirect(url_for("staff.second_step"))
        else:
            response = _finish_sign_in(user, safe_next(form.next.data))
            if response is not None:
                return response
            failed = True
    if failed:
        form.password.data = ""
    return render_template("staff/login.html", form=form, failed=failed, message=_(SIGN_IN_FAILED))


def _expired_temporary_password_page(form: SignInForm) -> str:
    """The sign-in page saying the (right) temporary password has expired: only its holder
    can type it, so saying why tells nobody anything new, and tells them what to do."""
    form.password.data = ""
    days = staff_service.temporary_password_days()
    hint = ngettext(
        "A temporary password works for %(num)d day. Once you sign in with it, you choose "
        "your own.",
        "A temporary password works for %(num)d days. Once you sign in with it, you choose "
        "your own.",
        days,
    )
    message = _(TEMPORARY_PASSWORD_EXPIRED)
    return render_template("staff/login.html", form=form, failed=True, message=message, hint=hint)


PENDING_SECOND_STEP = "pending_second_step"
SECOND_STEP_SECONDS = 300
SECOND_STEP_TRIES = 5


def _finish_sign_in(user: StaffUser, next_url: str | None) -> Response | None:
    """Open the server-side session and sign the browser in; None if that did not work."""
    token = staff_service.start_session(user, ip=client_ip())
    # A fresh session: nothing from before sign-in survives into it.
    session.clear()
    principal = signed_in_staff(token)
    if principal is None:
        return None
    login_user(principal)
    page, lost = landing_page(next_url)
    if lost:
        flash(_(NOT_SENT_WHILE_SIGNED_OUT), "info")
    return _remember_device(redirect(page), user.id)


def _pending_user() -> tuple[StaffUser, datetime] | None:
    """The account whose password was just accepted, and when, while its second step is
    still open."""
    pending = session.get(PENDING_SECOND_STEP)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if (
        not isinstance(started, int | float)
        or isinstance(started, bool)
        or time.time() - started > SECOND_STEP_SECONDS
    ):
        session.pop(PENDING_SECOND_STEP, None)
        return None
    user = db.session.get(StaffUser, pending.get("user"))
    if user is None or not user.active or not two_factor.is_enabled(user):
        return None
    return user, datetime.fromtimestamp(started, UTC)


def _too_many_wrong_codes(user: StaffUser, password_accepted_at: datetime) -> bool:
    """SECOND_STEP_TRIES wrong codes since the password was accepted: that sign-in is over,
    whatever cookie the browser sends (the count is the audit trail's)."""
    wrong = sign_in_throttle.second_step_failures(user.email, since=password_accepted_at)
    return wrong >= SECOND_STEP_TRIES


def _sign_in_again_after_wrong_codes() -> Response:
    session.pop(PENDING_SECOND_STEP, None)
    flash(_("Too many wrong codes. Please sign in again."), "error")
    return redirect(url_for("staff.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@public
def second_step():  # type: ignore[no-untyped-def]
    """Sign-in's second step: the authenticator app's code, or one recovery code."""
    pending = _pending_user()
    if pending is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("staff.login"))
    user, password_accepted_at = pending
    if _too_many_wrong_codes(user, password_accepted_at):
        return _sign_in_again_after_wrong_codes()
    form = SecondStepForm()
    if form.validate_on_submit():
        wait = _seconds_to_wait(user.email)
        if wait:
            # The account's (or address's) wait holds here too, before the code is checked.
            form.code.data = ""
            form.code.errors = [_too_many_tries(wait)]
            return _held(render_template("staff/second_step.html", form=form), wait)
        used = two_factor.verify(user, form.code.data or "")
        if used is not None:
            next_url = session.get(PENDING_SECOND_STEP, {}).get("next") or None
            response = _finish_sign_in(user, safe_next(next_url))
            if response is not None:
                if used == "recovery":
                    flash(
                        _(
                            "You signed in with a recovery code; it will not work again. "
                            "%(n)d are left.",
                            n=two_factor.unused_recovery_codes(user),
                        ),
                        "info",
                    )
                return response
        staff_service.record_failed_second_step(user, ip=client_ip())
        if _too_many_wrong_codes(user, password_accepted_at):
            return _sign_in_again_after_wrong_codes()
        form.code.errors = [_("That code is not right. Check the app and try again.")]
        form.code.data = ""
    return render_template("staff/second_step.html", form=form)


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
