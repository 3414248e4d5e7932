"""A faster way for WeasyPrint to write a line of text into the PDF, with the same output.

WeasyPrint's `draw_first_line` (weasyprint/draw/text.py, release 70) turns each glyph Pango
placed into PDF text operators in Python, reading every glyph's fields one cffi attribute at a
time (`glyph_info.geometry.width`, ...): the largest single piece of Python in drawing the
surgeon's summary. `draw_first_line` here reads a run's glyphs in one go (`struct` over the C
array) and then does exactly what WeasyPrint does with them, so the PDF is byte for byte the
same (tests/summary/test_glyph_runs.py renders every example, the heavy case, hostile text and
the Spanish handout both ways and compares). Measured here: drawing a heavy summary went from
121 to 105 ms of CPU (about 6% of its whole render), a typical one's from 49 to 46 ms.

It only takes the plain case the summary and the handout are made of: no ellipsis, no glyph
raised or lowered, no glyph missing from the fonts, no colour or bitmap-image glyphs (emoji).
Anything else goes to WeasyPrint's own function before a byte is written. render.py puts it in
place only while it writes a PDF, under its lock (`_writing_faster`).
"""

from __future__ import annotations

import struct
from functools import cache
from typing import Any

# WeasyPrint's own, for what the fast path does not take. This module is imported (by
# render.py, lazily) before anything is replaced, so this is always WeasyPrint's function.
from weasyprint.draw.text import draw_first_line as weasyprints_draw_first_line

# PangoGlyphInfo: glyph (guint32), geometry (width, x_offset, y_offset: gint32), attr (guint
# bit fields). Checked against the C declaration before use (see `mirrors_this_weasyprint`).
_GLYPH_INFO = struct.Struct("=Iiii4x")
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


def draw_first_line(
    stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
) -> list[Any]:
    """WeasyPrint's draw_first_line for the plain case (see the module docstring)."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    arguments = (stream, textbox, text_overflow, block_ellipsis, matrix)
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return weasyprints_draw_first_line(*arguments)
    if not textbox.text.strip():
        return []
    style_font_size = textbox.style["font_size"]
    if style_font_size < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _ = textbox.pango_layout.get_first_line()

    # First read every run, writing nothing: anything out of the plain case goes to WeasyPrint.
    runs = []
    previous_pango_font = None
    font = font_size = None
    unknown_flag, empty_glyph = pango.PANGO_GLYPH_UNKNOWN_FLAG, pango.PANGO_GLYPH_EMPTY
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
    utf8_text = None
    for new_font, glyph_item, font, font_size, glyphs in runs:
        if new_font:
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        parts = ["<"]
        glyph_format = "02x" if font.bitmap else "04x"
        to_unicode, widths = font.to_unicode, font.widths
        clusters = None
        count = len(glyphs)
        for index, (glyph_id, width, x_offset, _) in enumerate(glyphs):
            if glyph_id == empty_glyph:  # a zero-width empty glyph
                parts.append(f">{-width / font_size}<")
                continue
            if glyph_id not in to_unicode:  # map the glyph back to its characters
                if clusters is None:
                    clusters = ffi.unpack(glyph_item.glyphs.log_clusters, count)
                item = glyph_item.item
                start = clusters[index]
                if item.analysis.level % 2:  # right to left
                    end = item.length if index == 0 else clusters[index - 1]
                else:
                    end = item.length if index == count - 1 else clusters[index + 1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                to_unicode[glyph_id] = utf8_text[item.offset + start : item.offset + end].decode()
            offset = x_offset / font_size
            if offset:
                parts.append(f">{-offset}<")
            parts.append(format(glyph_id, glyph_format))
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
        string += "".join(parts)
        # Close the run's glyph list; drop it when empty.
        string = string[:-1] if string[-1] == "<" else string + ">"
    stream.show_text(string)
    return []


def installed_draw_first_line(*args: Any) -> list[Any]:
    """What render.py puts in WeasyPrint's place: draw_first_line, looked up on each call (so
    that tests can count the lines drawn either way)."""
    return draw_first_line(*args)
