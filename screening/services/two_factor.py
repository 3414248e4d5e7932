"""Two-factor sign-in for staff: time-based codes (TOTP, RFC 6238) and one-time recovery codes.

pyotp does the arithmetic; this module decides the policy. A code is accepted one 30-second step
either side of now (phone clocks drift), and never twice: the last accepted step is stored, so a
code read over someone's shoulder cannot be replayed. The seed is stored sealed (AES-GCM, a
key derived from SECRET_KEY: `sealed_secrets`), so a copy of the database alone gives nobody a
second factor. Recovery codes are kept only as SHA-256 hashes (they carry 60 random bits each,
so a plain hash is safe) and each works once.

Off by default; `STAFF_MFA_REQUIRED=clinician,admin` makes it compulsory for those roles (the
account is sent to set it up at its next sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

import pyotp
from flask import current_app
from sqlalchemy import delete, select

from screening.extensions import db
from screening.models import RecoveryCode, StaffUser
from screening.services import audit, sealed_secrets, session_seals

ISSUER = "Spine Clinic screening"
RECOVERY_CODE_COUNT = 10
# Crockford-style alphabet (no I, L, O, U): codes written on paper survive being read back.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALID_WINDOW = 1  # one 30-second step either side
SEALED_PURPOSE = "totp"
PENDING_PURPOSE = "totp pending"

log = logging.getLogger(__name__)


def _row_name(user: StaffUser) -> str:
    """What a sealed seed is bound to: its own account row."""
    return f"staff_user:{user.id}"


def _sealed(user: StaffUser, secret: str) -> str:
    """The seed as stored for `user` (see sealed_secrets)."""
    return sealed_secrets.seal(
        secret, secret_key=current_app.secret_key, purpose=SEALED_PURPOSE, bound_to=_row_name(user)
    )


def _stored_secret(user: StaffUser) -> str | None:
    """The account's seed, or None when it has none or it does not open (SECRET_KEY changed:
    then only a recovery code signs in, and the owner sets two-step sign-in up again)."""
    if user.totp_secret is None:
        return None
    secret = sealed_secrets.unseal(
        user.totp_secret,
        secret_key=current_app.secret_key,
        purpose=SEALED_PURPOSE,
        bound_to=_row_name(user),
    )
    if secret is None:
        log.warning(
            "The two-step sign-in seed of staff account %s does not open with this SECRET_KEY;"
            " only its recovery codes work until it is set up again.",
            user.id,
        )
    return secret


def seal_pending(user: StaffUser, secret: str) -> str:
    """A seed being set up, as the session keeps it until its first code confirms it (sealed:
    `session_seals`), under its own purpose so it cannot pass for a confirmed seed."""
    return session_seals.seal(secret, purpose=PENDING_PURPOSE, bound_to=_row_name(user))


def open_pending(user: StaffUser, kept: object) -> str | None:
    """The seed `seal_pending` sealed for this account, or None (the setup page then shows a
    new one)."""
    return session_seals.unseal(kept, purpose=PENDING_PURPOSE, bound_to=_row_name(user))


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits), shown once as a QR code while setting up."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code equals `code` (within the window), or None."""
    digits = _clean(code)
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def code_matches_secret(secret: str, code: str, now: datetime | None = None) -> bool:
    """While setting up: does the app the person just scanned produce this code?"""
    return _matching_step(secret, code, now or datetime.now(UTC)) is not None


def is_enabled(user: StaffUser) -> bool:
    return user.totp_secret is not None and user.totp_enabled_at is not None


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode("ascii")).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _replace_recovery_codes(user: StaffUser) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def enable(
    user: StaffUser, secret: str, code: str, *, ip: str | None = None, now: datetime | None = None
) -> list[str] | None:
    """Turn two-factor sign-in on once the person proves their app works; returns the recovery
    codes (shown once), or None when the code does not match."""
    now = now or datetime.now(UTC)
    step = _matching_step(secret, code, now)
    if step is None:
        return None
    if user.id is None:
        db.session.flush()  # the sealed seed is bound to the row's id
    user.totp_secret = _sealed(user, secret)
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record("enable_two_factor", actor=user.email, ip=ip, detail=f"role {user.role}")
    db.session.commit()
    return codes


def disable(user: StaffUser, *, actor: str, ip: str | None = None) -> None:
    """Turn it off (the owner, with their password; or the operator from the command line)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("disable_two_factor", actor=actor, ip=ip, detail=f"{user.email} ({user.role})")
    db.session.commit()


def new_recovery_codes(user: StaffUser, *, ip: str | None = None) -> list[str]:
    """Replace every recovery code (the old ones stop working); shown once."""
    codes = _replace_recovery_codes(user)
    audit.record("new_recovery_codes", actor=user.email, ip=ip)
    db.session.commit()
    return codes


def unused_recovery_codes(user: StaffUser) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def verify(user: StaffUser, code: str, *, now: datetime | None = None) -> str | None:
    """Check a sign-in's second step: "app" or "recovery" when accepted, else None.

    Does not commit on failure; on success the used step or recovery code is stored, so the
    same code cannot be used again (the caller commits with the new session).
    """
    if not is_enabled(user):
        return None
    now = now or datetime.now(UTC)
    secret = _stored_secret(user)
    step = _matching_step(secret, code, now) if secret is not None else None
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return None  # replayed
        user.totp_last_step = step
        return "app"
    cleaned = _clean(code)
    if len(cleaned) != 12:
        return None
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = now
    return "recovery"


def required_roles(setting: str | Iterable[str] | None) -> frozenset[str]:
    """The roles STAFF_MFA_REQUIRED names ("clinician,admin"), lower-cased, blanks dropped."""
    if not setting:
        return frozenset()
    parts = setting.split(",") if isinstance(setting, str) else list(setting)
    return frozenset(part.strip().lower() for part in parts if part.strip())
