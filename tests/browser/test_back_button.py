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
from tests.browser.seed import answered_through, answers_with, started_screening
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


def test_back_and_forward_bring_back_answers_typed_but_not_saved(
    live_app: Flask, live_server: LiveServer, phone_context: Any
) -> None:
    """The step is as the page showed it, so the browser may fill it with what was typed
    (as after Back and Forward, or a phone bringing a discarded tab back)."""
    token = started_screening(live_app)
    page = phone_context.new_page()
    page.goto(f"{live_server.url}/s/{token}/step/about")
    page.fill("#first_name", "Rosa")
    page.fill("#last_name", "Typed-Not-Saved")
    page.goto(f"{live_server.url}/s/{token}/step/surgery")
    page.go_back()
    expect(page.locator("h1")).to_have_text(step_heading("about"))
    expect(page.locator("#first_name")).to_have_value("Rosa")
    expect(page.locator("#last_name")).to_have_value("Typed-Not-Saved")
    assert "first_name" not in _stored(live_app, token)


def test_an_out_of_date_page_with_an_emergency_answer_puts_the_advice_first(
    live_app: Flask, live_server: LiveServer, phone_context: Any
) -> None:
    """Two tabs on the warning-signs step: the later one, answering Yes to saddle numbness,
    is refused (out of date), and the emergency advice is what the patient sees and hears
    first, not scrolled away by focus on the notice below it."""
    answers = answers_with("stenosis")
    token, _location = answered_through(live_app, answers, "symptoms")
    stale, current = phone_context.new_page(), phone_context.new_page()
    for tab in (stale, current):
        tab.goto(f"{live_server.url}/s/{token}/step/warning_signs")
    fill_step(current, "warning_signs", answers)
    save_and_continue(current)
    expect(current.locator("h1")).to_have_text(step_heading("history"))

    fill_step(stale, "warning_signs", {**answers, "saddle_numbness": True})
    fill_step(stale, "warning_signs", {"warning_signs_onset": "within_2_weeks"})
    save_and_continue(stale)
    expect(stale.locator("[data-notice]")).to_contain_text("This page was out of date")
    warning = stale.locator("[data-warning]")
    expect(warning).to_contain_text("Go to an emergency department now")
    expect(warning).to_be_focused()
    assert warning.evaluate("el => el.getBoundingClientRect().top") >= 0
    screenshot(stale, "out-of-date-page-with-emergency-advice")
    assert _stored(live_app, token)["saddle_numbness"] is False


def test_back_to_a_page_typed_over_shows_the_answer_put_back(
    live_app: Flask, live_server: LiveServer, phone_context: Any
) -> None:
    """Jordan is saved, changed to Jordx and saved, then put back to Jordan and saved. Back to
    the page where Jordx was typed shows Jordan: the answers are as that page first showed
    them, but the step has been saved since, so the browser does not refill it with Jordx."""
    token = started_screening(live_app)
    page = phone_context.new_page()
    about = f"{live_server.url}/s/{token}/step/about"
    page.goto(about)
    fill_step(page, "about", answers_with())
    for index, name in enumerate(("Jordan", "Jordx", "Jordan")):
        if index:
            page.goto(about)
        page.fill("#first_name", name)
        save_and_continue(page)
        expect(page.locator("h1")).to_have_text(step_heading("surgery"))
    for _ in range(3):
        page.go_back()
    expect(page.locator("h1")).to_have_text(step_heading("about"))
    expect(page.locator("#first_name")).to_have_value("Jordan")
    save_and_continue(page)
    expect(page.locator("h1")).to_have_text(step_heading("surgery"))
    assert _stored(live_app, token)["first_name"] == "Jordan"
