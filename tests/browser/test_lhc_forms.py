"""Proof against a real FHIR client: LHC-Forms renders our Questionnaire, a case is filled
through LHC-Forms' own UI, and its own QuestionnaireResponse evaluates like the answer set and
like the same case sent through our own web form.

LHC-Forms (the NLM's SDC renderer, npm package `lforms`) comes from tests/browser/lforms, filled
by `make test` with `npm ci` from the committed package-lock.json. The page and LHC-Forms are
served from 127.0.0.1 by the test; the Questionnaire is the one GET /fhir/Questionnaire/
miss-screening serves. Nothing is downloaded, no browser either (Debian's Chromium).

What LHC-Forms does not render our way (both are checked by our validator on import, so the
result is the same): it cannot make "choose at least one pain area" depend on the pain scores
(FHIR `required` is unconditional), and it knows no age limit on a date of birth.
"""

from __future__ import annotations

import copy
import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening.evaluation import evaluate
from screening.fhir import Canonical, read_questionnaire_response
from screening.questionnaire import QUESTIONNAIRE, Item, ItemType, validate_answer_set
from screening.services import screenings
from tests.fhir.helpers import example, validate_r4b
from tests.patient.helpers import complete_screening

T = ItemType
LFORMS = Path(__file__).resolve().parent / "lforms"
LFORMS_DIST = LFORMS / "node_modules" / "lforms" / "dist" / "lforms"
BASE = "https://clinic.example/fhir"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"FHIR_CANONICAL_BASE": BASE}


@pytest.fixture
def lforms_page(client, tmp_path: Path) -> Iterator[str]:
    """The page, LHC-Forms and our served Questionnaire on a local static server; its URL."""
    if not (LFORMS_DIST / "webcomponent" / "main.js").exists():
        message = "LHC-Forms is not installed (make lforms: npm ci in tests/browser/lforms)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(LFORMS / "page.html", root / "index.html")
    (root / "lforms").symlink_to(LFORMS_DIST, target_is_directory=True)
    served = client.get("/fhir/Questionnaire/miss-screening")
    assert served.status_code == 200
    (root / "questionnaire.json").write_bytes(served.get_data())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def the_case() -> tuple[dict[str, Any], date]:
    """after_fusion with a second operation and neck pain (which brings up neck_pain_nrs)."""
    answers, as_of = example("after_fusion")
    answers = copy.deepcopy(answers)
    answers["surgeries"].append(
        {
            "procedure": "discectomy",
            "region": "lumbar",
            "year": 2012,
            "approach": "minimally_invasive",
            "outcome": "better",
            "levels": "L4-L5",
        }
    )
    answers["pain_regions"] = ["neck", "lower_back"]
    answers["neck_pain_nrs"] = 3
    validated = validate_answer_set(answers, as_of)
    assert validated.ok, validated.errors
    return validated.answers, as_of


def _by_id(page: Any, element_id: str) -> Any:
    return page.locator(f'[id="{element_id}"]')


def _choose(page: Any, item: Item, value: Any, path: str) -> None:
    _by_id(page, f"{item.id}{path}|{BASE}/CodeSystem/{item.id}|{value}").check()


def fill_item(page: Any, item: Item, value: Any, path: str = "/1/1") -> None:
    """Answer one item through LHC-Forms' own controls (radio, checkbox, text, date picker)."""
    if item.type is T.GROUP:
        for index, entry in enumerate(value):
            if index:
                _by_id(page, f"add-{item.id}{path}").click()
            inner = f"/1/{index + 1}/1"
            for sub in item.items:
                if sub.id in entry:
                    fill_item(page, sub, entry[sub.id], inner)
        return
    if item.type is T.YES_NO:
        _by_id(page, f"{item.id}{path}|{'true' if value else 'false'}").check()
    elif item.type is T.MULTI:
        for code in value:
            _choose(page, item, code, path)
    elif item.type is T.CHOICE or (item.type is T.INTEGER and item.codes):
        _choose(page, item, value, path)
    elif item.type is T.DATE:
        year, month, day = value.split("-")
        field = _by_id(page, f"{item.id}{path}").locator("input")
        field.fill(f"{month}/{day}/{year}")
        field.press("Enter")
    else:
        _by_id(page, f"{item.id}{path}").fill(str(value))


def test_lhc_forms_renders_our_questionnaire_and_its_response_evaluates_the_same(
    desktop_context, lforms_page, client, runner, tmp_path
):
    answers, as_of = the_case()
    page = desktop_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lforms_page)
    page.wait_for_function("window.formReady !== undefined")
    assert page.evaluate("window.formReady") == "ready"

    # A conditional item shows only once its condition holds (enableWhen on a ticked box).
    neck_pain = _by_id(page, "item-neck_pain_nrs/1/1")
    assert neck_pain.count() == 0
    for item in QUESTIONNAIRE.items:
        if item.id in answers and answers[item.id] != []:
            fill_item(page, item, answers[item.id])
        if item.id == "pain_regions":
            assert neck_pain.count() == 1
    assert _by_id(page, "item-procedure/1/2/1").count() == 1, "the second operation"
    assert errors == []

    response = page.evaluate("LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')")
    validate_r4b(response)
    assert (
        response["questionnaire"] == f"{BASE}/Questionnaire/miss-screening|{QUESTIONNAIRE.version}"
    )
    imported = read_questionnaire_response(response, QUESTIONNAIRE, Canonical(BASE))
    assert imported.ok, [str(error) for error in imported.errors]
    assert validate_answer_set(imported.answers, as_of).answers == answers
    path = tmp_path / "lhc-forms-response.json"
    path.write_text(json.dumps(response, indent=1))
    result = runner.invoke(args=["evaluate", str(path), "--as-of", as_of.isoformat()])
    assert result.exit_code == 0, result.output + path.read_text()[:3000]
    assert json.loads(result.stdout) == evaluate(answers, as_of).to_dict()

    # The same case sent through our own web form is stored with the same evaluation.
    token = complete_screening(client, answers)
    stored = screenings.find_by_token(token).evaluation
    result = runner.invoke(args=["evaluate", str(path), "--as-of", stored["as_of"]])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == stored
