"""In a real browser: the whole journey in Spanish (Accept-Language es) with an emergency
answer and axe on every page; the language button mid-form keeps what was typed; the body
diagram by mouse and keyboard at 320 pixels, and the checkboxes alone without JavaScript."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from playwright.sync_api import Page, expect

from screening.i18n import SPANISH_CATALOGUE
from screening.questionnaire import QUESTIONNAIRE
from screening.summary.body_map import REGIONS
from tests.browser.conftest import LiveServer, check_accessibility
from tests.browser.seed import STEPS, answers_with
from tests.patient.conftest import load_screening
from tests.patient.helpers import step_post_data

NARROW_PHONE = {"width": 320, "height": 640}
MIN_TARGET_PX = 24  # WCAG 2.2 target size (minimum)


@cache
def spanish_catalogue() -> Catalog:
    with SPANISH_CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="es")


def es(msgid: str) -> str:
    return str(spanish_catalogue().get(msgid).string)


def answer_step(page: Page, section_id: str, answers: dict[str, Any]) -> None:
    """Answer a step as a patient does: tap each choice, type into each box."""
    for name, value in step_post_data(section_id, answers):
        choice = page.locator(f"input[name='{name}'][value='{value}']")
        if choice.count():
            # The box itself: on the 0-10 scales it is drawn invisibly over its number.
            choice.first.click()
            expect(choice.first).to_be_checked()
        else:
            unit = {"height_cm": "cm", "weight_kg": "kg"}.get(name)
            if unit:  # the clinic's units may be feet and pounds: give it in these
                page.locator(f"input[name='{name.split('_')[0]}_unit'][value='{unit}']").click()
            page.locator(f"[name='{name}']").fill(str(value))


def token_from_start(page: Page) -> str:
    href = page.locator(".private-link a").get_attribute("href") or ""
    return href.rstrip("/").rsplit("/", 1)[-1]


def test_the_whole_journey_in_spanish_with_an_emergency_answer(
    open_context: Any, live_server: LiveServer
) -> None:
    page = open_context(locale="es-ES", viewport={"width": 390, "height": 844}).new_page()
    answers = answers_with("cauda_equina_warning")

    page.goto(live_server.url + "/start")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Antes de su visita por la columna")
    check_accessibility(page, "inicio")
    page.get_by_role("button", name="Empezar").click()
    expect(page.locator("h1")).to_have_text(es("Keep these to come back later"))
    check_accessibility(page, "enlace y código")
    token = token_from_start(page)

    page.goto(f"{live_server.url}/s/{token}/step/{STEPS[0]}")
    for section_id in STEPS:
        section = QUESTIONNAIRE.section(section_id)
        expect(page.locator("h1")).to_have_text(es(section.title))
        expect(page.locator("html")).to_have_attribute("lang", "es")
        answer_step(page, section_id, answers)
        check_accessibility(page, f"paso {section_id}")
        page.get_by_role("button", name="Guardar y seguir").last.click()
        if section_id == "warning_signs":
            expect(page.locator("h1")).to_have_text("Vaya ahora a una sala de emergencias")
            check_accessibility(page, "emergencia")
            page.get_by_role("button", name="Entiendo").click()

    expect(page.locator("h1")).to_have_text(es("Check and send"))
    check_accessibility(page, "revisar")
    page.get_by_label(es(QUESTIONNAIRE.item("consent_confirm").question)).check()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    # The warning comes first and alone; that the answers were sent comes after it.
    expect(page.locator("h1")).to_have_text("Vaya ahora a una sala de emergencias")
    expect(page.get_by_role("heading", name=es("Your answers are sent"))).to_be_visible()
    check_accessibility(page, "enviado")

    page.get_by_role("link", name="Su folleto").click()
    expect(page.locator("h1")).to_have_text("Su visita: de qué hablar con su cirujano")
    expect(page.get_by_role("heading", name="Señales de alarma: qué hacer")).to_be_visible()
    check_accessibility(page, "folleto")
    pdf_href = page.get_by_role("link", name="Descargar su folleto (PDF)").get_attribute("href")
    response = page.request.get(live_server.url + (pdf_href or ""))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"


def test_the_language_button_keeps_what_was_typed(
    open_context: Any, live_server: LiveServer
) -> None:
    page = open_context(viewport=NARROW_PHONE).new_page()
    page.goto(live_server.url + "/start")
    page.get_by_role("button", name="Start").click()
    token = token_from_start(page)
    page.goto(f"{live_server.url}/s/{token}/step/about")
    page.locator("#first_name").fill("Ana")
    page.locator("#last_name").fill("Synthetic")
    page.locator("label[for='sex-0']").click()

    page.get_by_role("button", name="Español").click()
    expect(page.locator("h1")).to_have_text("Sobre usted")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#first_name")).to_have_value("Ana")
    expect(page.locator("#last_name")).to_have_value("Synthetic")
    expect(page.locator("#sex-0")).to_be_checked()

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("About you")
    expect(page.locator("#first_name")).to_have_value("Ana")


def _region(page: Page, code: str) -> Any:
    return page.locator(f"[data-region='{code}'][role='checkbox']")


def _box(page: Page, code: str) -> Any:
    return page.locator(f"input[name='pain_regions'][value='{code}']")


def test_the_body_diagram_by_mouse_and_keyboard_on_a_narrow_phone(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    page = open_context(viewport=NARROW_PHONE).new_page()
    page.goto(live_server.url + "/start")
    page.get_by_role("button", name="Start").click()
    token = token_from_start(page)
    page.goto(f"{live_server.url}/s/{token}/step/symptoms")
    diagram = page.locator("[data-body-diagram]")
    expect(diagram).to_be_visible()

    # Every region is a named checkbox for screen readers, and a large enough target.
    for code in REGIONS:
        expect(_region(page, code)).to_have_attribute("aria-checked", "false")
        for region in page.locator(f"[data-region='{code}']").all():
            box = region.bounding_box()
            assert box and box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, (
                code,
                box,
            )
    assert page.get_by_role("checkbox", name="Left buttock").count() == 2  # list + drawing

    # Mouse: a click on the drawing ticks the box; a click on the box shows on the drawing.
    _region(page, "lower_back").click()
    expect(_box(page, "lower_back")).to_be_checked()
    expect(_region(page, "lower_back")).to_have_attribute("aria-checked", "true")
    expect(_region(page, "lower_back")).to_have_class(re.compile(r"\bis-chosen\b"))
    page.locator("label[for='" + (_box(page, "foot_left").get_attribute("id") or "") + "']").click()
    expect(_region(page, "foot_left")).to_have_attribute("aria-checked", "true")
    # The front view's copy of a region toggles the same box.
    page.locator(".body-figure-front [data-region='thigh_right']").click()
    expect(_box(page, "thigh_right")).to_be_checked()
    expect(_region(page, "thigh_right")).to_have_attribute("aria-checked", "true")

    # Keyboard: Tab reaches the regions, Space and Enter toggle, focus is visible.
    _region(page, "neck").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('data-region')")
    assert focused == "upper_back"
    page.keyboard.press("Space")
    expect(_box(page, "upper_back")).to_be_checked()
    stroke = page.evaluate("getComputedStyle(document.activeElement).strokeWidth")
    assert stroke == "3px"
    page.keyboard.press("Enter")
    expect(_box(page, "upper_back")).not_to_be_checked()
    expect(_region(page, "upper_back")).to_have_attribute("aria-checked", "false")

    page.get_by_role("button", name="Save and finish later").click()
    with live_app.app_context():
        saved = load_screening(token).answers.get("pain_regions")
    assert sorted(saved) == ["foot_left", "lower_back", "thigh_right"]


def test_without_javascript_the_checkboxes_stay_as_they_are(
    open_context: Any, live_server: LiveServer, live_app: Flask
) -> None:
    page = open_context(viewport=NARROW_PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/start")
    page.get_by_role("button", name="Start").click()
    token = token_from_start(page)
    page.goto(f"{live_server.url}/s/{token}/step/symptoms")
    expect(page.locator("[data-body-diagram]")).to_be_hidden()
    page.locator("label[for='" + (_box(page, "neck").get_attribute("id") or "") + "']").click()
    expect(_box(page, "neck")).to_be_checked()
    page.get_by_role("button", name="Save and finish later").click()
    with live_app.app_context():
        assert load_screening(token).answers.get("pain_regions") == ["neck"]
