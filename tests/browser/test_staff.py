"""The staff portal in a real browser, and axe-core on every staff page.

Front desk creates an invitation; the patient opens its link on a phone and confirms the date
of birth; a clinician signs in, sees the emergency patient first in the queue, reads the
summary, downloads the PDF (a real PDF bearing the patient's name), marks it reviewed and signs
out, after which the Back button shows no patient data (pages are `Cache-Control: no-store`, so
the browser asks the server again and is sent to the sign-in page).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveServer, check_accessibility, screenshot
from tests.browser.seed import STAFF_PASSWORD, staff_user
from tests.browser.ui import assert_focus_always_visible
from tests.staff.helpers import days_from_now, submitted_example


def sign_in(page: Page, server: LiveServer, email: str, *, check: bool = False) -> None:
    page.goto(server.url + "/staff/login")
    expect(page.locator("h1")).to_have_text("Staff sign in")
    if check:
        check_accessibility(page, "staff sign-in")
        assert_focus_always_visible(page, "staff sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Queue")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Staff sign in")
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8", "replace")


def test_front_desk_invites_and_clinician_reviews_the_emergency_first(
    desktop_context: Any,
    open_context: Callable[..., Any],
    live_server: LiveServer,
    live_app: Flask,
) -> None:
    desk = staff_user(live_app, "front_desk", "desk@clinic.example", "Pat Desk")
    doctor = staff_user(live_app, "clinician", "dr.lee@clinic.example", "Dr Lee")
    with live_app.app_context():
        # Routine, with the earlier appointment and the earlier submission: without triage
        # ordering it would come first.
        submitted_example("disc_herniation", appointment_at=days_from_now(1, hour=14))
        emergency = submitted_example("cauda_equina_warning")
        emergency_name = f"{emergency.patient_first_name} {emergency.patient_last_name}"
    assert emergency_name == "Sam Turner"

    # -- front desk: a new invitation --------------------------------------------------------
    page = desktop_context.new_page()
    sign_in(page, live_server, desk, check=True)
    check_accessibility(page, "queue (front desk)")
    page.get_by_role("link", name="New invitation").click()
    expect(page.locator("h1")).to_have_text("New invitation")
    check_accessibility(page, "new invitation")
    page.get_by_role("button", name="Create invitation").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("First name: Enter the patient's first name.")
    check_accessibility(page, "new invitation with errors")
    screenshot(page, "staff-invitation-errors")

    appointment = date.today() + timedelta(days=3)
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_label("Date of birth").fill("1968-04-02")
    page.get_by_label("Appointment date").fill(appointment.isoformat())
    page.get_by_label("Appointment time").fill("10:30")
    page.get_by_label("Clinician").select_option(label="Dr Lee")
    page.get_by_label("Phone").fill("555-010-4477")
    page.get_by_role("button", name="Create invitation").click()
    expect(page.locator("#letter-title")).to_have_text(
        "Before your visit: a short health questionnaire"
    )
    expect(page.locator(".letter")).to_contain_text("Dear Noor Haddad,")
    # The same promise as the patient's start page ("About 10 minutes").
    expect(page.locator(".letter")).to_contain_text("It takes about 10 minutes.")
    check_accessibility(page, "invitation letter")
    screenshot(page, "staff-invitation-letter")
    link = page.locator(".letter .private-link code").inner_text().strip()
    assert re.fullmatch(re.escape(live_server.url) + r"/s/[A-Za-z0-9_-]{16,64}", link), link
    sign_out(page)

    # -- the invited patient opens the link on a phone: date of birth first -----------------
    phone = open_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    patient = phone.new_page()
    patient.goto(link)
    expect(patient.locator("h1")).to_have_text("Please confirm it is you")
    expect(patient.get_by_text("Noor")).to_have_count(0)
    check_accessibility(patient, "date of birth check")
    screenshot(patient, "phone-confirm-birth-date")
    birth_date = patient.get_by_label("Your date of birth")
    # Typed the way the box shows it (mm/dd/yyyy in the United States); a wrong date first.
    birth_date.press_sequentially("04031968")
    patient.get_by_role("button", name="Continue").tap()
    expect(patient.locator("[data-error-summary]")).to_contain_text("does not match")
    check_accessibility(patient, "date of birth check, wrong date")
    screenshot(patient, "phone-confirm-birth-date-wrong")
    birth_date.press_sequentially("04021968")
    patient.get_by_role("button", name="Continue").tap()
    expect(patient).to_have_url(re.compile(r"/step/about$"))
    expect(patient.locator("#first_name")).to_have_value("Noor")
    phone.close()

    # -- clinician: the emergency first, the summary, the PDF, reviewed ---------------------
    sign_in(page, live_server, doctor)
    check_accessibility(page, "queue (clinician)")
    assert_focus_always_visible(page, "queue (clinician)")
    screenshot(page, "staff-queue")
    rows = page.locator("table.queue tbody tr")
    expect(rows.nth(0).locator("th a")).to_have_text(emergency_name)
    expect(rows.nth(0)).to_contain_text("Emergency")
    expect(rows.nth(1).locator("th a")).to_have_text("Jordan Reyes")
    expect(page.locator("table.queue")).to_contain_text("Noor Haddad")

    with page.expect_response(re.compile(r"/staff/screenings/[^/]+$")) as detail_info:
        rows.nth(0).locator("th a").click()
    detail = detail_info.value
    assert "no-store" in (detail.header_value("cache-control") or "")
    expect(page.locator("main")).to_contain_text(emergency_name)
    check_accessibility(page, "screening detail (clinician)")
    assert_focus_always_visible(page, "screening detail (clinician)")
    screenshot(page, "staff-detail")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    saved = Path(download.path())
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.startswith("summary-Turner-Sam-")
    text = pdf_text(saved)
    assert "Sam" in text and "Turner" in text, text[:500]

    # An emergency is marked reviewed only once what was done about it is recorded (issue 12).
    expect(page.get_by_role("button", name="Mark reviewed")).to_have_count(0)
    page.get_by_label("Sent to the emergency department").check()
    page.get_by_role("button", name="Record what was done").click()
    expect(page.get_by_text("Recorded. The red flags are acknowledged.")).to_be_visible()
    page.get_by_label("Note (optional)").fill("Called the patient; sent to the emergency room.")
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("Marked reviewed.")).to_be_visible()
    expect(page.locator(".detail-side")).to_contain_text("Reviewed")
    expect(page.get_by_role("button", name="Mark reviewed")).to_have_count(0)

    # -- signed out, Back shows no patient data ----------------------------------------------
    sign_out(page)
    # Back: the browser may not show a stored copy; it asks the server, which wants a sign-in.
    with page.expect_request(detail.url):
        page.go_back()
    expect(page).to_have_url(re.compile(r"/staff/login"))
    expect(page.locator("h1")).to_have_text("Staff sign in")
    content = page.content()
    for word in ("Sam", "Turner", "Called the patient"):
        assert word not in content, f"{word!r} is still shown after signing out"


def test_admin_pages_have_no_serious_accessibility_problems(
    desktop_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    staff_user(live_app, "clinician", "dr.kim@clinic.example", "Dr Kim")
    page = desktop_context.new_page()

    page.goto(live_server.url + "/staff/login")
    page.get_by_label("Email").fill(admin)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Email or password is not right.")
    check_accessibility(page, "staff sign-in failed")

    sign_in(page, live_server, admin)
    page.get_by_role("link", name="Users").click()
    expect(page.locator("h1")).to_have_text("Staff accounts")
    check_accessibility(page, "users")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Enter an email address.")
    check_accessibility(page, "users with errors")

    page.get_by_role("link", name="Audit").click()
    expect(page.locator("h1")).to_have_text("Audit trail")
    expect(page.locator("table.audit")).to_contain_text("Created an account")
    check_accessibility(page, "audit trail")
    screenshot(page, "staff-audit")
