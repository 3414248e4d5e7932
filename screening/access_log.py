"""Access logs without patient secrets: private-link tokens masked, query strings dropped.

A `/s/<token>` path is a patient's key to their answers (a `/reminders/stop/<token>` one names
their screening), and the staff queue's `?q=<name>` is
a patient's name: neither belongs in a log file that operators copy around. One logging filter
rewrites the request line (and path, query and referrer) of every access-log record, for
Werkzeug's development server (logger "werkzeug") and gunicorn's access log ("gunicorn.access")
alike. `register_access_log_privacy` attaches it when the app is built, so gunicorn's workers,
which build the app, get it without any extra configuration.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask

MASK = "[link]"
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
# A patient's link, and the reminder emails' stop link (it names the screening it stops).
_TOKEN_PATH = re.compile(r"(/s/|/reminders/stop/)[^/\s?\"#]+")
_QUERY = re.compile(r"\?[^\s\"#]*")


def scrub(text: str) -> str:
    """`text` with private-link tokens masked and query strings removed."""
    return _QUERY.sub("", _TOKEN_PATH.sub(r"\1" + MASK, text))


def _scrub_value(value: Any) -> Any:
    return scrub(value) if isinstance(value, str) else value


class AccessLogPrivacyFilter(logging.Filter):
    """Rewrites access-log records in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        args = record.args
        if isinstance(args, dict):  # gunicorn: the atoms of access_log_format
            scrubbed = {key: _scrub_value(value) for key, value in args.items()}
            if "q" in scrubbed:
                scrubbed["q"] = ""
            record.args = scrubbed
        elif isinstance(args, tuple):  # Werkzeug: the request line, status and size
            record.args = tuple(_scrub_value(value) for value in args)
        return True


_FILTER = AccessLogPrivacyFilter()


def register_access_log_privacy(app: Flask) -> None:
    """Attach the filter to the development server's and gunicorn's access loggers (once)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
