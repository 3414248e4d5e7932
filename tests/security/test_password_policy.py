"""Issue 16, item 3: common, guessable and personal passwords are refused (ASVS 2.1.7).

The policy is pure (no app needed); the web form and `screening create-user` both apply it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import StaffUser
from screening.services import passwords
from screening.services.staff import temporary_password
from tests.staff.helpers import PASSWORD, make_user, sign_in

EMAIL = "robin.okafor@clinic.example"
NAME = "Robin Okafor"


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("aaaaaaaaaaaa", passwords.TOO_EASY),
        ("password1234", passwords.TOO_COMMON),
        ("qwertyuiop12", passwords.TOO_COMMON),
        ("Summer2024!!", passwords.TOO_EASY),
        ("123456789012", passwords.TOO_EASY),
        ("ROBIN.OKAFOR@clinic.example", passwords.PERSONAL),
        ("my name is okafor, hello", passwords.PERSONAL),
        ("robin.okafor rules the ward", passwords.PERSONAL),
        ("short", passwords.TOO_SHORT),
        (" " * 12, passwords.ONLY_SPACES),
        ("x" * 1025, passwords.TOO_LONG),
    ],
)
def test_weak_passwords_are_refused(password, expected):
    assert passwords.password_problem(password, email=EMAIL, name=NAME) == expected


@pytest.mark.parametrize(
    "password",
    ["violet harbour tram 4419", "correct horse battery staple", "plum river 77 lantern"],
)
def test_passphrases_pass(password):
    assert passwords.password_problem(password, email=EMAIL, name=NAME) is None


def test_the_common_list_is_bundled_and_large():
    common = passwords.common_passwords()
    assert len(common) >= 25_000 and "iloveyou" in common


def test_a_very_long_password_is_estimated_without_error():
    assert passwords.password_problem("violet harbour tram 4419 " * 20, email=EMAIL) is None


def test_temporary_passwords_always_pass_the_policy():
    for _ in range(20):
        assert passwords.password_problem(temporary_password(EMAIL, NAME), email=EMAIL) is None


def test_changing_to_a_weak_password_is_refused_with_the_reason(app, client):
    user = make_user("clinician", email=EMAIL, name=NAME)
    sign_in(client, user)
    response = client.post(
        "/staff/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "aaaaaaaaaaaa",
            "repeat_password": "aaaaaaaaaaaa",
        },
    )
    assert "would be easy to guess" in response.get_data(as_text=True)
    personal = "okafor robin okafor"
    response = client.post(
        "/staff/account/password",
        data={"current_password": PASSWORD, "new_password": personal, "repeat_password": personal},
    )
    assert "must not contain your name" in response.get_data(as_text=True)


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "password1234", "robin.okafor2024"])
def test_create_user_refuses_weak_passwords_and_creates_nothing(app, runner, weak):
    result = runner.invoke(
        args=["create-user", EMAIL, "--role", "clinician", "--name", NAME], input=f"{weak}\n" * 2
    )
    assert result.exit_code == 1
    assert "Nothing was created" in result.output
    assert db.session.scalars(select(StaffUser)).all() == []
