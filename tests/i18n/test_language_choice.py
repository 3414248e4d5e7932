"""Which language a page is in: the patient's choice (kept on the screening), the invitation's
language, the start page's choice (session), the browser, then the clinic default; staff pages
and the surgeon's PDF always in the clinic's language. Plus the body diagram's markup."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from screening.extensions import db
from screening.summary.body_map import REGIONS
from tests.patient.conftest import load_screening
from tests.patient.helpers import complete_screening, example_answers, start, step_url

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def lang_of(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_browser_language_is_used_when_nothing_else_is_known(client: FlaskClient) -> None:
    html = client.get("/start", headers=SPANISH).get_data(as_text=True)
    assert lang_of(html) == "es"
    assert "Antes de su visita por la columna" in html
    assert 'lang="en"' in html and ">English<" in html  # the way back, named in English
    html = client.get("/start", headers=ENGLISH).get_data(as_text=True)
    assert lang_of(html) == "en" and "Before your spine visit" in html
    assert ">Español<" in html


def test_choosing_on_the_start_page_is_remembered_and_carried_into_the_screening(
    client: FlaskClient,
) -> None:
    response = client.get("/start?lang=es", headers=ENGLISH)
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    assert lang_of(client.get("/start", headers=ENGLISH).get_data(as_text=True)) == "es"
    token, _code = start(client)
    assert load_screening(token).patient_locale == "es"
    # On another device (no session), the screening's own choice still wins.
    other = client.application.test_client()
    html = other.get(step_url(token, "about"), headers=ENGLISH).get_data(as_text=True)
    assert lang_of(html) == "es" and "Sobre usted" in html


def test_the_patients_choice_beats_the_invitation_which_beats_the_browser(
    client: FlaskClient,
) -> None:
    token, _code = start(client)
    screening = load_screening(token)
    screening.invited_locale = "es"
    db.session.commit()
    other = client.application.test_client()  # a fresh browser: no session choice
    assert lang_of(other.get(step_url(token, "about"), headers=ENGLISH).get_data(True)) == "es"
    response = other.get(step_url(token, "about") + "?lang=en", headers=SPANISH)
    assert response.status_code == 302 and "lang=" not in response.headers["Location"]
    assert load_screening(token).patient_locale == "en"
    third = client.application.test_client()
    assert lang_of(third.get(step_url(token, "about"), headers=SPANISH).get_data(True)) == "en"


@pytest.mark.parametrize(
    "others",
    ["token=x", "endpoint=x", "_method=POST", "_scheme=https", "_external=1", "from=review"],
)
def test_a_language_link_keeps_its_other_parameters_as_they_are(
    client: FlaskClient, others: str
) -> None:
    """Any link can carry more parameters; they stay on the same page's address. (They went to
    url_for, where "token" or "endpoint" was a 500 and "_scheme" changed the scheme.)"""
    token, _code = start(client)
    for page in (step_url(token, "about"), "/start"):
        response = client.get(f"{page}?lang=es&{others}", headers=ENGLISH)
        assert response.status_code == 302
        assert response.headers["Location"] == f"{page}?{others}"


def test_an_unknown_language_is_ignored(client: FlaskClient) -> None:
    response = client.get("/start?lang=xx", headers=ENGLISH)
    assert response.status_code == 302
    assert lang_of(client.get("/start", headers=ENGLISH).get_data(as_text=True)) == "en"


def test_switching_language_on_a_step_keeps_what_was_typed(client: FlaskClient) -> None:
    token, _code = start(client)
    page = client.get(step_url(token, "about"), headers=ENGLISH).get_data(as_text=True)
    assert 'form="step-form" name="switch_language" value="es"' in page
    response = client.post(
        step_url(token, "about"),
        data={"first_name": "Ana", "last_name": "Synthetic", "switch_language": "es"},
        headers=ENGLISH,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/step/about")
    screening = load_screening(token)
    assert screening.patient_locale == "es"
    assert screening.answers["first_name"] == "Ana"
    html = client.get(step_url(token, "about"), headers=ENGLISH).get_data(as_text=True)
    assert lang_of(html) == "es" and 'value="Ana"' in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_staff_pages_and_the_surgeons_pdf_stay_in_the_clinics_language(
    client: FlaskClient, tmp_path: Path
) -> None:
    html = client.get("/staff/login", headers=SPANISH).get_data(as_text=True)
    assert lang_of(html) == "en"
    # The whole journey in Spanish, Send included: the PDF rendered during Send is English.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    token = complete_screening(client, example_answers("disc_herniation"))
    done = client.get(f"/s/{token}/done").get_data(as_text=True)
    assert lang_of(done) == "es" and "Gracias, sus respuestas se enviaron" in done
    pdf = load_screening(token).summary.pdf
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Pre-consultation summary" in text
    assert "Resumen" not in text and "Dolor de espalda" not in text


def test_the_body_diagram_is_there_for_scripts_and_hidden_without_them(
    client: FlaskClient,
) -> None:
    token, _code = start(client)
    html = client.get(step_url(token, "symptoms"), headers=SPANISH).get_data(as_text=True)
    diagram = re.search(
        r'<div class="body-diagram" data-body-diagram hidden>(.*?)</div>\s*</div>', html, re.S
    )
    assert diagram, "the diagram is rendered hidden (patient.js shows it)"
    markup = diagram.group(1)
    for code in REGIONS:
        # Each code is one focusable checkbox (back view) and one tappable copy (front view).
        assert len(re.findall(rf'data-region="{code}" role="checkbox" tabindex="0"', markup)) == 1
        assert f'value="{code}"' in html  # the checkbox the region toggles is still there
    assert 'aria-label="Nalga izquierda"' in markup
    assert markup.count('aria-hidden="true"') >= 1  # the front copies are not read twice


def test_the_summary_names_the_language_the_patient_answered_in(client: FlaskClient) -> None:
    from screening.services.summaries import summary_for

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    spanish = complete_screening(client, example_answers("disc_herniation"))
    screening = load_screening(spanish)
    assert screening.patient_locale == "es"
    note = summary_for(screening)["answered_in"]
    assert note.startswith("Answered in Spanish.") and "exactly as they typed" in note

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = complete_screening(client, example_answers("disc_herniation"))
    assert "answered_in" not in summary_for(load_screening(english))
