"""Staff accounts, passwords and server-side sessions.

Passwords are hashed with scrypt (a memory-hard key-derivation function) and must pass the
policy in `passwords` (12+ characters, not common, not the person's name or email). Signing in
creates a `StaffSession` row holding only the SHA-256 of a random token; the token itself lives
in the signed Flask session cookie. Every request checks the row: revoked, idle for more than
STAFF_IDLE_MINUTES or older than STAFF_MAX_HOURS means signed out, whatever the cookie says, so
signing out (or an admin deactivating the account) ends the session everywhere, and a copied
cookie stops working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from screening.extensions import db
from screening.models import Screening, StaffRole, StaffSession, StaffUser
from screening.questionnaire.model import N_
from screening.questionnaire.text_input import (
    CONTROL_CHARACTERS_MESSAGE,
    has_control_characters,
    printable_only,
)
from screening.services import audit, locking, passwords
from screening.services.screenings import OPEN_STATUSES

PASSWORD_MIN_LENGTH = passwords.MIN_LENGTH
PASSWORD_MAX_LENGTH = passwords.MAX_LENGTH
PASSWORD_METHOD = "scrypt"  # noqa: S105 (the KDF name, not a password)
ROLES: tuple[str, ...] = tuple(role.value for role in StaffRole)
ROLE_LABELS: dict[str, str] = {
    StaffRole.ADMIN: N_("Admin"),
    StaffRole.CLINICIAN: N_("Clinician"),
    StaffRole.FRONT_DESK: N_("Front desk"),
}
# Written at most once a minute per session, so a busy page does not write on every request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@cache
def _dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email costs as much time as a wrong
    password and response times do not reveal which accounts exist."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


class AccountError(ValueError):
    """An account cannot be created or changed; the message says what to fix, and `field`
    names the form field it is about when it is about one (so a page shows it there)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


# StaffUser.display_name's column width (the web form's Length too).
NAME_MAX_LENGTH = 120


def password_problem(
    password: str, *, email: str | None = None, name: str | None = None
) -> str | None:
    """What is wrong with a new password, in words, or None when it is acceptable.

    `email` and `name` are the account's: a password containing either is refused. The policy
    itself lives in `screening.services.passwords`.
    """
    return passwords.password_problem(password, email=email, name=name)


def _valid_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and "." in domain and " " not in email and len(email) <= 254)


def create_user(
    email: str,
    *,
    role: str,
    password: str,
    display_name: str | None = None,
    actor: str | None = None,
    ip: str | None = None,
    must_change_password: bool = False,
) -> StaffUser:
    """Create an active staff account, audit it and commit; raises AccountError when invalid.

    `must_change_password` marks a temporary password (an admin made the account): its owner
    must choose their own at first sign-in, so the admin never knows a working password.
    """
    email = normalise_email(email)
    display_name = (display_name or "").strip() or None
    if not _valid_email(email):
        raise AccountError(f"{email!r} does not look like an email address.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    # The web form checks these too; `screening create-user` reaches here directly.
    if any(has_control_characters(text) for text in (email, display_name or "")):
        raise AccountError(CONTROL_CHARACTERS_MESSAGE)
    if display_name and len(display_name) > NAME_MAX_LENGTH:
        raise AccountError(f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.")
    problem = password_problem(password, email=email, name=display_name)
    if problem:
        raise AccountError(problem)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = StaffUser(
        email=email,
        display_name=display_name,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        role=role,
        active=True,
        must_change_password=must_change_password,
        password_changed_at=datetime.now(UTC),
    )
    db.session.add(user)
    how = "temporary password" if must_change_password else "own password"
    audit.record("create_user", actor=actor, ip=ip, detail=f"{email} as {role}, {how}")
    db.session.commit()
    return user


# Readable temporary passwords: no look-alike characters, four groups of five (100 bits).
_TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def temporary_password(email: str | None = None, name: str | None = None) -> str:
    """A random one-time password for an admin-made account (changed at first sign-in).

    Drawn again in the rare case it happens to contain a part of the person's name or email,
    so it always passes the same policy as a chosen password.
    """
    while True:
        raw = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(20))
        password = "-".join(raw[i : i + 5] for i in range(0, 20, 5))
        if password_problem(password, email=email, name=name) is None:
            return password


def create_user_with_temporary_password(
    email: str,
    *,
    role: str,
    display_name: str | None = None,
    actor: str | None = None,
    ip: str | None = None,
) -> tuple[StaffUser, str]:
    """An account made by an admin: a temporary password (shown to the admin once) that its
    owner must replace at first sign-in. Returns the account and the password."""
    password = temporary_password(normalise_email(email), display_name)
    user = create_user(
        email,
        role=role,
        password=password,
        display_name=display_name,
        actor=actor,
        ip=ip,
        must_change_password=True,
    )
    return user, password


def reset_password(user: StaffUser, *, actor: str, ip: str | None = None) -> str:
    """An admin gives an account a new temporary password (its sessions end; the owner must
    choose their own at next sign-in). Two-factor sign-in stays as it was, so an admin cannot
    use a reset to sign in as someone whose account has it. Audited; returns the password."""
    password = temporary_password(user.email, user.display_name)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    user.must_change_password = True
    user.password_changed_at = datetime.now(UTC)
    _end_sessions(user)
    audit.record("reset_password", actor=actor, ip=ip, detail=f"{user.email} ({user.role})")
    db.session.commit()
    return password


def temporary_password_days() -> int:
    """TEMPORARY_PASSWORD_DAYS: how long a password an admin issued works."""
    return int(current_app.config["TEMPORARY_PASSWORD_DAYS"])


@dataclass(frozen=True)
class TemporaryPassword:
    """An account's temporary password: when it stops working, and whether it has."""

    expires_at: datetime
    expired: bool


def temporary_password_state(user: StaffUser) -> TemporaryPassword | None:
    """The account's temporary password (it expires TEMPORARY_PASSWORD_DAYS after an admin
    issued it), or None when its password is the owner's own.

    `password_changed_at` is when the current password was set, by its owner or, for a
    temporary one, by the admin who issued it (accounts from before it was kept for
    temporary passwords got the time of that upgrade).
    """
    if not user.must_change_password or user.password_changed_at is None:
        return None
    expires_at = user.password_changed_at + timedelta(days=temporary_password_days())
    return TemporaryPassword(expires_at, datetime.now(UTC) >= expires_at)


def temporary_password_expired(user: StaffUser) -> bool:
    """True when the account still has a temporary password and it is too old to sign in
    with: the owner never used it in time, so an admin must issue a new one."""
    temporary = temporary_password_state(user)
    return temporary is not None and temporary.expired


def refuse_expired_temporary_password(user: StaffUser, *, ip: str | None) -> None:
    """Audit a sign-in refused because its (right) temporary password had expired."""
    audit.record("temporary_password_expired", actor=user.email, ip=ip, detail=f"role {user.role}")
    db.session.commit()


def _end_sessions(user: StaffUser, *, keep_token: str | None = None) -> None:
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
    )
    if keep_token:
        query = query.where(StaffSession.token_hash != _hash(keep_token))
    db.session.execute(query.values(revoked_at=datetime.now(UTC)))


def change_password(
    user: StaffUser,
    *,
    current: str,
    new: str,
    repeated: str,
    session_token: str | None = None,
    ip: str | None = None,
) -> None:
    """The owner sets their own password: the current one, then the new one twice.

    Every other session of the account ends (a stolen cookie stops working); the one in use
    stays. Audited. Raises AccountError saying what to fix.
    """
    if not check_password_hash(user.password_hash, current[:PASSWORD_MAX_LENGTH]):
        raise AccountError(N_("The current password is not right."), field="current_password")
    if new != repeated:
        raise AccountError(N_("The two new passwords are not the same."), field="repeat_password")
    if check_password_hash(user.password_hash, new[:PASSWORD_MAX_LENGTH]):
        raise AccountError(
            N_("Choose a password different from the current one."), field="new_password"
        )
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = generate_password_hash(new, method=PASSWORD_METHOD)
    user.must_change_password = False
    user.password_changed_at = datetime.now(UTC)
    _end_sessions(user, keep_token=session_token)
    audit.record("change_password", actor=user.email, ip=ip, detail=f"role {user.role}")
    db.session.commit()


def set_active(
    user: StaffUser,
    active: bool,
    *,
    actor: str | None,
    ip: str | None = None,
    hand_over_to: int | None = None,
) -> StaffUser:
    """Deactivate (ending every session at once) or reactivate an account; audited.

    The last active admin is not deactivated (AccountError, nothing changed): nobody could
    manage accounts without one. Checked with the admins' rows locked, as a role change is,
    so "A deactivates B" at the same instant as "B makes A a clinician" cannot leave none.
    A clinician deactivated with `hand_over_to` hands their open invitations over, as in
    `change_role`.
    """
    now = datetime.now(UTC)
    successor = None
    if not active:
        _lock_roles(user)
        if is_last_active_admin(user):
            db.session.rollback()
            raise AccountError(LAST_ACTIVE_ADMIN % {"email": user.email})
        if user.role == StaffRole.CLINICIAN:
            successor = _successor(user, hand_over_to)
    user.active = active
    if not active:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    audit.record(
        "reactivate_user" if active else "deactivate_user", actor=actor, ip=ip, detail=user.email
    )
    if successor is not None:
        _hand_over_open_screenings(user, successor, "with a deactivation", actor=actor, ip=ip)
    db.session.commit()
    return user


def deactivate_by_email(email: str, *, actor: str | None) -> StaffUser:
    user = user_by_email(email)
    if user is None:
        raise AccountError(f"No account for {normalise_email(email)}.")
    return set_active(user, False, actor=actor)


def user_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def count_users() -> int:
    return db.session.scalar(select(func.count(StaffUser.id))) or 0


def all_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


def active_clinicians() -> list[StaffUser]:
    """Who an invitation can name as the patient's clinician."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role == StaffRole.CLINICIAN, StaffUser.active.is_(True))
            .order_by(StaffUser.display_name, StaffUser.email)
        )
    )


def former_clinicians_named() -> list[StaffUser]:
    """Accounts no longer active clinicians that open invitations still name (nobody was
    chosen to take them over): the queue's filter offers them, so front desk can find those
    invitations and choose another clinician for each."""
    named = select(Screening.clinician_id).where(Screening.status.in_(OPEN_STATUSES))
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(
                StaffUser.id.in_(named),
                (StaffUser.role != StaffRole.CLINICIAN) | StaffUser.active.is_(False),
            )
            .order_by(StaffUser.display_name, StaffUser.email)
        )
    )


def former_clinician(clinician_id: int | None) -> StaffUser | None:
    """The account an invitation names, when it is no longer an active clinician (given
    another role, or deactivated, with nobody chosen to take its invitations over)."""
    named = db.session.get(StaffUser, clinician_id) if clinician_id else None
    if named is None or (named.active and named.role == StaffRole.CLINICIAN):
        return None
    return named


def clinician_labels(clinicians: list[StaffUser]) -> dict[int, str]:
    """How a select names each clinician: the name, with the email after it when another in
    the list has the same name (two "Dr Shah"), or the email when there is no name."""
    names = [user.display_name for user in clinicians if user.display_name]
    return {
        user.id: (
            f"{user.display_name} ({user.email})"
            if user.display_name and names.count(user.display_name) > 1
            else user.display_name or user.email
        )
        for user in clinicians
    }


def active_admin_count() -> int:
    return (
        db.session.scalar(
            select(func.count(StaffUser.id)).where(
                StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True)
            )
        )
        or 0
    )


def open_screenings_naming(user: StaffUser) -> int:
    """How many screenings still being filled in name this account as the patient's clinician:
    a role change away from clinician leaves them naming someone who no longer is one."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Screening)
            .where(Screening.clinician_id == user.id, Screening.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def is_last_active_admin(user: StaffUser) -> bool:
    """True for the clinic's only active admin: nobody could manage accounts without one, so
    that account keeps its role (and stays active)."""
    return bool(user.active) and user.role == StaffRole.ADMIN and active_admin_count() <= 1


# Why a role change is refused: untranslated, with the account's email as %(email)s (the
# Users page says them in the request's language; `change_role` raises them filled in).
UNKNOWN_ROLE = N_("There is no such role; nothing changed.")
LAST_ACTIVE_ADMIN = N_(
    "%(email)s is the last active admin: nobody could manage accounts without one. Make "
    "another colleague an admin first; nothing changed."
)


def role_change_refusal(user: StaffUser, role: str) -> str | None:
    """Why `user` cannot be given `role` (one of the messages above), or None when they can.

    The Users page asks this before its confirmation, so nobody confirms what will be refused;
    `change_role` asks it again with the admins' rows locked.
    """
    if role not in ROLES:
        return UNKNOWN_ROLE
    if role != StaffRole.ADMIN and is_last_active_admin(user):
        return LAST_ACTIVE_ADMIN
    return None


def _lock_roles(user: StaffUser) -> None:
    """Take turns with any other role change until this transaction ends, and re-read `user`.

    Two admins giving each other another role at the same instant would each count two admins
    and leave none. PostgreSQL: every active admin's row is locked, in id order (so two
    changes never wait on each other), then the account's own; the second change waits and
    then counts what the first committed. SQLite: the database's write lock (`BEGIN
    IMMEDIATE`, see services/locking.py) does the same.
    """
    db.session.scalars(
        select(StaffUser.id)
        .where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
        .order_by(StaffUser.id)
        .with_for_update()
    ).all()
    locking.lock_for_update(user)


def change_role(
    user: StaffUser,
    role: str,
    *,
    actor: str | None,
    ip: str | None = None,
    hand_over_to: int | None = None,
) -> bool:
    """Give an account another role, keeping the account: its audit history, its password and
    its two-step sign-in stay as they are. Audited with the old and the new role; commits.

    A clinician given another role is no longer anyone's clinician: with `hand_over_to` (an
    active clinician's id), the open invitations naming them name that clinician instead, in
    the same transaction, each with its own `hand_over_invitation` audit row. Without it they
    are left as they are (Edit invitation then asks for another clinician). Another chosen
    clinician who is not an active one raises AccountError (nothing changed).

    The role is read from the database on every request (screening.staff.access.load_staff),
    so the change applies from the account's next request, on every device it is signed in
    on: a clinician made front desk stops seeing clinical answers at once.

    Returns False, writing nothing, when the account already has `role`. Raises AccountError
    (nothing changed) for an unknown role or when it would leave no active admin.
    """
    if role not in ROLES:
        raise AccountError(UNKNOWN_ROLE)
    _lock_roles(user)
    if user.role == role:
        db.session.rollback()  # ends the transaction and its locks; nothing was written
        return False
    refusal = role_change_refusal(user, role)
    if refusal is not None:
        message = refusal % {"email": user.email}
        db.session.rollback()
        raise AccountError(message)
    previous = user.role
    successor = _successor(user, hand_over_to) if previous == StaffRole.CLINICIAN else None
    user.role = role
    audit.record(
        "change_role", actor=actor, ip=ip, detail=f"{user.email} from {previous} to {role}"
    )
    if successor is not None:
        _hand_over_open_screenings(user, successor, "with a role change", actor=actor, ip=ip)
    db.session.commit()
    return True


NO_SUCCESSOR = N_(
    "The clinician chosen to take over the open invitations is no longer an active "
    "clinician; nothing changed. Try again, and choose another."
)


def _successor(user: StaffUser, hand_over_to: int | None) -> StaffUser | None:
    """The active clinician taking over `user`'s open invitations, or None when none was
    chosen. Raises AccountError (rolled back: nothing changed) for anyone else."""
    if hand_over_to is None:
        return None
    successor = db.session.get(StaffUser, hand_over_to)
    if (
        successor is None
        or not successor.active
        or successor.role != StaffRole.CLINICIAN
        or successor.id == user.id
    ):
        db.session.rollback()
        raise AccountError(NO_SUCCESSOR)
    return successor


def _hand_over_open_screenings(
    user: StaffUser, successor: StaffUser, why: str, *, actor: str | None, ip: str | None
) -> int:
    """Make `successor` the clinician of every open screening naming `user` (not committed;
    sent ones keep the clinician they were sent to). One audit row per screening, so each
    one's trail says who moved it and from whom; no patient detail in it."""
    moved = db.session.scalars(
        select(Screening).where(
            Screening.clinician_id == user.id, Screening.status.in_(OPEN_STATUSES)
        )
    ).all()
    for screening in moved:
        screening.clinician_id = successor.id
        audit.record(
            "hand_over_invitation",
            actor=actor,
            screening_public_id=screening.public_id,
            ip=ip,
            detail=f"from {user.email} to {successor.email}, {why}",
        )
    return len(moved)


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account these credentials belong to, or None (one answer for every failure).

    An unknown email still pays for a password check against a dummy hash, so timing does not
    tell which accounts exist.
    """
    user = user_by_email(email) if len(password) <= PASSWORD_MAX_LENGTH else None
    if user is None:
        check_password_hash(_dummy_hash(), password[:PASSWORD_MAX_LENGTH])
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user if user.active else None


def record_failed_sign_in(email: str, *, ip: str | None) -> None:
    """Audit a failed sign-in. The typed email is kept only when it names a real account:
    people sometimes type a password into the email box, and that must not be stored."""
    user = user_by_email(email)
    audit.record(
        "sign_in_failed",
        actor=user.email if user else None,
        ip=ip,
        detail=None if user else unknown_email_detail(email),
    )
    db.session.commit()


def unknown_email_detail(email: str) -> str:
    """How a failure for an unknown email is recorded: a keyed digest, never the text typed
    (it may be a password), so the sign-in throttle treats unknown and real accounts alike and
    its waits do not reveal which accounts exist."""
    key = (current_app.secret_key or "").encode("utf-8")
    digest = hmac.new(key, normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()
    return "unknown email " + digest[:16]


def record_failed_second_step(user: StaffUser, *, ip: str | None) -> None:
    """Audit a wrong two-factor code (the password before it was right)."""
    audit.record("sign_in_second_step_failed", actor=user.email, ip=ip)
    db.session.commit()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: StaffUser, *, ip: str | None) -> str:
    """Open a server-side session for a signed-in user; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    db.session.add(
        StaffSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip=printable_only(ip, 64) if ip else None,
        )
    )
    audit.record("sign_in", actor=user.email, ip=ip)
    db.session.commit()
    return token


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def resume_session(token: str, limits: SessionLimits) -> StaffSession | None:
    """The live session for a cookie's token, refreshing its last-seen time; None if it ended.

    A session ends when revoked, when idle longer than `limits.idle`, when older than
    `limits.absolute`, or when its account was deactivated.
    """
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == _hash(token))
    )
    if row is None:
        return None
    # Constant-time compare on the hash, in case the index lookup ever matches loosely.
    if not hmac.compare_digest(row.token_hash, _hash(token)):
        return None
    now = datetime.now(UTC)
    if (
        row.revoked_at is not None
        or now - row.last_seen_at > limits.idle
        or now - row.created_at > limits.absolute
        or not row.user.active
    ):
        if row.revoked_at is None:
            row.revoked_at = now
            db.session.commit()
        return None
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        db.session.commit()
    return row


def end_session(token: str | None, *, ip: str | None) -> None:
    """Sign out: revoke the server-side session so its cookie is worthless from now on."""
    if not token:
        return
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None:
        return
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    audit.record("sign_out", actor=row.user.email, ip=ip)
    db.session.commit()
