"""Invitations: staff create a screening for a named patient and hand them a private link.

The link's token and the short code exist in clear only in the value returned here (shown once,
then printed or sent); the database keeps a SHA-256 of the token and an HMAC of the code. A link
works until `expires_at` (the appointment plus INVITATION_EXPIRY_DAYS), until revoked, or until
five wrong dates of birth lock it; reissuing replaces the token and code, so older copies of the
link stop working, and clears the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from screening.extensions import db
from screening.models import Screening, ScreeningStatus, StaffRole, StaffUser
from screening.questionnaire import QUESTIONNAIRE
from screening.questionnaire.model import N_
from screening.questionnaire.text_input import without_bidi_controls
from screening.services import audit
from screening.services.access import format_resume_code, new_public_id
from screening.services.screenings import expected_birth_date, issue_link, name_search_key


class InvitationError(ValueError):
    """The invitation cannot be made or changed; the message says why."""


@dataclass(frozen=True)
class PatientDetails:
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass(frozen=True)
class IssuedLink:
    """What staff hand the patient. The token is never stored; show it now or never."""

    public_id: str
    token: str
    resume_code: str  # formatted ABCDE-12345
    expires_at: datetime


def _new_secrets(screening: Screening, secret_key: str) -> tuple[str, str]:
    """A new link and code (see screenings.issue_link), the code formatted for the letter."""
    token, code = issue_link(screening, secret_key)
    return token, format_resume_code(code)


def _expiry(appointment_at: datetime | None, now: datetime, expiry_days: int) -> datetime:
    """Seven days (by default) after the appointment, and never sooner than that from now."""
    from_now = now + timedelta(days=expiry_days)
    if appointment_at is None:
        return from_now
    return max(appointment_at + timedelta(days=expiry_days), from_now)


def appointment_to_utc(day: date, clock: object, zone: ZoneInfo) -> datetime:
    """The clinic's local appointment date and time, as an aware UTC datetime."""
    local = datetime.combine(day, clock, tzinfo=zone)  # type: ignore[arg-type]
    return local.astimezone(UTC)


def create_invitation(
    patient: PatientDetails,
    *,
    appointment_at: datetime,
    clinician_id: int,
    invited_by: StaffUser,
    secret_key: str,
    expiry_days: int,
    ip: str | None = None,
) -> IssuedLink:
    """Create the screening for an invited patient and return its link secrets (once)."""
    clinician = db.session.get(StaffUser, clinician_id)
    if clinician is None or not clinician.active or clinician.role != StaffRole.CLINICIAN:
        raise InvitationError("Choose an active clinician.")
    if appointment_at.tzinfo is None:
        raise InvitationError("The appointment time needs a time zone.")
    # Names as typed, minus direction overrides (the forms strip them too; this is the service's
    # own guarantee for any other caller).
    first = " ".join(without_bidi_controls(patient.first_name).split())
    last = " ".join(without_bidi_controls(patient.last_name).split())
    if not first or not last:
        raise InvitationError("Enter the patient's first and last name.")
    now = datetime.now(UTC)
    screening = Screening(
        public_id=new_public_id(),
        status=ScreeningStatus.INVITED,
        answers_json="{}",
        questionnaire_version=QUESTIONNAIRE.version,
        patient_first_name=first,
        patient_last_name=last,
        patient_name_search=name_search_key(first, last),
        invited_date_of_birth=patient.date_of_birth,
        appointment_at=appointment_at.astimezone(UTC),
        clinician_id=clinician.id,
        invited_by_id=invited_by.id,
        expires_at=_expiry(appointment_at, now, expiry_days),
        dob_failures=0,
        created_at=now,
        updated_at=now,
    )
    token, code = _new_secrets(screening, secret_key)
    db.session.add(screening)
    db.session.flush()
    audit.record(
        "create_invitation",
        actor=invited_by.email,
        screening_public_id=screening.public_id,
        ip=ip,
    )
    db.session.commit()
    assert screening.expires_at is not None
    return IssuedLink(screening.public_id, token, code, screening.expires_at)


def revoke(screening: Screening, *, actor: str, ip: str | None = None) -> None:
    """Stop the private link working at once (the answers stay stored)."""
    if screening.revoked_at is None:
        screening.revoked_at = datetime.now(UTC)
    audit.record("revoke_invitation", actor=actor, screening_public_id=screening.public_id, ip=ip)
    db.session.commit()


def can_reissue(screening: Screening) -> bool:
    """Only a screening still being filled in gets a new link; a submitted one is finished."""
    return screening.status in (ScreeningStatus.INVITED, ScreeningStatus.IN_PROGRESS)


# Why a link is reissued: recorded in the audit trail with who did it. Codes are stored;
# labels are shown (and translated) on the staff page.
REISSUE_REASONS: dict[str, str] = {
    "lost": N_("The patient lost the link or code"),
    "locked": N_("The link locked after wrong dates of birth"),
    "expired": N_("The link expired before the patient finished"),
    "other": N_("Another reason (say which)"),
}
REISSUE_NOTE_MAX = 120


def reissue_reason_detail(reason: str, note: str | None) -> str:
    """The audit detail for a reissue: the reason's code and, for "other", the short note."""
    if reason not in REISSUE_REASONS:
        raise InvitationError(N_("Choose why the link is being reissued."))
    note = " ".join((note or "").split())[:REISSUE_NOTE_MAX]
    if reason == "other" and not note:
        raise InvitationError(N_("Say why the link is being reissued."))
    return f"reason: {reason}" + (f"; {note}" if note else "")


def reissue(
    screening: Screening,
    *,
    actor: str,
    secret_key: str,
    expiry_days: int,
    reason: str,
    note: str | None = None,
    ip: str | None = None,
) -> IssuedLink:
    """A new token and code (old ones stop working), unlocked, with a fresh expiry.

    From now on every link to the screening asks for the date of birth first (the clinic's for
    an invitation, the patient's own for a self-started one), so the staff member holding the
    new link cannot open the patient's answers. A self-started screening whose patient has not
    entered a date of birth yet cannot be protected that way, so it is not reissued (the patient
    can use their resume code, or start again).
    """
    if not can_reissue(screening):
        raise InvitationError("This screening is already submitted; it needs no new link.")
    detail = reissue_reason_detail(reason, note)
    if expected_birth_date(screening) is None:
        raise InvitationError(
            N_(
                "The patient has not entered a date of birth yet, so a new link could be opened "
                "by anyone who holds it. Ask the patient to use their resume code, or to start "
                "again."
            )
        )
    screening.birth_date_required = True
    now = datetime.now(UTC)
    token, code = _new_secrets(screening, secret_key)
    screening.revoked_at = None
    screening.locked_at = None
    screening.dob_failures = 0
    screening.expires_at = _expiry(screening.appointment_at, now, expiry_days)
    audit.record(
        "reissue_invitation",
        actor=actor,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=detail,
    )
    db.session.commit()
    assert screening.expires_at is not None
    return IssuedLink(screening.public_id, token, code, screening.expires_at)
