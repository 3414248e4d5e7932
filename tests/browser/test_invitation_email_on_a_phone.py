"""The invitation email's HTML part, as a phone's mail program shows it (Chromium at 320 px)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import screenshot

NARROW = {"width": 320, "height": 640}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_invitation_email_fits_a_320_pixel_phone(
    open_context: Any, live_app: Flask, language: str
) -> None:
    """Its links are shown in full (the stop-reminders one is about 100 characters with no
    place to break): they wrap, rather than make the message wider than the phone."""
    from screening.extensions import db
    from screening.services.invitation_messages import render_invitation_email
    from tests.invitations.conftest import invite
    from tests.staff.helpers import make_user

    with live_app.app_context():
        screening = invite(
            make_user("clinician"),
            make_user("front_desk"),
            appointment=datetime.now(UTC) + timedelta(days=10),
            email="test@example.org",
            locale=language,
        )
        db.session.commit()
        email = render_invitation_email(screening, live_app.config["SECRET_KEY"], reminder_days=1)
    page = open_context(viewport=NARROW, is_mobile=True).new_page()
    page.set_content(email.html)
    links = page.locator("a")
    assert links.count() == 2
    assert "/reminders/stop/" in (links.nth(1).get_attribute("href") or "")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    screenshot(page, f"invitation-email-320-{language}")
