"""Drive the patient questionnaire through HTTP, as a browser would (reused by other suites).

`complete_screening(client, answers)` starts a screening, posts every step with the given
canonical answer set, acknowledges any emergency warning and submits; it returns the private
link token. `fill_steps` does the same for an existing link (an invitation) without starting,
and `step_post_data` turns canonical answers into the names and values a step form posts.
Works with CSRF on or off (the token is read from the page when there is one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from screening.questionnaire import QUESTIONNAIRE, ItemType

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
LINK = re.compile(r"/s/([A-Za-z0-9_-]{16,64})")
CODE = re.compile(r'class="resume-code"[^>]*>([0-9A-Z]{5}-[0-9A-Z]{5})<')
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"'
)


def example_answers(name: str = "disc_herniation") -> dict[str, Any]:
    """A canonical answer set from docs/examples (synthetic patients)."""
    return json.loads((EXAMPLES / f"{name}.answers.json").read_text())


def csrf_token_from(html: str) -> str | None:
    match = CSRF.search(html)
    if not match:
        return None
    return match.group(1) or match.group(2)


def start(client: FlaskClient) -> tuple[str, str]:
    """Press Start; return (token, resume code as shown, ABCDE-12345)."""
    page = client.get("/start")
    data = {}
    token = csrf_token_from(page.get_data(as_text=True))
    if token:
        data["csrf_token"] = token
    response = client.post("/start", data=data)
    assert response.status_code == 302, response.status_code
    response = client.get(response.headers["Location"])
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    link = LINK.search(html)
    code = CODE.search(html)
    assert link and code, "the start page shows a private link and a resume code"
    return link.group(1), code.group(1)


def _form_value(item_type: ItemType, value: Any) -> Any:
    if item_type is ItemType.YES_NO:
        return "yes" if value else "no"
    if item_type is ItemType.MULTI:
        return [str(v) for v in value]
    return str(value)


def step_post_data(section_id: str, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for one step holding `answers`."""
    section = QUESTIONNAIRE.section(section_id)
    pairs: list[tuple[str, str]] = []
    for item in section.items:
        if item.id not in answers or answers[item.id] is None:
            continue
        value = answers[item.id]
        if item.type is ItemType.GROUP:
            for index, entry in enumerate(value):
                for sub in item.items:
                    if entry.get(sub.id) is not None:
                        pairs.append(
                            (f"{item.id}-{index}-{sub.id}", _form_value(sub.type, entry[sub.id]))
                        )
            continue
        form_value = _form_value(item.type, value)
        if isinstance(form_value, list):
            pairs.extend((item.id, v) for v in form_value)
        else:
            pairs.append((item.id, form_value))
    return pairs


def step_url(token: str, section_id: str) -> str:
    return f"/s/{token}/step/{section_id}"


def post_step(
    client: FlaskClient,
    token: str,
    section_id: str,
    answers: Mapping[str, Any],
    *,
    extra: list[tuple[str, str]] | None = None,
    action: str = "save",
) -> TestResponse:
    """Open a step (for its CSRF token) and post `answers` on it with the given button.

    A step saved with mistakes answers with a 303 to its own page, which shows the errors;
    that page is followed, as a browser does (its response's `history` holds the 303).
    A successful save's 302 is returned as it is."""
    page = client.get(step_url(token, section_id))
    pairs = step_post_data(section_id, answers) + list(extra or []) + [(action, "1")]
    csrf = csrf_token_from(page.get_data(as_text=True))
    if csrf:
        pairs.append(("csrf_token", csrf))
    return see_errors(client, client.post(step_url(token, section_id), data=_multi(pairs)))


def see_errors(client: FlaskClient, response: TestResponse) -> TestResponse:
    """Follow a save's 303 to the page that shows its errors (a browser would)."""
    if response.status_code != 303:
        return response
    page = client.get(response.location)
    page.history = (response,)
    return page


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def acknowledge_warning(client: FlaskClient, location: str) -> TestResponse:
    """Press "I understand" on an emergency page (or follow Continue on an urgent one)."""
    page = client.get(location)
    html = page.get_data(as_text=True)
    if "I understand" not in html:
        return page
    data = {}
    csrf = csrf_token_from(html)
    if csrf:
        data["csrf_token"] = csrf
    return client.post(location, data=data)


def fill_steps(client: FlaskClient, token: str, answers: Mapping[str, Any]) -> None:
    """Save every step but the review with the parts of `answers` that belong to it."""
    for section in QUESTIONNAIRE.sections:
        if section.id == "review":
            continue
        response = post_step(client, token, section.id, answers)
        assert response.status_code == 302, (section.id, response.get_data(as_text=True)[:2000])
        if "/warning" in response.location:
            acknowledge_warning(client, response.location)


def submit(client: FlaskClient, token: str, *, consent: bool = True) -> TestResponse:
    page = client.get(step_url(token, "review"))
    data = {"submit": "1"}
    if consent:
        data["consent_confirm"] = "yes"
    csrf = csrf_token_from(page.get_data(as_text=True))
    if csrf:
        data["csrf_token"] = csrf
    return client.post(step_url(token, "review"), data=data)


def complete_screening(
    client: FlaskClient, answers: Mapping[str, Any], *, send: bool = True
) -> str:
    """Start, answer every step through HTTP and (unless `send` is False) submit; the token."""
    token, _code = start(client)
    fill_steps(client, token, answers)
    if send:
        response = submit(client, token)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert response.location.endswith(f"/s/{token}/done")
    return token
