"""The handout page and its PDF: linked after Send, in the patient's language, only for the
patient's own link, and its link emailed through the outbox (never its content)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from screening.handout import content
from screening.outbox import messages_for
from screening.services.handout import HANDOUT_EMAIL_KIND
from tests.conftest import EXAMPLES
from tests.patient.conftest import load_screening
from tests.patient.helpers import complete_screening


def example_answers(name: str) -> dict:
    """A public example answer set (docs/examples, so a fresh clone has it)."""
    return json.loads((EXAMPLES / f"{name}.answers.json").read_text(encoding="utf-8"))


VALID_EXAMPLES = sorted(
    path.name.split(".")[0]
    for path in EXAMPLES.glob("*.expected.json")
    if "topic_ids" in json.loads(path.read_text(encoding="utf-8"))
)


def _expected_topics(name: str) -> list[str]:
    return json.loads((Path(EXAMPLES) / f"{name}.expected.json").read_text())["topic_ids"]


@pytest.mark.parametrize("name", VALID_EXAMPLES)
def test_each_public_example_gets_a_handout_of_its_own_topics(
    client: FlaskClient, name: str
) -> None:
    token = complete_screening(client, example_answers(name))
    done = client.get(f"/s/{token}/done").get_data(as_text=True)
    assert f'href="/s/{token}/handout"' in done and "Your handout" in done

    page = client.get(f"/s/{token}/handout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your visit: what to talk about with your surgeon" in html
    expected = _expected_topics(name)
    for topic in content.TOPICS:
        shown = f'id="topic-{topic.id}"' in html
        assert shown == (topic.id in expected), (name, topic.id)
    assert "Warning signs: what to do" in html
    assert f'href="/s/{token}/handout.pdf"' in html

    pdf = client.get(f"/s/{token}/handout.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")


def test_the_handout_is_in_spanish_for_a_spanish_browser(client: FlaskClient) -> None:
    headers = {"Accept-Language": "es"}
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"  # the whole journey in Spanish
    token = complete_screening(client, example_answers("disc_herniation"))
    done = client.get(f"/s/{token}/done", headers=headers).get_data(as_text=True)
    assert '<html lang="es">' in done and "Su folleto" in done
    html = client.get(f"/s/{token}/handout", headers=headers).get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Su visita: de qué hablar con su cirujano" in html
    pdf = client.get(f"/s/{token}/handout.pdf", headers=headers)
    assert pdf.headers["Content-Type"] == "application/pdf"
    # Answered in Spanish: the handout stays Spanish in a browser that asks for English.
    english = client.get(f"/s/{token}/handout", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in english.get_data(as_text=True)


def test_the_handout_needs_the_patients_own_sent_link(client: FlaskClient) -> None:
    assert client.get("/s/" + "x" * 43 + "/handout").status_code == 404
    assert client.get("/s/" + "x" * 43 + "/handout.pdf").status_code == 404
    # Not sent yet: back to the questionnaire, no handout.
    from tests.patient.helpers import start

    token, _code = start(client)
    response = client.get(f"/s/{token}/handout")
    assert response.status_code == 302 and "/handout" not in response.headers["Location"]
    assert client.get(f"/s/{token}/handout.pdf").status_code == 302


def test_emailing_the_link_queues_the_link_not_the_content(client: FlaskClient) -> None:
    answers = example_answers("disc_herniation")
    answers["email"] = "patient@example.test"
    token = complete_screening(client, answers)
    page = client.get(f"/s/{token}/handout").get_data(as_text=True)
    assert "Email me a link to this handout" in page
    for _press in range(2):  # twice: one email
        response = client.post(f"/s/{token}/handout/email")
        assert response.status_code == 302
    screening = load_screening(token)
    messages = messages_for(screening.id, (HANDOUT_EMAIL_KIND,))
    assert len(messages) == 1
    message = messages[0]
    assert message.recipient == "patient@example.test"
    payload = json.loads(message.payload_json)
    assert f"/s/{token}/handout" in payload["text"]
    herniated = content.TOPIC_BY_ID["herniated_disc"]
    assert herniated.heading not in payload["text"]
    assert herniated.explanation not in payload["text"]


def test_no_email_button_without_an_address(client: FlaskClient) -> None:
    answers = example_answers("disc_herniation")
    answers.pop("email", None)
    token = complete_screening(client, answers)
    assert "Email me a link" not in client.get(f"/s/{token}/handout").get_data(as_text=True)
    assert client.post(f"/s/{token}/handout/email").status_code == 302
    assert messages_for(load_screening(token).id, (HANDOUT_EMAIL_KIND,)) == []


def test_an_invited_handout_needs_the_date_of_birth_in_this_browser(
    client: FlaskClient, app
) -> None:
    from tests.patient.helpers import fill_steps, submit
    from tests.patient.test_invited import BORN, confirm, invite

    token = invite(app)
    assert confirm(client, token, BORN.isoformat()).status_code == 302
    answers = example_answers("disc_herniation")
    answers["date_of_birth"] = BORN.isoformat()
    fill_steps(client, token, answers)
    submit(client, token)
    assert client.get(f"/s/{token}/handout").status_code == 200

    other_browser = app.test_client()
    for path in ("handout", "handout.pdf"):
        response = other_browser.get(f"/s/{token}/{path}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/confirm")
    done = other_browser.get(f"/s/{token}/done").get_data(as_text=True)
    assert "/handout" not in done


def test_error_pages_speak_the_patients_language(client: FlaskClient) -> None:
    html = client.get("/s/" + "x" * 43, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "No encontramos la página" in html


def test_the_emailed_link_is_in_the_patients_language(client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    answers = example_answers("disc_herniation")
    answers["email"] = "paciente@example.test"
    token = complete_screening(client, answers)
    assert "Enviarme por correo" in client.get(f"/s/{token}/handout").get_data(as_text=True)
    client.post(f"/s/{token}/handout/email")
    [message] = messages_for(load_screening(token).id, (HANDOUT_EMAIL_KIND,))
    payload = json.loads(message.payload_json)
    assert payload["subject"] == "Su folleto de Spine Clinic"
    assert "El enlace es privado" in payload["text"]


def _handout(
    client: FlaskClient, answers: dict, pdftotext: Callable[[bytes], str]
) -> tuple[str, str]:
    """The handout page's HTML and its PDF's text (poppler, spaces folded) for these answers."""
    token = complete_screening(client, answers)
    html = client.get(f"/s/{token}/handout").get_data(as_text=True)
    text = pdftotext(client.get(f"/s/{token}/handout.pdf").data)
    return html, " ".join(text.split())


@pytest.mark.parametrize("name", ["cauda_equina_warning", "cord_compression_cancer"])
def test_an_emergency_handout_opens_with_the_advice_to_go_now(
    client: FlaskClient, name: str, pdftotext
) -> None:
    """A printed handout may be read days later: it repeats the advice given at the warning."""
    html, text = _handout(client, example_answers(name), pdftotext)
    heading = "Your answers included a warning sign"
    advice = "If a doctor has not checked you for it yet, go to an emergency department now"
    for shown in (html, text):
        assert heading in shown and advice in shown
        # First, before the introduction and the topics.
        assert shown.index(heading) < shown.index("Your answers point to some things")
    assert 'class="alert alert-emergency"' in html
    assert "call the clinic today" not in text.lower()


def test_an_urgent_handout_asks_for_a_call_today_and_lists_the_wound_sign(
    client: FlaskClient, pdftotext
) -> None:
    answers = example_answers("after_fusion")
    answers["wound_problem"] = True  # a troubled wound after spine surgery: urgent
    html, text = _handout(client, answers, pdftotext)
    for shown in (html, text):
        assert "Your answers included a warning sign" in shown
        assert "A doctor should talk with you soon" in shown
        assert "go to an emergency department now" not in shown
        assert content.WOUND_SIGN in shown
    assert 'class="alert alert-urgent"' in html


@pytest.mark.parametrize("name", ["disc_herniation", "cervical_myelopathy"])
def test_a_routine_or_review_handout_has_no_warning_and_no_wound_without_surgery(
    client: FlaskClient, name: str, pdftotext
) -> None:
    """Review means a clinician looks first; nothing alarming is shown to the patient."""
    answers = example_answers(name)
    assert answers.get("prior_spine_surgery") is not True
    html, text = _handout(client, answers, pdftotext)
    for shown in (html, text):
        assert "Your answers included a warning sign" not in shown
        assert content.WOUND_SIGN not in shown
        assert content.CALL_SIGNS[2] in shown  # hands or balance: worth a call for anyone


# The warning section's heading in each language the handout is printed in.
WARNING_HEADINGS = {"en": content.WARNING_HEADING, "es": "Señales de alarma: qué hacer"}


def _printed_handout(
    client: FlaskClient, name: str, language: str, pdftotext: Callable[[bytes], str]
) -> tuple[str, str]:
    """The token and the handout PDF's text (poppler; pages split by form feeds) for the
    example `name`, answered in `language`."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    token = complete_screening(client, example_answers(name))
    return token, pdftotext(client.get(f"/s/{token}/handout.pdf").data)


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("cauda_equina_warning", "en"),  # its warning signs split across two pages
        ("after_fusion", "en"),  # a question stood alone at the top of page 2
        ("disc_herniation", "en"),  # the same
        ("after_fusion", "es"),  # three pages; two questions alone at the top of page 2
    ],
)
def test_the_printed_handout_keeps_lists_and_the_warning_signs_in_one_piece(
    client: FlaskClient, name: str, language: str, pdftotext
) -> None:
    """No page starts with a stray bullet or a lone line of advice, and the warning signs (both
    lists and what to do about each) are on one page, so a patient reads them in one go."""
    _token, text = _printed_handout(client, name, language, pdftotext)
    pages = [
        [line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")
    ]
    pages = [page for page in pages if page]
    assert len(pages) >= 2, "the case no longer needs a second page: pick a longer one"
    for page in pages[1:]:
        assert not page[0].startswith("•"), page[:3]
    warning = WARNING_HEADINGS[language]
    [page] = [page for page in pages if warning in page]
    body = " ".join(page)
    emergency_action = "911" if language == "es" else "call 911 right away"
    same_day = "el mismo día" if language == "es" else "call the clinic the same day"
    # And what to do at night or at the weekend, on the same page.
    closed = "clínica está cerrada" if language == "es" else "If the clinic is closed"
    assert (
        body.index(warning)
        < body.index(emergency_action)
        < body.index(same_day)
        < body.index(closed)
    )


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Your own questions"), ("es", "Sus propias preguntas")]
)
def test_the_printed_handout_has_room_for_the_patients_own_questions(
    client: FlaskClient, language: str, heading: str, pdftotext
) -> None:
    """Its introduction asks the patient to write their questions on it: a ruled space, after
    the topics and before the warning signs, which stay last."""
    token, text = _printed_handout(client, "disc_herniation", language, pdftotext)
    text = " ".join(text.split())
    assert text.index(heading) < text.index(WARNING_HEADINGS[language])
    html = client.get(f"/s/{token}/handout").get_data(as_text=True)
    assert heading not in html  # on screen there is nothing to write on
