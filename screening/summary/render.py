"""ONE function renders every summary PDF: `render_pdf(summary, page_size=...)`.

Like Indico's receipts `create_pdf`: WeasyPrint is imported lazily (the web app starts without
paying for it), the HTML comes from an autoescaping Jinja environment of our own (no Flask
needed: the CLI and the benchmark call this directly), the CSS is passed as strings read from
package files, and every URL goes through `PackagedFilesFetcher`, which serves only the
packaged fonts and static files and `data:` URLs.
"""

from __future__ import annotations

import atexit
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2

from screening import PROJECT_ROOT
from screening.translations_cache import gettext, ngettext

TEMPLATE = "pdf/summary.html"
CSS_FILE = Path(__file__).resolve().parent / "pdf.css"
# Page sizes a clinic may choose (config PDF_PAGE_SIZE); the CSS value comes only from here.
PAGE_SIZES = {"letter": "letter", "a4": "A4"}
# Tagged PDF (PDF/UA-1): screen readers can follow headings, lists and the table.
PDF_VARIANT = "pdf/ua-1"


class PageSizeError(ValueError):
    """PDF_PAGE_SIZE is not one of the supported sizes."""


@cache
def environment() -> jinja2.Environment:
    """The PDF's own Jinja environment: autoescaped, strict, loading the project templates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROJECT_ROOT / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


@cache
def stylesheet_text() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def page_css(page_size: str) -> str:
    """The @page size rule for a supported page size name (case-insensitive)."""
    try:
        size = PAGE_SIZES[page_size.strip().lower()]
    except (KeyError, AttributeError) as exc:
        raise PageSizeError(f"PDF page size must be one of Letter, A4 (got {page_size!r})") from exc
    return f"@page {{ size: {size}; }}"


# Template indentation between tags: a line break plus spaces. Patient text can never match
# (it is escaped, so it holds no "<" or ">"), and these runs never carry meaning in the layout.
_INDENTATION = re.compile(r">\s*\n\s*<")


def render_html(summary: dict[str, Any], *, template: str = TEMPLATE) -> str:
    """The HTML handed to WeasyPrint, without template indentation (less to parse).

    `template` is another document under templates/pdf/ (the patient's handout), given the
    view model as `summary`; only the surgeon's summary has the extra `pdf` layout.
    """
    from screening.summary.pdf_layout import pdf_layout

    context = {"summary": summary}
    if template == TEMPLATE:
        context["pdf"] = pdf_layout(summary)
    html = environment().get_template(template).render(**context)
    return _INDENTATION.sub("><", html)


class _Resources:
    """A font configuration, the parsed stylesheets and the fetcher that loaded them.

    Kept for the life of the process (see `_shared`): parsing the CSS and loading the fonts
    into Fontconfig/Pango each time is most of the cost of a small document, and the packaged
    CSS and fonts never change while the app runs.
    """

    def __init__(self, fetcher: Any) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        from screening.summary.fetcher import BASE_URL

        self.fetcher = fetcher
        self.font_config = FontConfiguration()
        self.base = weasyprint.CSS(
            string=stylesheet_text(),
            base_url=BASE_URL,
            url_fetcher=fetcher,
            font_config=self.font_config,
        )
        self.sizes: dict[str, Any] = {}

    def stylesheets(self, page_size: str) -> list[Any]:
        import weasyprint

        rule = page_css(page_size)
        if rule not in self.sizes:
            self.sizes[rule] = weasyprint.CSS(string=rule, url_fetcher=self.fetcher)
        return [self.base, self.sizes[rule]]


# WeasyPrint's user-agent stylesheet gives EVERY element six pseudo-elements (::marker and the
# footnote/note calls and markers) through universal rules, which multiplies the styles to
# compute sixfold. The summary uses no list markers and no footnotes, so those rules go.
_UNUSED_UA_RULE = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-[a-z]+)\s*\{.*\}\s*$", re.M
)


@cache
def _trimmed_ua_stylesheet() -> Any:
    import weasyprint
    from weasyprint.html import UA, UA_COUNTER_STYLE

    return weasyprint.CSS(string=_UNUSED_UA_RULE.sub("", UA), counter_style=UA_COUNTER_STYLE)


# The rules of WeasyPrint's user-agent stylesheet (weasyprint/css/html5_ua.css, version 70)
# that can apply to the elements the PDF templates are made of, SUMMARY_UA_TAGS, copied as
# they are. The whole stylesheet has some 190 rules, and WeasyPrint tries the ones keyed on
# no tag ([dir] ... dd, :is(...), :link) on every element: about a twentieth of a summary's
# time. A document holding any other element, or a `hidden` attribute, gets the whole
# (trimmed) stylesheet instead, and test_render checks that both give the same PDF.
SUMMARY_UA_TAGS = frozenset(
    {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "strong"}
    | {"span", "svg", "g", "path"}
)
_SUMMARY_UA = """
head, meta, style, title { display: none }
body, h1, h2, h3, html, p { display: block }
p { margin-top: 1em; margin-bottom: 1em }
body { margin: 8px }
h1 { margin-top: .67em; margin-bottom: .67em }
h2 { margin-top: .83em; margin-bottom: .83em }
h3 { margin-top: 1em; margin-bottom: 1em }
html { color-scheme: light }
b, strong { font-weight: bold }
h1 { font-size: 2em; font-weight: bold }
h2 { font-size: 1.5em; font-weight: bold }
h3 { font-size: 1.17em; font-weight: bold }
[dir=ltr i] { direction: ltr }
[dir=rtl i] { direction: rtl }
svg { overflow: hidden }
h1 { bookmark-level: 1 }
h2 { bookmark-level: 2 }
h3 { bookmark-level: 3 }
h1, h2, h3 { bookmark-label: content(text) }
h1, h2, h3 { hyphens: manual; break-after: avoid; break-inside: avoid }
"""


@cache
def _summary_ua_stylesheet() -> Any:
    import weasyprint
    from weasyprint.html import UA_COUNTER_STYLE

    return weasyprint.CSS(string=_SUMMARY_UA, counter_style=UA_COUNTER_STYLE)


def ua_stylesheet_for(root: Any) -> Any:
    """The user-agent stylesheet for a document whose element tree is `root`: the summary's
    own when it holds only SUMMARY_UA_TAGS and no `hidden` attribute, else WeasyPrint's."""
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else None
        if tag not in SUMMARY_UA_TAGS or "hidden" in element.attrib:
            return _trimmed_ua_stylesheet()
    return _summary_ua_stylesheet()


def parse_summary_html(html: str) -> Any | None:
    """The element tree of the summary's HTML parsed as XML, or None when it is not well-formed.

    The PDF template is written as well-formed markup (void elements closed, an uppercase
    DOCTYPE) and Jinja's escaping only makes XML entities, so Python's C XML parser reads it
    in a fraction of a millisecond, where WeasyPrint's pure-Python HTML5 parser (tinyhtml5)
    takes about 4 ms, the better part of a tenth of the render. It gives the same tree:
    HTML elements without a namespace, the SVG ones in the SVG namespace. Text XML cannot
    hold (most control characters) makes it fail, and the caller falls back to tinyhtml5.
    """
    from xml.etree import ElementTree

    try:
        # Not untrusted XML: the markup is our template's, patient text in it is escaped (so
        # it cannot declare entities), and the only DOCTYPE is the template's own.
        return ElementTree.fromstring(html)  # noqa: S314
    except ElementTree.ParseError:
        return None


@cache
def _summary_html_class() -> type:
    """weasyprint.HTML, reading the summary's HTML with the XML parser when it can (see
    parse_summary_html) and using a shorter user-agent stylesheet (ua_stylesheet_for: same
    output, less work)."""
    import cssselect2
    import weasyprint

    class SummaryHTML(weasyprint.HTML):
        def __init__(self, *, string: str, base_url: str, url_fetcher: Any) -> None:
            root = parse_summary_html(string)
            if root is None:
                super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
                self.ua_stylesheet = ua_stylesheet_for(self.etree_element)
                return
            # What weasyprint.HTML.__init__ sets after parsing (WeasyPrint 70); the template
            # has no <base>, so the base URL is the one given. test_render compares the two
            # parsers' PDFs, so a WeasyPrint upgrade that changes this is caught.
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element
            self.ua_stylesheet = ua_stylesheet_for(root)

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [self.ua_stylesheet]

    return SummaryHTML


# WeasyPrint documents sharing one font configuration must not be laid out at the same time.
_LOCK = threading.Lock()


class _DefaultLevelZlib:
    """The `zlib` that pydyf sees while the summary is written: streams are deflated at zlib's
    default level (6) rather than pydyf's fixed level 9.

    Level 9 searches much longer for matches in the page content streams (the same few PDF
    operators over and over) and took about a tenth of a heavy summary's time (13 ms for three
    pages, against 3 ms at level 6), for files only about 5% smaller.
    """

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


@contextmanager
def _replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    """`owner`'s attribute `name` (its item, when `owner` is a dict) is `value` inside the
    block, and what it was before as soon as the block ends."""
    if isinstance(owner, dict):
        read, write = owner.__getitem__, owner.__setitem__
    else:
        read, write = partial(getattr, owner), partial(setattr, owner)
    saved = read(name)
    write(name, value)
    try:
        yield
    finally:
        write(name, saved)


@contextmanager
def _writing_faster() -> Iterator[None]:
    """While a PDF is written: pydyf deflates at zlib's default level (_DefaultLevelZlib), and,
    on the WeasyPrint release they copy, lines of text are drawn by glyph_runs and SVG paths by
    svg_paths (the same bytes for less work; tests hold each to WeasyPrint's own).

    Only under _LOCK: every PDF this app makes goes through render_pdf, and the libraries' own
    functions are back as soon as the PDF is written.
    """
    import pydyf
    from weasyprint import svg
    from weasyprint.draw import text

    from screening.summary import glyph_runs, svg_paths

    with ExitStack() as replacements:
        replacements.enter_context(_replaced(pydyf, "zlib", _DefaultLevelZlib))
        if glyph_runs.mirrors_this_weasyprint():
            replacements.enter_context(
                _replaced(text, "draw_first_line", glyph_runs.installed_draw_first_line)
            )
        if svg_paths.mirrors_this_weasyprint():
            replacements.enter_context(_replaced(svg.TAGS, "path", svg_paths.installed_path))
        yield


@contextmanager
def _rendering_faster() -> Iterator[None]:
    """While a PDF is laid out and written: each line keeps its Pango layout for drawing
    instead of WeasyPrint building it a second time (kept_layouts; same bytes, tests hold it
    to WeasyPrint's own). Only under _LOCK, like _writing_faster."""
    from weasyprint.text.line_break import Layout

    from screening.summary import kept_layouts

    with ExitStack() as replacements:
        if kept_layouts.mirrors_this_weasyprint():
            replacements.enter_context(_replaced(Layout, "deactivate", kept_layouts.keep))
            replacements.enter_context(_replaced(Layout, "reactivate", kept_layouts.reactivate))
        yield


@cache
def _shared() -> _Resources:
    from screening.summary.fetcher import PackagedFilesFetcher

    return _Resources(PackagedFilesFetcher())


def prepare() -> None:
    """Load WeasyPrint, the summary's CSS and its fonts now rather than at the first render.

    A server worker calls this as it starts (screening/wsgi.py), so the first patient to press
    Send does not wait for it, and these objects, which live as long as the process, are there
    before the worker freezes its long-lived objects for the garbage collector."""
    environment()
    _shared()
    _summary_html_class()
    _summary_ua_stylesheet()


# Drop the shared fonts before interpreter shutdown, while WeasyPrint can still delete the
# temporary folder it copied them into.
atexit.register(_shared.cache_clear)


def render_pdf(
    summary: dict[str, Any],
    *,
    page_size: str = "Letter",
    fetcher: Any | None = None,
    template: str = TEMPLATE,
) -> bytes:
    """Render the view model `summary` (see view_model.build_summary) to PDF bytes.

    `page_size` is "Letter" or "A4" (PageSizeError otherwise). `fetcher` is for tests that
    want to inspect the fetch log: with one, the fonts and CSS are loaded afresh through it;
    it must be a `PackagedFilesFetcher`, since anything else would defeat the lock-down.
    """
    return render_pdf_counting_pages(
        summary, page_size=page_size, fetcher=fetcher, template=template
    )[0]


def render_pdf_counting_pages(
    summary: dict[str, Any],
    *,
    page_size: str = "Letter",
    fetcher: Any | None = None,
    template: str = TEMPLATE,
) -> tuple[bytes, int]:
    """`render_pdf`, also returning the number of pages (for the benchmark and checks)."""
    from screening.summary.fetcher import BASE_URL, PackagedFilesFetcher

    page_css(page_size)  # refuse an unknown size before doing any work
    html = render_html(summary, template=template)
    options = {"pdf_variant": PDF_VARIANT}
    with _LOCK:
        if fetcher is None:
            resources = _shared()
        elif isinstance(fetcher, PackagedFilesFetcher):
            resources = _Resources(fetcher)
        else:
            raise TypeError("render_pdf only renders through PackagedFilesFetcher")
        source = _summary_html_class()(
            string=html, base_url=BASE_URL, url_fetcher=resources.fetcher
        )
        with _rendering_faster():
            document = source.render(
                stylesheets=resources.stylesheets(page_size),
                font_config=resources.font_config,
                **options,
            )
            with _writing_faster():
                return document.write_pdf(**options), len(document.pages)
