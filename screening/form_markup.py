"""Form fields as HTML, written in Python instead of nested Jinja macros and WTForms widgets.

A step page has up to about 70 choice inputs. WTForms renders each through `html_params` and
markupsafe's `%` formatting, which cost most of a step page's 12 ms of server CPU. The markup
here is the same, attribute for attribute and in the same order (html_params sorts them), so
labels, ids, names, values, `checked` and `aria-invalid` are exactly what the widgets wrote;
`tests/test_form_markup.py` holds it to the widgets' own output. The fields around them
(`field_markup`: label or fieldset and legend, hint, errors, "(optional)") went the same way,
for the same reason: the nested macro calls cost more than a step page's own work.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import CheckboxInput, Input, Select, TextArea
from wtforms.widgets.core import clean_key

from screening.translations_cache import gettext


def choices_markup(field: Any, invalid: bool = False) -> Markup:
    """Every radio button or checkbox of a group field, each with its label."""
    return Markup("\n    ".join(choices_by_value(field, invalid).values()))  # noqa: S704


def choices_by_value(field: Any, invalid: bool = False) -> dict[str, Markup]:
    """Each radio button or checkbox of a group field, with its label, by its value, in the
    field's order (for a page that places the choices itself: the body map).

    Reads the field's choices directly instead of iterating the field, which builds a WTForms
    sub-field per option (ids, names and values are the ones those sub-fields would carry).
    """
    input_type = "radio" if field.type == "RadioField" else "checkbox"
    name = escape(field.name)
    invalid_attribute = 'aria-invalid="true" ' if invalid else ""
    parts: dict[str, Markup] = {}
    for index, choice in enumerate(field.iter_choices()):
        option_id = escape(f"{field.id}-{index}")
        checked = "checked " if choice.selected else ""
        label = choice.label if choice.label else choice.value
        # Every value put in is escaped here; the rest is fixed markup.
        parts[str(choice.value)] = Markup(  # noqa: S704
            f'<div class="choice">\n  <input {invalid_attribute}{checked}id="{option_id}" '
            f'name="{name}" type="{input_type}" value="{escape(str(choice.value))}">\n'
            f'  <label for="{option_id}">{escape(label)}</label>\n</div>'
        )
    return parts


def messages_markup(field_id: str, hint: Any, errors: Any) -> Markup:
    """A field's hint and its errors, with the ids aria-describedby points at."""
    parts = []
    if hint:
        parts.append(f'<p class="hint" id="{escape(field_id)}-hint">{escape(hint)}</p>')
    if errors:
        text = " ".join(str(escape(error)) for error in errors)
        parts.append(
            f'<p class="field-error" id="{escape(field_id)}-error">\n'
            f'  <span class="visually-hidden">{escape(gettext("Error:"))}</span>\n'
            f"  {text}\n</p>"
        )
    # Every value put in is escaped above; the rest is fixed markup.
    return Markup("\n".join(parts))  # noqa: S704


def optional_mark_markup(optional: bool) -> Markup:
    """A label's "(optional)" mark, so a patient knows before pressing anything what may be
    left blank."""
    if not optional:
        return Markup("")
    return Markup('<span class="field-optional"> %s</span>') % gettext("(optional)")


def _params(attributes: dict[str, Any]) -> str:
    """WTForms' `html_params`, written plainly: sorted by key, `True` as a bare attribute,
    `False` left out, every value escaped (markupsafe writes `"` as `&#34;`)."""
    parts = []
    for key, value in sorted(attributes.items()):
        if value is True:
            parts.append(clean_key(key))
        elif value is not False:
            parts.append(f'{clean_key(key)}="{escape(value)}"')
    return " ".join(parts)


def _flag_attributes(field: Any, allowed: list[str], attributes: dict[str, Any]) -> None:
    """The field's validation flags a widget writes as attributes (`required`, `maxlength`...),
    as WTForms' widgets add them: only flags that are set, never over a given attribute."""
    for key, value in vars(field.flags).items():
        if key in allowed and key not in attributes:
            attributes[key] = value() if callable(value) else value


def widget_markup(field: Any, **given: Any) -> Markup:
    """The field's own input, text area or drop-down, as its WTForms widget writes it.

    The same attributes in the same order (`tests/test_form_markup.py` compares the two for
    every field of every step); WTForms' `html_params` and markupsafe's `%` formatting cost
    about a tenth of a millisecond per field, a dozen times a page. A widget this does not know
    is left to WTForms.
    """
    widget = field.widget
    kind = type(widget)
    attributes = {clean_key(k): v for k, v in (field.render_kw or {}).items()}
    attributes.update((clean_key(k), v) for k, v in given.items())
    attributes.setdefault("id", field.id)
    # Input's own markup: Input and the subclasses that only set a type (text, date, hidden),
    # and CheckboxInput, which adds `checked`. Other widgets are left to WTForms.
    if kind.__call__ in (Input.__call__, CheckboxInput.__call__):
        if isinstance(widget, CheckboxInput) and getattr(field, "checked", field.data):
            attributes.setdefault("checked", True)
        attributes.setdefault("type", widget.input_type)
        if "value" not in attributes:
            attributes["value"] = field._value()
        if getattr(field, "_datalist", None) is not None:
            return Markup(field(**given))  # noqa: S704 - WTForms' own markup
        _flag_attributes(field, widget.validation_attrs, attributes)
        attributes["name"] = field.name
        return Markup(f"<input {_params(attributes)}>")  # noqa: S704 - escaped in _params
    if kind is TextArea:
        _flag_attributes(field, widget.validation_attrs, attributes)
        attributes["name"] = field.name
        text = escape(field._value())
        return Markup(f"<textarea {_params(attributes)}>\r\n{text}</textarea>")  # noqa: S704
    if kind is Select and not widget.multiple and not field.has_groups():
        _flag_attributes(field, widget.validation_attrs, attributes)
        attributes["name"] = field.name
        options = []
        for choice in field._iter_choices_normalized():
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            option = {"value": value, **(choice.render_kw or {})}
            if choice.selected:
                option["selected"] = True
            label = escape(choice.label or choice.value)
            options.append(f"<option {_params(option)}>{label}</option>")
        return Markup(f"<select {_params(attributes)}>{''.join(options)}</select>")  # noqa: S704
    return Markup(field(**given))  # noqa: S704 - WTForms' own markup


def pair_markup(first: Any, second: Any, labels: tuple[Any, Any], class_: str = "") -> Markup:
    """Two inputs that make one answer (a height in feet and inches), side by side.

    Their error (a height out of range is one message about both) is written once above the
    pair, under the first's id where the error summary links, rather than inside the first
    one's narrow column, which pushed its box below the other; both inputs are marked invalid
    and tied to it.
    """
    errors = [*first.errors, *second.errors]
    attributes = {"aria-describedby": f"{first.id}-error", "aria-invalid": "true"} if errors else {}
    fields = "\n".join(
        f'<div class="field {escape(class_)}">\n'
        f'  <label class="field-label" for="{escape(field.id)}">{escape(label)}</label>\n'
        f"  {widget_markup(field, **attributes)}\n</div>"
        for field, label in zip((first, second), labels, strict=True)
    )
    error_class = " has-error" if errors else ""
    return Markup(  # noqa: S704 (labels and messages escaped; widgets from widget_markup)
        f'<div class="pair-answer{error_class}">\n{messages_markup(first.id, None, errors)}\n'
        f'<div class="pair">\n{fields}\n</div>\n</div>'
    )


def field_markup(
    field: Any,
    label: Any = None,
    hint: Any = None,
    class_: str = "",
    autocomplete: str | None = None,
    inputmode: str | None = None,
    required: bool = False,
    optional: bool = False,
) -> Markup:
    """One form field with its label (or fieldset and legend), hint and errors, accessibly.

    What the `field` macro of templates/_macros/forms.html wrote, in one Python call: a step
    page has a dozen fields, and the macro's nested calls cost more than the page's own work.
    """
    described = " ".join(
        part
        for part, present in ((f"{field.id}-hint", hint), (f"{field.id}-error", field.errors))
        if present
    )
    error_class = " has-error" if field.errors else ""
    text = escape(label or field.label.text)
    messages = messages_markup(field.id, hint, field.errors)
    field_id = escape(field.id)
    if field.type in ("RadioField", "MultiCheckboxField"):
        described_attribute = f' aria-describedby="{escape(described)}"' if described else ""
        html = (
            f'<fieldset class="field field-group {escape(class_)}{error_class}" id="{field_id}"'
            f"{described_attribute}>\n"
            f'  <legend class="field-label">{text}{optional_mark_markup(optional)}</legend>\n'
            f"  {messages}\n"
            f'  <div class="choices">\n    {choices_markup(field, bool(field.errors))}\n'
            f"  </div>\n</fieldset>"
        )
    else:
        attributes: dict[str, str] = {}
        if described:
            attributes["aria-describedby"] = described
        if field.errors:
            attributes["aria-invalid"] = "true"
        if autocomplete:
            attributes["autocomplete"] = autocomplete
        if inputmode:
            attributes["inputmode"] = inputmode
        if required:
            attributes["aria-required"] = "true"
        widget = widget_markup(field, **attributes)
        if field.type == "BooleanField":
            html = (
                f'<div class="field field-checkbox {escape(class_)}{error_class}">\n'
                f"  {messages}\n"
                f'  <div class="choice">\n    {widget}\n'
                f'    <label for="{field_id}">{text}</label>\n  </div>\n</div>'
            )
        else:
            html = (
                f'<div class="field {escape(class_)}{error_class}">\n'
                f'  <label class="field-label" for="{field_id}">{text}'
                f"{optional_mark_markup(optional)}</label>\n"
                f"  {messages}\n  {widget}\n</div>"
            )
    # Every value put in is escaped above, or is WTForms' own widget markup.
    return Markup(html)  # noqa: S704
