"""Template helpers shared by every page.

Phone numbers are shown with non-breaking hyphens and spaces, so a narrow phone screen never
splits "555-0100" into "555-" and "0100" (a patient copying a number in a hurry would misdial).
`tel:` links keep the plain configured number.
"""

from __future__ import annotations

from flask import Flask, current_app

from screening.form_markup import (
    choices_by_value,
    field_markup,
    messages_markup,
    optional_mark_markup,
    pair_markup,
)


def unbreakable(number: str) -> str:
    return (number or "").replace("-", "\u2011").replace(" ", "\u00a0")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["choices_by_value"] = choices_by_value
    app.jinja_env.globals["field_markup"] = field_markup
    app.jinja_env.globals["messages_markup"] = messages_markup
    app.jinja_env.globals["pair_markup"] = pair_markup
    app.jinja_env.globals["optional_mark_markup"] = optional_mark_markup
    from screening.patient.body_diagram import body_diagram_for

    app.jinja_env.globals["body_diagram_for"] = body_diagram_for
    from screening.public_links import public_url

    # Patient-facing absolute addresses come from PUBLIC_BASE_URL, never the Host header.
    app.jinja_env.globals["public_url"] = public_url

    @app.context_processor
    def clinic_numbers() -> dict[str, str]:
        return {
            "clinic_phone": unbreakable(current_app.config["CLINIC_PHONE"]),
            "emergency_number": unbreakable(current_app.config["EMERGENCY_NUMBER"]),
        }
