"""Who takes over a clinician's open invitations when they stop being one (another role, or
deactivated): the confirmation's words and select, and what the admin chose.

An open invitation names the patient's clinician. Left naming someone who is no longer an
active clinician, it shows a name that means nothing to the clinic, and Edit invitation then
asks for another. So the confirmation says how many open invitations name them and, when
there is another active clinician, asks who takes them over (or nobody for now).
"""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_babel import ngettext

from screening.extensions import db
from screening.models import StaffRole, StaffUser
from screening.services import staff as staff_service
from screening.staff.confirm import ConfirmationChoice

KEEP = "keep"  # the select's "nobody for now"


def named_by_open_invitations(user: StaffUser, *, stops_being_clinician: bool) -> int:
    """How many open invitations name `user`, when what is asked stops them being an active
    clinician (another role, or deactivated); 0 otherwise."""
    if not stops_being_clinician or user.role != StaffRole.CLINICIAN or not user.active:
        return 0
    return staff_service.open_screenings_naming(user)


def successors(user: StaffUser) -> list[StaffUser]:
    """Who can take over the open invitations naming `user`: the other active clinicians."""
    return [other for other in staff_service.active_clinicians() if other.id != user.id]


def choice(user: StaffUser, named: int) -> ConfirmationChoice | None:
    """The confirmation's "who takes over" select, when there is anything and anyone."""
    others = successors(user) if named else []
    if not others:
        return None
    labels = staff_service.clinician_labels(others)
    return ConfirmationChoice(
        name="hand_over_to",
        label=_("Who takes over their open invitations?"),
        options=(
            (KEEP, _("Nobody for now")),
            *((str(other.id), labels[other.id]) for other in others),
        ),
    )


def words(user: StaffUser, named: int) -> str:
    """The confirmation's sentence about the open invitations naming `user` ("" for none)."""
    if not named:
        return ""
    if successors(user):
        return ngettext(
            "%(num)d open invitation names them as the patient's clinician. Choose below who "
            "takes it over, or keep it as it is and choose another clinician under Edit "
            "invitation.",
            "%(num)d open invitations name them as the patient's clinician. Choose below who "
            "takes them over, or keep them as they are and choose another clinician for each "
            "under Edit invitation.",
            named,
        )
    return ngettext(
        "%(num)d open invitation names them as the patient's clinician: choose another "
        "clinician for it under Edit invitation.",
        "%(num)d open invitations name them as the patient's clinician: choose another "
        "clinician for each under Edit invitation.",
        named,
    )


def chosen(posted: str | None) -> int | None:
    """The clinician the select chose, or None (nobody for now, or nothing posted)."""
    posted = (posted or "").strip()
    return int(posted) if posted.isascii() and posted.isdigit() and len(posted) < 19 else None


def say_done(message: str, successor: int | None, moved: int) -> None:
    """Flash `message`, adding where the open invitations went when they were handed over."""
    taker = db.session.get(StaffUser, successor) if successor and moved else None
    if taker is not None:
        message += " " + ngettext(
            "%(num)d open invitation now names %(name)s.",
            "%(num)d open invitations now name %(name)s.",
            moved,
            name=taker.display_name or taker.email,
        )
    flash(message, "success")
