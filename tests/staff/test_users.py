"""The admin's Users page: list, create, deactivate and reactivate accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from screening.extensions import db
from screening.models import StaffUser
from tests.staff.helpers import make_user, sign_in


def test_admin_creates_an_account_that_can_sign_in(client, app):
    admin = make_user("admin")
    sign_in(client, admin)
    page = client.get("/staff/users").get_data(as_text=True)
    assert admin.email in page
    response = client.post(
        "/staff/users",
        data={"email": "desk@clinic.example", "display_name": "Sam", "role": "front_desk"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    password = re.search(
        r'class="temporary-password"><code>([^<]+)<', response.get_data(as_text=True)
    ).group(1)
    user = db.session.scalars(select(StaffUser).where(StaffUser.role == "front_desk")).one()
    assert user.password_hash.startswith("scrypt:")
    assert user.must_change_password
    client.post("/staff/logout")
    assert sign_in(client, "desk@clinic.example", password).status_code == 302


def test_duplicate_email_is_explained(client, app):
    admin = make_user("admin")
    sign_in(client, admin)
    duplicate = client.post("/staff/users", data={"email": admin.email, "role": "clinician"})
    assert "already exists" in duplicate.get_data(as_text=True)
    assert len(db.session.scalars(select(StaffUser)).all()) == 1


def test_deactivate_and_reactivate(client, app):
    admin = make_user("admin")
    other = make_user("clinician")
    sign_in(client, admin)
    client.post(f"/staff/users/{other.id}/deactivate", data={"confirm": "yes"})
    db.session.refresh(other)
    assert other.active is False
    assert "Deactivated" in client.get("/staff/users").get_data(as_text=True)
    client.post(f"/staff/users/{other.id}/reactivate")
    db.session.refresh(other)
    assert other.active is True


def test_an_admin_cannot_lock_themselves_out(client, app):
    admin = make_user("admin")
    sign_in(client, admin)
    response = client.post(f"/staff/users/{admin.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active is True


def test_unknown_user_id_is_404(client, app):
    sign_in(client, make_user("admin"))
    assert client.post("/staff/users/9999/deactivate").status_code == 404


def test_the_users_page_title_is_only_its_title(client, create_user, sign_in) -> None:
    """The recent account changes belong in the page, once, never in the browser's title."""
    admin = create_user("admin")
    sign_in(client, admin)
    html = client.get("/staff/users").get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<table" not in title and "Recent account changes" not in title
    assert html.count("Recent account changes") == 1
