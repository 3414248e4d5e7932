"""Flask-Babel with the request's translations looked up once, not on every string.

A step page translates about 120 strings (questions, choices, hints). Flask-Babel finds the
translations for each one afresh: the request context three times, the locale, its name as a
string, then a dictionary (about 5 microseconds a string, a fifth of a step page). Here the
first look-up of a request is remembered beside the locale object it was made for, and reused
while that same locale object is in force. `refresh()` (the patient switched language) and
`force_locale()` (the surgeon's PDF in the clinic's language) both put a new locale object in
place, so the next string looks them up again.

`gettext`, `ngettext` and `lazy_gettext` here are Flask-Babel's, with that shortcut: the
patient pages, the form fields and every template use them.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import flask_babel
from babel import support
from flask import Flask
from flask_babel import Babel, Domain, get_locale
from flask_babel import _get_current_context as babel_request_context
from flask_babel.speaklater import LazyString

try:  # Flask's app-context variable (Flask 2.2 to 3.1); without it, Flask-Babel's own way.
    from flask.globals import _cv_app
except ImportError:  # pragma: no cover - a Flask that moved it
    _cv_app = None


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


_AS_WRITTEN = support.NullTranslations()


def request_translations() -> Any:
    """The translations in force, straight from what QuickDomain remembered when it still
    holds (same locale object, same domain), else through Flask-Babel (which remembers anew).

    Reads Flask-Babel's namespace on the app context directly: each proxy (`g`, `request`) a
    look-up goes through costs about as much as the dictionary look-up itself.
    """
    if _cv_app is None:  # pragma: no cover - a Flask that moved it
        return flask_babel.get_translations()
    app_context = _cv_app.get(None)
    if app_context is None:
        # No app at all (`screening pdf` and the benchmark outside the CLI): the words as
        # written, as Flask-Babel gives there, without its making a Domain for each string.
        return _AS_WRITTEN
    app_globals = getattr(app_context, "g", None)
    namespace = vars(app_globals).get("_flask_babel") if app_globals is not None else None
    if namespace is not None:
        known = vars(namespace)
        remembered = known.get("quick_translations")
        if (
            remembered is not None
            and remembered[0] is not None
            and remembered[0] is known.get("babel_locale")
            and remembered[1] is known.get("babel_domain")
        ):
            return remembered[2]
    return flask_babel.get_translations()


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's `gettext`, through `request_translations`."""
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's `ngettext` (`%(num)d` is the count), through `request_translations`."""
    variables.setdefault("num", num)
    return request_translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables: Any) -> str:
    """Flask-Babel's `pgettext`, through `request_translations`."""
    text = request_translations().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Flask-Babel's `lazy_gettext` (translated each time it is shown), through `gettext`."""
    return LazyString(gettext, string, **variables)


def install_in_templates(app: Flask) -> None:
    """Templates' `_()`, `gettext()` and `ngettext()` through `request_translations` (what
    Flask-Babel's init_app installed, without its per-string look-ups)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
