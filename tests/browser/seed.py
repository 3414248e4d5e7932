"""Seed the live app's database where the page itself is not what a test is about.

Everything goes through the same HTTP routes a browser uses (Flask's test client on the live
app, CSRF on) or through the services, so the rows are exactly what real use produces.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flask import Flask

from screening.questionnaire import QUESTIONNAIRE
from screening.services import staff as staff_service
from tests.patient.helpers import (
    acknowledge_warning,
    example_answers,
    fill_steps,
    post_step,
    start,
)

STAFF_PASSWORD = "a long synthetic passphrase"
STEPS = tuple(section.id for section in QUESTIONNAIRE.sections if section.id != "review")


def answers_with(name: str = "disc_herniation", **changes: Any) -> dict[str, Any]:
    """A shared synthetic example answer set with some answers changed."""
    answers = copy.deepcopy(example_answers(name))
    answers.update(changes)
    return answers


def started_screening(app: Flask) -> str:
    """Press Start (over HTTP) and return the private link token."""
    token, _code = start(app.test_client())
    return token


def answered_through(app: Flask, answers: Mapping[str, Any], last_step: str) -> tuple[str, str]:
    """A new screening with every step up to and including `last_step` saved.

    Returns the token and where the last save sent the patient (a warning page or a step).
    """
    client = app.test_client()
    token, _code = start(client)
    location = ""
    for section_id in STEPS:
        response = post_step(client, token, section_id, answers)
        assert response.status_code == 302, (section_id, response.get_data(as_text=True)[:500])
        location = response.location
        if section_id == last_step:
            break
        if "/warning" in location:
            acknowledge_warning(client, location)
    return token, location


def answered_all(app: Flask, answers: Mapping[str, Any]) -> str:
    """A new screening with every step saved (not yet sent); the token."""
    client = app.test_client()
    token, _code = start(client)
    fill_steps(client, token, answers)
    return token


def staff_user(app: Flask, role: str, email: str, name: str) -> str:
    """An active staff account made by the service (scrypt and all); returns the email."""
    with app.app_context():
        staff_service.create_user(
            email, role=role, password=STAFF_PASSWORD, display_name=name, actor="test"
        )
    return email
