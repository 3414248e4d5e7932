"""The request's translations are remembered, yet follow every change of language at once."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import force_locale, gettext, refresh

from screening.i18n import SESSION_LOCALE

WORD = "Yes"  # translated in the Spanish catalogue


def test_a_change_of_language_mid_request_is_followed(app: Flask) -> None:
    with app.test_request_context("/start", headers={"Accept-Language": "en"}):
        assert gettext(WORD) == "Yes"
        assert gettext(WORD) == "Yes"  # the remembered translations
        from flask import session

        session[SESSION_LOCALE] = "es"
        refresh()  # what the language button does
        assert gettext(WORD) == "Sí"
        with force_locale("en"):  # the surgeon's PDF during a Spanish Send
            assert gettext(WORD) == "Yes"
        assert gettext(WORD) == "Sí"
        assert g._flask_babel.quick_translations[2].ugettext(WORD) == "Sí"
