"""What a surgeon reading the summary asked for, in the view model, the PDF and the staff page.

The triage rules named in words, the version 2 answers where they look for them, medicines and
allergies near the top, a reason given once and referred to after, BMI of 30 or more marked,
and the staff page and the PDF in the same order and words.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask, render_template

from screening.summary import body_map
from screening.summary.pdf_layout import pdf_layout
from screening.summary.render import render_html, render_pdf, stylesheet_text
from screening.summary.view_model import build_summary
from tests.summary.conftest import example_answers, make_summary, routine_evaluation

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

# A stored evaluation whose topics share a reason word for word (as a discectomy read against
# three post-surgical topics does).
SHARED = "Lumbar discectomy (L4-L5), 2019 (83 to 94 months ago); leg pain 7/10 now."


def _evaluation_sharing_a_reason() -> dict:
    return routine_evaluation(
        [
            {"id": "post_surgical_pain", "title": "Persistent pain", "reasons": [SHARED]},
            {"id": "recurrent_herniation", "title": "Recurrent herniation", "reasons": [SHARED]},
            {"id": "sciatica", "title": "Sciatica", "reasons": ["Leg pain 7/10.", SHARED]},
        ]
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def staff_html(app: Flask, summary: dict) -> str:
    with app.test_request_context():
        return render_template("summary/_summary.html", summary=summary)


def _summary_sharing_a_reason() -> dict:
    return build_summary(
        example_answers("disc_herniation"),
        _evaluation_sharing_a_reason(),
        clinic_name="Spine Clinic",
        generated_at=NOW,
    )


def test_a_reason_repeated_under_several_topics_is_written_once() -> None:
    summary = _summary_sharing_a_reason()
    first, second, third = summary["topics"]
    assert first["same_as"] is None and first["reasons"] == [{"text": SHARED, "same_as": None}]
    # Every reason of the second is the first's: the topic refers to it as a whole.
    assert second["same_as"] == 1 and second["reasons"] == []
    # A topic with a new reason keeps it, and refers to the shared one.
    assert third["same_as"] is None
    assert third["reasons"] == [
        {"text": "Leg pain 7/10.", "same_as": None},
        {"text": SHARED, "same_as": 1},
    ]


def test_the_pdf_and_the_staff_page_print_a_shared_reason_once(app: Flask, pdftotext) -> None:
    summary = _summary_sharing_a_reason()
    pdf_text = _words(pdftotext(render_pdf(summary)))
    page = _words(re.sub(r"<[^>]+>", " ", staff_html(app, summary)))
    for text in (pdf_text, page):
        assert text.count(SHARED) == 1
        assert "same reason as 1 above" in text  # the second topic
        assert "Same reason as 1 above" in text  # the third topic's second reason


def test_medicines_and_allergies_come_before_the_topics(app: Flask, pdftotext) -> None:
    answers = dict(
        example_answers("disc_herniation"),
        current_medications="Apixaban 5 mg twice a day\nMetformin 500 mg",
        allergies="Penicillin (rash)",
        blood_thinners=True,
    )
    summary = make_summary(answers)
    assert summary["planning"]["medications"].startswith("Apixaban")
    assert [f["flag"] for f in summary["planning"]["facts"]] == [True]  # blood thinners
    # Not repeated at the end among the patient's own words.
    assert {entry["id"] for entry in summary["own_words"]} <= {
        "visit_reason",
        "other_treatments",
        "goals_text",
    }
    pdf_text = _words(pdftotext(render_pdf(summary)))
    page = _words(re.sub(r"<[^>]+>", " ", staff_html(app, summary)))
    for text in (pdf_text, page):
        medicines = text.index("Current medicines: Apixaban 5 mg twice a day")
        allergies = text.index("Allergies: Penicillin (rash)")
        assert medicines < allergies < text.index("MISS discussion topics")
        assert text.count("Apixaban") == 1


def test_a_blank_list_says_not_answered_not_none(app: Flask) -> None:
    """A blank allergy answer printed "none listed", which reads as "no known allergies";
    the questionnaire has no such answer, and blank means not answered."""
    summary = make_summary(example_answers("stenosis"))
    for html in (render_html(summary), staff_html(app, summary)):
        assert "Current medicines:</b> not answered" in html
        assert "Allergies:</b> not answered" in html
        assert "none listed" not in html


@pytest.mark.parametrize(
    ("weight", "shown", "marked"),
    [
        (88.5, "29.9 (172 cm, 88.5 kg)", False),
        (88.75, "30.0 (172 cm, 88.75 kg), obesity class 1", True),  # 29.999 rounds to 30.0
        (104, "35.2 (172 cm, 104 kg), obesity class 2", True),
        (120, "40.6 (172 cm, 120 kg), obesity class 3", True),
    ],
)
def test_bmi_of_30_or_more_is_marked_with_its_class(weight, shown, marked) -> None:
    answers = dict(example_answers("stenosis"), height_cm=172, weight_kg=weight)
    bmi = next(f for f in make_summary(answers)["health"] if f["label"] == "BMI")
    assert (bmi["value"], bmi["flag"]) == (shown, marked)
    html = render_html(make_summary(answers))
    assert (f"<strong>BMI: {shown}</strong>" in html) is marked


def test_version_2_answers_are_where_a_surgeon_looks(app: Flask, pdftotext) -> None:
    answers = dict(
        example_answers("cervical_myelopathy"),
        email="p.vance@example.org",
        compensation_claim="yes",
        hand_clumsiness=True,
        balance_problem="getting_worse",
    )
    summary = make_summary(answers)
    patient = summary["patient"]
    assert (patient["phone"], patient["email"]) == ("555-0134", "p.vance@example.org")
    assert patient["claim"] == {"text": "Yes", "flag": True}
    assert [s["id"] for s in summary["pain"]["scores"]] == [
        "back",
        "leg",
        "neck",
        "arm",
        "interference",
    ]
    facts = {f["label"]: (f["value"], f["flag"]) for f in summary["pain"]["facts"]}
    assert facts["New hand clumsiness"] == ("Yes", True)
    assert facts["Balance"] == ("Unsteady, getting worse", True)
    pdf_text = _words(pdftotext(render_pdf(summary)))
    page = _words(re.sub(r"<[^>]+>", " ", staff_html(app, summary)))
    for text in (pdf_text, page):
        header = text[: text.index("Medicines and allergies")]
        assert "Phone: 555-0134" in header and "Email: p.vance@example.org" in header
        assert "Claim or legal case: Yes" in header
        assert "Neck pain 5/10" in text and "Arm pain 6/10" in text
        assert "Balance: Unsteady, getting worse" in text


def test_onset_cancer_status_and_wound_are_shown() -> None:
    answers = dict(
        example_answers("after_fusion"),
        saddle_numbness=True,
        warning_signs_onset="longer_not_changing",
        cancer_history=True,
        cancer_status="treated_over_5_years_ago",
        wound_problem=True,
    )
    summary = make_summary(answers)
    banner = [rule["text"] for rule in summary["triage"]["rules"]]
    assert any("began longer ago and not changing" in text for text in banner), banner
    flags = [flag["text"] for flag in summary["triage"]["red_flags"]]
    assert "History of cancer (treated more than 5 years ago)" in flags
    assert summary["surgery"]["wound"] == [
        {
            "label": "Problem with a surgery scar",
            "value": "Red, swollen, hot or leaking",
            "flag": True,
        }
    ]
    html = render_html(summary)
    assert "Problem with a surgery scar: Red, swollen, hot or leaking" in html


def test_urgent_banner_lists_every_rule_that_held() -> None:
    answers = dict(
        example_answers("disc_herniation"),
        leg_weakness="getting_worse",
        prior_spine_surgery=True,
        surgeries=[
            {
                "procedure": "discectomy",
                "region": "lumbar",
                "year": 2024,
                "approach": "open",
                "outcome": "better",
            }
        ],
        symptoms_since_surgery="worse",
        wound_problem=True,
    )
    triage = make_summary(answers)["triage"]
    assert triage["level"] == "urgent"
    assert [rule["id"] for rule in triage["rules"]] == ["progressive_weakness", "wound"]
    assert all(": " in rule["text"] for rule in triage["rules"])  # title: reason


def test_staff_page_and_pdf_share_column_order_and_words(app: Flask) -> None:
    answers = dict(example_answers("after_fusion"))
    answers["surgeries"] = [{**answers["surgeries"][0], "month": 3}]
    summary = make_summary(answers)
    page = staff_html(app, summary)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page)
    html = render_html(summary)
    pdf_header = re.search(r'<p class="surgery-row surgery-head[^>]*>([^<]+)</p>', html)
    assert pdf_header is not None
    assert headers == pdf_header.group(1).split()
    assert headers == ["When", "Procedure", "Region", "Approach", "Outcome", "Levels"]
    # The same section titles, in the same order, on both.
    titles = [
        "Medicines and allergies",
        "MISS discussion topics",
        "Pain at a glance",
        "Previous spine surgery",
        "Care so far",
        "Health factors",
        "Mood screening",
        "Goals and concerns",
        "own words",
    ]
    for rendering in (page, html):
        positions = [rendering.index(title) for title in titles]
        assert positions == sorted(positions)
    assert summary["pain"]["diagram_legend"] in page and summary["pain"]["diagram_legend"] in html
    assert "Mar 2017" in page and "Mar 2017" in html


def test_the_body_diagram_is_larger_than_before() -> None:
    """The PDF draws the diagram 55 mm high (it was 40 mm, too small to read): the pain chart
    SVG is sized in pdf.css at exactly its own height in millimetres, and the diagram fills it."""
    rule = re.search(r"\.pain-chart \{[^}]*height: (\d+(?:\.\d+)?)mm", stylesheet_text())
    assert rule is not None and float(rule.group(1)) == body_map.CHART_HEIGHT_MM
    svg = body_map.pain_chart_svg([5, 7], ["neck"], label="x")
    scale = re.search(r'transform="translate\([\d.]+ [\d.]+\) scale\(([\d.]+)\)"', svg)
    assert scale is not None and body_map.HEIGHT * float(scale.group(1)) >= 55 - 0.01


def test_the_pain_chart_names_the_regions_and_the_scores_for_screen_readers() -> None:
    """One figure in the tagged PDF, so its one text alternative (the SVG's title) says both."""
    summary = make_summary(example_answers("after_fusion"))
    svg = pdf_layout(summary)["pain_chart_svg"]
    assert (
        "<title>Pain regions: Lower back; Back pain 6 of 10; Leg pain 0 of 10; "
        "Interference 3 of 10</title>"
    ) in svg
    summary["pain"]["regions"], summary["pain"]["scores_in_words"] = [], ""
    assert "<title>Pain regions: none</title>" in pdf_layout(summary)["pain_chart_svg"]


@pytest.mark.parametrize("bars", [0, 1, 3, 5])
def test_pain_facts_sit_beside_the_diagram_and_the_next_title_below_it(bars, pdftotext) -> None:
    """No float: the pattern and facts are pulled up beside the chart (pdf.css `beside-N`) and
    held down far enough that the next section title starts below the 55 mm diagram."""
    summary = make_summary(example_answers("after_fusion"))
    summary["pain"]["scores"] = (summary["pain"]["scores"] * 2)[:bars]
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        pdftotext(render_pdf(summary), "-bbox"),
    )
    names = [word[4] for word in words]
    title = names.index("glance")
    areas = names.index("areas:", title)
    after = names.index("Previous", title)
    mm = 25.4 / 72
    chart_top = float(words[title][3]) * mm + 1.5  # title's padding and rule, the chart's margin
    facts_top = float(words[areas][1]) * mm
    # Beside the diagram, under the bars (and their 10 mm rows), left of the diagram.
    assert chart_top + bars * 10 < facts_top < chart_top + bars * 10 + 10
    assert max(float(word[2]) * mm for word in words[areas:after]) < 14 + 124 + 0.5
    assert float(words[after][1]) * mm > chart_top + 55 + 1


def test_no_text_runs_off_the_page_even_without_a_space_to_break_at(pdftotext) -> None:
    """Every field at its longest with no space in it (a 100-letter surname, a 254-character
    email, a 2,000-character word): each line still ends inside the right margin, the footer
    that names the patient on every page included. Letter is 612 pt wide, the margin 14 mm."""
    answers = example_answers("after_fusion")
    answers |= {"first_name": "M" * 100, "last_name": "W" * 100, "allergies": "P" * 1000}
    answers |= {"email": "e" * 240 + "@example.org", "visit_reason": "R" * 2000}
    answers |= {"goals_text": "G" * 1000, "other_treatments": "T" * 1000}
    answers["surgeries"] = [dict(answers["surgeries"][0], levels="L" * 50)]
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"',
        pdftotext(render_pdf(make_summary(answers)), "-bbox"),
    )
    right_edge = 612 - 14 * 72 / 25.4
    assert words and max(float(x_max) for x_max in words) <= right_edge + 0.5
