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
