"""A faster way for WeasyPrint to write a line of text into the PDF, with the same output.

WeasyPrint's `draw_first_line` (weasyprint/draw/text.py, release 70) turns each glyph Pango
placed into PDF text operators in Python, reading every glyph's fields one cffi attribute at a
time (`glyph_info.geometry.width`, ...): the largest single piece of Python in drawing the
surgeon's summary. `draw_first_line` here reads a run's glyphs in one go (`struct` over the C
array) and then does exactly what WeasyPrint does with them, so the PDF is byte for byte the
same (tests/summary/test_glyph_runs.py renders every example, the heavy case, hostile text and
the Spanish handout both ways and compares). Measured here: drawing a heavy summary went from
121 to 105 ms of CPU (about 6% of its whole render), a typical one's from 49 to 46 ms.

A glyph's text in the PDF (its id, with any offset and kerning) depends only on the glyph, its
advance and offset, the font and the size, and a summary sets the same few dozen glyphs
thousands of times. So each is made once per font and size, as WeasyPrint makes it, and looked
up after that: 6% fewer instructions for the whole heavy summary (`make bench-instructions`,
ratio 10.7 to 9.9), 1-3% for a typical one.

It only takes the plain case the summary and the handout are made of: no ellipsis, no glyph
raised or lowered, no glyph missing from the fonts, no colour or bitmap-image glyphs (emoji).
Anything else goes to WeasyPrint's own function before a byte is written. render.py puts it in
place only while it writes a PDF, under its lock (`_writing_faster`).
"""

from __future__ import annotations

import struct
import weakref
from functools import cache
from typing import Any

# WeasyPrint's own, for what the fast path does not take. This module is imported (by
# render.py, lazily) before anything is replaced, so this is always WeasyPrint's function.
from weasyprint.draw.text import draw_first_line as weasyprints_draw_first_line

# PangoGlyphInfo: glyph (guint32), geometry (width, x_offset, y_offset: gint32), attr (guint
# bit fields). Checked against the C declaration before use (see `mirrors_this_weasyprint`).
_GLYPH_INFO = struct.Struct("=Iiii4x")
# One glyph as _GLYPH_INFO reads it: id, width, x offset, y offset.
Glyph = tuple[int, int, int, int]
# The WeasyPrint release whose draw_first_line this module copies. On any other, WeasyPrint's
# own draws (and test_glyph_runs fails until this module is checked against the new one).
MIRRORED_WEASYPRINT = "70."


def is_mirrored_release() -> bool:
    """Whether the WeasyPrint installed is MIRRORED_WEASYPRINT (svg_paths asks this too)."""
    import weasyprint

    return weasyprint.__version__.startswith(MIRRORED_WEASYPRINT)


@cache
def mirrors_this_weasyprint() -> bool:
    """Whether WeasyPrint is the release this module copies and PangoGlyphInfo is laid out as
    _GLYPH_INFO reads it; if not, WeasyPrint's own draw_first_line is left in place."""
    from weasyprint.text.ffi import ffi

    glyph_info = ffi.typeof("PangoGlyphInfo")
    geometry = ffi.typeof("PangoGlyphGeometry")
    return (
        is_mirrored_release()
        and ffi.sizeof(glyph_info) == _GLYPH_INFO.size
        and ffi.offsetof(glyph_info, "geometry") == 4
        and [name for name, _ in geometry.fields] == ["width", "x_offset", "y_offset"]
        and ffi.sizeof(geometry) == 12
    )


# What Pango ends a paragraph at unless the layout is in single-paragraph mode.
_PARAGRAPH_SEPARATORS = frozenset("\n\r\u2029")


def draw_first_line(
    stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
) -> list[Any]:
    """WeasyPrint's draw_first_line for the plain case (see the module docstring)."""
    from weasyprint.text.ffi import ffi, pango

    arguments = (stream, textbox, text_overflow, block_ellipsis, matrix)
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return weasyprints_draw_first_line(*arguments)
    if not textbox.text.strip():
        return []
    style_font_size = textbox.style["font_size"]
    if style_font_size < 1e-6:  # default float precision used by pydyf
        return []

    # WeasyPrint draws every line in single-paragraph mode. Switching a layout's mode makes
    # Pango lay its text out again, so the line a kept layout (kept_layouts) already holds
    # would be thrown away and laid out once more. Without a separator in the text the two
    # modes give the same line, so the mode is switched only when one is there (see
    # kept_layouts for what that saves).
    if not _PARAGRAPH_SEPARATORS.isdisjoint(textbox.pango_layout.text):
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _ = textbox.pango_layout.get_first_line()

    # First read every run, writing nothing: anything out of the plain case goes to WeasyPrint.
    runs = []
    previous_pango_font = None
    font = font_size = None
    unknown_flag = pango.PANGO_GLYPH_UNKNOWN_FLAG
    old_pango = pango.pango_version() < 14802
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        pango_font = glyph_item.item.analysis.font
        new_font = pango_font != previous_pango_font
        if new_font:
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)
            if font.svg or font.png or font.colr:
                return weasyprints_draw_first_line(*arguments)
            if old_pango:  # https://gitlab.gnome.org/GNOME/pango/-/issues/530
                font_size = style_font_size
        glyphs = list(
            _GLYPH_INFO.iter_unpack(ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO.size))
        )
        for glyph_id, _width, _x_offset, y_offset in glyphs:
            if y_offset or glyph_id & unknown_flag:  # raised, lowered or missing
                return weasyprints_draw_first_line(*arguments)
        runs.append((new_font, glyph_item, font, font_size, glyphs))

    # Then write them as WeasyPrint does.
    stream.set_text_matrix(*matrix.values)
    string = ""
    for new_font, glyph_item, font, font_size, glyphs in runs:
        if new_font:
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        # Each glyph's text (hex id, with any offset and kerning) depends only on the glyph,
        # its advance and offset, the font and the size: made once per font and size, as
        # WeasyPrint makes it, then looked up for every later glyph like it.
        pieces = _pieces(font, font_size)
        parts = [pieces.get(glyph) for glyph in glyphs]
        if None in parts:
            for index, glyph in enumerate(glyphs):
                if parts[index] is None:
                    if glyph not in pieces:  # (it may have been made earlier in this run)
                        pieces[glyph] = _glyph_piece(
                            stream, textbox, glyph_item, font, font_size, glyphs, index
                        )
                    parts[index] = pieces[glyph]
        string += "<" + "".join(parts)
        # Close the run's glyph list; drop it when empty.
        string = string[:-1] if string[-1] == "<" else string + ">"
    stream.show_text(string)
    return []


def _pieces(font: Any, font_size: float) -> dict[Glyph, str]:
    """The glyph texts made so far for `font` (one document's font object) at `font_size`."""
    return _PIECES.setdefault(font, {}).setdefault(font_size, {})


# Kept on the font objects of the documents being drawn, and gone with them.
_PIECES: weakref.WeakKeyDictionary[Any, dict[float, dict[Glyph, str]]]
_PIECES = weakref.WeakKeyDictionary()


def _glyph_piece(
    stream: Any,
    textbox: Any,
    glyph_item: Any,
    font: Any,
    font_size: float,
    glyphs: list[Glyph],
    index: int,
) -> str:
    """One glyph's text in a run's glyph list, as WeasyPrint's draw_first_line writes it
    (filling the font's to_unicode and widths on the way, as it does)."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    glyph_id, width, x_offset, _ = glyphs[index]
    if glyph_id == pango.PANGO_GLYPH_EMPTY:  # a zero-width empty glyph
        return f">{-width / font_size}<"
    to_unicode, widths = font.to_unicode, font.widths
    if glyph_id not in to_unicode:  # map the glyph back to its characters
        count = len(glyphs)
        clusters = ffi.unpack(glyph_item.glyphs.log_clusters, count)
        item = glyph_item.item
        start = clusters[index]
        if item.analysis.level % 2:  # right to left
            end = item.length if index == 0 else clusters[index - 1]
        else:
            end = item.length if index == count - 1 else clusters[index + 1]
        utf8_text = textbox.pango_layout.text.encode()
        to_unicode[glyph_id] = utf8_text[item.offset + start : item.offset + end].decode()
    parts = []
    offset = x_offset / font_size
    if offset:
        parts.append(f">{-offset}<")
    parts.append(format(glyph_id, "02x" if font.bitmap else "04x"))
    logical_width = widths.get(glyph_id)
    if logical_width is None:
        pango.pango_font_get_glyph_extents(
            glyph_item.item.analysis.font, glyph_id, stream.ink_rect, stream.logical_rect
        )
        logical_width = widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size
        )
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        parts.append(f">{int(kerning)}<")
    return "".join(parts)


def installed_draw_first_line(*args: Any) -> list[Any]:
    """What render.py puts in WeasyPrint's place: draw_first_line, looked up on each call (so
    that tests can count the lines drawn either way)."""
    return draw_first_line(*args)
