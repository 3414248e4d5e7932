"""Languages: every patient-facing string goes through Flask-Babel.

Strings in the pure questionnaire definition are only marked (`N_`); the `t` template filter
translates them where they are shown.

Which language a page is in (`select_locale`):

- Staff pages (and the surgeon's PDF, rendered under `clinic_locale()`) always use the clinic's
  language, BABEL_DEFAULT_LOCALE, whatever the browser asks for: staff read one language, and the
  record a surgeon signs off must not change with whoever opened it.
- Patient pages, in this order: the patient's own choice for this screening
  (`Screening.patient_locale`, set by the language link), the language the clinic set on the
  invitation (`Screening.invited_locale`), a choice made in this browser before any screening
  existed (the start page: kept in the session), the browser's Accept-Language, then
  BABEL_DEFAULT_LOCALE.

Patient views put the screening a link opened on `g` (`remember_screening`) before anything is
translated, so the selector can read its languages without a second query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import force_locale, refresh

from screening.translations_cache import gettext

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SPANISH_CATALOGUE = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"

# The query parameter of the language links, and where a choice without a screening is kept.
LANGUAGE_PARAM = "lang"
SESSION_LOCALE = "locale"
# Each language named in its own words: a patient looks for the language they read.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
# Blueprints whose pages are always in the clinic's language.
CLINIC_LANGUAGE_BLUEPRINTS = frozenset({"staff"})


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def is_supported(locale: str | None) -> bool:
    return bool(locale) and locale in supported_locales()


def remember_screening(screening: Any) -> None:
    """Let the locale selector read this request's screening (patient views call it first)."""
    g.locale_screening = screening
    refresh()  # in case anything was translated before the screening was known


def select_locale() -> str | None:
    """Flask-Babel's locale selector; None means BABEL_DEFAULT_LOCALE."""
    if not has_request_context():  # CLI commands (PDF rendering): the default locale
        return None
    if request.blueprint in CLINIC_LANGUAGE_BLUEPRINTS:
        return None
    screening = g.get("locale_screening")
    if screening is not None:
        for chosen in (screening.patient_locale, screening.invited_locale):
            if is_supported(chosen):
                return chosen
    chosen = session.get(SESSION_LOCALE)
    if is_supported(chosen):
        return chosen
    return request.accept_languages.best_match(supported_locales())


def clinic_locale() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "en")


@contextmanager
def in_clinic_language() -> Iterator[None]:
    """Translate in the clinic's language inside, whatever the request's language is.

    The surgeon's PDF is rendered during the patient's own Send request, which may be in
    Spanish; the record must still be in the clinic's language.
    """
    with force_locale(clinic_locale()):
        yield


def language_links() -> list[dict[str, str]]:
    """The other languages, each with a link back to this page in that language."""
    here = current_locale()
    args = {k: v for k, v in request.args.items() if k != LANGUAGE_PARAM}
    links = []
    for code in supported_locales():
        if code == here:
            continue
        url = None
        if request.endpoint and request.method == "GET":
            url = _url_here(args, code)
        elif request.endpoint:
            url = _url_here({}, code)
        links.append({"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": url or ""})
    return links


def _url_here(args: dict[str, str], code: str) -> str:
    from flask import url_for

    return url_for(request.endpoint, **(request.view_args or {}), **args, **{LANGUAGE_PARAM: code})


def register_i18n(app: Flask) -> None:
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["language_links"] = language_links
    # Flask-Babel keeps the chosen locale on the app context, which a request shares with an
    # app context already pushed (the CLI, the tests): choose afresh for every request.
    app.before_request(refresh)

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
