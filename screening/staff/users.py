"""Admin: staff accounts. Create one, deactivate (ending its sessions) or reactivate it, or
give it another role (the account, its history and its two-step sign-in stay).

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
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from screening.extensions import db
from screening.models import StaffRole, StaffUser
from screening.routes import staff_only
from screening.services import audit, session_seals, two_factor
from screening.services import staff as staff_service
from screening.staff.access import client_ip
from screening.staff.blueprint import bp
from screening.staff.confirm import Confirmation, ConfirmationChoice, confirmation_page
from screening.staff.forms import ActionForm, ChangeRoleForm, ConfirmForm, NewUserForm

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


def _show_temporary_password(user: StaffUser, password: str, *, reset: bool) -> Response:
    """Keep the new password (sealed) for its page, and go there (see the module's note)."""
    session[SESSION_TEMPORARY_PASSWORD] = {
        "user_id": user.id,
        "reset": reset,
        "at": int(time.time()),
        "sealed": session_seals.seal(
            password, purpose=TEMPORARY_PASSWORD_PURPOSE, bound_to=_sealed_for(user)
        ),
    }
    return redirect(url_for("staff.temporary_password", user_id=user.id), code=303)


def _kept_password(user: StaffUser) -> tuple[str, bool] | None:
    """The password kept for this account's page, and whether it was a reset; None when
    there is none, it is another account's, Done was pressed, or it is too old."""
    kept: Any = session.get(SESSION_TEMPORARY_PASSWORD)
    if not isinstance(kept, dict) or kept.get("user_id") != user.id:
        return None
    at = kept.get("at")
    if not isinstance(at, int) or not 0 <= time.time() - at <= TEMPORARY_PASSWORD_SHOWN_FOR:
        return None
    password = session_seals.unseal(
        kept.get("sealed"), purpose=TEMPORARY_PASSWORD_PURPOSE, bound_to=_sealed_for(user)
    )
    return (password, bool(kept.get("reset"))) if password is not None else None


@bp.get(f"/users/<int(max={MAX_ROW_ID}):user_id>/temporary-password")
@staff_only(ADMIN)
def temporary_password(user_id: int) -> Response:
    user = _user_or_404(user_id)
    kept = _kept_password(user)
    if kept is None:
        session.pop(SESSION_TEMPORARY_PASSWORD, None)
        flash(
            _(
                "The temporary password for %(email)s is no longer shown. If it did not reach "
                "them, give them a new one.",
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
    """Done: the password leaves the session at once (a form: CSRF-checked, like any change)."""
    if ActionForm().validate_on_submit():
        session.pop(SESSION_TEMPORARY_PASSWORD, None)
    return redirect(url_for("staff.users"))


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/reset-password")
@staff_only(ADMIN)
def reset_password(user_id: int) -> Response | str:
    """A new temporary password for someone who lost theirs (audited, shown to every admin).
    Asked first (its old password stops working and it is signed out everywhere)."""
    user = _user_or_404(user_id)
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
                question=_("Give %(who)s a new temporary password?", who=_who(user)),
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


def _user_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _who(user: StaffUser) -> str:
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
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if user.id == current_user.user_id:
            flash(_("You cannot deactivate your own account."), "error")
        elif not user.active:
            flash(_("%(email)s is already deactivated; nothing changed.", email=user.email))
        elif not form.confirmed:
            return confirmation_page(
                Confirmation(
                    title=_("Deactivate an account?"),
                    question=_("Deactivate %(who)s?", who=_who(user)),
                    consequence=_(
                        "They will be signed out at once and cannot sign in until an admin "
                        "reactivates them."
                    ),
                    yes=_("Yes, deactivate"),
                    action=url_for("staff.deactivate_user", user_id=user.id),
                    cancel=url_for("staff.users"),
                    facts=_account_facts(user),
                )
            )
        else:
            try:
                staff_service.set_active(user, False, actor=current_user.email, ip=client_ip())
            except staff_service.AccountError as error:  # the last active admin, meanwhile
                flash(str(error), "error")
            else:
                flash(_("%(email)s can no longer sign in.", email=user.email), "success")
    return redirect(url_for("staff.users"))


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/reactivate")
@staff_only(ADMIN)
def reactivate_user(user_id: int) -> Response:
    user = _user_or_404(user_id)
    if ActionForm().validate_on_submit():
        staff_service.set_active(user, True, actor=current_user.email, ip=client_ip())
        flash(_("%(email)s can sign in again.", email=user.email), "success")
    return redirect(url_for("staff.users"))


# What a new role changes, from the old role to the new one, as its confirmation says it: what
# they will no longer see or do, and what they will (only clinicians see clinical answers;
# front desk and admins send invitations; only admins manage accounts and read the audit
# trail). The flag says whether the change takes something away (the button's danger colour).
ROLE_CHANGES = {
    (FRONT_DESK, CLINICIAN): (
        _l(
            "From their next page they will read patients' answers, summaries and PDFs, review "
            "screenings and acknowledge red flags. They can no longer send, change or revoke "
            "invitations."
        ),
        True,
    ),
    (FRONT_DESK, ADMIN): (
        _l(
            "From their next page they will also manage staff accounts, yours included, and "
            "read the audit trail. They keep the invitations and still do not see patients' "
            "answers."
        ),
        False,
    ),
    (CLINICIAN, FRONT_DESK): (
        _l(
            "From their next page they can no longer see patients' answers, summaries or PDFs, "
            "review screenings or acknowledge red flags. They will send and change invitations "
            "and see where each screening stands."
        ),
        True,
    ),
    (CLINICIAN, ADMIN): (
        _l(
            "From their next page they can no longer see patients' answers, summaries or PDFs, "
            "review screenings or acknowledge red flags. They will manage staff accounts, yours "
            "included, read the audit trail and send invitations."
        ),
        True,
    ),
    (ADMIN, FRONT_DESK): (
        _l(
            "From their next page they can no longer manage staff accounts or read the audit "
            "trail. They keep sending and changing invitations and still do not see patients' "
            "answers."
        ),
        True,
    ),
    (ADMIN, CLINICIAN): (
        _l(
            "From their next page they can no longer manage staff accounts, read the audit "
            "trail or send invitations. They will read patients' answers, summaries and PDFs, "
            "review screenings and acknowledge red flags."
        ),
        True,
    ),
}


def _role_label(role: str) -> str:
    return _(staff_service.ROLE_LABELS.get(role, role))


KEEP_INVITATIONS = "keep"


def _successors(user: StaffUser) -> list[StaffUser]:
    """Who can take over the open invitations naming `user`: the other active clinicians."""
    return [other for other in staff_service.active_clinicians() if other.id != user.id]


def _hand_over_choice(user: StaffUser, named: int) -> ConfirmationChoice | None:
    """The confirmation's "who takes over" select, when there is anything and anyone."""
    successors = _successors(user) if named else []
    if not successors:
        return None
    return ConfirmationChoice(
        name="hand_over_to",
        label=_("Who takes over their open invitations?"),
        options=(
            (KEEP_INVITATIONS, _("Nobody for now: keep them as they are")),
            *((str(other.id), other.display_name or other.email) for other in successors),
        ),
    )


def _role_change_consequence(user: StaffUser, role: str, named: int) -> tuple[str, bool]:
    """What giving `user` the `role` changes, in words, and whether it takes something away
    (`named`: the open invitations naming them, when they stop being a clinician)."""
    words, takes_away = ROLE_CHANGES[(user.role, role)]
    consequence = str(words)
    if named and _successors(user):
        consequence += " " + ngettext(
            "%(num)d open invitation names them as the patient's clinician. Choose below who "
            "takes it over, or keep it as it is and choose another clinician under Edit "
            "invitation.",
            "%(num)d open invitations name them as the patient's clinician. Choose below who "
            "takes them over, or keep them as they are and choose another clinician for each "
            "under Edit invitation.",
            named,
        )
    elif named:
        consequence += " " + ngettext(
            "%(num)d open invitation names them as the patient's clinician: choose another "
            "clinician for it under Edit invitation.",
            "%(num)d open invitations name them as the patient's clinician: choose another "
            "clinician for each under Edit invitation.",
            named,
        )
    required = two_factor.required_roles(current_app.config.get("STAFF_MFA_REQUIRED"))
    if role in required and not two_factor.is_enabled(user):
        consequence += " " + _(
            "The new role needs two-step sign-in: they must set it up before any other page opens."
        )
    return consequence, takes_away


def _nothing_changed(user: StaffUser) -> None:
    flash(
        _(
            "%(email)s already has the role %(role)s; nothing changed.",
            email=user.email,
            role=_role_label(user.role),
        )
    )


def _role_change_refused(user: StaffUser, role: str) -> str | None:
    """Why the Users page refuses this change without asking (in words), or None."""
    if user.id == current_user.user_id:
        return _("You cannot change your own role: another admin can.")
    if not user.active:
        return _(
            "%(email)s is deactivated: reactivate the account before changing its role; "
            "nothing changed.",
            email=user.email,
        )
    refusal = staff_service.role_change_refusal(user, role)
    return None if refusal is None else _(refusal, email=user.email)


@bp.post(f"/users/<int(max={MAX_ROW_ID}):user_id>/role")
@staff_only(ADMIN)
def change_role(user_id: int) -> Response | str:
    """Give a colleague another role, keeping their account (its audit history, password and
    two-step sign-in). Asked first: it changes what they see from their next page on.
    Refused at once, without asking: your own role, a deactivated account, and the last
    active admin's; the role they already have changes nothing."""
    user = _user_or_404(user_id)
    form = ChangeRoleForm()
    if not form.validate_on_submit():
        abort(400)  # not one of the roles: a tampered post (the CSRF token is checked before)
    role = form.role.data or ""
    refusal = _role_change_refused(user, role)
    if refusal is not None:
        flash(refusal, "error")
    elif user.role == role:
        _nothing_changed(user)
    elif form.confirmed and form.from_role.data and form.from_role.data != user.role:
        # Another admin changed it after this confirmation was shown: what it said is stale.
        flash(
            _(
                "%(email)s's role was changed by someone else after you were asked (it is "
                "now %(role)s); nothing changed. Look again before you change it.",
                email=user.email,
                role=_role_label(user.role),
            ),
            "error",
        )
    elif not form.confirmed:
        named = _named_by_open_invitations(user, role)
        consequence, takes_away = _role_change_consequence(user, role, named)
        return confirmation_page(
            Confirmation(
                title=_("Change an account's role?"),
                question=_(
                    "Change the role of %(who)s to %(role)s?",
                    who=_who(user),
                    role=_role_label(role),
                ),
                consequence=consequence,
                yes=_("Yes, change the role"),
                action=url_for("staff.change_role", user_id=user.id),
                cancel=url_for("staff.users"),
                facts=((_("Role now"), _role_label(user.role)), (_("New role"), _role_label(role))),
                danger=takes_away,
                fields=(("role", role), ("from_role", user.role)),
                choice=_hand_over_choice(user, named),
            )
        )
    else:
        successor = _chosen_successor(form.hand_over_to.data)
        named = _named_by_open_invitations(user, role) if successor else 0
        try:
            changed = staff_service.change_role(
                user, role, actor=current_user.email, ip=client_ip(), hand_over_to=successor
            )
        except staff_service.AccountError as error:
            # Another admin's change came first (two admins giving each other another role).
            flash(str(error), "error")
        else:
            if not changed:  # another admin gave the same role meanwhile
                _nothing_changed(user)
            else:
                _role_changed(user, role, successor, named)
    return redirect(url_for("staff.users"))


def _named_by_open_invitations(user: StaffUser, role: str) -> int:
    """How many open invitations name `user`, when the new role stops them being a clinician."""
    if user.role != CLINICIAN or role == CLINICIAN:
        return 0
    return staff_service.open_screenings_naming(user)


def _chosen_successor(posted: str | None) -> int | None:
    """The clinician the confirmation's select chose, or None (keep them as they are)."""
    posted = (posted or "").strip()
    return int(posted) if posted.isascii() and posted.isdigit() and len(posted) < 19 else None


def _role_changed(user: StaffUser, role: str, successor: int | None, moved: int) -> None:
    message = _(
        "%(email)s now has the role %(role)s, from their next page.",
        email=user.email,
        role=_role_label(role),
    )
    taker = db.session.get(StaffUser, successor) if successor and moved else None
    if taker is not None:
        message += " " + ngettext(
            "%(num)d open invitation now names %(name)s.",
            "%(num)d open invitations now name %(name)s.",
            moved,
            name=taker.display_name or taker.email,
        )
    flash(message, "success")
