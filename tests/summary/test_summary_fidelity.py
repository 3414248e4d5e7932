"""The summary says what the patient answered, and marks only what is a concern.

Each case here once printed something a surgeon could misread (an outside audit of the
summary against the answers and the evaluation): the onset of warning signs left out, good
news in alarm bold, "same reason as 1" inside topic 1, two counts of years ago for the same
operations, a weight dropped, one myelopathy sign marked and the other not, and a patient
with no spine surgery whose summary never said so.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask, render_template

from screening.summary.render import render_html
from screening.summary.view_model import build_summary
from tests.summary.conftest import example_answers, make_summary, routine_evaluation


def staff_html(app: Flask, summary: dict) -> str:
    with app.test_request_context():
        return render_template("summary/_summary.html", summary=summary)


def both_renderings(app: Flask, summary: dict) -> list[str]:
    return [render_html(summary), staff_html(app, summary)]


def with_leg_signs(onset: str) -> dict[str, Any]:
    answers = example_answers("stenosis")
    answers.update(both_legs_symptoms=True, warning_signs_onset=onset)
    return answers


@pytest.mark.parametrize(
    ("onset", "sentence", "marked"),
    [
        ("within_2_weeks", "These warning signs began in the last 2 weeks.", True),
        (
            "longer_getting_worse",
            "These warning signs began longer ago and are getting worse.",
            True,
        ),
        (
            "longer_not_changing",
            "These warning signs began longer ago and are not changing.",
            False,
        ),
        ("not_sure", "The patient is not sure when these warning signs began.", False),
    ],
)
def test_when_warning_signs_began_is_in_the_banner(
    app: Flask, onset: str, sentence: str, marked: bool
) -> None:
    """Symptoms spreading to both legs make the case urgent, but only the cauda equina rule's
    reason named the onset: recent or getting worse is what decides a call today."""
    summary = make_summary(with_leg_signs(onset))
    assert summary["triage"]["level"] == "urgent"
    assert summary["triage"]["onset"] == {"text": sentence, "flag": marked}
    pdf_html, staff = both_renderings(app, summary)
    assert sentence in pdf_html
    assert (f"<strong>{sentence}</strong>" in staff) is marked
    assert sentence in staff


def test_no_onset_line_without_the_signs_it_is_asked_about(app: Flask) -> None:
    summary = make_summary(example_answers("stenosis"))
    assert summary["triage"]["onset"] is None
    assert "warning signs began" not in " ".join(both_renderings(app, summary))


@pytest.mark.parametrize(
    ("since", "marked"),
    [
        ("resolved", False),
        ("improved_then_returned", True),
        ("never_improved", True),
        ("new_different_pain", True),
        ("worse", True),
    ],
)
def test_only_a_course_worth_a_look_is_marked(app: Flask, since: str, marked: bool) -> None:
    """ "The pain went away" was printed in the red bold the legend says means a concern."""
    answers = example_answers("after_fusion")
    answers["symptoms_since_surgery"] = since
    summary = make_summary(answers)
    assert summary["surgery"]["since_flag"] is marked
    pdf_html, staff = both_renderings(app, summary)
    assert ("<strong>Since the most recent operation" in pdf_html) is marked
    assert ('<strong class="flagged">Since the most recent operation' in staff) is marked
    assert "Since the most recent operation" in pdf_html and "Since the most recent" in staff


def test_no_previous_surgery_is_said(app: Flask) -> None:
    """The section vanished, which reads like a question not asked."""
    answers = example_answers("stenosis")
    assert answers["prior_spine_surgery"] is False
    summary = make_summary(answers)
    assert summary["surgery"]["none"] is True and summary["surgery"]["rows"] == []
    for html in both_renderings(app, summary):
        assert "Previous spine surgery: none</h" in html


def test_a_surgery_question_not_answered_shows_no_section() -> None:
    answers = example_answers("stenosis")
    del answers["prior_spine_surgery"]
    assert make_summary(answers)["surgery"] is None


def test_a_reason_given_twice_in_one_topic_is_written_once() -> None:
    """Two discectomies described alike gave topic 1 "... · Same reason as 1 above"."""
    reason = "Lumbar discectomy, 2018 (95 to 106 months ago); leg pain 7/10 now."
    evaluation = routine_evaluation(
        [
            {"id": "post_surgical_pain", "title": "Persistent pain", "reasons": [reason, reason]},
            {"id": "recurrent_herniation", "title": "Recurrent herniation", "reasons": [reason]},
        ]
    )
    summary = build_summary(
        example_answers("disc_herniation"),
        evaluation,
        clinic_name="Spine Clinic",
        generated_at=datetime(2026, 11, 21, 12, 0),
    )
    first, second = summary["topics"]
    assert first["reasons"] == [{"text": reason, "same_as": None}]
    assert first["same_as"] is None
    assert second["same_as"] == 1
    assert "Same reason as 1 above" not in render_html(summary).split("2. ")[0]


def test_years_ago_without_a_month_is_a_range_as_the_rules_count_it() -> None:
    """As of 15 January 2026, "Dec 2023" read "2 y ago" and "2023" (no month) "3 y ago" beside
    it, though the rules said the latter was 25 to 36 months ago."""
    answers = example_answers("after_fusion")
    answers["surgeries"] = [
        {**answers["surgeries"][0], "year": 2023, "month": 12},
        {**answers["surgeries"][0], "year": 2023},
    ]
    answers["surgeries"][1].pop("month", None)
    summary = make_summary(
        answers,
        as_of=date(2026, 1, 15),
        generated_at=datetime(2026, 1, 15, 12, 0),
        submitted_at=None,
    )
    ago = {row["when"]: row["ago"] for row in summary["surgery"]["rows"]}
    assert ago == {"Dec 2023": "2 y ago", "2023": "2–3 y ago"}


@pytest.mark.parametrize(
    ("given", "shown"),
    [({"weight_kg": 78}, "Weight: 78 kg"), ({"height_cm": 170}, "Height: 170 cm")],
)
def test_a_weight_or_height_alone_still_shows(app: Flask, given: dict, shown: str) -> None:
    answers = example_answers("stenosis")
    answers.pop("height_cm", None)
    answers.pop("weight_kg", None)
    answers.update(given)
    summary = make_summary(answers)
    for html in both_renderings(app, summary):
        assert shown in html
        assert "BMI" not in html.split("Health factors")[1].split("</p>")[0]


@pytest.mark.parametrize(
    ("balance", "marked"), [("none", False), ("stable", True), ("getting_worse", True)]
)
def test_unsteadiness_is_marked_like_hand_clumsiness(balance: str, marked: bool) -> None:
    """Unsteady walking at all is the possible-myelopathy red flag; only "getting worse" was
    marked, while new hand clumsiness always was."""
    answers = example_answers("cervical_myelopathy")
    answers["balance_problem"] = balance
    facts = {fact["label"]: fact for fact in make_summary(answers)["pain"]["facts"]}
    [balance_fact] = [fact for label, fact in facts.items() if label.startswith("Balance")]
    assert balance_fact["flag"] is marked


def test_a_summary_counted_on_another_day_says_which(app: Flask) -> None:
    """`screening pdf --as-of 2026-01-15` counted ages and years ago from a date the PDF never
    named (its footer said "generated" today)."""
    summary = make_summary(
        example_answers("after_fusion"),
        as_of=date(2026, 1, 15),
        generated_at=datetime(2026, 11, 30, 12, 0),
        submitted_at=None,
    )
    assert summary["counted_as_of"] == "2026-01-15"
    for html in both_renderings(app, summary):
        assert "Ages and times counted as of 2026-01-15" in html


def test_a_summary_counted_on_its_submission_day_says_nothing_more(app: Flask) -> None:
    summary = make_summary(example_answers("after_fusion"))
    assert summary["counted_as_of"] is None
    assert "counted as of" not in " ".join(both_renderings(app, summary))
