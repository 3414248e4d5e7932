"""The version 2 warning-signs step on a 320-pixel phone, with JavaScript on and off.

With the script, the onset question appears as soon as any cauda equina sign is "Yes", and the
cancer question only after "Yes" to cancer; without it, every question is shown and the
conditional ones say "Only if...". Either way, saving an emergency answer brings up the
emergency page at once, naming the signs ticked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.browser.seed import answered_through, answers_with
from tests.browser.ui import choose, fill_step, save_and_continue
from tests.patient.test_warnings import warning_answers

NARROW = {"width": 320, "height": 640}


def _phone(open_context: Callable[..., Any], *, script: bool) -> Any:
    return open_context(
        viewport=NARROW,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=script,
    )


def test_warning_step_with_javascript(
    open_context: Callable[..., Any], live_server: LiveServer, live_app: Flask
) -> None:
    token, location = answered_through(live_app, answers_with(), "symptoms")
    assert location.endswith("/step/warning_signs")
    page = _phone(open_context, script=True).new_page()
    page.goto(f"{live_server.url}/s/{token}/step/warning_signs")
    onset = page.locator("#warning_signs_onset")
    cancer = page.locator("#cancer_status")
    expect(onset).to_be_hidden()
    expect(cancer).to_be_hidden()
    choose(page.locator("#both_legs_symptoms"), "Yes", touch=True)
    expect(onset).to_be_visible()
    choose(page.locator("#both_legs_symptoms"), "No", touch=True)
    expect(onset).to_be_hidden()

    answers = warning_answers(saddle_numbness=True)
    fill_step(page, "warning_signs", answers, touch=True)
    expect(onset).to_be_visible()
    check_accessibility(page, "warning-signs step, 320 px")
    screenshot(page, "phone320-warning-step")
    # Nothing wider than the screen: no sideways scrolling on a small phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    save_and_continue(page, touch=True)
    expect(page).to_have_url(re.compile(r"/warning"))
    expect(page.locator("h1")).to_have_text("Go to an emergency department now")
    alert = page.locator(".alert-emergency")
    expect(alert).to_contain_text("new numbness around your genitals, bottom or inner thighs")
    expect(alert).to_contain_text("you may have cauda equina syndrome")
    expect(alert).to_contain_text("You do not need to finish this form first.")
    check_accessibility(page, "emergency page, 320 px")
    screenshot(page, "phone320-emergency-cauda-equina")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_an_emergency_beside_a_blank_question_is_heard_before_the_errors(
    open_context: Callable[..., Any], live_server: LiveServer, live_app: Flask
) -> None:
    """Saved with new saddle numbness and one question left blank: the step comes back with
    the emergency warning above the list of errors, and focus (what a screen reader reads
    first) goes to the warning, not past it to the errors."""
    token, _location = answered_through(live_app, answers_with(), "symptoms")
    page = _phone(open_context, script=True).new_page()
    page.goto(f"{live_server.url}/s/{token}/step/warning_signs")
    answers = warning_answers(saddle_numbness=True)
    del answers["balance_problem"]
    fill_step(page, "warning_signs", answers, touch=True)
    save_and_continue(page, touch=True)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator(".alert-emergency")).to_be_focused()


def test_warning_step_without_javascript(
    open_context: Callable[..., Any], live_server: LiveServer, live_app: Flask
) -> None:
    # A recent cancer and leg weakness getting worse (saved on the symptoms step).
    answers = answers_with("cord_compression_cancer")
    token, _location = answered_through(live_app, answers, "symptoms")
    page = _phone(open_context, script=False).new_page()
    page.goto(f"{live_server.url}/s/{token}/step/warning_signs")
    # Every question is there; the conditional ones say when to answer them.
    expect(page.locator("#warning_signs_onset")).to_be_visible()
    expect(page.locator("#cancer_status")).to_be_visible()
    expect(page.get_by_text("Only if you have had cancer.")).to_be_visible()
    fill_step(page, "warning_signs", answers, touch=True)
    screenshot(page, "phone320-warning-step-no-script")
    save_and_continue(page, touch=True)
    expect(page).to_have_url(re.compile(r"/warning"))
    expect(page.locator("h1")).to_have_text("Go to an emergency department now")
    expect(page.locator(".alert-emergency")).to_contain_text("pressure on your spinal cord")
    screenshot(page, "phone320-emergency-cord-compression")
