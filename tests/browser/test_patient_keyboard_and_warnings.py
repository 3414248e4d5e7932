"""Keyboard-only use of a step with mistakes, and the emergency message after the warning signs.

Keyboard: the patient reaches every control with Tab, picks a radio with Space, sends the
form with Enter; the error summary takes focus, and following each of its links with Enter
moves focus to the field that needs fixing. Every focused element shows a focus ring.

Emergency: answering "Yes" to a cauda equina warning sign brings up the emergency message on
the very next page, before anything else; it cannot be skipped until acknowledged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveServer, check_accessibility, screenshot
from tests.browser.seed import answered_through, answers_with, started_screening
from tests.browser.ui import active_element, fill_step, focus_ring, save_and_continue

MAX_TABS = 80


def tab_until(page: Page, wanted: Callable[[dict[str, Any]], bool], *, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element is the wanted one; every element
    passed on the way must show where the focus is."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        ring = focus_ring(page)
        assert ring["element"] is None or ring["shown"], f"focus not visible on {ring}"
        if wanted(active_element(page)):
            return
    raise AssertionError(f"{key} never reached the wanted element")


def is_id(field_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda el: el["id"] == field_id


def test_keyboard_only_step_with_mistakes(
    desktop_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    token = started_screening(live_app)
    page = desktop_context.new_page()
    page.goto(f"{live_server.url}/s/{token}/step/about")

    tab_until(page, is_id("first_name"))
    page.keyboard.type("Dana")
    tab_until(page, is_id("last_name"))  # left empty: a mistake
    tab_until(page, is_id("date_of_birth"))
    page.keyboard.type("03141975")  # the date box takes month, day, year as typed digits
    tab_until(page, lambda el: el["name"] == "sex")
    page.keyboard.press("Space")
    expect(page.locator("#sex-0")).to_be_checked()
    # The clinic's units are feet and inches (MEASUREMENT_UNITS=us): switch with an arrow key.
    tab_until(page, lambda el: el["name"] == "height_unit")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#height_unit-0")).to_be_checked()
    tab_until(page, is_id("height_cm"))
    page.keyboard.type("999")  # a mistake: taller than anyone
    page.keyboard.press("Enter")  # Enter in a text box saves and continues

    # The summary takes focus once app.js (deferred) has run: wait for it, do not race it.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    links = page.locator("[data-error-summary] a")
    targets = [
        href.lstrip("#")
        for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    ]
    assert targets == ["last_name", "phone", "height_cm", "work_status", "caregiver"], targets
    screenshot(page, "desktop-1-about-keyboard-errors")
    check_accessibility(page, "about step with errors")

    for index, target in enumerate(targets):
        href = f"#{target}"
        if index == 0:
            page.keyboard.press("Tab")
        else:
            # Back up to the summary's next link, as a keyboard user would.
            tab_until(page, lambda el, href=href: el["href"] == href, back=True)
        assert active_element(page)["href"] == href
        page.keyboard.press("Enter")
        focused = active_element(page)
        assert focused["id"] == target or focused["group"] == target, (target, focused)
        assert focused["tag"] == "input", focused
        assert focus_ring(page)["shown"], f"focus not visible after following {href}"

    # The typed answers are still there, and the mistakes are marked beside their fields.
    expect(page.locator("#first_name")).to_have_value("Dana")
    expect(page.locator("#height_cm")).to_have_value("999")
    expect(page.locator("#last_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#height_cm-error")).to_be_visible()


def test_emergency_answer_brings_up_the_emergency_message_at_once(
    open_context: Callable[..., Any], live_server: LiveServer, live_app: Flask
) -> None:
    answers = answers_with("cauda_equina_warning")
    token, location = answered_through(live_app, answers, "symptoms")
    assert location.endswith("/step/warning_signs")
    context = open_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{token}")
    expect(page).to_have_url(re.compile(r"/step/warning_signs$"))
    fill_step(page, "warning_signs", answers, touch=True)
    save_and_continue(page, touch=True)

    # The very next page is the emergency message, in plain words, before anything else.
    expect(page).to_have_url(re.compile(r"/warning"))
    heading = page.locator("h1")
    expect(heading).to_have_text("Go to an emergency department now")
    expect(page.locator(".alert-emergency")).to_have_attribute("role", "alert")
    expect(page.get_by_role("link", name=re.compile(r"^Call 911"))).to_have_attribute(
        "href", "tel:911"
    )
    check_accessibility(page, "emergency warning page")
    screenshot(page, "phone-warning-emergency")

    # It cannot be skipped: any step, or the link itself, comes back to it until acknowledged.
    page.goto(f"{live_server.url}/s/{token}/step/history")
    expect(heading).to_have_text("Go to an emergency department now")
    page.goto(f"{live_server.url}/s/{token}")
    expect(heading).to_have_text("Go to an emergency department now")

    page.get_by_role("button", name="I understand").tap()
    expect(page).to_have_url(re.compile(r"/step/history$"))
    expect(heading).to_have_text("Diagnoses, tests and health")
