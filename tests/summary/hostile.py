"""Hostile patient text: markup, resource links, template syntax, long words, RTL, emoji."""

from __future__ import annotations

from typing import Any

LONG_WORD = "zq" * 1000  # one 2,000-character word
MARKUP = "<b>bold</b><script>alert(1)</script><p style='color:red'>para</p>"
IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel=stylesheet href="http://example.com/x.css">'
STYLE = "<style>@import url(http://x)</style>"
JINJA = "{{ 7*7 }} {% raw %}"
ARABIC = "ألم في الظهر"
HEBREW = "כאב גב תחתון"
EMOJI = "😀🦴"
ACCENTS = "é ñ ø ü Ærø"

HOSTILE_LINES = [MARKUP, IMG, LINK, STYLE, JINJA, ARABIC, HEBREW, EMOJI, ACCENTS]
HOSTILE_TEXT = "\n".join(HOSTILE_LINES)

# The strings that must come out of pdftotext exactly as typed.
LITERALS = [
    "<b>bold</b><script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    '<link rel=stylesheet href="http://example.com/x.css">',
    "<style>@import url(http://x)</style>",
    "{{ 7*7 }}",
    "{% raw %}",
    "é ñ ø ü Ærø",
]


def hostile_answers(base: dict[str, Any]) -> dict[str, Any]:
    """`base` with hostile text in every free-text item (all within the length limits)."""
    answers = dict(base)
    answers["first_name"] = IMG
    answers["last_name"] = "{{ 7*7 }} é ñ ø ü"
    answers["visit_reason"] = LONG_WORD
    answers["current_medications"] = HOSTILE_TEXT + "\n" + "x" * 200
    answers["allergies"] = HOSTILE_TEXT
    answers["other_treatments"] = LINK + "\n" + STYLE + "\n" + ARABIC
    answers["goals_text"] = HOSTILE_TEXT
    answers["prior_spine_surgery"] = True
    answers["surgeries"] = [
        {
            "procedure": "discectomy",
            "region": "lumbar",
            "year": 2019,
            "approach": "open",
            "outcome": "better",
            "levels": "<b>L4</b>{% raw %}{{ 7*7 }}",
        },
        {
            "procedure": "fusion",
            "region": "lumbar",
            "year": 2021,
            "approach": "open",
            "outcome": "worse",
            "levels": "L" * 50,
        },
    ]
    answers["symptoms_since_surgery"] = "worse"
    answers["wound_problem"] = False
    answers["email"] = "<b>x</b>{{7*7}}@example.org"
    return answers
