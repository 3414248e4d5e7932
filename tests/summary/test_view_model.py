"""The view model: plain data, items not answered left out, what the rules count flagged."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings

from screening.evaluation import evaluate
from screening.summary.body_map import REGIONS, body_map_svg, pain_chart_svg
from tests.evaluation.strategies import answer_sets
from tests.summary.conftest import AS_OF, example_answers, make_summary


def test_plain_data_only() -> None:
    summary = make_summary(
        example_answers("after_fusion"),
        appointment_at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
        clinician="Dr Ana Pérez",
    )
    assert json.loads(json.dumps(summary)) == summary
    assert summary["appointment_at"] == "2026-11-24 14:00 UTC"
    assert summary["patient"]["age"] == 67


def test_unanswered_items_are_left_out() -> None:
    answers = example_answers("stenosis")
    for item_id in ("sex", "height_cm", "weight_kg", "visit_reason", "diagnoses", "goals"):
        answers.pop(item_id, None)
    summary = make_summary(answers)
    assert summary["patient"]["sex"] is None
    assert all(f["label"] != "BMI" for f in summary["health"])
    assert summary["own_words"] == []
    assert summary["goals"] == []
    assert summary["surgery"]["none"] is True  # no earlier surgery: said, not left out
    assert summary["appointment_at"] is None and summary["clinician"] is None


def test_risk_factors_and_positive_screens_are_flagged() -> None:
    answers = dict(
        example_answers("disc_herniation"),
        smoking="current",
        diabetes="yes_insulin",
        opioid_use="daily",
        phq2_interest=2,
        phq2_down=1,
    )
    summary = make_summary(answers)
    flagged = {f["label"] for f in summary["health"] if f["flag"]}
    assert flagged == {"Smoking", "Diabetes"}
    assert [f["label"] for f in summary["care"] if f["flag"]] == ["Opioids now"]
    mood = {m["id"]: m for m in summary["mood"]}
    assert mood["phq2"]["value"] == 3 and mood["phq2"]["positive"]
    assert not mood["gad2"]["positive"]


def test_pain_pattern() -> None:
    summary = make_summary(example_answers("disc_herniation"))
    assert summary["pain"]["pattern"] == ["Leg-dominant", "Radiating below the knee (right)"]
    assert summary["pain"]["leg"] == {"value": 7, "max": 10, "step": 7}
    stenosis = make_summary(example_answers("stenosis"))["pain"]["pattern"]
    assert "Eased by sitting or bending forward" in stenosis


def test_surgeries_most_recent_first() -> None:
    answers = dict(example_answers("after_fusion"))
    answers["surgeries"] = [
        {**answers["surgeries"][0], "year": 2010},
        {**answers["surgeries"][0], "year": 2020, "procedure": "discectomy"},
    ]
    rows = make_summary(answers)["surgery"]["rows"]
    assert [r["year"] for r in rows] == [2020, 2010]
    # 2020 with no month: 71 to 82 months, so 5 or 6 whole years, as the rules' range says.
    assert rows[0]["ago"] == "5–6 y ago"
    assert rows[1]["levels"] == "L5-S1"


def test_surgery_month_and_months_since_as_the_rules_count_them() -> None:
    answers = dict(example_answers("after_fusion"))
    base = answers["surgeries"][0]
    answers["surgeries"] = [
        {**base, "year": 2025, "month": 9},
        {**base, "year": 2025},  # no month: 11 to 22 months before November 2026
        {**base, "year": 2024, "month": 12},
    ]
    rows = make_summary(answers)["surgery"]["rows"]
    assert [(r["when"], r["ago"]) for r in rows] == [
        ("Sep 2025", "14 mo ago"),
        ("2025", "11–22 mo ago"),
        ("Dec 2024", "23 mo ago"),
    ]


def test_body_map_shades_only_known_regions() -> None:
    svg = body_map_svg(["thigh_left", "<script>", "neck"], label='x"><script>')
    assert "<script>" not in svg
    assert svg.count('fill="#c2410c"') == 1  # one path holds every shaded shape
    none = body_map_svg([])
    assert 'fill="#c2410c"' not in none
    every = body_map_svg(REGIONS)
    assert 'fill="#ffffff"' not in every.replace('fill="none"', "")


def test_the_pdf_pain_chart_holds_the_same_diagram_and_escapes_its_label() -> None:
    """The PDF's one SVG (bars and diagram) shades the regions as the staff page's does."""
    chart = pain_chart_svg([7, 0, 11], ["thigh_left", "<script>", "neck"], label='x"><script>')
    assert "<script>" not in chart
    staff = body_map_svg(["thigh_left", "neck"])
    assert chart.count('fill="#c2410c" d=') == 2  # filled bars, then the shaded shapes
    shaded = re.findall(r'<path fill="#c2410c" d="([^"]*)"', chart)[1]
    assert shaded in staff  # the same shapes, moved and scaled by the group around them
    # A track per bar; a filled part per bar above 0, out of 10 at most.
    assert 'd="M0,7.6h100v2.2h-100ZM0,17.6h100v2.2h-100ZM0,27.6h100v2.2h-100Z"' in chart
    assert '<path fill="#c2410c" d="M0,7.6h70v2.2h-70ZM0,27.6h100v2.2h-100Z"/>' in chart


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(AS_OF))
def test_bold_health_marks_match_the_risk_factors_topic(answers: dict) -> None:
    """Every marked planning, care or health fact is a reason of the risk_factors topic, and
    back (the stored topic's reasons: the summary may refer a repeated one to another topic)."""
    summary = make_summary(answers)
    facts = summary["planning"]["facts"] + summary["care"] + summary["health"]
    marked = [f for f in facts if f["flag"]]
    stored = evaluate(answers, AS_OF).to_dict()["topics"]
    topic = next((t for t in stored if t["id"] == "risk_factors"), None)
    assert len(marked) == (len(topic["reasons"]) if topic else 0)


def test_marks_follow_the_rule_not_a_copy_of_it() -> None:
    answers = dict(
        example_answers("after_fusion"),
        smoking="former",
        opioid_use="daily",
        weight_kg=110,  # BMI 35.9 at 175 cm
        diabetes="yes_insulin",
    )
    marked = {
        f["label"]
        for f in make_summary(answers)["care"] + make_summary(answers)["health"]
        if f["flag"]
    }
    assert marked == {"Opioids now", "BMI", "Diabetes"}


WARNING_AT = datetime(2026, 11, 20, 3, 12, tzinfo=UTC)
CAUDA_EQUINA_WARNING = {
    "level": "emergency",
    "at": WARNING_AT,
    "triage_rules": ["cauda_equina"],
    "red_flags": ["saddle_numbness", "cancer_history"],
}


def test_a_warning_taken_back_before_sending_is_kept_for_the_surgeon(pdftotext) -> None:
    """The sent answers are routine, but the patient gave an emergency answer on the way: the
    summary says what it was, when, and that the answers now give another level."""
    from screening.summary.render import render_pdf

    answers = example_answers("disc_herniation")
    summary = make_summary(answers, warning_during_form=CAUDA_EQUINA_WARNING)
    assert summary["triage"]["routine"]
    changed = summary["warning_changed"]
    assert changed["level"] == "emergency" and changed["known"]
    assert changed["rules"] == ["Possible cauda equina syndrome"]
    # The catalogue's words only: the sent answers' cancer status is not what gave it.
    assert changed["red_flags"] == ["New saddle numbness", "History of cancer"]
    assert "2026-11-20 03:12" in changed["gave"] and "Emergency" in changed["gave"]
    assert "they now give: Routine" in changed["now"]
    text = " ".join(pdftotext(render_pdf(summary)).split())
    assert "Warning during the form, since changed" in text
    assert "Possible cauda equina syndrome" in text
    assert "Red flags then: New saddle numbness · History of cancer" in text
    assert "Ask about them at the visit" in text


def test_a_warning_still_given_or_never_acted_on_adds_nothing() -> None:
    emergency = example_answers("cauda_equina_warning")
    assert make_summary(emergency)["warning_changed"] is None  # no screening (the CLI)
    held = evaluate(emergency, AS_OF).to_dict()
    still = {
        **CAUDA_EQUINA_WARNING,
        "triage_rules": list(held["triage_rules"]),
        "red_flags": list(held["red_flags"]),
    }
    assert make_summary(emergency, warning_during_form=still)["warning_changed"] is None
    routine = example_answers("disc_herniation")
    # A review level that came and went was never a warning anyone was told about.
    review = {**CAUDA_EQUINA_WARNING, "level": "review", "triage_rules": ["red_flags"]}
    assert make_summary(routine, warning_during_form=review)["warning_changed"] is None
    # An urgent warning, then an emergency one sent: the banner already says more.
    urgent = {**CAUDA_EQUINA_WARNING, "level": "urgent", "triage_rules": ["both_legs"]}
    assert make_summary(emergency, warning_during_form=urgent)["warning_changed"] is None
    # An emergency taken back to urgent is still shown beneath the urgent banner.
    assert make_summary(routine, warning_during_form=urgent)["warning_changed"]["level"] == (
        "urgent"
    )


def test_a_warning_from_before_its_answers_were_kept_says_so(pdftotext) -> None:
    from screening.summary.render import render_pdf

    unknown = {**CAUDA_EQUINA_WARNING, "triage_rules": None, "red_flags": None}
    summary = make_summary(example_answers("disc_herniation"), warning_during_form=unknown)
    assert summary["warning_changed"]["known"] is False
    text = " ".join(pdftotext(render_pdf(summary)).split())
    assert "Which answers gave it was not kept" in text
    assert "Red flags then" not in text


def test_an_answer_taken_back_while_another_still_gives_the_level_is_shown(pdftotext) -> None:
    """Saddle numbness withdrawn, a cancer with worsening weakness still an emergency: the
    banner shows the cord compression, and the box the cauda equina answer taken back (the
    clinic was alerted to it)."""
    from screening.summary.render import render_pdf

    answers = example_answers("cord_compression_cancer")
    held = evaluate(answers, AS_OF).to_dict()
    assert held["triage"] == "emergency" and "cauda_equina" not in held["triage_rules"]
    both = {
        **CAUDA_EQUINA_WARNING,
        "triage_rules": ["cauda_equina", *held["triage_rules"]],
        "red_flags": ["saddle_numbness", *held["red_flags"]],
    }
    summary = make_summary(answers, warning_during_form=both)
    changed = summary["warning_changed"]
    assert changed["rules"] == ["Possible cauda equina syndrome"]
    assert changed["red_flags"] == ["New saddle numbness"]
    assert "they now give: Emergency" in changed["now"]
    text = " ".join(pdftotext(render_pdf(summary)).split())
    assert "Warning during the form, since changed" in text and "New saddle numbness" in text
