"""Invitations: staff create a screening for a named patient and hand (or email) them a link.

How the link can be shown, printed and emailed again without being stored (issue 13)
----------------------------------------------------------------------------------------
The database never holds a working link or code. For an invitation it keeps a random 128-bit
`link_seed`; the token and the short code are HMAC-SHA256 of that seed keyed by SECRET_KEY
(access.link_secrets_from_seed), and only their hashes are used to find the screening. So a
copy of the database alone opens nothing, yet the app can rebuild the same link to reprint the
letter, email it again or put it in a reminder days later. The seed is forgotten (set to NULL)
as soon as the link can no longer be used: on submission, revocation or expiry (the worker's
sweep) and on reissue (a new seed replaces it). We chose this over encrypting the token because
it needs no new dependency and no key management beyond SECRET_KEY, and over "scrub the email
after sending" alone because reminders must carry a working link long after the first email.
Rotating SECRET_KEY makes the seeds useless: front desk then reissues (as for any lost link).

A link works until `expires_at` (the appointment plus INVITATION_EXPIRY_DAYS), until revoked,
or until five wrong dates of birth lock it; reissuing replaces the token and code, so older
copies of the link stop working, and clears the lock.

Emails (the invitation, its reminders) are rows in the durable outbox, added in the same
transaction as the change that causes them and delivered by `screening worker`; nothing here
waits on SMTP. They contain no clinical content: the clinic, the appointment, the link and code,
how long it takes and the clinic's phone, in the language the clinic chose for the patient.
The printed letter and the emails take their sentences from one place (services.
invitation_messages); reminders are worked out by the worker's sweep (services.reminders).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from screening.extensions import db
from screening.models import (
    Screening,
    ScreeningStatus,
    StaffRole,
    StaffUser,
)
from screening.outbox import cancel
from screening.questionnaire import QUESTIONNAIRE, validate_section
from screening.questionnaire.model import N_
from screening.questionnaire.text_input import is_blank_text, without_bidi_controls
from screening.services import audit
from screening.services.access import (
    format_resume_code,
    new_link_seed,
    new_public_id,
)
from screening.services.invitation_messages import (
    clinic_zone,
    link_secrets,
    queue_invitation_email,
)
from screening.services.locking import lock_for_update
from screening.services.screenings import (
    OPEN_STATUSES,
    expected_birth_date,
    issue_link,
    name_columns,
    name_search_key,
)

# The languages a patient can be invited in, named in their own language (never translated).
PATIENT_LANGUAGES: tuple[tuple[str, str], ...] = (("en", "English"), ("es", "Español"))


class InvitationError(ValueError):
    """The invitation cannot be made or changed; the message says why."""


class InvitedNameMissing(InvitationError):
    """The first or last name would print as nothing."""

    def __init__(self) -> None:
        super().__init__(_("Enter the patient's first and last name."))


class PossibleDuplicate(InvitationError):
    """An open invitation for the same person and appointment day exists: ask first."""

    def __init__(self, existing: list[Screening]) -> None:
        super().__init__(_("This patient may already be invited for that day."))
        self.existing = existing


# -- contact details -------------------------------------------------------------------------


def _questionnaire_check(item_id: str, text: str) -> str:
    """Check one contact detail with the questionnaire's own rules for the same item (the
    patient's phone and email questions), so the invitation and the form agree exactly."""
    section = next(s for s in QUESTIONNAIRE.sections if item_id in s.item_ids)
    result = validate_section(section, {item_id: text}, date.today())
    for error in result.errors:
        if error.item_id == item_id:
            raise InvitationError(_(error.template, **error.params))
    return str(result.answers.get(item_id, text.strip()))


def clean_phone(text: str | None) -> str:
    """The phone number as typed (trimmed), or InvitationError saying what to fix."""
    phone = (text or "").strip()
    if not phone:
        raise InvitationError(_("Enter a phone number the clinic can call."))
    return _questionnaire_check("phone", phone)


def clean_email(text: str | None) -> str | None:
    """The email address (trimmed), None when left empty, or InvitationError."""
    email = (text or "").strip()
    if not email:
        return None
    return _questionnaire_check("email", email)


def clean_locale(value: str | None) -> str | None:
    known = {code for code, _name in PATIENT_LANGUAGES}
    return value if value in known else None


# -- what staff hand the patient --------------------------------------------------------------


@dataclass(frozen=True)
class PatientDetails:
    first_name: str
    last_name: str
    date_of_birth: date


def _clean_names(patient: PatientDetails) -> PatientDetails:
    """Names as typed, minus direction overrides and extra spaces (the forms strip the
    overrides too; this is the service's own guarantee for any other caller). InvitedNameMissing
    when either would print as nothing."""
    first = " ".join(without_bidi_controls(patient.first_name).split())
    last = " ".join(without_bidi_controls(patient.last_name).split())
    if is_blank_text(first) or is_blank_text(last):  # nothing that would print
        raise InvitedNameMissing()
    return PatientDetails(first, last, patient.date_of_birth)


@dataclass(frozen=True)
class ContactDetails:
    """How to reach the patient, and the language to write to them in."""

    phone: str
    email: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class IssuedLink:
    """What staff hand the patient, rebuilt from the seed (never stored in clear)."""

    public_id: str
    token: str
    resume_code: str  # formatted ABCDE-12345
    expires_at: datetime


def appointment_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The clinic's local appointment date and time, as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _expiry(appointment_at: datetime | None, now: datetime, expiry_days: int) -> datetime:
    """Seven days (by default) after the appointment, and never sooner than that from now."""
    from_now = now + timedelta(days=expiry_days)
    if appointment_at is None:
        return from_now
    return max(appointment_at + timedelta(days=expiry_days), from_now)


# How far ahead an appointment may be: a mistyped year (2062 for 2026, or 9999, where the
# link's expiry date would fall off the calendar) is caught here rather than booked.
APPOINTMENT_HORIZON = timedelta(days=731)


def check_appointment(appointment_at: datetime, now: datetime) -> None:
    """InvitationError unless the appointment is still to come and within APPOINTMENT_HORIZON
    (the staff forms run this too, so it is reported with any other mistake on the form)."""
    if appointment_at.tzinfo is None:
        raise InvitationError("The appointment time needs a time zone.")
    if appointment_at <= now:
        raise InvitationError(
            _("That appointment time has already passed. Enter a date and time still to come.")
        )
    if appointment_at > now + APPOINTMENT_HORIZON:
        raise InvitationError(_("That appointment is more than two years away. Check the year."))


def _clinician(clinician_id: int) -> StaffUser:
    clinician = db.session.get(StaffUser, clinician_id)
    if clinician is None or not clinician.active or clinician.role != StaffRole.CLINICIAN:
        raise InvitationError(_("Choose an active clinician."))
    return clinician


def _new_secrets(screening: Screening, secret_key: str) -> None:
    """A new seed, hence a new link and code; every earlier link stops working."""
    screening.link_seed = new_link_seed()
    issue_link(screening, secret_key, seed=screening.link_seed)


def issued_link(screening: Screening, secret_key: str) -> IssuedLink | None:
    """The invitation's current link and code, or None when they can no longer be shown
    (older invitations, or the seed was forgotten after submission, revocation or expiry)."""
    if not screening.link_seed or screening.expires_at is None:
        return None
    token, code = link_secrets(screening, secret_key)
    return IssuedLink(screening.public_id, token, format_resume_code(code), screening.expires_at)


def is_open(screening: Screening, now: datetime) -> bool:
    """Still waiting for the patient: not sent, not revoked, not expired."""
    return (
        screening.status in OPEN_STATUSES
        and screening.revoked_at is None
        and (screening.expires_at is None or screening.expires_at > now)
    )


def open_duplicates(
    patient: PatientDetails, appointment_at: datetime, now: datetime
) -> list[Screening]:
    """Open invitations for the same name, date of birth and (clinic) appointment day."""
    zone = clinic_zone()
    day = appointment_at.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    key = name_search_key(patient.first_name, patient.last_name)
    found = db.session.scalars(
        select(Screening).where(
            Screening.invited_date_of_birth == patient.date_of_birth,
            Screening.appointment_at >= start,
            Screening.appointment_at < end,
            Screening.status.in_(OPEN_STATUSES),
            Screening.revoked_at.is_(None),
        )
    )
    return [
        screening
        for screening in found
        if is_open(screening, now)
        and name_search_key(screening.patient_first_name, screening.patient_last_name) == key
    ]


def other_open_invitations(screening: Screening, now: datetime) -> list[Screening]:
    """Open invitations, other than this one, for its name, date of birth and appointment
    day: after a correction, the duplicate front desk made while this one was wrong."""
    if (
        screening.appointment_at is None
        or screening.invited_date_of_birth is None
        or not (screening.patient_first_name or screening.patient_last_name)
    ):
        return []
    patient = PatientDetails(
        screening.patient_first_name or "",
        screening.patient_last_name or "",
        screening.invited_date_of_birth,
    )
    return [
        other
        for other in open_duplicates(patient, screening.appointment_at, now)
        if other.id != screening.id
    ]


def create_invitation(
    patient: PatientDetails,
    *,
    appointment_at: datetime,
    clinician_id: int,
    invited_by: StaffUser,
    secret_key: str,
    expiry_days: int,
    contact: ContactDetails | None = None,
    confirm_duplicate: bool = False,
    ip: str | None = None,
    now: datetime | None = None,
) -> Screening:
    """Create the screening for an invited patient (one commit), emailing them when an
    address is given. Raises PossibleDuplicate unless `confirm_duplicate`."""
    now = now or datetime.now(UTC)
    clinician = _clinician(clinician_id)
    check_appointment(appointment_at, now)
    cleaned = _clean_names(patient)
    first, last = cleaned.first_name, cleaned.last_name
    contact = contact or ContactDetails(phone="")
    phone = clean_phone(contact.phone)
    email = clean_email(contact.email)
    if not confirm_duplicate:
        existing = open_duplicates(cleaned, appointment_at, now)
        if existing:
            raise PossibleDuplicate(existing)
    screening = Screening(
        public_id=new_public_id(),
        status=ScreeningStatus.INVITED,
        answers_json="{}",
        questionnaire_version=QUESTIONNAIRE.version,
        patient_first_name=first,
        patient_last_name=last,
        patient_name_search=name_search_key(first, last),
        invited_date_of_birth=patient.date_of_birth,
        invited_phone=phone,
        invited_email=email,
        invited_locale=clean_locale(contact.locale),
        appointment_at=appointment_at.astimezone(UTC),
        clinician_id=clinician.id,
        invited_by_id=invited_by.id,
        expires_at=_expiry(appointment_at, now, expiry_days),
        dob_failures=0,
        created_at=now,
        updated_at=now,
    )
    _new_secrets(screening, secret_key)
    db.session.add(screening)
    db.session.flush()
    audit.record(
        "create_invitation",
        actor=invited_by.email,
        screening_public_id=screening.public_id,
        ip=ip,
        detail="second invitation confirmed" if confirm_duplicate else None,
    )
    if email:
        queue_invitation_email(screening, secret_key, now, actor=invited_by.email, ip=ip)
    db.session.commit()
    return screening


@dataclass(frozen=True)
class InvitationChanges:
    """What front desk may change on an invitation; the link and code stay the same."""

    appointment_at: datetime
    clinician_id: int
    phone: str
    email: str | None
    locale: str | None
    # The invited name and date of birth, to put a typing mistake right (None: left as they
    # are). The date of birth is what the link asks for: see `edit_invitation`.
    patient: PatientDetails | None = None


def invitation_version(screening: Screening) -> str:
    """A short digest of what Edit invitation shows, taken when the page is opened and checked
    when it is saved: a form opened before a colleague's correction would otherwise put the
    mistyped date of birth back (and lock the patient out again) without anyone noticing."""
    shown = (
        screening.patient_first_name,
        screening.patient_last_name,
        screening.invited_date_of_birth.isoformat() if screening.invited_date_of_birth else None,
        screening.appointment_at.astimezone(UTC).isoformat() if screening.appointment_at else None,
        screening.clinician_id,
        screening.invited_phone,
        screening.invited_email,
        screening.invited_locale,
    )
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]


def can_edit(screening: Screening) -> bool:
    """Only an invitation still waiting for the patient can be changed."""
    return screening.invited_date_of_birth is not None and screening.status in OPEN_STATUSES


def edit_invitation(
    screening: Screening,
    changes: InvitationChanges,
    *,
    actor: str,
    secret_key: str,
    expiry_days: int,
    ip: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Change the name, date of birth, appointment, clinician, contact details or language
    (one commit).

    The link and code stay the same. A new appointment moves the expiry, and the reminders
    follow it (they are worked out from the appointment when due). When the appointment or the
    email address changes and the link still works, the patient is emailed the updated
    invitation. Returns the names of what changed (also audited, without the values).

    A corrected name is the record's name (the queue shows and finds it; the old one no longer
    finds it); a name the patient typed in the form stays in their answers and stays findable,
    as when they typed it. A corrected date of birth is what the link asks for from now on,
    and the wrong tries (and the lock) the old one caused are cleared, so the patient can try
    again with the same link. Neither value goes into the audit trail, only that it changed.
    Read again under a write lock, so a patient's try or save at that moment is not lost.
    """
    now = now or datetime.now(UTC)
    if not can_edit(screening):
        raise InvitationError(_("This screening is already sent; its invitation cannot change."))
    clinician = _clinician(changes.clinician_id)
    phone = clean_phone(changes.phone)
    email = clean_email(changes.email)
    locale = clean_locale(changes.locale)
    patient = _clean_names(changes.patient) if changes.patient is not None else None
    appointment_at = changes.appointment_at.astimezone(UTC)
    lock_for_update(screening)
    try:
        if not can_edit(screening):  # sent meanwhile
            raise InvitationError(
                _("This screening is already sent; its invitation cannot change.")
            )
        if appointment_at != screening.appointment_at:
            check_appointment(appointment_at, now)
    except InvitationError:
        db.session.rollback()  # the lock ends with the transaction
        raise
    changed: list[str] = []
    cleared: list[str] = []
    if patient is not None:
        changed, cleared = _correct_identity(screening, patient)
    if appointment_at != screening.appointment_at:
        screening.appointment_at = appointment_at
        screening.expires_at = _expiry(appointment_at, now, expiry_days)
        changed.append("appointment")
    for name, attribute, value in (
        ("clinician", "clinician_id", clinician.id),
        ("phone", "invited_phone", phone),
        ("email", "invited_email", email),
        ("language", "invited_locale", locale),
    ):
        if getattr(screening, attribute) != value:
            setattr(screening, attribute, value)
            changed.append(name)
    if not changed:
        db.session.rollback()  # nothing to write: the lock ends here
        return changed
    screening.updated_at = now
    audit.record(
        "edit_invitation",
        actor=actor,
        screening_public_id=screening.public_id,
        ip=ip,
        detail="; ".join(["changed: " + ", ".join(changed), *cleared]),
    )
    if "appointment" in changed:
        cancel(kind="reminder", screening_id=screening.id)
    resend = bool({"appointment", "email"} & set(changed))
    if resend or "name" in changed:
        # An invitation still waiting goes to the old address, names the old appointment (a
        # mistyped address got the working link) or greets the patient by the wrong name: the
        # updated one replaces it. A corrected name alone sends nothing new.
        waiting = cancel(kind="invitation", screening_id=screening.id) > 0
        if (resend or waiting) and email and is_open(screening, now):
            queue_invitation_email(screening, secret_key, now, actor=actor, ip=ip, reason="updated")
    db.session.commit()
    return changed


def _correct_identity(screening: Screening, patient: PatientDetails) -> tuple[list[str], list[str]]:
    """Put the invited name and date of birth right (not committed). Returns what changed
    ("name", "date_of_birth") and what the correction cleared, in words for the audit trail
    that hold neither value."""
    changed: list[str] = []
    cleared: list[str] = []
    if (patient.first_name, patient.last_name) != (
        screening.patient_first_name,
        screening.patient_last_name,
    ):
        screening.patient_first_name = patient.first_name
        screening.patient_last_name = patient.last_name
        # The search key as the patient's own save would store it: the corrected name, and
        # any name the patient typed in the form.
        answers = screening.answers
        for column, value in name_columns(
            screening, answers.get("first_name"), answers.get("last_name")
        ).items():
            setattr(screening, column, value)
        changed.append("name")
    if patient.date_of_birth != screening.invited_date_of_birth:
        screening.invited_date_of_birth = patient.date_of_birth
        changed.append("date_of_birth")
        # The wrong tries were against a date the patient could not know: they start again.
        if screening.dob_failures:
            cleared.append(f"wrong tries cleared ({screening.dob_failures})")
        if screening.locked_at is not None:
            cleared.append("link unlocked")
        screening.dob_failures = 0
        screening.locked_at = None
    return changed, cleared


def can_revoke(screening: Screening) -> bool:
    """Only a link still waiting for the patient is revoked. Once the form is sent the link
    shows the patient only their confirmation, handout and warning signs (nothing to stop, and
    a submitted screening gets no new link), so revoking it would only take those away."""
    return screening.status in OPEN_STATUSES


def revoke_refused() -> str:
    """Why a sent screening's link is not revoked (said by `revoke`, and by the staff page
    before it asks anyone to confirm)."""
    return _(
        "This screening is already submitted, so its link was not revoked: it now shows "
        "the patient only their confirmation, handout and warning signs."
    )


def revoke(screening: Screening, *, actor: str, ip: str | None = None) -> None:
    """Stop the private link working at once (the answers stay stored); no more reminders.
    Refused (InvitationError) once the screening is submitted: see `can_revoke`. The status
    is read again under a write lock, so a patient sending the form at that moment is seen."""
    lock_for_update(screening)
    if not can_revoke(screening):
        db.session.rollback()  # the lock ends with the transaction
        raise InvitationError(revoke_refused())
    if screening.revoked_at is None:
        screening.revoked_at = datetime.now(UTC)
    screening.link_seed = None
    cancel(kind="reminder", screening_id=screening.id)
    cancel(kind="invitation", screening_id=screening.id)  # one still waiting holds the link
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
    an invitation, the patient's own for a self-started one), so whoever finds the link cannot
    open the patient's answers. Staff know an invitation's date of birth, so their own browsers
    open no patient page while they are signed in (screening.patient.staff_sessions). A
    self-started screening whose patient has not
    entered a date of birth yet cannot be protected that way, so it is not reissued (the patient
    can use their resume code, or start again). Emails still waiting with the old link are
    dropped; a waiting invitation is sent again with the new link.
    """
    if not can_reissue(screening):
        raise InvitationError(_("This screening is already submitted; it needs no new link."))
    detail = reissue_reason_detail(reason, note)
    if expected_birth_date(screening) is None:
        raise InvitationError(
            _(
                "The patient has not entered a date of birth yet, so a new link could be opened "
                "by anyone who holds it. Ask the patient to use their resume code, or to start "
                "again."
            )
        )
    screening.birth_date_required = True
    now = datetime.now(UTC)
    _new_secrets(screening, secret_key)
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
    # Emails still waiting in the outbox hold the old link, dead from now on. A waiting
    # invitation is replaced by one with the new link (the patient was meant to get an
    # email); a waiting reminder is dropped (the next one carries the new link).
    invitation_was_waiting = cancel(kind="invitation", screening_id=screening.id) > 0
    cancel(kind="reminder", screening_id=screening.id)
    if invitation_was_waiting and screening.invited_email and is_open(screening, now):
        queue_invitation_email(screening, secret_key, now, actor=actor, ip=ip, reason="reissued")
    db.session.commit()
    link = issued_link(screening, secret_key)
    assert link is not None
    return link


def email_again(
    screening: Screening,
    *,
    actor: str,
    secret_key: str,
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    """Email the same link and code again (no reissue); one commit."""
    now = now or datetime.now(UTC)
    if not screening.invited_email:
        raise InvitationError(_("Add the patient's email address first (Edit invitation)."))
    if not is_open(screening, now) or not screening.link_seed:
        raise InvitationError(_("This link no longer works. Reissue it to send a new one."))
    queue_invitation_email(screening, secret_key, now, actor=actor, ip=ip, reason="again")
    db.session.commit()


# -- one identity: what the clinic entered and what the patient typed --------------------------


@dataclass(frozen=True)
class Difference:
    """One detail where the patient's answer differs from the invitation; both are kept."""

    what: str  # "name", "date_of_birth", "phone", "email"
    invited: str
    typed: str


def _comparable(text: str | None) -> str:
    return name_search_key(text, None) or ""


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def details_differ(screening: Screening) -> list[Difference]:
    """Where the patient's typed name, date of birth, phone or email differ from the
    invitation. Case, accents and spacing in names, and punctuation in phone numbers, do not
    count. Self-started screenings have only the typed identity: nothing differs."""
    if screening.invited_date_of_birth is None:
        return []
    answers = screening.answers
    found: list[Difference] = []
    invited_name = f"{screening.patient_first_name or ''} {screening.patient_last_name or ''}"
    if "first_name" in answers or "last_name" in answers:
        typed_name = f"{answers.get('first_name') or ''} {answers.get('last_name') or ''}"
        if _comparable(typed_name) != _comparable(invited_name):
            found.append(Difference("name", invited_name.strip(), typed_name.strip()))
    typed_birth = answers.get("date_of_birth")
    if typed_birth and typed_birth != screening.invited_date_of_birth.isoformat():
        found.append(
            Difference("date_of_birth", screening.invited_date_of_birth.isoformat(), typed_birth)
        )
    typed_phone = answers.get("phone")
    if (
        screening.invited_phone
        and typed_phone
        and _digits(typed_phone) != _digits(screening.invited_phone)
    ):
        found.append(Difference("phone", screening.invited_phone, str(typed_phone)))
    typed_email = answers.get("email")
    if (
        screening.invited_email
        and typed_email
        and str(typed_email).strip().casefold() != screening.invited_email.casefold()
    ):
        found.append(Difference("email", screening.invited_email, str(typed_email)))
    return found
