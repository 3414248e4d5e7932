"""Staff-test fixtures: factories that return callables (Indico style), reusable elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screening.models import Screening, StaffUser
from tests.staff import helpers


@pytest.fixture
def create_user(app: Flask) -> Callable[..., StaffUser]:
    """`create_user("clinician", email=..., password=..., name=..., active=...)`."""
    return helpers.make_user


@pytest.fixture
def sign_in() -> Callable[..., Any]:
    """`sign_in(client, user, password=..., next_url=...)` posts the sign-in form."""
    return helpers.sign_in


@pytest.fixture
def create_screening(app: Flask) -> Callable[..., Screening]:
    """`create_screening(status=..., triage=..., appointment_at=..., ...)`."""
    return helpers.make_screening


@pytest.fixture
def users(app: Flask) -> dict[str, StaffUser]:
    """One active account per role."""
    return {role: helpers.make_user(role) for role in helpers.ROLES}


@pytest.fixture
def clinician(app: Flask) -> StaffUser:
    """An active clinician, Dr Lee."""
    return helpers.make_user("clinician", name="Dr Lee")


@pytest.fixture
def desk(app: Flask, client: FlaskClient) -> StaffUser:
    """A front-desk member, signed in on `client`."""
    user = helpers.make_user("front_desk")
    helpers.sign_in(client, user)
    return user


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> StaffUser:
    """An admin, Ada Admin, signed in on `client`."""
    user = helpers.make_user("admin", name="Ada Admin")
    helpers.sign_in(client, user)
    return user


@pytest.fixture
def colleague(app: Flask) -> StaffUser:
    """An active clinician the admin acts on: Dr Ana Ng."""
    return helpers.make_user("clinician", email="ana.ng@clinic.example", name="Dr Ana Ng")
