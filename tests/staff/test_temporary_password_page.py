"""The temporary password's page survives a reload, and never makes a second password.

It used to be the answer to the POST that made the password: reloading it (F5, or a phone
bringing the tab back) asked to send the form again, and sending it made another password,
so the one already given stopped working. Now the POST redirects to a page that shows the
password kept (sealed) in the admin's session, until Done or for 15 minutes at most.
"""

from __future__ import annotations

import re
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, StaffUser
from screening.staff import users as users_view
from tests.staff.helpers import CONFIRMED, change_password, sign_in

NO_LONGER = "is no longer shown here. If it did not reach them, give them a new one."
CHOSEN_OWN = "has chosen their own password: the temporary one no longer works"


def _password(html: str) -> str:
    match = re.search(r'class="temporary-password"><code>([^<]+)<', html)
    assert match, "the page shows the temporary password"
    return match.group(1)


def _reset(client: FlaskClient, user: StaffUser) -> str:
    """Give `user` a new temporary password; return the page it redirects to."""
    response = client.post(f"/staff/users/{user.id}/reset-password", data=CONFIRMED)
    assert response.status_code == 303
    assert response.location == f"/staff/users/{user.id}/temporary-password"
    return response.location


def _resets() -> int:
    return db.session.scalars(select(AuditEvent.action)).all().count("reset_password")


def test_a_reload_shows_the_same_password_and_makes_no_other(
    client: FlaskClient, admin: StaffUser, colleague: StaffUser
) -> None:
    page = _reset(client, colleague)
    first = client.get(page)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    password = _password(first.get_data(as_text=True))
    db.session.refresh(colleague)
    stored_hash = colleague.password_hash
    again = client.get(page).get_data(as_text=True)
    assert _password(again) == password
    assert "shown only until you press Done, and for 15 minutes at most" in again
    db.session.refresh(colleague)
    assert colleague.password_hash == stored_hash
    assert _resets() == 1
    # Kept sealed: the session cookie never holds it in clear.
    cookie = client.get_cookie("session")
    assert cookie is not None and password not in cookie.value


def test_a_new_account_is_shown_the_same_way(client: FlaskClient, admin: StaffUser) -> None:
    response = client.post(
        "/staff/users", data={"email": "new.desk@clinic.example", "role": "front_desk"}
    )
    assert response.status_code == 303
    html = client.get(response.location).get_data(as_text=True)
    assert "Account created" in html and "new.desk@clinic.example" in html
    assert _password(html) == _password(client.get(response.location).get_data(as_text=True))


def test_done_forgets_it_at_once(
    client: FlaskClient, admin: StaffUser, colleague: StaffUser
) -> None:
    page = _reset(client, colleague)
    html = client.get(page).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+/done)"', html)
    assert form, "Done is a button that posts"
    assert client.post(form.group(1)).location == "/staff/users"
    gone = client.get(page, follow_redirects=True).get_data(as_text=True)
    assert 'class="temporary-password"' not in gone
    assert f"The temporary password for {colleague.email} {NO_LONGER}" in gone


@pytest.mark.parametrize("when", ["too_old", "owner_chose_own", "other_account", "other_admin"])
def test_it_is_not_shown_again(
    client: FlaskClient,
    app: object,
    admin: StaffUser,
    colleague: StaffUser,
    create_user: object,
    when: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _reset(client, colleague)
    password = _password(client.get(page).get_data(as_text=True))
    if when == "too_old":
        later = time.time() + users_view.TEMPORARY_PASSWORD_SHOWN_FOR + 1
        monkeypatch.setattr(users_view.time, "time", lambda: later)
    elif when == "owner_chose_own":
        owner = app.test_client()  # type: ignore[attr-defined]
        assert sign_in(owner, colleague.email, password).status_code == 302
        assert change_password(owner, password, "violet harbour tram 4419").status_code == 302
    elif when == "other_account":
        other = create_user("front_desk")  # type: ignore[operator]
        page = f"/staff/users/{other.id}/temporary-password"
    else:
        # Another admin's browser: nothing kept there, whatever the address.
        client = app.test_client()  # type: ignore[attr-defined]
        sign_in(client, create_user("admin"))  # type: ignore[operator]
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    assert password not in html
    # An account with its own password (the owner chose it; the other account was made with
    # one) needs nothing new: the page does not say to give one.
    own = when in ("owner_chose_own", "other_account")
    assert (CHOSEN_OWN in html) is own
    assert (NO_LONGER in html) is not own


def test_two_passwords_waiting_at_once_each_keep_their_own_page(
    client: FlaskClient, admin: StaffUser, colleague: StaffUser, create_user: object
) -> None:
    """Two tabs, two resets: one page's Done, or an old page opened again, never takes away
    the other account's password still waiting to be given."""
    other = create_user("front_desk", email="tom.desk@clinic.example")  # type: ignore[operator]
    first, second = _reset(client, colleague), _reset(client, other)
    first_html = client.get(first).get_data(as_text=True)
    second_password = _password(client.get(second).get_data(as_text=True))
    assert "<title>New temporary password" in first_html
    done = re.search(r'<form method="post" action="([^"]+/done)"', first_html)
    assert done
    client.post(done.group(1))
    assert 'class="temporary-password"' not in client.get(first, follow_redirects=True).get_data(
        as_text=True
    )
    assert _password(client.get(second).get_data(as_text=True)) == second_password
