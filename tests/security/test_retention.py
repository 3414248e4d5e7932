"""Issue 16, item 10: abandoned screenings expire; `screening purge` deletes never-sent ones
after RETENTION_DAYS, audited as counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from screening.extensions import db
from screening.models import AuditEvent, Screening, ScreeningSave, Summary
from tests.staff.helpers import make_screening, store_synthetic_pdf

NOW = datetime.now(UTC)


def _days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_an_untouched_in_progress_screening_expires(app, client):
    stale = make_screening(status="in_progress", updated_at=_days_ago(31))
    fresh = make_screening(status="in_progress", updated_at=_days_ago(29))
    response = client.get(f"/s/{stale.test_token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert app.test_client().get(f"/s/{fresh.test_token}").status_code == 302


def test_the_days_are_a_setting(app, client):
    app.config["ABANDONED_AFTER_DAYS"] = 5
    stale = make_screening(status="in_progress", updated_at=_days_ago(6))
    assert client.get(f"/s/{stale.test_token}").status_code == 410


def test_purge_deletes_only_long_unusable_never_sent_screenings(app, runner):
    doomed = [
        make_screening(status="in_progress", updated_at=_days_ago(30 + 91)),  # abandoned
        make_screening(status="invited", expires_at=_days_ago(91), updated_at=_days_ago(100)),
        make_screening(status="in_progress", revoked_at=_days_ago(95), updated_at=_days_ago(95)),
    ]
    kept = [
        make_screening(status="in_progress", updated_at=_days_ago(100)),  # unusable 70 days
        make_screening(status="invited", expires_at=_days_ago(10)),
        make_screening(status="submitted", updated_at=_days_ago(400)),
        make_screening(status="reviewed", revoked_at=_days_ago(300), updated_at=_days_ago(400)),
        make_screening(
            status="invited",
            invited_date_of_birth=date(1970, 5, 17),
            expires_at=NOW + timedelta(days=3),
            updated_at=_days_ago(200),
        ),
    ]
    store_synthetic_pdf(kept[2])
    kept_ids = {s.id for s in kept}
    # What other tables hold about a doomed screening goes with it, on SQLite too (which does
    # not enforce ON DELETE CASCADE by itself).
    db.session.add(ScreeningSave(screening_id=doomed[0].id, section_id="about"))
    db.session.add(ScreeningSave(screening_id=kept[0].id, section_id="about"))
    db.session.commit()

    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and "Would delete 3" in dry.output
    assert len(db.session.scalars(select(Screening)).all()) == 8

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 3 never-sent screenings" in result.output
    assert "1 abandoned, 1 expired, 1 revoked" in result.output
    db.session.expire_all()
    assert {s.id for s in db.session.scalars(select(Screening))} == kept_ids
    assert len(db.session.scalars(select(Summary)).all()) == 1
    saves = db.session.scalars(select(ScreeningSave)).all()
    assert [save.screening_id for save in saves] == [kept[0].id]

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).one()
    assert event.actor == "cli" and event.detail.startswith("3 never-sent screenings deleted")
    assert not any(s.public_id in event.detail for s in doomed)

    again = runner.invoke(args=["purge"])
    assert "Deleted 0" in again.output


@pytest.mark.parametrize("name", ["ABANDONED_AFTER_DAYS", "RETENTION_DAYS"])
@pytest.mark.parametrize("wrong", ["0", "-30"])
def test_a_retention_setting_below_one_day_is_refused(monkeypatch, tmp_path, name, wrong):
    """RETENTION_DAYS=-30 made `purge` delete screenings saved moments ago and invitations
    still in use: the app refuses to start with it instead."""
    from config import ConfigError, load_config

    monkeypatch.setenv(name, wrong)
    with pytest.raises(ConfigError, match=f"{name} must be a whole number of days, 1 or more"):
        load_config("testing", str(tmp_path))
