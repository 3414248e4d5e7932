"""One more try for a read that met a database that had just gone away.

When PostgreSQL restarts, requests in the fraction of a second around it fail to connect. For
most pages the friendly error page is right ("try again in a moment"); but a patient whose
answers were just sent should see their confirmation, not "something went wrong" that makes
them wonder whether it worked. Those reads get one more try after a short pause.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from screening.extensions import db

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_PAUSE_SECONDS = 0.5


def read_with_one_retry(read: Callable[[], T], pause: float = RETRY_PAUSE_SECONDS) -> T:
    """Run `read`; if the database connection fails, discard the session and try once more."""
    try:
        return read()
    except DBAPIError as exc:
        # The class only: the message may hold SQL parameters (patient data).
        log.warning("Database read failed (%s); trying once more", type(exc.orig).__name__)
        with contextlib.suppress(DBAPIError):
            db.session.remove()
        db.session.registry.clear()
        time.sleep(pause)
        return read()
