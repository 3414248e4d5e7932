"""Dates typed by hand (browsers without a date picker): the form's own example ("March 14,
1975") is read as typed, and on a Spanish page a date like 04/03/1975, which a reader may mean
either way, is asked again rather than guessed (a wrong guess is a wrong date of birth, or a
failed try at the link's check)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screening.extensions import db
from screening.patient.parsing import AmbiguousDate, parse_date_typed
from tests.patient.conftest import load_screening
from tests.patient.test_invited import confirm, invite


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1975-03-14", "1975-03-14"),
        ("03/14/1975", "1975-03-14"),
        ("3/4/1975", "1975-03-04"),  # month first, as in the United States
        ("14/03/1975", "1975-03-14"),  # only day first makes a date
        ("14.03.1975", "1975-03-14"),
        ("March 14, 1975", "1975-03-14"),  # the form's own example
        ("mar 14 1975", "1975-03-14"),
        ("14th of March 1975", "1975-03-14"),
        ("14 de marzo de 1975", "1975-03-14"),
        ("14 Marzo 1975", "1975-03-14"),
        ("1 sept. 1980", "1980-09-01"),
        ("14 de setiembre de 1975", "1975-09-14"),
    ],
)
def test_typed_dates_are_read(typed: str, read: str) -> None:
    assert parse_date_typed(typed) == read


@pytest.mark.parametrize(
    "typed", ["yesterday", "March 1975", "March 14", "14 Smarch 1975", "March 14 15 1975", ""]
)
def test_what_is_not_a_whole_date_is_not_read(typed: str) -> None:
    assert parse_date_typed(typed) is None


def test_day_first_readers_are_asked_again_when_a_date_reads_two_ways() -> None:
    with pytest.raises(AmbiguousDate):
        parse_date_typed("04/03/1975", day_first=True)
    assert parse_date_typed("04/04/1975", day_first=True) == "1975-04-04"
    assert parse_date_typed("14/03/1975", day_first=True) == "1975-03-14"
    assert parse_date_typed("04/03/1975") == "1975-04-03"


def _spanish(token: str) -> None:
    screening = load_screening(token)
    screening.invited_locale = "es"
    db.session.commit()


def test_a_spanish_date_of_birth_that_reads_two_ways_is_not_a_try(
    app: Flask, client: FlaskClient
) -> None:
    """Born 12 September 1984: "09/12/1984" is 12 September to a reader who writes the month
    first and 9 December to one who writes the day first."""
    token = invite(app)
    _spanish(token)
    response = confirm(client, token, "09/12/1984")
    page = response.get_data(as_text=True)
    assert "09/12/1984 puede ser dos días distintos" in page
    assert load_screening(token).dob_failures == 0
    opened = confirm(client, token, "12 de septiembre de 1984")
    assert opened.status_code == 302
    assert load_screening(token).dob_failures == 0


def test_an_english_date_of_birth_is_read_month_first(app: Flask, client: FlaskClient) -> None:
    token = invite(app)
    assert confirm(client, token, "09/12/1984").status_code == 302
    assert confirm(app.test_client(), token, "September 12, 1984").status_code == 302
