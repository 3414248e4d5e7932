"""axe-core on every patient page, empty, with mistakes and filled in; focus always visible.

No serious or critical axe violation (colour contrast at WCAG AA included), a title and a page
language on every page (see `check_accessibility`). Screenshots of every step at desktop width
(1280) go to screenshots/; the phone-width ones come from test_patient_flow.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from screening.questionnaire import QUESTIONNAIRE
from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.browser.seed import STEPS, answered_all, answered_through, answers_with
from tests.browser.ui import assert_focus_always_visible
from tests.patient.helpers import fill_steps


def on_server(server: LiveServer, location: str) -> str:
    """A redirect target from the test client, on the live server."""
    return server.url + location[location.index("/s/") :]


def step_url(server: LiveServer, token: str, section_id: str) -> str:
    return f"{server.url}/s/{token}/step/{section_id}"


def test_patient_pages_have_no_serious_accessibility_problems(
    desktop_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    page = desktop_context.new_page()

    page.goto(live_server.url + "/start")
    check_accessibility(page, "start")
    assert_focus_always_visible(page, "start")
    screenshot(page, "desktop-0-start")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_have_text("Keep these to come back later")
    check_accessibility(page, "link and code")
    token = (page.locator(".private-link a").get_attribute("href") or "").rsplit("/", 1)[-1]

    page.goto(live_server.url + "/resume")
    check_accessibility(page, "resume")
    page.get_by_label("Your resume code").fill("AAAAA-22222")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page, "resume with an unknown code")
    screenshot(page, "desktop-0-resume-error")
    page.goto(live_server.url + "/s/no-such-link-0123456789")
    expect(page.locator("h1")).to_have_text("Page not found")
    check_accessibility(page, "page not found")

    # Every step as first seen, after pressing Save and continue with nothing filled in.
    for section_id in STEPS:
        number = QUESTIONNAIRE.step_number(section_id)
        page.goto(step_url(live_server, token, section_id))
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator("[data-error-summary]")).to_be_visible()
        check_accessibility(page, f"step {number} ({section_id}) with errors")
        screenshot(page, f"desktop-{number}-{section_id}-errors")

    # Every step filled in (saved over HTTP), as the patient sees it when going back.
    answers = answers_with("after_fusion")
    fill_steps(live_app.test_client(), token, answers)
    for section_id in STEPS:
        number = QUESTIONNAIRE.step_number(section_id)
        page.goto(step_url(live_server, token, section_id))
        check_accessibility(page, f"step {number} ({section_id})")
        screenshot(page, f"desktop-{number}-{section_id}")
        if section_id == "symptoms":
            # Scales, body map, yes/no: every kind of control, reached with Tab.
            assert assert_focus_always_visible(page, "symptoms step") > 15

    page.goto(step_url(live_server, token, "review"))
    check_accessibility(page, "review")
    assert_focus_always_visible(page, "review")
    screenshot(page, "desktop-8-review")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_accessibility(page, "review without the consent box ticked")
    page.get_by_label(QUESTIONNAIRE.item("consent_confirm").question).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page).to_have_url(re.compile(r"/done$"))
    check_accessibility(page, "sent")
    screenshot(page, "desktop-9-done")


def test_warning_pages_have_no_serious_accessibility_problems(
    desktop_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    page = desktop_context.new_page()

    urgent = answers_with("disc_herniation", balance_problem="getting_worse")
    _token, location = answered_through(live_app, urgent, "warning_signs")
    assert "/warning" in location
    page.goto(on_server(live_server, location))
    expect(page.locator("h1")).to_have_text("Please call us today")
    expect(page.locator(".alert-signs li")).to_have_text(["your balance is getting worse"])
    check_accessibility(page, "urgent warning")
    assert_focus_always_visible(page, "urgent warning")
    screenshot(page, "desktop-warning-urgent")

    emergency = answers_with("cauda_equina_warning")
    token, location = answered_through(live_app, emergency, "warning_signs")
    page.goto(on_server(live_server, location))
    expect(page.locator("h1")).to_have_text("Go to an emergency department now")
    check_accessibility(page, "emergency warning")
    assert_focus_always_visible(page, "emergency warning")
    screenshot(page, "desktop-warning-emergency")

    # The final page repeats the emergency advice for a patient who sends such answers.
    token = answered_all(live_app, emergency)
    page.goto(step_url(live_server, token, "review"))
    page.get_by_label(QUESTIONNAIRE.item("consent_confirm").question).check()
    page.get_by_role("button", name="Send my answers").click()
    # The warning comes first and alone; that the answers are sent comes after it.
    expect(page.locator("h1")).to_have_text("Go to an emergency department now")
    expect(page.locator(".done h2")).to_have_text("Your answers are sent")
    check_accessibility(page, "sent, with the emergency advice")
    screenshot(page, "desktop-9-done-emergency")
