"""The queue: what is in it by default, its order, filters, search, pages, and constant queries."""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from screening.extensions import db
from screening.services import queue as queue_service
from tests.staff.helpers import make_screening, make_user, sign_in

ZONE = ZoneInfo("America/New_York")


def _local(days: int, hour: int = 10) -> datetime:
    """An appointment `days` from today at `hour` o'clock clinic time, as UTC."""
    day = datetime.now(ZONE).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


@contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/staff/screenings/[^"]+">([^<]+)</a>', html)


def _searched_names(client, q: str) -> set[str]:
    """The names the queue lists for a name search."""
    return set(_names_in_order(client.get("/staff/", query_string={"q": q}).get_data(True)))


def _seed(clinician=None):
    make_screening(
        first_name="Routine",
        last_name="Tomorrow",
        triage="routine",
        topics=2,
        appointment_at=_local(1),
        clinician=clinician,
    )
    make_screening(
        first_name="Urgent", last_name="Later", triage="urgent", topics=1, appointment_at=_local(3)
    )
    make_screening(first_name="Emergency", last_name="Selfstart", triage="emergency", topics=0)
    make_screening(first_name="Review", last_name="Selfstart", triage="review", topics=3)
    make_screening(
        status="invited", first_name="Invited", last_name="Today", appointment_at=_local(0, 16)
    )
    make_screening(
        status="invited", first_name="Invited", last_name="Farout", appointment_at=_local(10)
    )
    make_screening(
        status="reviewed",
        first_name="Reviewed",
        last_name="Past",
        triage="routine",
        appointment_at=_local(-5),
        reviewed_at=datetime.now(UTC),
    )
    make_screening(
        status="reviewed",
        first_name="Reviewed",
        last_name="Soon",
        triage="routine",
        appointment_at=_local(2),
        reviewed_at=datetime.now(UTC),
    )
    make_screening(status="in_progress", first_name="Halfway", last_name="Selfstart")
    make_screening(
        status="invited", first_name="Seventh", last_name="Day", appointment_at=_local(7, 23)
    )


def test_default_queue_for_a_clinician_puts_flags_first(client, app):
    _seed()
    sign_in(client, make_user("clinician"))
    html = client.get("/staff/").get_data(as_text=True)
    assert _names_in_order(html) == [
        "Emergency Selfstart",
        "Urgent Later",
        "Invited Today",
        "Routine Tomorrow",
        "Reviewed Soon",
        "Seventh Day",
        "Review Selfstart",  # submitted, no appointment: after those with one
    ]
    assert "Invited Farout" not in html and "Reviewed Past" not in html
    assert "Halfway" not in html
    # Flagged rows say so in words, not only colour.
    assert 'class="row-emergency"' in html and ">Emergency</span>" in html
    assert ">Urgent</span>" in html


def test_front_desk_sees_status_but_no_clinical_facts(client, app):
    _seed()
    sign_in(client, make_user("front_desk"))
    html = client.get("/staff/").get_data(as_text=True)
    for clinical in ("Emergency</span>", "Urgent</span>", "row-emergency", ">Triage<", ">Topics<"):
        assert clinical not in html
    # Ordered by appointment only (an urgency order would itself reveal the flags).
    assert _names_in_order(html)[:3] == ["Invited Today", "Routine Tomorrow", "Reviewed Soon"]
    # A triage filter typed into the URL is ignored for front desk.
    html = client.get("/staff/?triage=emergency").get_data(as_text=True)
    assert "Routine Tomorrow" in html


def test_topic_count_and_acknowledgement_columns(client, app):
    clinician = make_user("clinician", name="Dr Lee")
    make_screening(
        first_name="Flagged",
        last_name="Seen",
        triage="urgent",
        topics=4,
        flags_acknowledged_at=datetime.now(UTC),
        flags_acknowledged_by_id=clinician.id,
    )
    make_screening(first_name="Flagged", last_name="Unseen", triage="emergency", topics=2)
    sign_in(client, clinician)
    html = client.get("/staff/").get_data(as_text=True)
    assert '<td class="num">4</td>' in html and '<td class="num">2</td>' in html
    assert "Dr Lee" in html and "Not yet" in html


def test_filters(client, app):
    clinician = make_user("clinician", name="Dr Park")
    _seed(clinician=clinician)
    sign_in(client, make_user("clinician"))

    def names(query: str) -> set[str]:
        response = client.get("/staff/?" + query)
        assert response.status_code == 200
        return set(_names_in_order(response.get_data(as_text=True)))

    assert names("status=reviewed") == {"Reviewed Past", "Reviewed Soon"}
    assert names("triage=urgent") == {"Urgent Later"}
    assert names(f"clinician={clinician.id}") == {"Routine Tomorrow"}
    day = (datetime.now(ZONE).date() + timedelta(days=10)).isoformat()
    assert names(f"date_from={day}&date_to={day}") == {"Invited Farout"}
    assert names("status=in_progress") == {"Halfway Selfstart"}


def test_name_search_first_last_and_partial(client, app):
    make_screening(first_name="Anna", last_name="Lee")
    make_screening(first_name="Lee", last_name="Park")
    make_screening(first_name="Zoë", last_name="O'Neil")
    make_screening(first_name="Bob", last_name="Smith_x")
    sign_in(client, make_user("clinician"))

    names = functools.partial(_searched_names, client)

    assert names("lee") == {"Anna Lee", "Lee Park"}
    assert names("Anna L") == {"Anna Lee"}
    assert names("  PARK ") == {"Lee Park"}
    assert names("zoe") == {"Zoë O&#39;Neil"}
    assert names("%") == set()  # LIKE wildcards are literal
    assert names("h_x") == set()


def test_bad_filter_values_give_a_message_not_an_error(client, app):
    sign_in(client, make_user("clinician"))
    response = client.get("/staff/?date_from=31/12/2026&status=bogus&page=abc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Not a valid" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("clinician=%20", None),  # a blank choice: once int(" ") and a 500
        ("date_to=9999-12-31", "Enter a date from the year 1900 to 2199."),
        ("date_from=0001-01-01", "Enter a date from the year 1900 to 2199."),
    ],
)
def test_filter_values_at_the_edges_give_the_queue_not_an_error(client, app, query, message):
    """A date picker can send 9999-12-31 (whose next day, the end of the range, is off the
    calendar): the queue shows, with the filter's message, and without that filter."""
    make_screening(status="submitted", triage="routine", first_name="Edge")
    sign_in(client, make_user("clinician"))
    response = client.get(f"/staff/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Edge" in html
    if message:
        assert message in html


def test_pagination(client, app):
    for n in range(queue_service.PER_PAGE + 5):
        make_screening(first_name=f"P{n:03d}", last_name="Patient")
    sign_in(client, make_user("clinician"))
    first = client.get("/staff/").get_data(as_text=True)
    second = client.get("/staff/?page=2").get_data(as_text=True)
    assert len(_names_in_order(first)) == queue_service.PER_PAGE
    assert len(_names_in_order(second)) == 5
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert not set(_names_in_order(first)) & set(_names_in_order(second))
    # Past the end: the last page, not an error.
    assert len(_names_in_order(client.get("/staff/?page=99").get_data(True))) == 5


def test_queries_per_page_do_not_grow_with_rows(client, app):
    clinician = make_user("clinician", name="Dr Lee")
    sign_in(client, clinician)
    make_screening(
        triage="urgent",
        topics=1,
        clinician=clinician,
        flags_acknowledged_at=datetime.now(UTC),
        flags_acknowledged_by_id=clinician.id,
    )
    client.get("/staff/")  # warm up
    with count_queries() as few:
        client.get("/staff/")
    for n in range(40):
        make_screening(
            triage="urgent" if n % 2 else "routine",
            topics=n % 5,
            clinician=clinician,
            appointment_at=_local(n % 7),
            flags_acknowledged_at=datetime.now(UTC),
            flags_acknowledged_by_id=clinician.id,
        )
    with count_queries() as many:
        html = client.get("/staff/").get_data(as_text=True)
    assert len(_names_in_order(html)) == 41
    assert len(many) == len(few)


def test_queue_page_itself_is_two_queries(app):
    make_user("clinician")
    for n in range(30):
        make_screening(triage="routine", topics=n % 3)
    zone = ZONE
    with count_queries() as statements:
        page = queue_service.queue_page(
            queue_service.QueueFilter(), today=datetime.now(zone).date(), zone=zone, clinical=True
        )
    assert page.total == 30
    assert len(statements) == 2
    # Never the answers.
    assert all("answers_json" not in s for s in statements)


@pytest.mark.parametrize(
    "mistake",
    [
        "date_from=notadate",
        "status=bogus",
        "q=" + "x" * 300,
        "date_from=2000-01-02&date_to=2000-01-01",
    ],
)
def test_a_mistyped_filter_leaves_the_others_applied(client, app, mistake):
    """Outside audit: with "Emergency" chosen and a date mistyped, the whole queue showed under
    the Emergency filter. The mistyped filter is left out (its message beside it), not the rest."""
    _seed()
    sign_in(client, make_user("clinician"))
    response = client.get(f"/staff/?triage=urgent&{mistake}")
    assert response.status_code == 200
    assert set(_names_in_order(response.get_data(as_text=True))) == {"Urgent Later"}


def test_name_search_ignores_apostrophes_as_typed_and_reads_hyphens_as_spaces(client, app):
    """A phone types O’Connor (a curly apostrophe), a keyboard O'Connor: one name, found by
    either, or by "oconnor"; the names are shown as typed."""
    make_screening(first_name="Ann", last_name="O’Connor")
    make_screening(first_name="Ann", last_name="O'Connor")
    make_screening(first_name="Bea", last_name="Oʼneil")
    make_screening(first_name="Cy", last_name="Smith-Jones")
    sign_in(client, make_user("clinician"))

    names = functools.partial(_searched_names, client)

    both = {"Ann O’Connor", "Ann O&#39;Connor"}
    assert names("oconnor") == both
    assert names("O'Connor") == both
    assert names("o’connor") == both
    assert names("ann o‘conn") == both
    assert names("O'Neil") == {"Bea Oʼneil"}
    assert names("jones") == {"Cy Smith-Jones"}
    assert names("smith-jones") == names("smith jones") == {"Cy Smith-Jones"}
