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
