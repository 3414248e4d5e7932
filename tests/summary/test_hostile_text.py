"""Hostile text in every free-text item is printed literally, with no file or network read."""

from __future__ import annotations

import builtins
import io
import os
import re
import socket
from typing import Any

import pytest

from screening.questionnaire import validate_answer_set
from screening.summary.fetcher import PackagedFilesFetcher
from screening.summary.render import render_html, render_pdf
from tests.summary.conftest import AS_OF, example_answers, make_summary
from tests.summary.hostile import (
    ARABIC,
    EMOJI,
    HEBREW,
    LITERALS,
    LONG_WORD,
    hostile_answers,
)

FONT_FILES = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}


@pytest.fixture
def hostile_summary() -> dict[str, Any]:
    validated = validate_answer_set(hostile_answers(example_answers("disc_herniation")), AS_OF)
    assert validated.ok, validated.errors  # the hostile set is a VALID answer set
    return make_summary(validated.answers, clinician="<i>Dr</i> {{ 7*7 }}")


@pytest.fixture
def guarded_io(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every socket connection and every attempt to open /etc/passwd."""
    attempts: list[str] = []

    def guard_connect(self: socket.socket, address: object) -> None:
        attempts.append(f"connect {address!r}")
        raise OSError("network is off in this test")

    real_open, real_os_open = builtins.open, os.open

    def guard_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if "passwd" in str(file):
            attempts.append(f"open {file}")
            raise PermissionError(file)
        return real_open(file, *args, **kwargs)

    def guard_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if "passwd" in str(path):
            attempts.append(f"os.open {path}")
            raise PermissionError(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guard_connect)
    monkeypatch.setattr(builtins, "open", guard_open)
    monkeypatch.setattr(io, "open", guard_open)
    monkeypatch.setattr(os, "open", guard_os_open)
    return attempts


def test_hostile_text_is_printed_literally(hostile_summary, pdftotext) -> None:
    text = pdftotext(render_pdf(hostile_summary))
    for literal in LITERALS:
        assert literal in text, literal
    # Jinja syntax is text, never evaluated: the literal is there and 7*7 was not worked out.
    assert "{{ 7*7 }}" in text
    assert "49" not in text
    # The 2,000-character word flows over several lines (and pages) and is never cut: the
    # page footers it runs across are left out before joining the lines.
    body = [
        line
        for line in text.splitlines()
        if " · Page " not in line and not line.startswith("Questionnaire v")
    ]
    assert "".join("".join(body).split()).count(LONG_WORD) >= 1
    # Right-to-left text and emoji come through (poppler marks the RTL runs with embeddings).
    squeezed = text.replace("\u202b", "").replace("\u202c", "")
    assert ARABIC in squeezed
    assert HEBREW in squeezed
    assert EMOJI in text


def test_hostile_markup_is_escaped_in_the_html(hostile_summary) -> None:
    html = render_html(hostile_summary)
    assert "<img src=" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<link rel=stylesheet" not in html
    assert "<style>@import" not in html
    assert "<script>" not in html


def test_no_file_or_network_read_while_rendering(hostile_summary, guarded_io) -> None:
    fetcher = PackagedFilesFetcher()
    pdf = render_pdf(hostile_summary, fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert guarded_io == []
    # The only URLs fetched are the packaged fonts, and every one was served.
    assert fetcher.calls, "the fonts go through the fetcher"
    for url, served in fetcher.calls:
        assert served, url
        assert url.startswith("file://") and url.rsplit("/", 1)[-1] in FONT_FILES, url


def test_the_staff_partial_escapes_hostile_text_too(app, hostile_summary) -> None:
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            '{% include "summary/_summary.html" %}', summary=hostile_summary
        )
    assert "<img src=" not in html and "&lt;img src=" in html
    assert "{{ 7*7 }}" in html
    assert not re.search(r"<[^>]*\sstyle=", html)  # CSP: no inline styles on real tags
    assert "<style" not in html and "<script" not in html
