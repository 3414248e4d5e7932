"""Drive the patient questionnaire through the real page, as a patient would.

`fill_step(page, section_id, answers)` reads the one questionnaire definition to know what each
item looks like, then answers it the way a person does: it taps or clicks the *visible label*
of a choice (found by its patient wording, not by an id), types into text boxes, switches the
height unit, and adds a second operation with the "Add another operation" button (a real round
trip to the server, so it also works with JavaScript off). It never posts anything itself.

Also here: small page checks shared by the browser tests (the focused element, its focus ring).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from playwright.sync_api import Locator, Page, expect

from screening.questionnaire import QUESTIONNAIRE, Item, ItemType

T = ItemType
INCH_CM = 2.54


def press(target: Locator, *, touch: bool) -> None:
    """A finger tap on a touch screen, a mouse click elsewhere."""
    if touch:
        target.tap()
    else:
        target.click()


def choose(scope: Locator, text: str, *, touch: bool) -> None:
    """Pick the radio or checkbox whose visible label reads exactly `text`, by its label."""
    # Locators are strict: a label that is missing or not unique fails here, loudly.
    label = scope.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    press(label, touch=touch)
    # The input itself: the tappable body diagram names its regions the same way.
    expect(scope.get_by_label(text, exact=True).and_(scope.locator("input"))).to_be_checked()


def _choice_label(item: Item, value: Any) -> str:
    if item.type is T.YES_NO:
        return "Yes" if value else "No"
    return item.code_label(value)


def answer_item(
    page: Page, scope: Locator, field_id: str, item: Item, value: Any, *, touch: bool
) -> None:
    """Answer one (non-group) item inside `scope` the way a patient would."""
    field = scope.locator(f"#{field_id}")
    if item.codes and field.evaluate("el => el.tagName") == "SELECT":
        # A drop-down (the optional surgery month): the patient picks the wording.
        field.select_option(label=_choice_label(item, value))
    elif item.type in (T.YES_NO, T.CHOICE) or (item.type is T.INTEGER and item.codes):
        choose(scope.locator(f"#{field_id}"), _choice_label(item, value), touch=touch)
    elif item.type is T.INTEGER and item.presentation == "scale":
        # The number buttons: the patient touches the box showing the number.
        fieldset = scope.locator(f"#{field_id}")
        press(fieldset.get_by_label(str(value), exact=True), touch=touch)
        expect(fieldset.get_by_label(str(value), exact=True)).to_be_checked()
    elif item.type is T.MULTI:
        fieldset = scope.locator(f"#{field_id}")
        for code in value:
            choose(fieldset, item.code_label(code), touch=touch)
    elif item.type is T.DATE:
        page.locator(f"#{field_id}").fill(str(value))
    else:
        box = scope.locator(f"#{field_id}")
        box.fill("")
        box.press_sequentially(str(value))


def _fill_height(page: Page, height_cm: float, *, touch: bool) -> None:
    """Give the height in feet and inches, as many US patients will."""
    choose(page.locator("#height_unit"), "Feet and inches", touch=touch)
    total_inches = round(height_cm / INCH_CM)
    page.locator("#height_ft").fill(str(total_inches // 12))
    page.locator("#height_in").fill(str(total_inches % 12))


def _fill_weight(page: Page, weight_kg: float, *, touch: bool) -> None:
    choose(page.locator("#weight_unit"), "Kilograms", touch=touch)
    page.locator("#weight_kg").fill(str(weight_kg))


def _fill_surgeries(page: Page, item: Item, entries: list[dict[str, Any]], *, touch: bool) -> None:
    """Fill the first operation, then press "Add another operation" for each further one."""
    for index, entry in enumerate(entries):
        if index > 0:
            press(page.get_by_role("button", name="Add another operation"), touch=touch)
            expect(page.locator(f"#surgeries-{index}")).to_be_visible()
        scope = page.locator(f"#surgeries-{index}")
        expect(scope.locator("legend").first).to_have_text(f"Operation {index + 1}")
        for sub in item.items:
            if entry.get(sub.id) is None:
                continue
            answer_item(page, scope, f"surgeries-{index}-{sub.id}", sub, entry[sub.id], touch=touch)


def fill_step(
    page: Page, section_id: str, answers: Mapping[str, Any], *, touch: bool = False
) -> None:
    """Answer every item of one step that `answers` holds, through the page."""
    section = QUESTIONNAIRE.section(section_id)
    expect(page.locator("h1")).to_have_text(section.title)
    body = page.locator("form.step-form")
    for item in section.items:
        if item.id not in answers or answers[item.id] is None:
            continue
        value = answers[item.id]
        if item.id == "height_cm":
            _fill_height(page, value, touch=touch)
        elif item.id == "weight_kg":
            _fill_weight(page, value, touch=touch)
        elif item.type is T.GROUP:
            _fill_surgeries(page, item, value, touch=touch)
        else:
            answer_item(page, body, item.id, item, value, touch=touch)


def save_and_continue(page: Page, *, touch: bool = False) -> None:
    press(page.get_by_role("button", name="Save and continue"), touch=touch)


def step_heading(section_id: str) -> str:
    return QUESTIONNAIRE.section(section_id).title


def active_element(page: Page) -> dict[str, Any]:
    """What has keyboard focus now: tag, id, name, href and the id of its closest fieldset."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const group = el && el.closest("fieldset[id], [role=group][id]");
          return {
            tag: el ? el.tagName.toLowerCase() : null,
            id: el ? el.id : null,
            name: el ? el.getAttribute("name") : null,
            href: el ? el.getAttribute("href") : null,
            summary: !!(el && el.hasAttribute("data-error-summary")),
            group: group ? group.id : null,
          };
        }"""
    )


def focus_ring(page: Page) -> dict[str, Any]:
    """How the focused element shows its focus: its own outline or box shadow, or, for a
    control drawn invisibly over its label (the 0-10 buttons), the ring on its choice box."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return {element: null};
          function ring(node) {
            const s = getComputedStyle(node);
            const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== "none";
            return {outline: outline, shadow: !!shadow, style: s.outlineStyle,
                    width: s.outlineWidth, boxShadow: s.boxShadow};
          }
          const own = ring(el);
          const invisible = parseFloat(getComputedStyle(el).opacity) === 0;
          const box = el.closest(".choice");
          const around = box ? ring(box) : null;
          const shown = (!invisible && (own.outline || own.shadow)) ||
                        (!!around && (around.outline || around.shadow));
          return {
            element: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                     (typeof el.className === "string" && el.className
                       ? "." + el.className.split(" ").join(".") : ""),
            focusVisible: el.matches(":focus-visible"),
            invisible: invisible,
            own: own,
            around: around,
            shown: shown,
          };
        }"""
    )


MAX_TABS = 120  # more stops than any page of ours has


def assert_focus_always_visible(page: Page, label: str) -> int:
    """Tab through the whole page from the top: every stop must show a focus ring.

    Returns how many stops there were (so a page with nothing focusable fails loudly)."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if ring["element"] is None or (seen and ring["element"] == seen[0]):
            break  # back at the top of the page
        assert ring["shown"], f"{label}: focus not visible on {ring}"
        seen.append(ring["element"])
    assert len(seen) >= 2, f"{label}: only {seen} could be reached with Tab"
    return len(seen)
