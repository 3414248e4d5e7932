"""The body diagram on the summary: front and back outlines with the chosen pain regions shaded.

Drawn as plain SVG (rectangles, ellipses and polygons with presentation attributes only), so the
same string works inline in the PDF and in the staff page under the strict CSP (no `style=`
attributes). The SVG is built only from the fixed shapes and labels below: region codes that
are not in the table are ignored, so nothing a patient typed can ever reach this markup.

Left and right are the patient's: on the back view the patient's left is on the viewer's left,
on the front view it is on the viewer's right, and both views are labelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# Colours chosen to survive greyscale printing: shaded regions print dark, the rest stay white.
SHADED = "#c2410c"
UNSHADED = "#ffffff"
OUTLINE = "#4a5562"
NEUTRAL = "#eef1f4"

# One figure is drawn around a vertical centre line at x = 0, head at the top (y = 0) and
# feet at about y = 212. Shapes are given for the patient's LEFT side on the BACK view, i.e.
# with negative x; the other side and the front view are mirrored from them.
_HEAD = ("ellipse", (0, 13, 10, 12))
_NECK = ("rect", (-5, 24, 10, 9))
_UPPER_BACK = ("polygon", ((-24, 34), (24, 34), (20, 72), (-20, 72)))
_LOWER_BACK = ("polygon", ((-20, 72), (20, 72), (19, 96), (-19, 96)))
_FRONT_TORSO = ("polygon", ((-24, 34), (24, 34), (19, 96), (-19, 96)))
_FRONT_PELVIS = ("polygon", ((-19, 96), (19, 96), (20, 116), (-20, 116)))
# Left-side shapes (negative x); mirrored for the right.
_BUTTOCK = ("polygon", ((-19.5, 96), (-0.5, 96), (-0.5, 118), (-20, 118)))
_ARM = ("polygon", ((-25, 35), (-33, 38), (-40, 112), (-32, 114), (-26, 60)))
_THIGH = ("polygon", ((-20, 119), (-1.5, 119), (-3, 162), (-16, 162)))
_BELOW_KNEE = ("polygon", ((-16, 163), (-3, 163), (-5, 200), (-13, 200)))
_FOOT_BACK = ("rect", (-14, 201, 10, 8))
_FOOT_FRONT = ("polygon", ((-13, 201), (-5, 201), (-3, 211), (-17, 211)))

# Region code -> (view, shape). Sides are added below.
_MIDLINE_BACK = {"neck": _NECK, "upper_back": _UPPER_BACK, "lower_back": _LOWER_BACK}
_MIDLINE_FRONT = {"neck": _NECK}
_SIDED_BACK = {
    "buttock": _BUTTOCK,
    "arm": _ARM,
    "thigh": _THIGH,
    "below_knee": _BELOW_KNEE,
    "foot": _FOOT_BACK,
}
_SIDED_FRONT = {"arm": _ARM, "thigh": _THIGH, "below_knee": _BELOW_KNEE, "foot": _FOOT_FRONT}

REGIONS = (
    "neck",
    "upper_back",
    "lower_back",
    "buttock_left",
    "buttock_right",
    "thigh_left",
    "thigh_right",
    "below_knee_left",
    "below_knee_right",
    "foot_left",
    "foot_right",
    "arm_left",
    "arm_right",
)

WIDTH = 210
HEIGHT = 216
_FRONT_X = 55
_BACK_X = 155


def _fmt(number: float) -> str:
    return f"{number:g}"


def _subpath(kind: str, geometry: object, dx: float, mirror: bool) -> str:
    """One shape as SVG path data, moved to the figure centre `dx`, mirrored for the far side.

    Shapes of one colour are joined into a single <path>: WeasyPrint draws an SVG node by node,
    so four paths cost far less than forty separate elements.
    """
    sign = -1 if mirror else 1
    if kind == "ellipse":
        cx, cy, rx, ry = geometry  # type: ignore[misc]
        x = dx + sign * cx
        return (
            f"M{_fmt(x - rx)},{_fmt(cy)} a{_fmt(rx)},{_fmt(ry)} 0 1,0 {_fmt(2 * rx)},0 "
            f"a{_fmt(rx)},{_fmt(ry)} 0 1,0 {_fmt(-2 * rx)},0Z"
        )
    if kind == "rect":
        x, y, w, h = geometry  # type: ignore[misc]
        left = dx + (x if not mirror else -(x + w))
        return f"M{_fmt(left)},{_fmt(y)}h{_fmt(w)}v{_fmt(h)}h{_fmt(-w)}Z"
    points = [(dx + sign * px, py) for px, py in geometry]  # type: ignore[attr-defined]
    return "M" + "L".join(f"{_fmt(px)},{_fmt(py)}" for px, py in points) + "Z"


def _figure(view: str, dx: float, chosen: set[str]) -> dict[str, list[str]]:
    """The subpaths of one view, by fill: "neutral", "shaded" or "unshaded"."""
    paths: dict[str, list[str]] = {"neutral": [], "unshaded": [], "shaded": []}

    def add(code: str, shape: tuple[str, object], mirror: bool = False) -> None:
        paths["shaded" if code in chosen else "unshaded"].append(_subpath(*shape, dx, mirror))

    paths["neutral"].append(_subpath(*_HEAD, dx, False))
    if view == "front":
        paths["neutral"].append(_subpath(*_FRONT_TORSO, dx, False))
        paths["neutral"].append(_subpath(*_FRONT_PELVIS, dx, False))
        midline, sided = _MIDLINE_FRONT, _SIDED_FRONT
    else:
        midline, sided = _MIDLINE_BACK, _SIDED_BACK
    for code, shape in midline.items():
        add(code, shape)
    # Shapes are defined on the viewer's left. Back view: viewer's left is the patient's
    # left. Front view: viewer's left is the patient's right.
    near, far = ("left", "right") if view == "back" else ("right", "left")
    for base, shape in sided.items():
        add(f"{base}_{near}", shape)
        add(f"{base}_{far}", shape, mirror=True)
    return paths


# Side letters drawn as strokes, not SVG <text>: text in SVG costs WeasyPrint a font lookup
# and a Pango layout per element, and these two letters are all the diagram needs.


def _letter(x: float, y: float, letter: str) -> str:
    """Path data for one side letter, its top-left corner near (x - 3.3, y - 10)."""
    ox, oy = x - 3.3, y - 10
    if letter == "L":
        return f"M{_fmt(ox)},{_fmt(oy)}v10h6"
    return (
        f"M{_fmt(ox)},{_fmt(oy + 10)}v-10h3.8c3.4,0 3.4,5 0,5h-3.8"
        f"M{_fmt(ox + 3.4)},{_fmt(oy + 5)}l3.2,5"
    )


# The outline's stroke, set once on the group that holds the figures.
_OUTLINE_ATTRIBUTES = f'stroke="{OUTLINE}" stroke-width="1.2" stroke-linejoin="round"'


@lru_cache(maxsize=512)
def _figures(chosen: frozenset[str], group_attributes: str = "") -> str:
    """Both views' shapes and side letters, in the diagram's own units (WIDTH x HEIGHT), as
    one <g> carrying the outline's stroke and `group_attributes` (a transform, say): every
    extra group costs WeasyPrint a node to draw. Remembered by the regions shaded (codes only,
    nothing a patient typed): the same few sets come back on every page and PDF."""
    paths: dict[str, list[str]] = {"neutral": [], "unshaded": [], "shaded": []}
    for view, dx in (("front", _FRONT_X), ("back", _BACK_X)):
        for fill, subpaths in _figure(view, dx, chosen).items():
            paths[fill] += subpaths
    colours = {"neutral": NEUTRAL, "unshaded": UNSHADED, "shaded": SHADED}
    parts = [f"<g {group_attributes + ' ' if group_attributes else ''}{_OUTLINE_ATTRIBUTES}>"]
    for fill, subpaths in paths.items():
        if subpaths:
            parts.append(f'<path fill="{colours[fill]}" d="{"".join(subpaths)}"/>')
    # Side letters beside the shoulders: the front view mirrors the patient, the back does not.
    letters = (
        _letter(_FRONT_X - 38, 30, "R")
        + _letter(_FRONT_X + 38, 30, "L")
        + _letter(_BACK_X - 38, 30, "L")
        + _letter(_BACK_X + 38, 30, "R")
    )
    parts.append(f'<path fill="none" stroke-width="1.6" stroke-linecap="round" d="{letters}"/></g>')
    return "".join(parts)


def _known(pain_regions: Iterable[str]) -> frozenset[str]:
    return frozenset(code for code in pain_regions if code in REGIONS)


def body_map_svg(pain_regions: Iterable[str], *, label: str = "Pain regions") -> str:
    """The SVG markup for the body diagram with `pain_regions` shaded.

    The front view is on the left, the back view on the right (the captions under them are
    the caller's HTML). `label` (the caller's translated words) names the image for screen
    readers; it is escaped here so the markup stays well-formed whatever it holds.
    """
    label = _escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-map" role="img" '
        f'aria-label="{label}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}"><title>{label}</title>{_figures(_known(pain_regions))}</svg>'
    )


# The PDF's pain chart, in millimetres (drawn at exactly this size, whatever the page size):
# the score bars on the left, one bar per CHART_ROW_MM from the top, and the body diagram on
# the right, DIAGRAM_WIDTH_MM x DIAGRAM_HEIGHT_MM, in ONE SVG as wide as an A4 page's text.
# The PDF template writes each bar's label in the line just above it (pdf.css sets the label
# lines to CHART_ROW_MM, with a clear gap before the bar), so text and bars line up without
# any text inside the SVG (WeasyPrint lays out SVG text far more slowly than the same words in
# the page), and pulls the pain pattern and facts up beside the diagram (pdf.css `.beside-N`),
# so the diagram needs no float: WeasyPrint checks every later line on the page against a
# float, and that cost more than drawing the diagram. pdf.css must change with these numbers.
CHART_ROW_MM = 10
BAR_WIDTH_MM = 100
BAR_HEIGHT_MM = 2.2
BAR_TOP_IN_ROW_MM = 7.6
BAR_TRACK = "#eef1f4"
BAR_EDGE = "#8a96a3"
CHART_WIDTH_MM = 182
CHART_HEIGHT_MM = 55
DIAGRAM_WIDTH_MM = 53.5
DIAGRAM_HEIGHT_MM = 55


def pain_chart_svg(steps: Iterable[int], pain_regions: Iterable[str], *, label: str) -> str:
    """The PDF's pain chart: score bars (each step 0-10 out of 10, top to bottom, one
    CHART_ROW_MM row each) and the body diagram with `pain_regions` shaded, on the right.

    `label` is the regions and scores in words for screen readers.
    """
    label = _escape(label)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pain-chart" role="img" '
        f'aria-label="{label}" viewBox="0 0 {CHART_WIDTH_MM} {CHART_HEIGHT_MM}" '
        f'width="{CHART_WIDTH_MM}mm" height="{CHART_HEIGHT_MM}mm"><title>{label}</title>'
    ]
    # All tracks as one path and all filled parts as another: WeasyPrint draws an SVG node by
    # node, parsing each one's attributes again on every render.
    tracks, filled = [], []
    for row, step in enumerate(steps):
        top = _fmt(row * CHART_ROW_MM + BAR_TOP_IN_ROW_MM)
        tracks.append(f"M0,{top}h{BAR_WIDTH_MM}v{BAR_HEIGHT_MM}h-{BAR_WIDTH_MM}Z")
        length = _fmt(BAR_WIDTH_MM * max(0, min(int(step), 10)) / 10)
        if length != "0":
            filled.append(f"M0,{top}h{length}v{BAR_HEIGHT_MM}h-{length}Z")
    if tracks:
        parts.append(
            f'<path fill="{BAR_TRACK}" stroke="{BAR_EDGE}" stroke-width=".2" '
            f'd="{"".join(tracks)}"/>'
        )
    if filled:
        parts.append(f'<path fill="{SHADED}" d="{"".join(filled)}"/>')
    # The diagram scaled into its box at the right-hand end, as the staff page's SVG would be.
    scale = min(DIAGRAM_WIDTH_MM / WIDTH, DIAGRAM_HEIGHT_MM / HEIGHT)
    left = CHART_WIDTH_MM - DIAGRAM_WIDTH_MM + (DIAGRAM_WIDTH_MM - WIDTH * scale) / 2
    top = (DIAGRAM_HEIGHT_MM - HEIGHT * scale) / 2
    # (`+ 0.0` turns a rounded -0.0 into 0.)
    parts.append(
        _figures(
            _known(pain_regions),
            f'transform="translate({_fmt(round(left, 3) + 0.0)} {_fmt(round(top, 3) + 0.0)}) '
            f'scale({_fmt(round(scale, 5))})"',
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
