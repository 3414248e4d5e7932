"""Fixtures for the patient tests: a started screening and a fresh look at what is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import or_, select

from screening.extensions import db
from screening.models import Screening
from screening.services.access import hash_token
from tests.patient.helpers import start


@pytest.fixture
def token(client: FlaskClient) -> str:
    """The private link token of a freshly self-started screening."""
    link_token, _code = start(client)
    return link_token


def load_screening(token: str) -> Screening:
    """The stored row, read again from the database (not a cached object)."""
    db.session.expire_all()
    return db.session.execute(
        select(Screening).where(
            or_(
                Screening.token_hash == hash_token(token),
                Screening.device_token_hash == hash_token(token),
            )
        )
    ).scalar_one()


@pytest.fixture
def stored() -> Callable[[str], dict[str, Any]]:
    """Read the stored answers of a link again from the database."""

    def read(token: str) -> dict[str, Any]:
        return load_screening(token).answers

    return read
