"""The base of every form: Flask-WTF with WTForms' own messages translated without re-reading
the catalogue on every request.

Flask-WTF loads WTForms' message catalogue (`wtforms.mo`) from disk once per request that uses
a form, the first time a field asks for a translation: about half a millisecond of a patient
step page, for a file that never changes while the app runs. Here it is loaded once per
language per process.
"""

from __future__ import annotations

from typing import Any

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.i18n import messages_path
from wtforms.widgets import HiddenInput

from screening.form_markup import widget_markup

# WTForms' catalogues by locale name ("es", "en"), loaded on first use.
_CATALOGUES: dict[str, Any] = {}


def _catalogue() -> Any | None:
    """WTForms' messages in the request's language (None outside a request, as Flask-WTF)."""
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    name = str(get_locale())
    catalogue = _CATALOGUES.get(name)
    if catalogue is None:
        catalogue = support.Translations.load(messages_path(), [name], domain="wtforms")
        _CATALOGUES[name] = catalogue
    return catalogue


class WTFormsMessages:
    """What Flask-WTF's `i18n.translations` does, from the per-process catalogues."""

    def gettext(self, string: str) -> str:
        catalogue = _catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = _catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


_MESSAGES = WTFormsMessages()


class ClinicForm(FlaskForm):
    """FlaskForm, with WTForms' messages from `WTFormsMessages`, and its hidden fields (the
    CSRF token) written by `widget_markup` (the same markup, without WTForms' html_params)."""

    def hidden_tag(self, *fields: Any) -> Markup:
        """Flask-WTF's `hidden_tag`: every hidden field of the form, or of `fields` (fields or
        names; names that do not exist and fields that are not hidden are skipped)."""
        chosen = (getattr(self, f, None) if isinstance(f, str) else f for f in fields or self)
        hidden = (f for f in chosen if f is not None and isinstance(f.widget, HiddenInput))
        # Each part is widget markup, escaped where it was written.
        return Markup("\n".join(str(widget_markup(f)) for f in hidden))  # noqa: S704

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _MESSAGES
