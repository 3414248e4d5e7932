"""Admin: give a colleague another role, keeping their account (its audit history, password
and two-step sign-in).

Asked first, on a page saying what the new role can and can no longer see or do; for a
clinician, also who takes over the open invitations naming them. Refused at once, without
asking: your own role, a deactivated account, and the last active admin's.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from screening.models import StaffUser
from screening.routes import staff_only
from screening.services import staff as staff_service
from screening.services import two_factor
from screening.staff import hand_over
from screening.staff.access import client_ip
from screening.staff.blueprint import bp
from screening.staff.confirm import Confirmation, confirmation_page
from screening.staff.forms import ChangeRoleForm
from screening.staff.users import (
    ADMIN,
    CLINICIAN,
    FRONT_DESK,
    MAX_ROW_ID,
    user_or_404,
    who,
)

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


def _role_change_consequence(user: StaffUser, role: str, named: int) -> tuple[str, bool]:
    """What giving `user` the `role` changes, in words, and whether it takes something away
    (`named`: the open invitations naming them, when they stop being a clinician)."""
    words, takes_away = ROLE_CHANGES[(user.role, role)]
    consequence = str(words)
    if named:
        consequence += " " + hand_over.words(user, named)
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
    user = user_or_404(user_id)
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
        named = hand_over.named_by_open_invitations(user, stops_being_clinician=role != CLINICIAN)
        consequence, takes_away = _role_change_consequence(user, role, named)
        return confirmation_page(
            Confirmation(
                title=_("Change an account's role?"),
                question=_(
                    "Change the role of %(who)s to %(role)s?",
                    who=who(user),
                    role=_role_label(role),
                ),
                consequence=consequence,
                yes=_("Yes, change the role"),
                action=url_for("staff.change_role", user_id=user.id),
                cancel=url_for("staff.users"),
                facts=((_("Role now"), _role_label(user.role)), (_("New role"), _role_label(role))),
                danger=takes_away,
                fields=(("role", role), ("from_role", user.role)),
                choice=hand_over.choice(user, named),
            )
        )
    else:
        successor = hand_over.chosen(form.hand_over_to.data)
        named = (
            hand_over.named_by_open_invitations(user, stops_being_clinician=role != CLINICIAN)
            if successor
            else 0
        )
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


def _role_changed(user: StaffUser, role: str, successor: int | None, moved: int) -> None:
    message = _(
        "%(email)s now has the role %(role)s, from their next page.",
        email=user.email,
        role=_role_label(role),
    )
    hand_over.say_done(message, successor, moved)
