"""Reusable helpers for staff-side tests: accounts, sign-in, synthetic screenings.

Import them in any test module (`from tests.staff.helpers import make_user, sign_in`), or use
the fixtures of the same names in tests/staff/conftest.py.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from screening.extensions import db
from screening.models import Screening, StaffUser, Summary
from screening.services.access import hash_token, new_public_id, new_token
from screening.services.screenings import name_search_key

PASSWORD = "correct horse battery staple"
# What a confirmation page's "Yes" button adds to the post (deactivate, a new temporary
# password, revoke): without it those actions only ask (screening/staff/confirm.py).
CONFIRMED = {"confirm": "yes"}
ROLES = ("admin", "clinician", "front_desk")
TRIAGE_RANK = {"emergency": 0, "urgent": 1, "review": 2, "routine": 3}

_serial = count(1)
# A cheap hash keeps the suite quick; the service's real KDF (scrypt) is tested on its own.
_FAST_METHOD = "pbkdf2:sha256:1000"


def make_user(
    role: str = "clinician",
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
    active: bool = True,
) -> StaffUser:
    """Insert a staff account directly (no audit row) and return it."""
    user = StaffUser(
        email=email or f"{role.replace('_', '-')}{next(_serial)}@clinic.example",
        display_name=name,
        password_hash=generate_password_hash(password, method=_FAST_METHOD),
        role=role,
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(
    client: FlaskClient,
    user: StaffUser | str,
    password: str = PASSWORD,
    *,
    next_url: str | None = None,
) -> TestResponse:
    """Post the sign-in form (CSRF is off in the default test config)."""
    email = user if isinstance(user, str) else user.email
    data = {"email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/staff/login", data=data)


def change_password(
    client: FlaskClient, current: str, new: str, *, repeated: str | None = None
) -> TestResponse:
    """Post the account page's password form (the new password twice unless `repeated`)."""
    return client.post(
        "/staff/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeated is None else repeated,
        },
    )


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def store_synthetic_pdf(screening: Screening) -> None:
    """Give a screening a stored summary row with stand-in PDF bytes (no rendering needed)."""

    db.session.add(
        Summary(
            screening_id=screening.id,
            pdf=b"%PDF-1.7 synthetic",
            sha256="0" * 64,
            questionnaire_version="1",
            rules_version="1",
            template_version="1",
        )
    )
    db.session.commit()


def make_screening(
    *,
    status: str = "submitted",
    first_name: str = "Alex",
    last_name: str = "Example",
    triage: str | None = None,
    topics: int | None = None,
    appointment_at: datetime | None = None,
    submitted_at: datetime | None = None,
    clinician: StaffUser | None = None,
    token: str | None = None,
    answers: dict[str, Any] | None = None,
    **extra: Any,
) -> Screening:
    """A synthetic screening in any state; `token` (returned as `.test_token`) opens its link."""
    token = token or new_token()
    now = datetime.now(UTC)
    if status in ("submitted", "reviewed") and submitted_at is None:
        submitted_at = now - timedelta(hours=1)
    evaluation = None
    if triage is not None or topics is not None:
        evaluation = json.dumps(
            {
                "rules_version": "1",
                "triage": triage or "routine",
                "red_flags": [],
                "topics": [
                    {"id": f"topic{i}", "title": "T", "reasons": ["r"]} for i in range(topics or 0)
                ],
                "scores": {},
            }
        )
    screening = Screening(
        public_id=new_public_id(),
        status=status,
        answers_json=json.dumps(answers or {}),
        questionnaire_version="1",
        token_hash=hash_token(token),
        patient_first_name=first_name,
        patient_last_name=last_name,
        patient_name_search=name_search_key(first_name, last_name),
        appointment_at=appointment_at,
        submitted_at=submitted_at,
        triage=triage,
        triage_rank=TRIAGE_RANK.get(triage) if triage else None,
        evaluation_json=evaluation,
        clinician_id=clinician.id if clinician else None,
        **extra,
    )
    db.session.add(screening)
    db.session.commit()
    screening.test_token = token  # type: ignore[attr-defined]
    return screening


def days_from_now(days: float, hour: int | None = None) -> datetime:
    moment = datetime.now(UTC) + timedelta(days=days)
    if hour is not None:
        moment = moment.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment


def adult_birth_date() -> date:
    return date(1970, 5, 17)


def submitted_example(name: str = "cauda_equina_warning", **fields: Any) -> Screening:
    """A screening submitted through the real service with a shared example answer set (so its
    evaluation and stored PDF are genuine); `fields` set invitation columns first."""
    from pathlib import Path

    from screening.services import screenings

    examples = Path(__file__).resolve().parents[3] / "shared" / "examples"
    answers = json.loads((examples / f"{name}.answers.json").read_text())
    screening = make_screening(
        status="in_progress",
        first_name=answers["first_name"],
        last_name=answers["last_name"],
        answers=answers,
        **fields,
    )
    token = screening.test_token  # type: ignore[attr-defined]
    result = screenings.submit(screening, consent=True)
    assert result.ok, result.errors
    db.session.refresh(screening)
    screening.test_token = token  # type: ignore[attr-defined]
    return screening
