"""SQLAlchemy 2.0 typed models: screenings, their stored summaries, staff, sessions, audit.

Answers are stored as canonical JSON text (exactly the spec's answer set). Patient names and the
triage level are copied into their own indexed columns so the staff queue can search and sort
without reading answers. Times are stored in UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from screening.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Indexes that exist only on PostgreSQL, made by hand-written migrations (pg_trgm for name
# search); `db check` must not read them as drift.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_screening_name_search_trgm"})


def include_in_migrations(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's include_object hook: leave the PostgreSQL-only indexes out of comparisons."""
    return not (type_ == "index" and reflected and name in POSTGRESQL_ONLY_INDEXES)


class ScreeningStatus(StrEnum):
    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class Screening(db.Model):
    """One patient's questionnaire, from invitation or self-start to review."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random and unguessable: the only id that ever appears in a URL or an export.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ScreeningStatus.IN_PROGRESS, index=True)
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    questionnaire_version: Mapped[str] = mapped_column(String(10))

    # The private link: only a SHA-256 of the token is kept; the short code is an HMAC.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    # A second link, issued when the patient resumes by code on a new device; the first link
    # (perhaps printed as a QR code) keeps working. Staff reissue clears both.
    device_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    # Copied from the answers (or the invitation) for search and sort; never used clinically.
    patient_first_name: Mapped[str | None] = mapped_column(String(100))
    patient_last_name: Mapped[str | None] = mapped_column(String(100))
    patient_name_search: Mapped[str | None] = mapped_column(String(210), index=True)

    # Invitation (issue 5): who asked, for which appointment, until when the link works.
    invited_date_of_birth: Mapped[date | None] = mapped_column(Date)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dob_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Evaluation stored at submission (issue 3); triage is indexed for the staff queue.
    triage: Mapped[str | None] = mapped_column(String(20), index=True)
    triage_rank: Mapped[int | None] = mapped_column(Integer)
    evaluation_json: Mapped[str | None] = mapped_column(Text)
    rules_version: Mapped[str | None] = mapped_column(String(10))
    warning_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Staff review (issue 5).
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    review_note: Mapped[str | None] = mapped_column(Text)
    flags_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flags_acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    # v2patient: what the patient typed on each step as typed, keyed by step then field name
    # (the text of answers that could not be saved, and the units height and weight were given
    # in), so a reload or a later visit shows it again, and the id of the page that last saved
    # the step (screening.services.step_pages). Never read clinically.
    draft_json: Mapped[str | None] = mapped_column(Text)
    # redflag: provisional triage, stored on every save from the warning-signs step on (in the
    # same transaction as the answers); `triage`/`triage_rank` above hold the current level,
    # provisional until submission. The highest level ever reached is kept, with when; an alert
    # goes out when it first reaches emergency or urgent, and again if it rises further.
    triage_rules_json: Mapped[str | None] = mapped_column(Text)
    red_flags_json: Mapped[str | None] = mapped_column(Text)
    triage_assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    highest_triage: Mapped[str | None] = mapped_column(String(20))
    highest_triage_rank: Mapped[int | None] = mapped_column(Integer)
    highest_triage_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The triage rules and red flags that held at the highest level (those of every save at
    # that level, together): a patient may take a warning answer back, and the clinician who
    # must still acknowledge it needs to see what it was.
    highest_triage_rules_json: Mapped[str | None] = mapped_column(Text)
    highest_red_flags_json: Mapped[str | None] = mapped_column(Text)
    # When a warning (emergency or urgent) was first saved: the start of the safety figure.
    warning_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When an unacknowledged emergency was escalated (once per level: cleared when it rises).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # -- branch invites (issue 13): contact, language, link seed and reminders ------------------
    # Contact details the clinic entered on the invitation; the patient's own answers
    # (phone, email) may differ and are kept in the answers.
    invited_phone: Mapped[str | None] = mapped_column(String(20))
    invited_email: Mapped[str | None] = mapped_column(String(254))
    # The language the clinic chose for the patient's pages, emails and letter ("en", "es").
    invited_locale: Mapped[str | None] = mapped_column(String(10))
    # Random seed from which the invitation's link and code are derived with SECRET_KEY (see
    # services.invitations); cleared once the link can no longer be used.
    link_seed: Mapped[str | None] = mapped_column(String(64))
    # The patient pressed "stop reminders"; and when an invitation or reminder email last went
    # out (at most one email a day).
    reminders_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # i18n (issue 15): the language the patient chose with the language link (remembered for
    # this screening); the clinic's choice is invited_locale above. See screening.i18n.
    patient_locale: Mapped[str | None] = mapped_column(String(10))
    # -- branch security (issue 16) --
    # Set when staff reissue a link: from then on every link to this screening asks for the
    # date of birth (the clinic's, or the one the patient entered) before any answer shows, so
    # nobody holding a reissued link can read answers as if they were the patient.
    birth_date_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    summary: Mapped[Summary | None] = relationship(
        back_populates="screening", uselist=False, cascade="all, delete-orphan"
    )

    __table_args__ = (
        # The staff queue: flagged first, then by appointment, then by submission.
        Index("ix_screening_queue", "triage_rank", "appointment_at", "submitted_at"),
        # redflag: the queue's "flagged and not reviewed", submitted or not.
        Index("ix_screening_flagged", "highest_triage_rank", "status"),
    )

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json or "{}")

    @property
    def evaluation(self) -> dict[str, Any] | None:
        return json.loads(self.evaluation_json) if self.evaluation_json else None

    @property
    def draft(self) -> dict[str, dict[str, Any]]:
        """The typed-but-unsaved text and chosen units per step (see `draft_json`)."""
        return json.loads(self.draft_json) if self.draft_json else {}

    @property
    def is_locked(self) -> bool:
        """Submitted answers never change."""
        return self.status in (ScreeningStatus.SUBMITTED, ScreeningStatus.REVIEWED)


class Summary(db.Model):
    """The surgeon's PDF, rendered once at submission and served byte for byte afterwards."""

    __tablename__ = "summary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), unique=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(10))
    rules_version: Mapped[str] = mapped_column(String(10))
    template_version: Mapped[str] = mapped_column(String(20))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    screening: Mapped[Screening] = relationship(back_populates="summary")


class StaffRole(StrEnum):
    ADMIN = "admin"
    CLINICIAN = "clinician"
    FRONT_DESK = "front_desk"


class StaffUser(db.Model):
    """A clinic staff account (issue 5)."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # -- branch security (issue 16) --
    # An admin-made account starts with a temporary password its owner must replace.
    # password_changed_at: when the current password was set, by its owner or (a temporary
    # one) by the admin who issued it; a temporary one expires TEMPORARY_PASSWORD_DAYS later.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (TOTP): the shared secret (sealed: services/sealed_secrets.py), when it
    # was confirmed, and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(128))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class StaffSession(db.Model):
    """A server-side staff session: signing out or expiry revokes it, whatever the cookie says."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[StaffUser] = relationship()


class AuditEvent(db.Model):
    """Append-only: who did what, when, from where, to which screening. Never answer contents."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    screening_public_id: Mapped[str | None] = mapped_column(String(32), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))


# -- redflag: the outbox (alerts, escalations, invitation and reminder emails) --------------


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):
    """One message to deliver, written in the same transaction as the change that causes it.

    `screening.outbox.worker` claims due rows, delivers them outside any transaction and marks
    them sent or reschedules them; the id is the message's stable identity (email Message-ID,
    webhook-id), so a retry after a crash can be recognised by the receiver. `dedupe_key` is
    unique: the same alert or invitation is never queued twice. `last_error` holds the
    channel's error text only, never patient data.
    """

    __tablename__ = "outbox_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(320))
    payload_json: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    # Alerts go before invitations, so a burst of reminders never delays a page.
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=12)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Purging a screening purges its messages (a pending one would point at nothing).
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        # The worker's claim: due pending rows, most important first.
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json or "{}")


# -- redflag: the save log and what clinicians did about a warning ---------------------------


class ScreeningSave(db.Model):
    """One save of one step: when, which step, and the triage after it (no answers).

    A clinician opening an unfinished emergency sees when the patient was last active.
    """

    __tablename__ = "screening_save"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[str] = mapped_column(String(40))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    triage: Mapped[str | None] = mapped_column(String(20))


class RedFlagOutcome(StrEnum):
    CALLED_REACHED = "called_reached"
    CALLED_NO_ANSWER = "called_no_answer"
    CALLED_LEFT_MESSAGE = "called_left_message"
    SENT_TO_ED = "sent_to_ed"
    OTHER = "other"


class RedFlagAction(db.Model):
    """One thing a clinician did about a screening's red flags (a call, a referral), kept.

    The first action acknowledges the red flags (Screening.flags_acknowledged_at); later ones
    (a second call after no answer) are added, never overwritten.
    """

    __tablename__ = "red_flag_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    # The triage level the clinician was acting on.
    level: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)

    by: Mapped[StaffUser] = relationship()


# -- branch fhir: system clients of the FHIR API -----------------------------------------------


class ApiClient(db.Model):
    """A system (an EHR, an integration engine) allowed to read the FHIR API with a bearer token.

    Only a SHA-256 of the token is stored: it carries 256 random bits, so a plain hash cannot be
    reversed, and a database copy holds no working token. Revoking keeps the row (the audit
    trail names clients), so a name is never reused.
    """

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# -- branch security (issue 16) --


class RecoveryCode(db.Model):
    """A one-time code that signs in instead of the authenticator app (kept as a hash)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The sign-in throttle counts recent failures per address (services/sign_in_throttle.py).
Index("ix_audit_event_ip_at", AuditEvent.ip, AuditEvent.at)
