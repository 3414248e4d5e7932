"""Flask-Babel with the request's translations looked up once, not on every string.

A step page translates about 120 strings (questions, choices, hints). Flask-Babel finds the
translations for each one afresh: the request context three times, the locale, its name as a
string, then a dictionary. Here the first look-up of a request is remembered beside the locale
object it was made for, and reused while that same locale object is in force. `refresh()`
(the patient switched language) and `force_locale()` (the surgeon's PDF in the clinic's
language) both put a new locale object in place, so the next string looks them up again.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask_babel import Babel, Domain, get_locale

# Flask-Babel's own per-request namespace (flask.g._flask_babel), where it keeps the locale.
from flask_babel import _get_current_context as babel_request_context


class QuickDomain(Domain):
    """A Domain whose translations are remembered for the request's current locale."""

    def get_translations(self) -> Any:
        ctx = babel_request_context()
        if ctx is None:
            return super().get_translations()
        remembered = getattr(ctx, "quick_translations", None)
        if (
            remembered is not None
            and remembered[1] is self
            and remembered[0] is getattr(ctx, "babel_locale", None)
        ):
            return remembered[2]
        translations = super().get_translations()
        ctx.quick_translations = (get_locale(), self, translations)
        return translations


class ClinicBabel(Babel):
    """Flask-Babel, using QuickDomain for the app's messages."""

    @cached_property
    def domain_instance(self) -> Domain:
        return QuickDomain(domain=self.domain)
