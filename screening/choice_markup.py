"""Radio buttons and checkboxes as HTML, written directly instead of through WTForms widgets.

A step page has up to about 70 choice inputs. WTForms renders each through `html_params` and
markupsafe's `%` formatting, which cost most of a step page's 12 ms of server CPU. The markup
here is the same, attribute for attribute and in the same order (html_params sorts them), so
labels, ids, names, values, `checked` and `aria-invalid` are exactly what the widgets wrote;
`tests/test_choice_markup.py` holds it to the widgets' own output.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def choice_markup(option: Any, invalid: bool = False) -> Markup:
    """One radio button or checkbox of a group (a WTForms `_Option`) with its label."""
    option_id = escape(option.id)
    attributes = [
        "checked" if option.checked else "",
        'aria-invalid="true"' if invalid else "",
        f'id="{option_id}"',
        f'name="{escape(option.name)}"',
        f'type="{option.widget.input_type}"',
        f'value="{escape(option._value())}"',
    ]
    # html_params puts aria-* before the rest (sorted keys: "aria-invalid" < "checked").
    if invalid:
        attributes[0], attributes[1] = attributes[1], attributes[0]
    params = " ".join(part for part in attributes if part)
    # Every value put in is escaped above; the rest is fixed markup.
    return Markup(  # noqa: S704
        f'<div class="choice">\n  <input {params}>\n'
        f'  <label for="{option_id}">{escape(option.label.text)}</label>\n</div>'
    )


def choices_markup(field: Any, invalid: bool = False) -> Markup:
    """Every radio button or checkbox of a group field, as `choice_markup` writes each one.

    Reads the field's choices directly instead of iterating the field, which builds a WTForms
    sub-field per option (ids, names and values are the ones those sub-fields would carry).
    """
    input_type = "radio" if field.type == "RadioField" else "checkbox"
    name = escape(field.name)
    invalid_attribute = 'aria-invalid="true" ' if invalid else ""
    parts = []
    for index, choice in enumerate(field.iter_choices()):
        option_id = escape(f"{field.id}-{index}")
        checked = "checked " if choice.selected else ""
        label = choice.label if choice.label else choice.value
        parts.append(
            f'<div class="choice">\n  <input {invalid_attribute}{checked}id="{option_id}" '
            f'name="{name}" type="{input_type}" value="{escape(str(choice.value))}">\n'
            f'  <label for="{option_id}">{escape(label)}</label>\n</div>'
        )
    # Every value put in is escaped above; the rest is fixed markup.
    return Markup("\n    ".join(parts))  # noqa: S704
