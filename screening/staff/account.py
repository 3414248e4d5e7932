"""Your account: change your password, set up two-factor sign-in, get new recovery codes.

Two things come before every other staff page (`require_account_setup`): an account made by an
admin must replace its temporary password, and a role named in STAFF_MFA_REQUIRED must set up
two-factor sign-in. Until then only these pages and signing out open.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from screening.routes import staff_only
from screening.services import staff as staff_service
from screening.services import two_factor as two_factor_service
from screening.staff.access import client_ip, current_staff_user
from screening.staff.blueprint import bp
from screening.staff.forms import ChangePasswordForm, PasswordConfirmForm, TwoFactorSetupForm

# The secret being set up lives in the signed session until the person proves their app works.
PENDING_SECRET = "pending_totp_secret"  # noqa: S105 (a session key name)
# Pages open while the account still has something to set up (the password comes first).
ALWAYS_OPEN = frozenset({"staff.logout", "staff.login", "staff.second_step"})


@bp.before_request
def require_account_setup() -> Response | None:
    """Send a signed-in member to what they must set up first, from any other staff page."""
    if not current_user.is_authenticated or request.endpoint in ALWAYS_OPEN:
        return None
    if current_user.must_change_password:
        if request.endpoint != "staff.change_password":
            return redirect(url_for("staff.change_password"))
    elif current_user.needs_two_factor_setup and request.endpoint != "staff.two_factor":
        return redirect(url_for("staff.two_factor"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@staff_only()
def change_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            staff_service.change_password(
                current_staff_user(),
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                repeated=form.repeat_password.data or "",
                session_token=current_user.get_id(),
                ip=client_ip(),
            )
        except staff_service.AccountError as error:
            # Under the field the message is about (a wrong current password under that one).
            getattr(form, error.field or "new_password").errors = [_(str(error))]
        else:
            flash(
                _("Your password is changed. Other devices signed in as you are signed out."),
                "success",
            )
            return redirect(url_for("staff.queue"))
    return render_template(
        "staff/account_password.html",
        form=form,
        first_time=current_user.must_change_password,
        min_length=staff_service.PASSWORD_MIN_LENGTH,
    )


def _setup_page(form: TwoFactorSetupForm, secret: str):  # type: ignore[no-untyped-def]
    import segno

    uri = two_factor_service.provisioning_uri(secret, current_user.email)
    return render_template(
        "staff/two_factor_setup.html",
        form=form,
        secret=secret,
        qr=segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        required=current_user.needs_two_factor_setup,
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@staff_only()
def two_factor():  # type: ignore[no-untyped-def]
    user = current_staff_user()
    if two_factor_service.is_enabled(user):
        return render_template(
            "staff/two_factor_status.html",
            left=two_factor_service.unused_recovery_codes(user),
            form=PasswordConfirmForm(),
            may_turn_off=not _required_for(user.role),
        )
    form = TwoFactorSetupForm()
    # The same key until it is confirmed, so reloading the page does not undo a scan.
    secret = two_factor_service.open_pending(user, session.get(PENDING_SECRET))
    if secret is None:
        secret = two_factor_service.new_secret()
        session[PENDING_SECRET] = two_factor_service.seal_pending(user, secret)
    if form.validate_on_submit():
        codes = two_factor_service.enable(user, secret, form.code.data or "", ip=client_ip())
        if codes is not None:
            session.pop(PENDING_SECRET, None)
            return render_template("staff/recovery_codes.html", codes=codes, new=True)
        form.code.errors = [
            _("That code does not match. Check the app's clock is right and try the new code.")
        ]
    return _setup_page(form, secret)


def _required_for(role: str) -> bool:
    return role in two_factor_service.required_roles(current_app.config.get("STAFF_MFA_REQUIRED"))


def _password_ok(form: PasswordConfirmForm) -> bool:
    user = current_staff_user()
    if not form.validate_on_submit():
        return False
    password = (form.password.data or "")[: staff_service.PASSWORD_MAX_LENGTH]
    if not check_password_hash(user.password_hash, password):
        flash(_("That password is not right."), "error")
        return False
    return True


@bp.post("/account/two-factor/recovery-codes")
@staff_only()
def new_recovery_codes() -> Response | str:
    form = PasswordConfirmForm()
    user = current_staff_user()
    if not two_factor_service.is_enabled(user) or not _password_ok(form):
        return redirect(url_for("staff.two_factor"))
    codes = two_factor_service.new_recovery_codes(user, ip=client_ip())
    return render_template("staff/recovery_codes.html", codes=codes, new=False)


@bp.post("/account/two-factor/off")
@staff_only()
def turn_off_two_factor() -> Response:
    form = PasswordConfirmForm()
    user = current_staff_user()
    if _required_for(user.role):
        flash(_("Your role must use two-step sign-in; it cannot be turned off."), "error")
    elif two_factor_service.is_enabled(user) and _password_ok(form):
        two_factor_service.disable(user, actor=user.email, ip=client_ip())
        flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("staff.two_factor"))
