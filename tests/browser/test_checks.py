"""The checks themselves are real: they fail on a page that breaks them.

Also the shared `form_errors` macro, fixed alongside these checks: it lists lazily translated
messages (as WTForms validators give them) and skips the nested errors of sub-forms.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField

from tests.browser.conftest import check_accessibility
from tests.browser.ui import assert_focus_always_visible

BAD_PAGE = """<!doctype html><html><head></head><body>
<main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p><input type="text"></p></main></body></html>"""

NO_FOCUS_RING = """<!doctype html><html lang="en"><head><title>t</title></head><body>
<button>One</button><button>Two</button>
<script>document.querySelectorAll("button").forEach(function (b) {
  b.style.outline = "none"; b.style.boxShadow = "none"; });</script></body></html>"""


def test_axe_check_fails_a_page_with_serious_problems(desktop_context: Any) -> None:
    page = desktop_context.new_page()
    page.set_content(BAD_PAGE)
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page, "bad page")
    message = str(failure.value)
    for rule in ("image-alt", "label", "document-title", "html-has-lang"):
        assert rule in message, message


def test_focus_check_fails_a_page_without_a_focus_ring(desktop_context: Any) -> None:
    page = desktop_context.new_page()
    page.set_content(NO_FOCUS_RING)
    with pytest.raises(AssertionError, match="focus not visible"):
        assert_focus_always_visible(page, "no ring")


class _Entry(Form):
    year = StringField("Year")


class _Sample(FlaskForm):
    class Meta:
        csrf = False

    first_name = StringField(lazy_gettext("First name"))
    entries = FieldList(FormField(_Entry), min_entries=1)
    one = FormField(_Entry, label="One")


def test_form_errors_lists_lazy_messages_and_skips_nested_ones(live_app: Flask) -> None:
    with live_app.test_request_context("/"):
        form = _Sample()
        form.first_name.errors = [lazy_gettext("Enter the patient's first name.")]
        form.entries.errors = [{"year": ["Enter a year."]}]
        form.one.form.year.errors = ["Enter a year."]
        assert form.one.errors == {"year": ["Enter a year."]}
        html = render_template_string(
            '{% from "_macros/forms.html" import form_errors %}{{ form_errors(form) }}', form=form
        )
    assert 'href="#first_name"' in html
    assert "First name: Enter the patient&#39;s first name." in html
    assert "Enter a year" not in html
    assert "{" not in html and "[" not in html
    assert ">One: year<" not in html and "year" not in html.lower()
