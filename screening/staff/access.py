"""Flask-Login wiring: who the current staff member is, checked against the server each request.

Flask-Login keeps one id in the signed session cookie. Here that id is the token of a
`StaffSession` row, not the user's id, so the cookie alone proves nothing: the loader looks the
token up on every request and treats a revoked, idle or too-old session as signed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l

from screening.extensions import db, login_manager
from screening.models import StaffRole, StaffUser
from screening.services import staff as staff_service
from screening.services import two_factor


@dataclass(frozen=True)
class SignedInStaff:
    """The signed-in staff member as views and templates see them (no ORM object leaks out)."""

    session_token: str
    user_id: int
    email: str
    display_name: str | None
    role: str
    # Issue 16: a temporary password must be replaced, and a role that requires two-factor
    # sign-in must set it up, before any other staff page opens.
    must_change_password: bool = False
    needs_two_factor_setup: bool = False
    two_factor_enabled: bool = False

    # Flask-Login's user protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token

    @property
    def name(self) -> str:
        return self.display_name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN

    @property
    def is_clinician(self) -> bool:
        return self.role == StaffRole.CLINICIAN

    @property
    def setup_pending(self) -> bool:
        """Something to set up first (a new password, two-step sign-in): until it is done the
        session opens only the set-up pages, and no patient data anywhere (staff pages, /fhir)."""
        return self.must_change_password or self.needs_two_factor_setup

    @property
    def sees_clinical(self) -> bool:
        """Only clinicians read answers, triage, summaries and PDFs (minimum necessary)."""
        return self.role == StaffRole.CLINICIAN


def session_limits() -> staff_service.SessionLimits:
    config = current_app.config
    return staff_service.SessionLimits(
        idle=timedelta(minutes=int(config["STAFF_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config["STAFF_MAX_HOURS"])),
    )


def load_staff(session_token: str) -> SignedInStaff | None:
    """Flask-Login's user loader: the live server-side session for this token, or nobody."""
    row = staff_service.resume_session(session_token, session_limits())
    if row is None:
        return None
    user = row.user
    enabled = two_factor.is_enabled(user)
    required = two_factor.required_roles(current_app.config.get("STAFF_MFA_REQUIRED"))
    return SignedInStaff(
        session_token=session_token,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        must_change_password=bool(user.must_change_password),
        needs_two_factor_setup=user.role in required and not enabled,
        two_factor_enabled=enabled,
    )


def signed_in_staff(session_token: str) -> SignedInStaff | None:
    """Build the principal right after sign-in (same checks as every later request)."""
    return load_staff(session_token)


def client_ip() -> str | None:
    """The caller's address (ProxyFix rewrites it when TRUSTED_PROXIES is set)."""
    return request.remote_addr


def configure_login_manager() -> None:
    """Point Flask-Login at the staff sign-in page and the server-side session loader."""
    login_manager.login_view = "staff.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_staff)


def current_staff_user() -> StaffUser:
    """The signed-in member's account row, for services that record who acted."""
    from flask_login import current_user

    user = db.session.get(StaffUser, current_user.user_id)
    if user is None:  # deleted between the loader and now: treat as signed out
        abort(403)
    return user
