"""The route access registry and the staff permission matrix, walked from app.url_map.

Every endpoint must be declared public, patient-link or staff-with-roles; every staff route must
send anonymous visitors to sign in and answer 403 to a signed-in member of a wrong role; and a
right role must get through. New routes are covered automatically.
"""

from __future__ import annotations

import pytest
from flask import Flask

from screening import create_app
from screening.routes import Access, access_for, undeclared_endpoints
from tests.staff.helpers import ROLES, make_screening, make_user, sign_in

# What each role may do, as decided for issue 5 (see the README section on roles).
EXPECTED: dict[str, frozenset[str]] = {
    "staff.queue": frozenset(ROLES),
    "staff.screening_detail": frozenset(ROLES),
    "staff.logout": frozenset(ROLES),
    "staff.summary_pdf": frozenset({"clinician"}),
    "staff.review": frozenset({"clinician"}),
    "staff.acknowledge": frozenset({"clinician"}),
    "staff.new_invitation": frozenset({"front_desk", "admin"}),
    "staff.revoke_invitation": frozenset({"front_desk", "admin"}),
    "staff.reissue_invitation": frozenset({"front_desk", "admin"}),
    "staff.invitation_letter": frozenset({"front_desk", "admin"}),
    "staff.email_invitation": frozenset({"front_desk", "admin"}),
    "staff.edit_invitation": frozenset({"front_desk", "admin"}),
    "staff.users": frozenset({"admin"}),
    "staff.create_user": frozenset({"admin"}),
    "staff.deactivate_user": frozenset({"admin"}),
    "staff.reactivate_user": frozenset({"admin"}),
    "staff.audit_trail": frozenset({"admin"}),
    # Issue 16: every member manages their own password and two-factor sign-in.
    "staff.change_password": frozenset(ROLES),
    "staff.two_factor": frozenset(ROLES),
    "staff.new_recovery_codes": frozenset(ROLES),
    "staff.turn_off_two_factor": frozenset(ROLES),
    "staff.reset_password": frozenset({"admin"}),
    # The temporary password just made, shown again on reload until Done (admins only).
    "staff.temporary_password": frozenset({"admin"}),
    "staff.temporary_password_done": frozenset({"admin"}),
    # Another role for a colleague (asked first; never your own).
    "staff.change_role": frozenset({"admin"}),
}


def _app() -> Flask:
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")


def _staff_endpoints() -> list[str]:
    app = _app()
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if (access := access_for(app, rule.endpoint)) and access.kind == "staff"
        }
    )


STAFF_ENDPOINTS = _staff_endpoints()


def test_every_endpoint_declares_who_may_reach_it():
    assert undeclared_endpoints(_app()) == []


def test_an_undeclared_route_is_caught():
    app = _app()

    @app.get("/forgotten")
    def forgotten() -> str:
        return "oops"

    assert undeclared_endpoints(app) == ["forgotten"]


def test_staff_routes_are_exactly_the_expected_ones():
    assert set(STAFF_ENDPOINTS) == set(EXPECTED)
    app = _app()
    for endpoint, roles in EXPECTED.items():
        access = access_for(app, endpoint)
        assert isinstance(access, Access)
        allowed = {role for role in ROLES if access.allows_role(role)}
        assert allowed == roles, endpoint


def test_login_is_public_and_nothing_else_in_staff_is():
    app = _app()
    public_staff = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.") and access_for(app, rule.endpoint).kind != "staff"
    ]
    # The second sign-in step is reached only with a password just accepted (see auth.py).
    assert sorted(public_staff) == ["staff.login", "staff.second_step"]


def _request(client, app: Flask, endpoint: str):
    """Call an endpoint with real arguments, using its first non-HEAD method."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    if "public_id" in rule.arguments:
        screening = make_screening(status="submitted", triage="urgent", topics=1)
        values["public_id"] = screening.public_id
    if "user_id" in rule.arguments:
        values["user_id"] = make_user("front_desk").id
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **values)
    method = "GET" if "GET" in rule.methods else "POST"
    return client.open(url, method=method)


@pytest.mark.parametrize("endpoint", STAFF_ENDPOINTS)
def test_anonymous_is_sent_to_sign_in(client, app, endpoint):
    response = _request(client, app, endpoint)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", STAFF_ENDPOINTS)
def test_role_matrix(client, app, endpoint, role):
    user = make_user(role)
    assert sign_in(client, user).status_code == 302
    response = _request(client, app, endpoint)
    if role in EXPECTED[endpoint]:
        # Allowed: answered, or an empty post refused for its content (422; a role change
        # without a role, which only a tampered post sends: 400), never 403.
        assert (
            response.status_code < 400
            or response.status_code == 422
            or endpoint == "staff.summary_pdf"
            or (endpoint == "staff.change_role" and response.status_code == 400)
        ), (endpoint, role)
        location = response.headers.get("Location", "")
        assert not location.startswith("/staff/login") or endpoint == "staff.logout"
        if endpoint == "staff.summary_pdf":
            assert response.status_code == 404  # allowed, but no stored PDF here
    else:
        assert response.status_code == 403, (endpoint, role)
        assert b"Not allowed" in response.data
