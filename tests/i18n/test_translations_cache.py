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


def test_wtforms_messages_follow_the_language_and_are_read_once(
    app: Flask, monkeypatch: object
) -> None:
    """WTForms' own messages (a staff form's "required") come in the request's language, from
    a catalogue read once per language, not once per request."""
    from babel import support
    from flask import session
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from screening import forms_base

    class NameForm(forms_base.ClinicForm):
        name = StringField("Name", validators=[InputRequired()])

    loads: list[object] = []
    real_load = support.Translations.load

    def counting_load(*args: object, **kwargs: object) -> object:
        loads.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(forms_base, "_CATALOGUES", {})  # type: ignore[attr-defined]
    monkeypatch.setattr(support.Translations, "load", counting_load)  # type: ignore[attr-defined]
    for language, message in (
        ("es", "Este campo es obligatorio."),
        ("en", "This field is required."),
        ("es", "Este campo es obligatorio."),
    ):
        with app.test_request_context("/", method="POST", data={}):
            session[SESSION_LOCALE] = language
            refresh()
            form = NameForm(meta={"csrf": False})
            assert not form.validate()
            assert form.name.errors == [message]
    assert len(loads) == 2  # Spanish once, English once


def test_the_quick_path_follows_every_change_of_language(app: Flask) -> None:
    """The shortcut the patient pages, form labels and templates use (translations_cache's
    gettext, lazy_gettext and the templates' `_()`) follows refresh() and force_locale()
    exactly as Flask-Babel does."""
    from flask import render_template_string, session

    from screening import translations_cache as quick

    label = quick.lazy_gettext(WORD)
    with app.test_request_context("/start", headers={"Accept-Language": "en"}):

        def all_ways() -> set[str]:
            return {
                quick.gettext(WORD),
                str(label),
                render_template_string("{{ _('Yes') }}"),
                gettext(WORD),
            }

        assert all_ways() == {"Yes"}
        assert all_ways() == {"Yes"}  # the remembered translations
        session[SESSION_LOCALE] = "es"
        refresh()
        assert all_ways() == {"Sí"}
        with force_locale("en"):
            assert all_ways() == {"Yes"}
            refresh()  # inside force_locale the forced language stays
            assert all_ways() == {"Yes"}
        assert all_ways() == {"Sí"}
        assert (
            quick.ngettext(
                "That date does not match what the clinic has. You can try %(num)d more time.",
                "That date does not match what the clinic has. You can try %(num)d more times.",
                2,
            )
            == "Esa fecha no coincide con la que tiene la clínica. Puede intentar 2 veces más."
        )
    # After the request, in the app context the tests keep: what Flask-Babel says there.
    assert quick.gettext(WORD) == gettext(WORD)


def test_without_an_app_the_words_are_as_written() -> None:
    """`screening pdf` outside the CLI and the benchmark: no app, no translations, no errors."""
    from flask.globals import _cv_app

    from screening import translations_cache as quick

    assert _cv_app.get(None) is None
    assert quick.gettext("Yes") == "Yes"
    assert quick.gettext("%(n)d more", n=2) == "2 more"
    assert quick.ngettext("%(num)d day", "%(num)d days", 1) == "1 day"
