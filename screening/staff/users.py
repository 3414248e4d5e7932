"""Admin: staff accounts. Create one, deactivate (ending its sessions) or reactivate it
(another role for it: screening.staff.role_change).

An admin never chooses anyone's password (issue 16): a new account, or a reset, gets a random
temporary password shown once, which its owner must replace at first sign-in. Every account
change is listed on the page, so each admin sees what the others did.

The temporary password's page is reached by a redirect. Answered straight from the POST, a
reload of it (F5, a phone bringing a tab back) asked to send the form again, and sending it
made another password, so the one already given stopped working. The password now waits in the
admin's session, sealed for that admin, that account and its password as stored now (so it no
longer opens once the owner has chosen their own, or after a newer reset), until the admin
presses Done, and for TEMPORARY_PASSWORD_SHOWN_FOR at most.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from screening.extensions import db
from screening.models import StaffRole, StaffUser
from screening.routes import staff_only
from screening.services import audit, session_seals
from screening.services import staff as staff_service
from screening.staff import hand_over
from screening.staff.access import client_ip
from screening.staff.blueprint import bp
from screening.staff.confirm import Confirmation, confirmation_page
from screening.staff.forms import (
    ActionForm,
    ChangeRoleForm,
    ConfirmForm,
    DeactivateForm,
    NewUserForm,
)

# The largest id a database row can have (a signed 64-bit integer): a longer number in the
# address is a 404, not an overflow in the database driver.
MAX_ROW_ID = 2**63 - 1

ADMIN = StaffRole.ADMIN
CLINICIAN = StaffRole.CLINICIAN
FRONT_DESK = StaffRole.FRONT_DESK

SESSION_TEMPORARY_PASSWORD = "temporary_password"  # noqa: S105 - a session key, not a password
TEMPORARY_PASSWORD_PURPOSE = "temporary-password"  # noqa: S105 - a sealing purpose
TEMPORARY_PASSWORD_SHOWN_FOR = 15 * 60  # seconds


def _users_page(form: NewUserForm):  # type: ignore[no-untyped-def]
    users = staff_service.all_users()
    return render_template(
        "staff/users.html",
        users=users,
        temporary_passwords={
            user.id: staff_service.temporary_password_state(user) for user in users
        },
        form=form,
        action_form=ActionForm(),
        role_labels=staff_service.ROLE_LABELS,
        role_choices=ChangeRoleForm(formdata=None).role.choices,
        changes=audit.recent_account_changes(),
    )


@bp.get("/users")
@staff_only(ADMIN)
def users():  # type: ignore[no-untyped-def]
    return _users_page(NewUserForm())


@bp.post("/users")
@staff_only(ADMIN)
def create_user():  # type: ignore[no-untyped-def]
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, password = staff_service.create_user_with_temporary_password(
                form.email.data or "",
                role=form.role.data or "",
                display_name=form.display_name.data,
                actor=current_user.email,
                ip=client_ip(),
            )
        except staff_service.AccountError as error:
            form.email.errors = [_(str(error))]
        else:
            return _show_temporary_password(user, password, reset=False)
    return _users_page(form)


def _sealed_for(user: StaffUser) -> str:
    """What the kept password is bound to: this admin, the account, and its password as
    stored now (the owner's own password, or a newer reset, changes it)."""
    return f"admin:{current_user.user_id}:staff:{user.id}:{user.password_hash}"


def _kept_passwords() -> dict[str, Any]:
    """The temporary passwords waiting for their pages, by account id, the too old left out.
    One per account: a page for one never touches another's (two tabs, two resets)."""
    kept = session.get(SESSION_TEMPORARY_PASSWORD)
    if not isinstance(kept, dict):
        return {}
    now = time.time()
    return {
        user_id: entry
        for user_id, entry in kept.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("at"), int)
        and 0 <= now - entry["at"] <= TEMPORARY_PASSWORD_SHOWN_FOR
    }


def _show_temporary_password(user: StaffUser, password: str, *, reset: bool) -> Response:
    """Keep the new password (sealed) for its page, and go there (see the module's note)."""
    kept = _kept_passwords()
    kept[str(user.id)] = {
        "reset": reset,
        "at": int(time.time()),
        "sealed": session_seals.seal(
            password, purpose=TEMPORARY_PASSWORD_PURPOSE, bound_to=_sealed_for(user)
        ),
    }
    session[SESSION_TEMPORARY_PASSWORD] = kept
    return redirect(url_for("staff.temporary_password", user_id=user.id), code=303)


def _forget_password(user: StaffUser) -> None:
    kept = _kept_passwords()
    kept.pop(str(user.id), None)
    if kept:
        session[SESSION_TEMPORARY_PASSWORD] = kept
    else:
        session.pop(SESSION_TEMPORARY_PASSWORD, None)


def _kept_password(user: StaffUser) -> tuple[str, bool] | None:
    """The password kept for this account's page, and whether it was a reset; None when
    there is none, Done was pressed, it is too old, or it is no longer the account's."""
    entry = _kept_passwords().get(str(user.id))
    if entry is None:
        return None
    password = session_seals.unseal(
        entry.get("sealed"), purpose=TEMPORARY_PASSWORD_PURPOSE, bound_to=_sealed_for(user)
    )
    return (password, bool(entry.get("reset"))) if password is not None else None


@bp.get(f"/users/<int(max={MAX_ROW_ID}):user_id>/temporary-password")
@staff_only(ADMIN)
def temporary_password(user_id: int) -> Response:
    user = user_or_404(user_id)
    kept = _kept_password(user)
    if kept is None:
        _forget_password(user)
        if not user.must_change_password:
            flash(
                _(
                    "%(email)s has chosen their own password: the temporary one no longer "
                    "works, and they need nothing new.",
                    email=user.email,
                )
            )
        else:
            flash(
                _(
                    "The temporary password for %(email)s is no longer shown here. If it did "
                    "not reach them, give them a new one.",
                    email=user.email,
                ),
                "error",
            )
        return redirect(url_for("staff.users"))
    password, reset = kept
    response = make_response(
        render_template(
            "staff/user_created.html",
            user=user,
            password=password,
            reset=reset,
            days=staff_service.temporary_password_days(),
            temporary=staff_service.temporary_password_state(user),
            role_labels=staff_service.ROLE_LABELS,
            shown_minutes=TEMPORARY_PASSWORD_SHOWN_FOR // 60,
            done=ActionForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/temporary-password/done")
@staff_only(ADMIN)
def temporary_password_done(user_id: int) -> Response:
    """Done: this account's password leaves the session at once (a form: CSRF-checked)."""
    user = user_or_404(user_id)
    if ActionForm().validate_on_submit():
        _forget_password(user)
    return redirect(url_for("staff.users"))


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/reset-password")
@staff_only(ADMIN)
def reset_password(user_id: int) -> Response | str:
    """A new temporary password for someone who lost theirs (audited, shown to every admin).
    Asked first (its old password stops working and it is signed out everywhere)."""
    user = user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("staff.users"))
    if user.id == current_user.user_id:
        flash(_("Change your own password from your account page."), "error")
        return redirect(url_for("staff.users"))
    if not user.active:
        flash(
            _(
                "%(email)s is deactivated: reactivate the account before giving it a new "
                "password; nothing changed.",
                email=user.email,
            ),
            "error",
        )
        return redirect(url_for("staff.users"))
    if not form.confirmed:
        return confirmation_page(
            Confirmation(
                title=_("Give a new temporary password?"),
                question=_("Give %(who)s a new temporary password?", who=who(user)),
                consequence=_(
                    "Their current password stops working at once and they are signed out "
                    "everywhere. The next page shows the temporary password once: give it to "
                    "them privately. They must choose their own password when they next sign in."
                ),
                yes=_("Yes, give a new temporary password"),
                action=url_for("staff.reset_password", user_id=user.id),
                cancel=url_for("staff.users"),
                facts=_account_facts(user),
                danger=False,
            )
        )
    password = staff_service.reset_password(user, actor=current_user.email, ip=client_ip())
    return _show_temporary_password(user, password, reset=True)


def user_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def who(user: StaffUser) -> str:
    """A colleague as a confirmation names them: the name and the email, which tells two
    people of one name apart (the email alone when no name was given)."""
    if user.display_name:
        return f"{user.display_name} ({user.email})"
    return user.email


def _account_facts(user: StaffUser) -> tuple[tuple[str, str], ...]:
    """Beside the name and email the question gives: the account's role."""
    return ((_("Role"), _(staff_service.ROLE_LABELS.get(user.role, user.role))),)


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/deactivate")
@staff_only(ADMIN)
def deactivate_user(user_id: int) -> Response | str:
    """Asked first: one mis-tap would lock a colleague out in the middle of their work."""
    user = user_or_404(user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        named = hand_over.named_by_open_invitations(user, stops_being_clinician=True)
        if user.id == current_user.user_id:
            flash(_("You cannot deactivate your own account."), "error")
        elif not user.active:
            flash(_("%(email)s is already deactivated; nothing changed.", email=user.email))
        elif not form.confirmed:
            return confirmation_page(
                Confirmation(
                    title=_("Deactivate an account?"),
                    question=_("Deactivate %(who)s?", who=who(user)),
                    consequence=" ".join(
                        part
                        for part in (
                            _(
                                "They will be signed out at once and cannot sign in until an "
                                "admin reactivates them."
                            ),
                            hand_over.words(user, named),
                        )
                        if part
                    ),
                    yes=_("Yes, deactivate"),
                    action=url_for("staff.deactivate_user", user_id=user.id),
                    cancel=url_for("staff.users"),
                    facts=_account_facts(user),
                    choice=hand_over.choice(user, named),
                )
            )
        else:
            successor = hand_over.chosen(form.hand_over_to.data)
            try:
                staff_service.set_active(
                    user, False, actor=current_user.email, ip=client_ip(), hand_over_to=successor
                )
            except staff_service.AccountError as error:  # the last active admin, meanwhile
                flash(str(error), "error")
            else:
                hand_over.say_done(
                    _("%(email)s can no longer sign in.", email=user.email), successor, named
                )
    return redirect(url_for("staff.users"))


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/reactivate")
@staff_only(ADMIN)
def reactivate_user(user_id: int) -> Response:
    user = user_or_404(user_id)
    if ActionForm().validate_on_submit():
        staff_service.set_active(user, True, actor=current_user.email, ip=client_ip())
        flash(_("%(email)s can sign in again.", email=user.email), "success")
    return redirect(url_for("staff.users"))
