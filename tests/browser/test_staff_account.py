"""Issue 16 in a real browser: a new colleague's first sign-in, and two-step sign-in setup.

An admin adds an account (front desk by default) and reads its temporary password once; the
new colleague signs in with it, must choose their own password, then sets up two-step sign-in
with a real TOTP code and sees their recovery codes. axe-core checks each new page.
"""

from __future__ import annotations

import re
from typing import Any

import pyotp
from flask import Flask
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.seed import STAFF_PASSWORD, staff_user

OWN_PASSWORD = "violet harbour tram 4419"


def test_a_new_colleague_sets_their_own_password_and_two_step_sign_in(
    desktop_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    page = desktop_context.new_page()
    page.goto(live_server.url + "/staff/login")
    page.get_by_label("Email").fill(admin)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(live_server.url + "/staff/users")
    expect(page.get_by_label("Role")).to_have_value("front_desk")
    page.get_by_label("Email").fill("sam@clinic.example")
    page.get_by_label("Name shown to colleagues").fill("Sam Okoye")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Account created")
    check_accessibility(page, "account created")
    temporary = page.locator(".temporary-password code").inner_text()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("Email").fill("sam@clinic.example")
    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Change your password")
    check_accessibility(page, "first password change")
    page.get_by_label("Current password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("aaaaaaaaaaaa")
    page.get_by_label("New password again").fill("aaaaaaaaaaaa")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("easy to guess")
    check_accessibility(page, "password refused")
    page.get_by_label("Current password").fill(temporary)
    page.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("New password again").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("h1")).to_have_text("Queue")

    page.goto(live_server.url + "/staff/account/two-factor")
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
    check_accessibility(page, "two-step setup")
    secret = page.locator(".totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    check_accessibility(page, "recovery codes")

    recovery = page.locator(".recovery-codes li code").first.inner_text()
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("sam@clinic.example")
    page.get_by_label("Password").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Enter your code")
    check_accessibility(page, "sign-in code")
    page.get_by_label("Code").fill(recovery)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Queue")
    expect(page.get_by_text("recovery code")).to_be_visible()


def test_an_expired_temporary_password_on_a_phone(
    phone_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """At phone width: the Users page marks the expired temporary password without widening
    the page (its table scrolls on its own), and signing in with it says what to do."""
    from datetime import UTC, datetime, timedelta

    from screening.extensions import db
    from screening.models import StaffUser
    from screening.services import staff as staff_service

    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    with live_app.app_context():
        user, temporary = staff_service.create_user_with_temporary_password(
            "sam@clinic.example", role="front_desk", actor=admin
        )
        stored = db.session.get(StaffUser, user.id)
        stored.password_changed_at = datetime.now(UTC) - timedelta(days=8)
        db.session.commit()

    page = phone_context.new_page()
    width = page.viewport_size["width"]
    page.goto(live_server.url + "/staff/login")
    page.get_by_label("Email").fill(admin)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/staff/users")
    expect(page.locator(".temporary-status")).to_have_text(
        "Temporary password expired: give a new one"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    check_accessibility(page, "users page at phone width")
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("Email").fill("sam@clinic.example")
    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "This temporary password has expired. Ask an administrator for a new one."
    )
    expect(page.get_by_label("Password")).to_have_value("")
    check_accessibility(page, "expired temporary password")
