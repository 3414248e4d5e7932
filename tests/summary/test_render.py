"""Every example renders: readable text, metadata, embedded fonts, two pages at most, sizes."""

from __future__ import annotations

import zlib

import pydyf
import pytest

from screening.evaluation.catalogue import RED_FLAGS, TRIAGE_TITLES
from screening.summary import bench, render
from screening.summary.render import PageSizeError, render_pdf, render_pdf_counting_pages
from tests.summary.conftest import (
    VALID_EXAMPLES,
    deflated_streams,
    example_answers,
    expected,
    make_summary,
)


@pytest.mark.parametrize("name", VALID_EXAMPLES)
def test_example_renders_with_topics_and_names(name: str, pdftotext, pdfinfo) -> None:
    answers = example_answers(name)
    summary = make_summary(answers)
    pdf, pages = render_pdf_counting_pages(summary)
    text = pdftotext(pdf)
    assert summary["patient"]["name"] in text
    for topic in summary["topics"]:
        assert topic["title"] in " ".join(text.split())
    assert [t["id"] for t in summary["topics"]] == expected(name)["topic_ids"]
    info = pdfinfo(pdf)
    assert info["Title"] == f"Pre-consultation summary – {summary['patient']['name']}"
    assert info["Author"] == "Spine Clinic"
    assert "minimally invasive spine surgery" in info["Subject"]
    assert int(info["Pages"]) == pages <= 2  # a typical submission fits on two pages
    assert info["Tagged"] == "yes"
    # The footer is on every page.
    assert text.count("Decision support for the consultation, not a diagnosis") == pages
    assert f"Page {pages} of {pages}" in text
    assert "Questionnaire v2 · rules v2 · generated 2026-11-21 12:00 UTC" in text


def test_emergency_banner_comes_first_with_red_flags_in_plain_words(pdftotext) -> None:
    summary = make_summary(example_answers("cauda_equina_warning"))
    text = " ".join(pdftotext(render_pdf(summary)).split())
    banner = text.index(TRIAGE_TITLES["emergency"])
    assert banner < text.index("MISS discussion topics")
    # The rule that held, in words, with the answers behind it (onset included).
    rule = text.index(
        "Possible cauda equina syndrome: New saddle numbness; began in the last 2 weeks."
    )
    assert banner < rule < text.index("Red flags:") < text.index("MISS discussion topics")
    assert RED_FLAGS["saddle_numbness"] in text[banner:]


def test_cord_compression_banner_names_the_cancer_and_the_change(pdftotext) -> None:
    text = " ".join(
        pdftotext(render_pdf(make_summary(example_answers("cord_compression_cancer")))).split()
    )
    assert (
        "Possible spinal cord compression from a cancer: History of cancer (active or in "
        "treatment), with leg weakness getting worse." in text
    )
    assert (
        "Red flags: Leg weakness getting worse · History of cancer (active or in treatment)" in text
    )


def test_routine_has_no_banner(pdftotext) -> None:
    text = pdftotext(render_pdf(make_summary(example_answers("stenosis"))))
    assert "Red flags:" not in text
    assert "Emergency" not in text and "Urgent" not in text


def test_fonts_are_embedded_and_cover_accents(pdffonts, pdftotext) -> None:
    answers = dict(example_answers("stenosis"), first_name="Renée", last_name="Muñoz-Øster")
    pdf = render_pdf(make_summary(answers))
    fonts = pdffonts(pdf)
    rows = fonts.splitlines()[2:]
    assert {row.split()[0].split("+")[-1] for row in rows} == {"Summary-Sans", "Summary-Sans-Bold"}
    assert all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows), fonts  # emb sub uni
    assert "Renée Muñoz-Øster" in pdftotext(pdf)


def test_streams_are_deflated_at_zlibs_default_level() -> None:
    """pydyf deflates at level 9, which cost a tenth of a heavy summary's time; render.py has
    it use zlib's default level while it writes the summary, and only then."""
    pdf = render_pdf(make_summary(example_answers("stenosis")))
    assert pydyf.zlib is zlib
    streams = deflated_streams(pdf)
    assert len(streams) >= 5  # the page, the two fonts and their maps, the object stream
    for stream in streams:
        raw = zlib.decompress(stream)
        assert stream == zlib.compress(raw, zlib.Z_DEFAULT_COMPRESSION)
        assert len(raw) < 1000 or stream != zlib.compress(raw, 9)


@pytest.mark.parametrize(
    ("size", "box"), [("Letter", "612 x 792 pts (letter)"), ("A4", "595.276 x 841.89 pts (A4)")]
)
def test_page_size(size: str, box: str, pdfinfo) -> None:
    pdf = render_pdf(make_summary(example_answers("stenosis")), page_size=size)
    assert pdfinfo(pdf)["Page size"] == box


def test_unknown_page_size_is_refused() -> None:
    with pytest.raises(PageSizeError):
        render_pdf(make_summary(example_answers("stenosis")), page_size="Legal")


def test_long_text_flows_on_and_is_never_cut(pdftotext) -> None:
    words = " ".join(f"word{n}" for n in range(300))
    answers = dict(
        example_answers("after_fusion"),
        visit_reason=words[:2000],
        current_medications=words[:2000],
        allergies=words[:1000],
        other_treatments=words[:1000],
        goals_text=words[:1000],
    )
    pdf, pages = render_pdf_counting_pages(make_summary(answers))
    assert pages >= 2
    tokens = pdftotext(pdf).split()
    # Five fields hold at least the first 1,000 characters: every word of those, five times.
    for word in words[:1000].split()[:-1]:
        assert tokens.count(word) >= 5, word


def test_surgery_rows_never_split_across_pages(pdftotext) -> None:
    """Ten rows of five or more lines (more than orphans and widows alone keep together),
    pushed down by more or fewer topics and name lines so the page break falls inside the
    table at different rows; each row's START and END stay on one page."""
    surgeries = [
        {
            "procedure": "fusion",
            "region": "lumbar",
            "year": 2000 + n,
            "approach": "open",
            "outcome": "worse",
            "levels": "START " + "L4-5 " * 30 + "END",
        }
        for n in range(10)
    ]
    rows_on_first_page = set()
    for diagnoses in (0, 2, 5):
        for name_words in (40, 80, 120, 160):
            answers = dict(
                example_answers("after_fusion"),
                surgeries=surgeries,
                back_pain_nrs=2,  # below the surgical topics' threshold: levels only in the table
                diagnoses=list(DIAGNOSES_WITH_TOPICS[:diagnoses]),
                first_name="Robin" + " Ann" * name_words,
            )
            pdf, _pages = render_pdf_counting_pages(make_summary(answers))
            text = pdftotext(pdf)
            for n in range(10):
                assert f"{2000 + n} (" in text
            per_page = [(page.count("START"), page.count("END")) for page in text.split("\f")]
            assert sum(starts for starts, _ends in per_page) == 10
            assert all(starts == ends for starts, ends in per_page), (diagnoses, name_words)
            if sum(1 for starts, _ends in per_page if starts) == 2:  # the table crosses a page
                rows_on_first_page.add(per_page[0][0])
    assert len(rows_on_first_page) >= 3, rows_on_first_page  # breaks at several rows


DIAGNOSES_WITH_TOPICS = (
    "herniated_disc",
    "spinal_stenosis",
    "degenerative_disc_disease",
    "spondylolisthesis",
    "sciatica",
)


@pytest.mark.parametrize("name", VALID_EXAMPLES)
def test_xml_parsing_gives_the_same_pdf_as_weasyprints_html_parser(name: str, monkeypatch) -> None:
    """render.py reads the template's output with the XML parser (fast); WeasyPrint's own
    HTML5 parser must give the very same PDF, byte for byte."""
    summary = make_summary(example_answers(name))
    assert render.parse_summary_html(render.render_html(summary)) is not None
    fast = render_pdf(summary)
    monkeypatch.setattr(render, "parse_summary_html", lambda html: None)
    assert render_pdf(summary) == fast


@pytest.mark.parametrize("name", [*VALID_EXAMPLES, "heavy"])
def test_the_short_user_agent_stylesheet_gives_the_same_pdf_as_weasyprints(
    name: str, monkeypatch
) -> None:
    """render.py gives the summary only the user-agent rules its elements can use; WeasyPrint's
    whole stylesheet (trimmed of pseudo-elements) must give the very same PDF, byte for byte."""
    summary = make_summary(bench.HEAVY_ANSWERS if name == "heavy" else example_answers(name))
    root = render.parse_summary_html(render.render_html(summary))
    assert render.ua_stylesheet_for(root) is render._summary_ua_stylesheet()
    short = render_pdf(summary)
    monkeypatch.setattr(render, "ua_stylesheet_for", lambda root: render._trimmed_ua_stylesheet())
    assert render_pdf(summary) == short


def test_the_handout_gets_the_short_user_agent_stylesheet_too(app, monkeypatch) -> None:
    from screening.services.handout import PDF_TEMPLATE, build_handout

    with app.test_request_context():
        handout = build_handout(["herniated_disc", "spinal_stenosis"])
        html = render.render_html(handout, template=PDF_TEMPLATE)
        assert render.ua_stylesheet_for(render.parse_summary_html(html)) is (
            render._summary_ua_stylesheet()
        )
        short = render_pdf(handout, template=PDF_TEMPLATE)
        monkeypatch.setattr(
            render, "ua_stylesheet_for", lambda root: render._trimmed_ua_stylesheet()
        )
        assert render_pdf(handout, template=PDF_TEMPLATE) == short


def test_any_other_element_gets_weasyprints_user_agent_stylesheet() -> None:
    html = '<html><body><p>One</p><ul><li>list</li></ul><p hidden="">Two</p></body></html>'
    assert render.ua_stylesheet_for(render.parse_summary_html(html)) is (
        render._trimmed_ua_stylesheet()
    )
    hidden = '<html><body><p>One</p><p hidden="">Two</p></body></html>'
    assert render.ua_stylesheet_for(render.parse_summary_html(hidden)) is (
        render._trimmed_ua_stylesheet()
    )
    plain = "<html><body><p>One <b>two</b></p></body></html>"
    assert render.ua_stylesheet_for(render.parse_summary_html(plain)) is (
        render._summary_ua_stylesheet()
    )


def test_text_xml_cannot_hold_falls_back_to_the_html_parser(pdftotext) -> None:
    answers = dict(example_answers("stenosis"), visit_reason="Pain\x01 since May\x0b.")
    summary = make_summary(answers)
    assert render.parse_summary_html(render.render_html(summary)) is None
    assert "since May" in pdftotext(render_pdf(summary))
