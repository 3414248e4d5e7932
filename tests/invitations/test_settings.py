"""REMINDER_DAYS_BEFORE and REMINDER_HOUR: read from the environment, refused when wrong."""

from __future__ import annotations

import pytest

from config import ConfigError, load_config


@pytest.mark.parametrize(
    ("value", "days"), [(None, (3, 1)), ("3, 1", (3, 1)), ("7,2,0", (7, 2, 0)), ("", ())]
)
def test_reminder_days(monkeypatch, tmp_path, value, days):
    if value is None:
        monkeypatch.delenv("REMINDER_DAYS_BEFORE", raising=False)
    else:
        monkeypatch.setenv("REMINDER_DAYS_BEFORE", value)
    assert load_config("testing", str(tmp_path)).REMINDER_DAYS_BEFORE == days


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REMINDER_DAYS_BEFORE", "three", "whole days separated by commas"),
        ("REMINDER_DAYS_BEFORE", "90", "between 0 and 60"),
        ("REMINDER_HOUR", "24", "0 to 23"),
    ],
)
def test_wrong_reminder_settings_stop_the_start(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config("testing", str(tmp_path))


@pytest.mark.parametrize("name", ["CLINIC_NAME", "CLINIC_PHONE", "EMERGENCY_NUMBER", "MAIL_FROM"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Lakeside Spine\\nClinic", "one line"),
        ("Lakeside Spine\\r\\nBcc: someone@example.org", "one line"),
        ("Lakeside\\tSpine", "one line"),
        ("Lakeside\\u2028Spine", "one line"),
        ("   ", "must not be blank"),
    ],
)
def test_a_clinic_detail_that_would_break_every_email_stops_the_start(
    monkeypatch, tmp_path, name, value, message
):
    """The clinic's name is in every alert's subject: a line break from a stray paste once
    made every alert email fail to send, at 3 a.m. as much as at noon."""
    monkeypatch.setenv(name, value.encode().decode("unicode_escape"))
    with pytest.raises(ConfigError, match=f"{name} must"):
        load_config("testing", str(tmp_path))
    with pytest.raises(ConfigError, match=message):
        load_config("testing", str(tmp_path))


def test_clinic_details_are_read_trimmed(monkeypatch, tmp_path):
    monkeypatch.setenv("CLINIC_NAME", "  Lakeside Spine Clinic ")
    monkeypatch.setenv("CLINIC_PHONE", "555-0100 ext. 2")
    config = load_config("testing", str(tmp_path))
    assert config.CLINIC_NAME == "Lakeside Spine Clinic"
    assert config.CLINIC_PHONE == "555-0100 ext. 2"
