"""Issue 16, item 6: a forged Host header never reaches a patient's link.

Patient links come from PUBLIC_BASE_URL; TRUSTED_HOSTS makes Flask refuse other host names;
production requires PUBLIC_BASE_URL and trusts only its host unless told otherwise.
"""

from __future__ import annotations

import re

import pytest

from config import ConfigError, load_config
from tests.patient.helpers import csrf_token_from
from tests.staff.helpers import PASSWORD, make_user

BASE = "https://screening.clinic.example"


def _invite(client, clinician) -> str:
    from datetime import date, timedelta

    data = {
        "first_name": "Maria",
        "last_name": "Example",
        "date_of_birth": "1961-03-04",
        "appointment_date": (date.today() + timedelta(days=5)).isoformat(),
        "appointment_time": "14:30",
        "clinician_id": str(clinician.id),
        "phone": "555-0134",
    }
    response = client.post(
        "/staff/invitations/new",
        data=data,
        headers={"Host": "evil.example"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": BASE}])
def test_invitation_links_use_the_public_base_url_not_the_host_header(app, client):
    clinician = make_user("clinician")
    desk = make_user("front_desk")
    client.post(
        "/staff/login",
        data={"email": desk.email, "password": PASSWORD},
        headers={"Host": "evil.example"},
    )
    html = _invite(client, clinician)
    assert "evil.example" not in html
    link = re.search(r"<code>([^<]+/s/[^<]+)</code>", html).group(1)
    assert link.startswith(BASE + "/s/")
    assert f"{BASE}/resume" in html


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": BASE}])
def test_the_self_start_page_uses_the_public_base_url(app, client):
    page = client.get("/start", headers={"Host": "evil.example"})
    data = {}
    token = csrf_token_from(page.get_data(as_text=True))
    if token:
        data["csrf_token"] = token
    started = client.post("/start", data=data, headers={"Host": "evil.example"})
    assert "evil.example" not in started.headers["Location"]
    html = client.get(started.headers["Location"], headers={"Host": "evil.example"}).get_data(
        as_text=True
    )
    assert "evil.example" not in html
    assert BASE + "/s/" in html


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["screening.clinic.example"]}])
def test_untrusted_hosts_are_refused(app, client):
    assert client.get("/start", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/start", headers={"Host": "screening.clinic.example"}).status_code == 200


def _production(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/screening")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    for name in ("PUBLIC_BASE_URL", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_config("production", str(tmp_path))


def test_production_needs_the_public_base_url_and_trusts_only_its_host(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        _production(monkeypatch, tmp_path)
    config = _production(monkeypatch, tmp_path, PUBLIC_BASE_URL=BASE + "/")
    assert config.PUBLIC_BASE_URL == BASE
    assert config.TRUSTED_HOSTS == ["screening.clinic.example"]
    config = _production(
        monkeypatch, tmp_path, PUBLIC_BASE_URL=BASE, TRUSTED_HOSTS="a.example, b.example"
    )
    assert config.TRUSTED_HOSTS == ["a.example", "b.example"]


@pytest.mark.parametrize("bad", ["screening.clinic.example", "ftp://x.example", BASE + "/app"])
def test_a_malformed_public_base_url_fails_fast(monkeypatch, tmp_path, bad):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        _production(monkeypatch, tmp_path, PUBLIC_BASE_URL=bad)
