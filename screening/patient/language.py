"""The patient's language on patient pages: the language link, and when a choice is kept.

Kept apart from the step views so the language needs only a few hooks in them:

- `before_patient_request` (registered on the patient blueprint in `create_app`): for a page
  reached through a private link, looks the screening up and hands it to the locale selector
  before anything is translated; and handles `?lang=xx` links (remember the choice, then show
  the same page without the parameter).
- `switch_language_from_form`: the language button of a step page, which submits the step
  form, so nothing typed is lost.
- `keep_session_choice` (a new self-started screening) and `keep_language_at_send` (the
  language the patient answered in is the one the summary names and later pages keep to).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, g, redirect, request, session
from flask_babel import refresh
from werkzeug.datastructures import MultiDict

from screening.i18n import (
    LANGUAGE_PARAM,
    SESSION_LOCALE,
    current_locale,
    is_supported,
    remember_screening,
)
from screening.models import Screening
from screening.services import screenings
from screening.services.retry import read_with_one_retry


def before_patient_request() -> Response | None:
    """Know the screening's language first; act on a `?lang=` link.

    With a private link the choice is kept on that screening (it then wins on every device);
    without one (the start page) it is kept in this browser's session. An unknown language is
    dropped silently: the page is shown as before.
    """
    token = (request.view_args or {}).get("token")
    # The first read of every patient page: one more try if the database has just restarted
    # (a patient who has just sent must see their confirmation). 404 for a bad link.
    screening = read_with_one_retry(lambda: screenings.find_by_token(token)) if token else None
    if screening is not None:
        remember_screening(screening)
        g.link_screening = (token, screening)  # the views reuse it: one look-up per request
    if request.method != "GET" or LANGUAGE_PARAM not in request.args:
        return None
    chosen = request.args.get(LANGUAGE_PARAM)
    if is_supported(chosen):
        session[SESSION_LOCALE] = chosen
        if screening is not None and screenings.link_problem(screening) is None:
            screenings.choose_locale(screening, chosen)
    # The same path (with one leading slash: "//host" would be another site) and the other
    # parameters as they came. Not url_for: it would take a parameter named "token",
    # "endpoint" or "_scheme" as its own argument (a 500, or another scheme) from a link
    # anyone can send.
    path = "/" + (request.script_root + request.path).lstrip("/")
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != LANGUAGE_PARAM]
    return redirect(path + (f"?{urlencode(kept)}" if kept else ""))


def switch_language_from_form(screening: Screening, formdata: MultiDict) -> bool:
    """The language button of a step page (`switch_language=xx` in the step form's post).

    Returns True when it was pressed with a language we have; the step is then saved like
    "Save and finish later" and shown again in the new language.
    """
    chosen = formdata.get("switch_language")
    if not is_supported(chosen):
        return False
    session[SESSION_LOCALE] = chosen
    screenings.choose_locale(screening, chosen)
    refresh()  # the rest of this request (error messages, the page) in the new language
    return True


def keep_session_choice(screening: Screening) -> None:
    """A language chosen on the start page becomes the new screening's own."""
    chosen = session.get(SESSION_LOCALE)
    if is_supported(chosen):
        screenings.choose_locale(screening, chosen)


def keep_language_at_send(screening: Screening) -> None:
    """Remember the language the patient answered in, if they never chose one."""
    if screening.patient_locale is None:
        screenings.choose_locale(screening, current_locale())
