"""HTTP hardening across the whole app: headers on every route, CSRF, cookies, error pages,
unguessable ids and patient links that never reveal another patient's data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from flask import Flask, url_for

from screening import create_app
from screening.extensions import db
from screening.questionnaire import QUESTIONNAIRE
from tests.staff.helpers import (
    csrf_token_from,
    make_screening,
    make_user,
    sign_in,
    store_synthetic_pdf,
)

CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
}


def _assert_hardened(response, *, static: bool = False) -> None:
    headers = response.headers
    directives = {part.strip() for part in headers["Content-Security-Policy"].split(";")}
    assert directives == CSP_DIRECTIVES
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    if not static:
        assert headers["Cache-Control"] == "no-store"
    assert b"Traceback" not in response.data


def _urls(app: Flask, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with real values for its arguments."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            arguments = {name: values[name] for name in rule.arguments}
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url_for(rule.endpoint, **arguments)))
    return found


@pytest.fixture
def route_values(app) -> dict[str, str]:
    screening = make_screening(status="submitted", triage="urgent", topics=1)
    store_synthetic_pdf(screening)
    return {
        "public_id": screening.public_id,
        "token": make_screening(status="in_progress").test_token,
        "section_id": QUESTIONNAIRE.sections[0].id,
        "shown": "0123456789abcdef",
        "user_id": str(make_user("front_desk").id),
        "filename": "css/app.css",
        # The FHIR API (branch fhir).
        "resource_type": "Patient",
        "resource_id": screening.public_id.replace("_", "."),
        "anything": "Encounter/1",
    }


@pytest.mark.parametrize("role", [None, "front_desk", "clinician", "admin"])
def test_security_headers_on_every_route(client, app, route_values, role):
    if role:
        sign_in(client, make_user(role))
    for endpoint, method, url in _urls(app, route_values):
        if endpoint == "staff.logout":
            continue  # would end the session the rest of the loop relies on
        response = client.open(url, method=method)
        try:
            assert response.status_code < 500, (endpoint, method, response.status_code)
            _assert_hardened(response, static=endpoint == "static")
        finally:
            response.close()


def test_the_pdf_is_no_store_and_an_attachment(client, app, route_values):
    sign_in(client, make_user("clinician"))
    response = client.get(f"/staff/screenings/{route_values['public_id']}/summary.pdf")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 synthetic"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="summary-Example-Alex-')
    assert disposition.endswith('.pdf"')


def test_pdf_filename_is_safe_whatever_the_name(app):
    from screening.staff.detail import pdf_filename

    screening = make_screening(first_name='"; evil=1', last_name="../../etc\r\nX-Bad: 1")
    name = pdf_filename(screening)
    assert all(ch.isalnum() or ch in "-_." for ch in name), name
    assert name.startswith("summary-etc-X-Bad-1-evil-1-") and name.endswith(".pdf")


def test_session_cookie_flags(client, app):
    user = make_user("clinician")
    response = sign_in(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_behind_https(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        db.create_all()
        user = make_user("clinician")
        client = app.test_client()
        response = sign_in(client, user)
        assert "Secure" in response.headers["Set-Cookie"]
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def test_sequential_ids_never_reach_a_screening(client, app):
    for _ in range(3):
        make_screening(status="submitted", triage="routine")
    sign_in(client, make_user("clinician"))
    for guess in ("1", "2", "3", "0", "-1", "%2e%2e", "a" * 40):
        assert client.get(f"/staff/screenings/{guess}").status_code == 404
        assert client.get(f"/staff/screenings/{guess}/summary.pdf").status_code == 404


def test_public_ids_are_random_and_long(app):
    ids = {make_screening().public_id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(public_id) >= 20 for public_id in ids)


def test_a_patient_link_never_reveals_another_screening(client, app):
    first_section = QUESTIONNAIRE.sections[0].id
    alpha = make_screening(
        status="in_progress",
        first_name="Alpha",
        last_name="One",
        answers={"first_name": "Alphaname", "last_name": "Onesurname"},
    )
    bravo = make_screening(
        status="in_progress",
        first_name="Bravo",
        last_name="Two",
        answers={"first_name": "Bravoname", "last_name": "Twosurname"},
    )
    page = client.get(f"/s/{alpha.test_token}/step/{first_section}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Alphaname" in html
    assert "Bravoname" not in html and bravo.public_id not in html
    # A token that differs by one character, an empty or a made-up token: nothing.
    tampered = alpha.test_token[:-1] + ("A" if alpha.test_token[-1] != "A" else "B")
    for token in (tampered, "x", bravo.public_id):
        response = client.get(f"/s/{token}/step/{first_section}")
        assert response.status_code == 404
        assert b"Alphaname" not in response.data and b"Bravoname" not in response.data
    # Having opened Alpha's link, the same browser still cannot reach Bravo without its token.
    assert b"Bravoname" not in client.get(f"/s/{alpha.test_token}/done").data


def test_a_staff_url_cannot_be_used_as_a_patient_token(client, app):
    screening = make_screening(status="in_progress", answers={"first_name": "Carla"})
    response = client.get(f"/s/{screening.public_id}")
    assert response.status_code == 404


def test_friendly_404_pages(client, app):
    patient = client.get("/no-such-page")
    assert patient.status_code == 404
    assert b"Page not found" in patient.data and b'href="/"' in patient.data
    staff = client.get("/staff/no-such-page")
    assert staff.status_code == 404
    assert b'href="/staff/"' in staff.data and b"staff queue" in staff.data


def test_every_page_names_the_apps_own_icon(client, app):
    """Without an icon link, browsers ask every page for /favicon.ico: a 404 in the log and the
    console each time."""
    page = client.get("/start").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_friendly_500_page_without_a_traceback(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)

    @app.get("/staff/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/staff/boom")
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.data
    # Staff words: a staff member has no "answers saved so far".
    assert b"tell whoever runs this system" in response.data
    assert b"answers saved so far" not in response.data
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert response.headers["Cache-Control"] == "no-store"


def test_403_page_links_to_the_staff_queue(client, app):
    sign_in(client, make_user("front_desk"))
    response = client.get("/staff/audit")
    assert response.status_code == 403
    assert b"Not allowed" in response.data and b'href="/staff/"' in response.data


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_sign_in_without_a_token_is_refused_with_a_clear_page(self, client, app):
        user = make_user("clinician")
        response = client.post("/staff/login", data={"email": user.email, "password": "x" * 12})
        assert response.status_code == 400
        assert b"The form expired" in response.data
        assert b'href="/staff/"' in response.data

    def test_sign_in_with_the_token_works(self, client, app):
        user = make_user("clinician")
        from tests.staff.helpers import PASSWORD

        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        response = client.post(
            "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302

    def _signed_in(self, client, role):
        from tests.staff.helpers import PASSWORD

        user = make_user(role)
        token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
        client.post(
            "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        return user

    @pytest.mark.parametrize(
        ("role", "action"),
        [
            ("clinician", "review"),
            ("clinician", "acknowledge"),
            ("front_desk", "revoke"),
            ("front_desk", "reissue"),
        ],
    )
    def test_staff_actions_without_a_token_change_nothing(self, client, app, role, action):
        screening = make_screening(status="submitted", triage="urgent")
        if action in ("revoke", "reissue"):
            screening = make_screening(status="invited")
        before = (screening.status, screening.token_hash, screening.flags_acknowledged_at)
        self._signed_in(client, role)
        response = client.post(f"/staff/screenings/{screening.public_id}/{action}")
        assert response.status_code == 400
        assert b"The form expired" in response.data
        db.session.refresh(screening)
        assert (screening.status, screening.token_hash, screening.flags_acknowledged_at) == before
        assert screening.revoked_at is None

    def test_sign_out_without_a_token_keeps_the_session(self, client, app):
        self._signed_in(client, "clinician")
        assert client.post("/staff/logout").status_code == 400
        assert client.get("/staff/").status_code == 200

    def test_admin_forms_need_the_token(self, client, app):
        self._signed_in(client, "admin")
        target = make_user("clinician")
        assert client.post(f"/staff/users/{target.id}/deactivate").status_code == 400
        response = client.post(
            "/staff/users",
            data={"email": "z@clinic.example", "role": "admin", "password": "x" * 12},
        )
        assert response.status_code == 400
        db.session.refresh(target)
        assert target.active is True

    def test_every_staff_form_carries_a_token(self, client, app):
        self._signed_in(client, "admin")
        for path in ("/staff/", "/staff/users", "/staff/invitations/new"):
            html = client.get(path).get_data(as_text=True)
            assert html.count("<form") >= 1
            post_forms = html.count('method="post"')
            assert html.count('name="csrf_token"') >= post_forms, path


def test_error_json_not_leaked_in_audit_detail(app):
    """Audit rows never carry answer contents (only short operational facts)."""
    from screening.services import audit

    with pytest.raises(ValueError):
        audit.record("answers", actor="x", detail=json.dumps({"first_name": "A"}))
    audit.record("export", actor="x", detail="x" * 2000)
    db.session.commit()
    from screening.models import AuditEvent

    row = db.session.query(AuditEvent).one()
    assert len(row.detail) == 500
    assert row.at <= datetime.now(UTC)
