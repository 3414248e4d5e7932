"""The browser's Back button in Chromium cannot bring an older attempt back to be saved.

A patient saved the first step with a mistake, fixed it, went on, and pressed Back twice.
Chromium showed the first page again filled in with the mistake (it refills a page from
history with what was typed into it), and Save stored the older answers over the fix. The
step form now posts to an address naming its page, so a page from history shows what is
stored now.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from screening.extensions import db
from screening.models import Screening
from screening.services.access import hash_token
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.seed import answers_with, started_screening
from tests.browser.ui import fill_step, save_and_continue, step_heading


def _stored(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        row = db.session.scalar(select(Screening).where(Screening.token_hash == hash_token(token)))
        assert row is not None
        return row.answers


def test_back_twice_after_fixing_a_step_shows_and_keeps_the_fix(
    live_app: Flask, live_server: LiveServer, phone_context: Any
) -> None:
    token = started_screening(live_app)
    page = phone_context.new_page()
    page.goto(f"{live_server.url}/s/{token}/step/about")
    fill_step(page, "about", answers_with())
    page.fill("#first_name", "Ann")
    page.fill("#email", "not-an-email")
    save_and_continue(page)
    expect(page.locator("#email-error")).to_be_visible()

    page.fill("#first_name", "Anna")
    page.fill("#email", "anna@example.org")
    save_and_continue(page)
    expect(page.locator("h1")).to_have_text(step_heading("surgery"))

    page.go_back()
    expect(page.locator("#first_name")).to_have_value("Anna")
    page.go_back()
    expect(page.locator("h1")).to_have_text(step_heading("about"))
    # The first attempt's page, but showing what is stored now.
    expect(page.locator("#first_name")).to_have_value("Anna")
    expect(page.locator("#email")).to_have_value("anna@example.org")
    screenshot(page, "back-twice-shows-the-fix")
    save_and_continue(page)
    expect(page.locator("h1")).to_have_text(step_heading("surgery"))
    stored = _stored(live_app, token)
    assert stored["first_name"] == "Anna" and stored["email"] == "anna@example.org"
