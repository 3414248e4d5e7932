"""Two-step sign-in seeds are sealed at rest (screening/services/sealed_secrets.py).

A copy of the database alone must not give a second factor: the stored seed is AES-GCM
ciphertext under a key derived from SECRET_KEY, bound to its own account row. With the same
key it works as before; moved to another account, or read with another SECRET_KEY, it does not
open, and the recovery codes still sign in. The migration seals seeds stored before it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from screening.extensions import db
from screening.services import sealed_secrets, two_factor
from tests.staff.helpers import make_user
from tests.test_config_and_migrations import _screening

KEY = "k" * 40
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def test_sealing_round_trips_only_with_the_same_key_and_row():
    sealed = sealed_secrets.seal("JBSWY3DPEHPK3PXP", secret_key=KEY, purpose="totp", bound_to="r:1")
    assert sealed.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in sealed
    assert len(sealed) <= 128  # the column's size
    opened = sealed_secrets.unseal(sealed, secret_key=KEY, purpose="totp", bound_to="r:1")
    assert opened == "JBSWY3DPEHPK3PXP"
    again = sealed_secrets.seal("JBSWY3DPEHPK3PXP", secret_key=KEY, purpose="totp", bound_to="r:1")
    assert again != sealed  # a fresh nonce every time
    for key, purpose, row in (
        ("x" * 40, "totp", "r:1"),
        (KEY, "other", "r:1"),
        (KEY, "totp", "r:2"),
    ):
        assert sealed_secrets.unseal(sealed, secret_key=key, purpose=purpose, bound_to=row) is None
    for broken in ("JBSWY3DPEHPK3PXP", "v1:", "v1:not base64!", sealed[:-4], sealed[:20]):
        assert sealed_secrets.unseal(broken, secret_key=KEY, purpose="totp", bound_to="r:1") is None


def _enable(user) -> tuple[str, list[str]]:
    secret = two_factor.new_secret()
    codes = two_factor.enable(user, secret, _code(secret, NOW), now=NOW)
    assert codes is not None
    return secret, codes


def test_the_stored_seed_is_sealed_and_still_signs_in(app):
    user = make_user("clinician")
    secret, _codes = _enable(user)
    db.session.refresh(user)
    assert user.totp_secret is not None and user.totp_secret.startswith("v1:")
    assert secret not in user.totp_secret
    later = NOW + timedelta(minutes=1)
    assert two_factor.verify(user, _code(secret, later), now=later) == "app"


def test_a_seed_moved_to_another_account_does_not_open(app):
    owner, thief = make_user("clinician"), make_user("clinician")
    secret, _codes = _enable(owner)
    thief.totp_secret, thief.totp_enabled_at = owner.totp_secret, NOW
    db.session.commit()
    later = NOW + timedelta(minutes=1)
    assert two_factor.verify(thief, _code(secret, later), now=later) is None


def test_with_another_secret_key_only_recovery_codes_sign_in(app, caplog):
    user = make_user("clinician")
    secret, codes = _enable(user)
    app.secret_key = "another key entirely, forty characters long"
    later = NOW + timedelta(minutes=1)
    with caplog.at_level("WARNING", logger="screening.services.two_factor"):
        assert two_factor.verify(user, _code(secret, later), now=later) is None
    assert "does not open with this SECRET_KEY" in caplog.text
    assert secret not in caplog.text and user.email not in caplog.text
    assert two_factor.verify(user, codes[0], now=later) == "recovery"


def test_the_upgrade_seals_seeds_stored_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SECRET_KEY", KEY)
    path = tmp_path / "seeds.db"
    url = f"sqlite:///{path}"
    before = _screening(["db", "upgrade", "c1a0e2f01602"], url)
    assert before.returncode == 0, before.stderr
    seed = pyotp.random_base32(32)
    insert = (
        "INSERT INTO staff_user (id, email, password_hash, role, active, created_at,"
        " must_change_password, totp_secret) VALUES (?, ?, 'x', 'clinician', 1,"
        " '2026-01-01 10:00:00.000000', 0, ?)"
    )
    with sqlite3.connect(path) as conn:
        conn.execute(insert, (7, "two-step@clinic.example", seed))
        conn.execute(insert, (8, "one-step@clinic.example", None))
    after = _screening(["db", "upgrade"], url)
    assert after.returncode == 0, after.stderr
    with sqlite3.connect(path) as conn:
        rows = dict(conn.execute("SELECT id, totp_secret FROM staff_user"))
    assert rows[8] is None
    assert rows[7].startswith("v1:") and seed not in rows[7]
    opened = sealed_secrets.unseal(rows[7], secret_key=KEY, purpose="totp", bound_to="staff_user:7")
    assert opened == seed
    # And back: a downgrade returns the seed as it was.
    down = _screening(["db", "downgrade", "c1a0e2f01602"], url)
    assert down.returncode == 0, down.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT totp_secret FROM staff_user WHERE id = 7").fetchone()[0] == seed


def test_an_account_not_yet_flushed_gets_a_seed_bound_to_its_real_row(app):
    from screening.models import StaffUser

    user = StaffUser(email="new@clinic.example", password_hash="x", role="clinician", active=True)
    db.session.add(user)
    secret, _codes = _enable(user)
    assert user.id is not None
    later = NOW + timedelta(minutes=1)
    assert two_factor.verify(user, _code(secret, later), now=later) == "app"
