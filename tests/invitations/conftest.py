"""Invitation fixtures: a real aiosmtpd server, an app pointed at it, a clinician, front desk."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from screening.models import Screening, StaffUser
from screening.services import invitations
from tests.outbox.servers import SmtpServer, smtp_settings
from tests.staff.helpers import make_user, sign_in

ZONE = ZoneInfo("America/New_York")
BASE_URL = "https://screening.clinic.example"
BORN = date(1961, 3, 4)


@pytest.fixture
def app_config(smtp_server: SmtpServer) -> dict[str, object]:
    return {
        **smtp_settings(smtp_server, "Spine Clinic <screening@clinic.example>"),
        "PUBLIC_BASE_URL": BASE_URL,
        "CLINIC_TIMEZONE": "America/New_York",
        "CLINIC_NAME": "Lakeside Spine Clinic",
        "CLINIC_PHONE": "555-0100",
        "REMINDER_DAYS_BEFORE": (3, 1),
        "REMINDER_HOUR": 9,
    }


@pytest.fixture
def clinician(app: Flask) -> StaffUser:
    return make_user("clinician", name="Dr Lee")


@pytest.fixture
def desk(app: Flask, client: FlaskClient) -> StaffUser:
    user = make_user("front_desk")
    sign_in(client, user)
    return user


def form_data(clinician: StaffUser, **changes: Any) -> dict[str, str]:
    """The "New invitation" form as front desk fills it in (synthetic patient)."""
    day = datetime.now(ZONE).date() + timedelta(days=10)
    data = {
        "first_name": "Maria",
        "last_name": "García",
        "date_of_birth": BORN.isoformat(),
        "appointment_date": day.isoformat(),
        "appointment_time": "14:30",
        "clinician_id": str(clinician.id),
        "phone": "+1 (555) 010-0123",
        "email": "maria@example.org",
        "locale": "en",
    }
    data.update(changes)
    return data


def invite(
    clinician: StaffUser,
    desk: StaffUser,
    *,
    appointment: datetime,
    email: str | None = "maria@example.org",
    locale: str | None = None,
    now: datetime | None = None,
) -> Screening:
    """An invitation made through the service (for tests that move the clock)."""
    return invitations.create_invitation(
        invitations.PatientDetails("Maria", "García", BORN),
        contact=invitations.ContactDetails("555-010-0123", email, locale),
        appointment_at=appointment.astimezone(UTC),
        clinician_id=clinician.id,
        invited_by=desk,
        secret_key=current_app.config["SECRET_KEY"],
        expiry_days=7,
        now=now,
    )


def reissue_lost_link(screening: Screening, desk: StaffUser) -> invitations.IssuedLink:
    """The front desk reissues the link because the patient lost it (through the service)."""
    return invitations.reissue(
        screening,
        actor=desk.email,
        secret_key=current_app.config["SECRET_KEY"],
        expiry_days=7,
        reason="lost",
    )


def clinic_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def letter_link_and_code(html: str) -> tuple[str, str]:
    link = re.search(r"<code>(https?://[^<]+/s/[^<]+)</code>", html)
    code = re.search(r'class="resume-code">([A-Z0-9-]+)<', html)
    assert link and code, "no link or code on the letter"
    return link.group(1), code.group(1)


def body_text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content())


def body_html(message: Any) -> str:
    part = message.get_body(preferencelist=("html",))
    return str(part.get_content())
