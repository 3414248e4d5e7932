"""A patient on a phone answers every step in a real browser, with and without JavaScript.

The patient taps labels and types, adds a second earlier operation, leaves after step 3 with
"Save and finish later", opens the private link again in a fresh browser (no cookies, as on
another device), lands on step 4 and sends the answers. Screenshots of every step at phone
width go to screenshots/ to look at by eye; with JavaScript on, axe-core checks each page at
this width too (touch target sizes, reflowed layout).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from screening.extensions import db
from screening.models import Screening
from screening.questionnaire import QUESTIONNAIRE
from tests.browser.conftest import PHONE, LiveServer, check_accessibility, screenshot
from tests.browser.ui import choose, fill_step, press, save_and_continue, step_heading
from tests.patient.helpers import example_answers

STEPS = [s.id for s in QUESTIONNAIRE.sections if s.id != "review"]


def two_operations() -> dict[str, Any]:
    """A synthetic patient who had two earlier spine operations."""
    answers = copy.deepcopy(example_answers("after_fusion"))
    answers["first_name"] = "Marisol"
    answers["last_name"] = "Quintero-Bell"
    answers["work_status"] = "working_reduced"
    answers["work_demand"] = "heavy"
    answers["surgeries"] = [
        {
            "procedure": "discectomy",
            "region": "lumbar",
            "year": 2012,
            "approach": "minimally_invasive",
            "outcome": "better",
            "levels": "L4-L5",
        },
        {
            "procedure": "fusion",
            "region": "lumbar",
            "year": 2017,
            "approach": "open",
            "outcome": "no_change",
        },
    ]
    answers["leg_pain_nrs"] = 5
    answers["pain_regions"] = ["lower_back", "buttock_left", "thigh_left"]
    answers["diagnoses"] = ["spinal_stenosis"]
    answers["current_medications"] = "Ibuprofen 400 mg twice a day"
    answers["goals"] = ["walk_further", "return_to_work"]
    answers["concerns"] = ["recovery_time"]
    return answers


def phone_like(open_context: Callable[..., Any], *, javascript: bool) -> Any:
    """A 390x844 touch screen, with JavaScript on or off."""
    return open_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )


def stored(app: Flask, first_name: str) -> Screening:
    with app.app_context():
        return db.session.execute(
            select(Screening).where(Screening.patient_first_name == first_name)
        ).scalar_one()


def expect_step(page: Page, section_id: str) -> None:
    number = QUESTIONNAIRE.step_number(section_id)
    expect(page).to_have_url(re.compile(rf"/step/{section_id}$"))
    expect(page.locator("h1")).to_have_text(step_heading(section_id))
    expect(page.locator(".progress-text")).to_have_text(f"Step {number} of 8")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_patient_completes_every_step_and_resumes_on_a_fresh_browser(
    open_context: Callable[..., Any], live_server: LiveServer, live_app: Flask, javascript: bool
) -> None:
    answers = two_operations()
    shot = "phone" if javascript else "phone-nojs"

    first = phone_like(open_context, javascript=javascript)
    page = first.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Before your spine visit")
    screenshot(page, f"{shot}-0-start")
    press(page.get_by_role("button", name="Start"), touch=True)
    expect(page.locator("h1")).to_have_text("Keep these to come back later")
    code = page.locator(".resume-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    link = page.locator(".private-link a").get_attribute("href")
    assert link and "/s/" in link
    screenshot(page, f"{shot}-0-started")
    press(page.get_by_role("link", name="Continue"), touch=True)

    for section_id in STEPS[:3]:
        expect_step(page, section_id)
        fill_step(page, section_id, answers, touch=True)
        if section_id == "about" and javascript:
            # Job demand shows up only once "working" is chosen (progressive enhancement).
            expect(page.locator("#work_demand")).to_be_visible()
        number = QUESTIONNAIRE.step_number(section_id)
        screenshot(page, f"{shot}-{number}-{section_id}")
        if javascript:
            check_accessibility(page, f"phone, step {number} ({section_id}) filled in")
        if section_id == STEPS[2]:
            press(page.get_by_role("button", name="Save and finish later"), touch=True)
        else:
            save_and_continue(page, touch=True)

    expect(page.locator("h1")).to_have_text("Your answers are saved")
    assert page.locator(".private-link a").get_attribute("href") == link
    screenshot(page, f"{shot}-3-later")
    if javascript:
        check_accessibility(page, "phone, saved for later")
    first.close()

    # A fresh browser: no cookies, no history. The link alone brings the patient back.
    second = phone_like(open_context, javascript=javascript)
    page = second.new_page()
    page.goto(link)
    expect_step(page, "warning_signs")
    for section_id in STEPS[3:]:
        expect_step(page, section_id)
        fill_step(page, section_id, answers, touch=True)
        number = QUESTIONNAIRE.step_number(section_id)
        screenshot(page, f"{shot}-{number}-{section_id}")
        if javascript:
            check_accessibility(page, f"phone, step {number} ({section_id}) filled in")
        save_and_continue(page, touch=True)

    expect_step(page, "review")
    operations = page.locator("#section-surgery .entries > li")
    expect(operations).to_have_count(2)
    expect(operations.nth(0)).to_contain_text("Disc removal (discectomy)")
    expect(operations.nth(1)).to_contain_text("Joining bones together (fusion)")
    expect(page.locator("#section-about")).to_contain_text("Marisol")
    expect(page.locator(".review-section.incomplete")).to_have_count(0)
    screenshot(page, f"{shot}-8-review")
    if javascript:
        check_accessibility(page, "phone, review")
    choose(
        page.locator(".submit-panel"), QUESTIONNAIRE.item("consent_confirm").question, touch=True
    )
    press(page.get_by_role("button", name="Send my answers"), touch=True)

    expect(page.locator("h1")).to_have_text("Thank you, your answers are sent")
    expect(page).to_have_url(re.compile(r"/done$"))
    screenshot(page, f"{shot}-9-done")
    second.close()

    saved = stored(live_app, "Marisol")
    assert saved.status == "submitted"
    kept = saved.answers
    assert kept["last_name"] == "Quintero-Bell"
    assert kept["work_demand"] == "heavy"
    assert [s["procedure"] for s in kept["surgeries"]] == ["discectomy", "fusion"]
    assert kept["surgeries"][0]["levels"] == "L4-L5"
    # 5 ft 9 in, typed in feet and inches, stored in centimeters.
    assert kept["height_cm"] == pytest.approx(175.3, abs=0.1)
    assert sorted(kept["pain_regions"]) == ["buttock_left", "lower_back", "thigh_left"]
    assert kept["current_medications"] == "Ibuprofen 400 mg twice a day"
