"""The body diagram a patient can tap on the pain-areas question (issue 15).

The same drawing as the surgeon's summary: the shapes, their mirroring and the side letters are
imported from screening.summary.body_map (its geometry, not a copy), so the patient and the
surgeon look at one picture. Front and back are two SVGs (so each can fill a 320-pixel phone's
width and every region stays a large target); each region is an SVG element with
role="checkbox", a name, aria-checked and tabindex, tied by `data-region` to the checkbox of
the same pain_regions code. patient.js shows the diagram and keeps both in step; without
JavaScript the diagram stays hidden and the checkboxes work as they always did.

Each region code is focusable once, on the back view (which has every region); the front view's
copies can be tapped but are left out of the tab order and hidden from screen readers, so a
keyboard or screen-reader user meets each area once.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

from markupsafe import Markup, escape

from screening.summary.body_map import (
    _FRONT_PELVIS,
    _FRONT_TORSO,
    _HEAD,
    _MIDLINE_BACK,
    _MIDLINE_FRONT,
    _SIDED_BACK,
    _SIDED_FRONT,
    HEIGHT,
    _subpath,
)
from screening.translations_cache import gettext, pgettext

# Each figure is drawn around x = 0 in body_map's units; this box holds one figure and its
# side letters with a small margin.
FIGURE_LEFT = -46
FIGURE_WIDTH = 92


@cache
def _regions(view: str) -> tuple[tuple[str, str], ...]:
    """(region code, path data) for one view, with the summary's left/right convention."""
    midline, sided = (
        (_MIDLINE_FRONT, _SIDED_FRONT) if view == "front" else (_MIDLINE_BACK, _SIDED_BACK)
    )
    regions = [(code, _subpath(*shape, 0, False)) for code, shape in midline.items()]
    near, far = ("left", "right") if view == "back" else ("right", "left")
    for base, shape in sided.items():
        regions.append((f"{base}_{near}", _subpath(*shape, 0, False)))
        regions.append((f"{base}_{far}", _subpath(*shape, 0, True)))
    return tuple(regions)


def _figure_svg(view: str, title: str, labels: Mapping[str, str], sides: tuple[str, str]) -> str:
    focusable = view == "back"
    neutral = [_subpath(*_HEAD, 0, False)]
    if view == "front":
        neutral += [_subpath(*_FRONT_TORSO, 0, False), _subpath(*_FRONT_PELVIS, 0, False)]
    # Side letters in the patient's language (a browser draws SVG text cheaply; the PDF's
    # stroked letters are only L and R). The front view mirrors the patient.
    right, left = sides
    near, far = (right, left) if view == "front" else (left, right)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-figure body-figure-{view}" '
        f'viewBox="{FIGURE_LEFT} -2 {FIGURE_WIDTH} {HEIGHT}" '
        + ('role="group" ' if focusable else 'aria-hidden="true" ')
        + f'aria-label="{escape(title)}" focusable="false">',
        f'<path class="body-neutral" d="{"".join(neutral)}"/>',
    ]
    for code, path in _regions(view):
        if code not in labels:
            continue
        if focusable:
            name = escape(labels[code])
            attributes = f'role="checkbox" tabindex="0" aria-checked="false" aria-label="{name}"'
        else:
            attributes = 'tabindex="-1"'
        parts.append(
            f'<path class="body-region" data-region="{code}" {attributes} d="{path}">'
            f"<title>{escape(labels[code])}</title></path>"
        )
    parts.append(
        f'<text class="body-letters" aria-hidden="true" x="-38" y="30">{escape(near)}</text>'
        f'<text class="body-letters" aria-hidden="true" x="38" y="30">{escape(far)}</text></svg>'
    )
    return "".join(parts)


def body_diagram(
    labels: Mapping[str, str], *, front: str, back: str, sides: tuple[str, str] = ("R", "L")
) -> Markup:
    """The two figures (see `_diagram`); the same words always give the same markup."""
    return _diagram(tuple(labels.items()), front, back, sides)


# One drawing per language: it holds no answer (the page's script marks the chosen regions),
# so it is built once instead of on every step page (a fifth of the pain step's cost).
@lru_cache(maxsize=16)
def _diagram(
    labels_items: tuple[tuple[str, str], ...], front: str, back: str, sides: tuple[str, str]
) -> Markup:
    """The two figures as markup; `labels` maps each region code to its translated name.

    Only codes in `labels` (the question's own codes) become regions; the markup is built from
    fixed shapes and escaped labels, nothing the patient typed. `sides` are the letters for
    the patient's right and left.
    """
    labels = dict(labels_items)
    # Safe: fixed shapes, escaped labels and captions (S704 cannot see that).
    return Markup(  # noqa: S704
        '<figure class="body-figure-wrap"><figcaption>'
        + str(escape(front))
        + "</figcaption>"
        + _figure_svg("front", front, labels, sides)
        + '</figure><figure class="body-figure-wrap"><figcaption>'
        + str(escape(back))
        + "</figcaption>"
        + _figure_svg("back", back, labels, sides)
        + "</figure>"
    )


def body_diagram_for(item: object) -> Markup:
    """The diagram of a pain-areas item (its codes and labels), in the page's language."""
    labels = {code.value: gettext(code.label) for code in item.codes}  # type: ignore[attr-defined]
    return body_diagram(
        labels,
        front=gettext("Front of the body"),
        back=gettext("Back of the body"),
        sides=(pgettext("first letter of right", "R"), pgettext("first letter of left", "L")),
    )
