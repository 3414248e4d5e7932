"""Every staff page on a 320-pixel phone: nothing widens the page or is cut at the edge of its
panel (a QR code cut off does not scan), and axe-core finds nothing serious.

Wide tables may scroll inside their own box (`.table-wrap`), which then takes keyboard focus;
what a clinician must not miss in the queue (red flags not yet acknowledged) shows without
scrolling sideways, on a phone and on a tablet.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.browser.conftest import LiveServer, check_accessibility, screenshot
from tests.browser.seed import staff_user
from tests.browser.test_staff import sign_in

NARROW = {"width": 320, "height": 640}

# Elements inside a panel or the page's main column that end past its right edge (tables may:
# their box scrolls).
CUT_AT_THE_EDGE = """() => [...document.querySelectorAll('img, svg, code, input, button, select')]
  .filter(element => {
    const box = element.closest('.panel, .table-wrap, main');
    if (!box || box.classList.contains('table-wrap')) return false;
    const r = element.getBoundingClientRect();
    return r.width > 0 && r.right > box.getBoundingClientRect().right + 0.5;
  })
  .map(element => element.tagName.toLowerCase() + '.' + element.className)"""


def test_every_staff_page_fits_a_320_pixel_phone(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    from tests.staff.helpers import make_screening, submitted_example

    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    doctor = staff_user(live_app, "clinician", "dr.ng@clinic.example", "Dr Ng")
    with live_app.app_context():
        emergency = submitted_example("cauda_equina_warning").public_id
        routine = submitted_example("after_fusion").public_id
        make_screening(status="invited", first_name="Pat", last_name="Waiting")
    visits = {
        doctor: [
            "/staff/",
            f"/staff/screenings/{emergency}",
            f"/staff/screenings/{routine}",
            "/staff/invitations/new",
            "/staff/account/password",
            "/staff/account/two-factor",
        ],
        admin: ["/staff/users", "/staff/audit", f"/staff/screenings/{routine}/invitation"],
    }
    problems = []
    for email, paths in visits.items():
        page = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
        sign_in(page, live_server, email)
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                problems.append(f"{path}: the page is {width} px wide")
            cut = page.evaluate(CUT_AT_THE_EDGE)
            if cut:
                problems.append(f"{path}: cut at the edge of its box: {cut}")
            try:
                check_accessibility(page, path)
            except AssertionError as error:
                problems.append(str(error))
        screenshot(page, f"staff-{email.partition('@')[0]}-320")
    assert not problems, "\n".join(problems)


# The queue rows' red-flag acknowledgement markers ("Not yet") a clinician can see without
# scrolling: inside the window and inside the table's scrolling box as it opens.
VISIBLE_ACK_MARKERS = """() => [...document.querySelectorAll('table.queue .needs-ack')]
  .filter(element => {
    const r = element.getBoundingClientRect();
    const box = element.closest('.table-wrap').getBoundingClientRect();
    return r.width > 0 && r.right <= Math.min(window.innerWidth, box.right) + 0.5;
  }).length"""


def test_unacknowledged_red_flags_show_in_the_queue_without_scrolling_sideways(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """On a tablet the queue's table scrolls inside its box: whether an emergency's red flags
    have been seen sits beside its triage, not past the edge; on a phone, under the name."""
    from tests.staff.helpers import submitted_example

    doctor = staff_user(live_app, "clinician", "dr.ng@clinic.example", "Dr Ng")
    with live_app.app_context():
        submitted_example("cauda_equina_warning")
    for name, viewport in (("tablet", {"width": 768, "height": 1024}), ("phone", NARROW)):
        page = open_context(viewport=viewport, is_mobile=True, has_touch=True).new_page()
        sign_in(page, live_server, doctor)  # to the queue
        screenshot(page, f"staff-queue-{name}")
        assert page.evaluate(VISIBLE_ACK_MARKERS) >= 1, name


def test_a_patient_page_in_a_staff_browser_offers_to_sign_out(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """A waiting-room tablet left signed in to the staff portal: the patient's start page says
    so (readable at 320 px, axe-clean), and one tap signs the staff member out, after which
    the patient's page opens."""
    desk = staff_user(live_app, "front_desk", "desk@clinic.example", "Dee Desk")
    page = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(page, live_server, desk)
    page.goto(live_server.url + "/start")
    refusal = "This device is signed in to the staff portal"
    assert page.get_by_role("heading", level=1).inner_text() == refusal
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    check_accessibility(page, "/start with a staff session")
    screenshot(page, "patient-page-staff-signed-in-320")
    page.get_by_role("button", name="Sign out of the staff portal").click()
    assert page.url.endswith("/staff/login")
    page.goto(live_server.url + "/start")
    assert page.get_by_role("heading", level=1).inner_text() == "Before your spine visit"


# 100 letters without a space: the longest name the forms take, as a QA pass typed it.
LONG_NAME = ("Wolfeschlegelsteinhausenbergerdorff" * 3)[:100]
SECOND_COLUMN_IN_VIEW = """(text) => {
  const row = [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes(text));
  const cells = row.querySelectorAll('th, td');
  return cells[1].getBoundingClientRect().left < window.innerWidth;
}"""


def test_the_patients_name_comes_first_and_long_names_wrap_on_a_phone(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """On a phone the side column (red flags and the phone number, Revoke and Reissue) stacks
    above the summary: the patient's name heads the page above it, so nobody acts on the wrong
    patient. A 100-letter name without a space wraps: the letter page stays phone-wide, and
    the queue's and Users' other columns stay in view."""
    from datetime import UTC, date, datetime, time, timedelta

    from screening.models import StaffUser
    from screening.services import invitations
    from screening.services.screenings import find_by_token
    from tests.browser.seed import answered_through, answers_with

    doctor = staff_user(live_app, "clinician", "dr.ng@clinic.example", "Dr Ng")
    desk = staff_user(live_app, "front_desk", "desk@clinic.example", "Dee Desk")
    admin = staff_user(live_app, "admin", "admin@clinic.example", LONG_NAME)
    token, _ = answered_through(live_app, answers_with("cauda_equina_warning"), "warning_signs")
    with live_app.app_context():
        flagged = find_by_token(token)
        flagged_id = flagged.public_id
        clinician = StaffUser.query.filter_by(email=doctor).one()
        front_desk = StaffUser.query.filter_by(email=desk).one()
        day = datetime.now(UTC).date() + timedelta(days=2)
        long_named = invitations.create_invitation(
            invitations.PatientDetails(LONG_NAME, LONG_NAME, date(1961, 3, 4)),
            contact=invitations.ContactDetails(phone="555-010-0123"),
            appointment_at=datetime.combine(day, time(15), tzinfo=UTC),
            clinician_id=clinician.id,
            invited_by=front_desk,
            secret_key=live_app.config["SECRET_KEY"],
            expiry_days=7,
        ).public_id

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, doctor)
    phone.goto(f"{live_server.url}/staff/screenings/{flagged_id}")
    name = phone.locator("h1.patient-name").bounding_box()
    assert name is not None and name["y"] + name["height"] <= NARROW["height"]
    red_flags = phone.locator("#red-flags").bounding_box()
    assert red_flags is not None and name["y"] + name["height"] <= red_flags["y"]
    screenshot(phone, "staff-detail-red-flags-320")

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, desk)
    phone.goto(f"{live_server.url}/staff/")  # loaded, stylesheets and all, before measuring
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert phone.evaluate(SECOND_COLUMN_IN_VIEW, LONG_NAME[:20]), "queue"
    phone.goto(f"{live_server.url}/staff/screenings/{long_named}")
    name = phone.locator("h1.patient-name").bounding_box()
    revoke = phone.get_by_role("button", name="Revoke link").bounding_box()
    assert name is not None and revoke is not None
    assert name["y"] + name["height"] <= revoke["y"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    phone.goto(f"{live_server.url}/staff/screenings/{long_named}/invitation")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the letter page is {width} px wide"
    screenshot(phone, "staff-letter-long-name-320")

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, admin)
    phone.goto(f"{live_server.url}/staff/users")
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert phone.evaluate(SECOND_COLUMN_IN_VIEW, LONG_NAME[:20]), "users"


def test_confirmation_pages_fit_a_320_pixel_phone_and_work_without_javascript(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """Deactivate and Revoke link ask first, on a page naming who it is for (a 100-letter name
    wraps): nothing past the edge, axe-clean. Cancel leaves things as they were; "Yes" acts,
    also in a browser with JavaScript off."""
    from datetime import date

    from playwright.sync_api import expect

    from tests.staff.helpers import make_screening

    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    colleague = staff_user(live_app, "clinician", "ana.ng@clinic.example", LONG_NAME)
    desk = staff_user(live_app, "front_desk", "desk@clinic.example", "Dee Desk")
    with live_app.app_context():
        first, second = (
            make_screening(
                status="invited",
                first_name=first_name,
                last_name=LONG_NAME,
                invited_date_of_birth=date(1961, 3, 4),
            ).public_id
            for first_name in ("Rosa", "Ines")
        )

    def asked(page: Any, question: str) -> None:
        """The confirmation page, loaded (stylesheets and all) before it is measured."""
        expect(page.get_by_role("heading", level=1)).to_have_text(question)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{question}: the page is {width} px wide"
        assert not page.evaluate(CUT_AT_THE_EDGE), question

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, admin)
    phone.goto(f"{live_server.url}/staff/users")
    phone.get_by_role("button", name=f"Deactivate {colleague}").click()
    asked(phone, f"Deactivate {LONG_NAME} ({colleague})?")
    check_accessibility(phone, "deactivate: confirmation")
    screenshot(phone, "staff-confirm-deactivate-320")
    phone.get_by_role("link", name="Cancel").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    phone.get_by_role("button", name=f"Deactivate {colleague}").click()
    phone.get_by_role("button", name="Yes, deactivate").click()
    expect(phone.get_by_text(f"{colleague} can no longer sign in.")).to_be_visible()
    expect(phone.get_by_role("button", name=f"Reactivate {colleague}")).to_be_visible()

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, desk)
    phone.goto(f"{live_server.url}/staff/screenings/{first}")
    phone.get_by_role("button", name="Revoke link").click()
    asked(phone, f"Revoke the private link for Rosa {LONG_NAME}?")
    check_accessibility(phone, "revoke: confirmation")
    screenshot(phone, "staff-confirm-revoke-320")

    # With JavaScript off the confirmation is plain HTML: a form that posts, a link back.
    phone = open_context(
        viewport=NARROW, is_mobile=True, has_touch=True, java_script_enabled=False
    ).new_page()
    sign_in(phone, live_server, desk)
    phone.goto(f"{live_server.url}/staff/screenings/{second}")
    phone.get_by_role("button", name="Revoke link").click()
    asked(phone, f"Revoke the private link for Ines {LONG_NAME}?")
    phone.get_by_role("button", name="Yes, revoke the link").click()
    expect(phone.get_by_text("The private link no longer works.")).to_be_visible()
    assert phone.url == f"{live_server.url}/staff/screenings/{second}"


def test_changing_a_role_fits_a_320_pixel_phone(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    """Each colleague's row has a role select and Change role beside Deactivate: at 320 px the
    Users page still does not scroll sideways (the table scrolls inside its own box) and
    nothing is cut at an edge. The confirmation names the colleague (a 100-letter name
    wraps), says what changes, fits and is axe-clean; Yes gives the role."""
    from playwright.sync_api import expect

    admin = staff_user(live_app, "admin", "admin@clinic.example", "Ada Admin")
    colleague = staff_user(live_app, "clinician", "ana.ng@clinic.example", LONG_NAME)
    staff_user(live_app, "front_desk", "desk@clinic.example", "Dee Desk")

    phone = open_context(viewport=NARROW, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, live_server, admin)
    phone.goto(f"{live_server.url}/staff/users")
    phone.wait_for_load_state("load")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the Users page is {width} px wide"
    assert not phone.evaluate(CUT_AT_THE_EDGE)
    check_accessibility(phone, "users: the role control")
    screenshot(phone, "staff-users-roles-320")

    phone.get_by_label(f"New role for {colleague}").select_option("front_desk")
    phone.get_by_role("button", name=f"Change role {colleague}").click()
    question = f"Change the role of {LONG_NAME} ({colleague}) to Front desk?"
    expect(phone.get_by_role("heading", level=1)).to_have_text(question)
    phone.wait_for_load_state("load")
    expect(phone.get_by_text("they can no longer see patients' answers")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the confirmation is {width} px wide"
    assert not phone.evaluate(CUT_AT_THE_EDGE)
    check_accessibility(phone, "change role: confirmation")
    screenshot(phone, "staff-confirm-change-role-320")

    phone.get_by_role("button", name="Yes, change the role").click()
    expect(phone.get_by_text(f"{colleague} now has the role Front desk")).to_be_visible()
    expect(phone.get_by_label(f"New role for {colleague}")).to_have_value("front_desk")
