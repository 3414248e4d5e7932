"""Languages: every patient-facing string goes through Flask-Babel.

Strings in the pure questionnaire definition are only marked (`N_`); the `t` template filter
translates them where they are shown.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext


def select_locale() -> str | None:
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI commands (PDF rendering): the default locale
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def register_i18n(app: Flask) -> None:
    app.jinja_env.globals["current_locale"] = current_locale

    @app.template_filter("t")
    def translate(text: str | None, **params: object) -> str:
        """Translate a marked string from the questionnaire definition."""
        if not text:
            return ""
        return gettext(text, **params) if params else gettext(text)


def current_locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale else "en"
