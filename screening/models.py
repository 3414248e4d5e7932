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
    )

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json or "{}")

    @property
    def evaluation(self) -> dict[str, Any] | None:
        return json.loads(self.evaluation_json) if self.evaluation_json else None

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
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (TOTP): the shared secret, when it was confirmed, and the last time
    # step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
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
