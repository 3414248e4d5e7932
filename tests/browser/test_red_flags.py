"""Issue 12 in a real browser: an unfinished emergency on a 320-pixel phone.

The patient saves the warning signs and leaves; on the narrowest phone the clinician's queue
still shows the row's triage (the triage column would scroll off), the screening page shows
the answers and the phone number, and what was done is recorded there. axe-core checks both.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.browser.seed import answered_through, answers_with, staff_user
from tests.browser.test_staff import sign_in

NARROW = {"width": 320, "height": 640}


def test_an_unfinished_emergency_on_a_320_pixel_phone(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    doctor = staff_user(live_app, "clinician", "dr.ng@clinic.example", "Dr Ng")
    answered_through(live_app, answers_with("cauda_equina_warning"), "warning_signs")
    context = open_context(viewport=NARROW, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server, doctor)

    row = page.locator("table.queue tbody tr").first
    expect(row.locator("th a")).to_have_text("Sam Turner")
    badge = row.locator(".triage-inline .badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("▲ Emergency")
    box = badge.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    expect(row).to_contain_text("not sent yet")
    check_accessibility(page, "queue at 320 px")
    screenshot(page, "staff-queue-320")

    row.locator("th a").click()
    panel = page.locator("#red-flags")
    expect(panel).to_contain_text("Not acknowledged yet.")
    expect(panel.get_by_role("link", name="555-0134")).to_be_visible()
    expect(panel.locator(".reference")).to_have_count(0)  # no alert was sent, so none to match
    expect(page.locator(".warning-answers dd.flag")).to_have_count(1)
    # The long questions wrap: the answers and their "red flag" mark stay on the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    check_accessibility(page, "unfinished emergency at 320 px")
    screenshot(page, "staff-detail-unfinished-emergency-320")

    panel.get_by_label("Called: left a message").check()
    panel.get_by_label("What happened").fill("Voicemail: go to the ED now, call us back.")
    panel.get_by_role("button", name="Record what was done").click()
    expect(page.get_by_text("Recorded. The red flags are acknowledged.")).to_be_visible()
    expect(page.locator("#red-flags .actions-log")).to_contain_text("Called: left a message")
