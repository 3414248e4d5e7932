"""Opening a screening: start, resume by code, the private link, and the date-of-birth check.

Access travels in the URL (`/s/<token>/...`), never answers in a cookie; the Flask session only
remembers which invited screenings had their date of birth confirmed in this browser, and the
resume code of the screening it started last (sealed) so that its page survives a reload.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from wtforms import StringField
from wtforms.widgets import DateInput

from screening.extensions import limiter
from screening.forms_base import ClinicForm
from screening.i18n import current_locale
from screening.models import Screening
from screening.patient import language
from screening.patient.blueprint import (
    _csrf_ok,
    _page,
    _step_url,
    bp,
)
from screening.patient.forms import (
    parse_date_typed,
)
from screening.patient.parsing import AMBIGUOUS_DATE, AmbiguousDate
from screening.public_links import public_url
from screening.questionnaire import QUESTIONNAIRE, parse_iso_date
from screening.routes import patient_link, public
from screening.services import screenings, session_seals
from screening.translations_cache import gettext as _
from screening.translations_cache import lazy_gettext, ngettext

SESSION_CONFIRMED = "confirmed"
# The resume code of the screening this browser started last, sealed for it (see `start`).
SESSION_STARTED = "started"
STARTED_CODE_PURPOSE = "resume code"
# The screenings whose opening this browser session has put in the audit trail.
SESSION_OPENED = "opened"
MAX_CONFIRMED_IN_SESSION = 5
RESUME_RATE_LIMIT = "10 per minute"
# Generous (a waiting room shares one address), but stops a script filling the database.
START_RATE_LIMIT = "30 per minute"
# The validator's words for a date of birth after today (one wording wherever it is typed).
FUTURE_DATE_OF_BIRTH = "Date of birth cannot be in the future."


class StartForm(ClinicForm):
    """Only a CSRF token: starting needs nothing else."""


class ResumeForm(ClinicForm):
    code = StringField(
        lazy_gettext("Your resume code"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ConfirmBirthDateForm(ClinicForm):
    date_of_birth = StringField(widget=DateInput(), render_kw={"autocomplete": "bday"})


def _problem_page(problem: str) -> Response:
    """Revoked, expired or locked: a friendly page with the clinic's phone, never any data."""
    pages = {
        "locked": (
            403,
            _("This link is locked"),
            _(
                "The date of birth did not match too many times, so we locked this link "
                "to keep your information safe."
            ),
        ),
        "expired": (
            410,
            _("This link has expired"),
            _("Links work for a limited time to keep your information safe."),
        ),
        "revoked": (
            410,
            _("This link no longer works"),
            _("The clinic has replaced or cancelled this link."),
        ),
    }
    status, heading, text = pages[problem]
    return _page("patient/link_problem.html", status, problem=problem, heading=heading, text=text)


def _confirmed(screening: Screening) -> bool:
    if not screenings.needs_date_of_birth(screening):
        return True
    return screening.public_id in session.get(SESSION_CONFIRMED, [])


def _remember(key: str, screening: Screening) -> None:
    """Add the screening to the session's list `key` (the latest few, most recent last)."""
    kept = [p for p in session.get(key, []) if p != screening.public_id]
    session[key] = [*kept, screening.public_id][-MAX_CONFIRMED_IN_SESSION:]


def _remember_confirmed(screening: Screening) -> None:
    _remember(SESSION_CONFIRMED, screening)


def _open(token: str, *, allow_done: bool = False, allow_unconfirmed: bool = False) -> Screening:
    """The screening behind a link, or abort with the page the patient should see instead."""
    looked_up = g.get("link_screening")
    if looked_up is not None and looked_up[0] == token:
        screening = looked_up[1]  # found by the blueprint's first hook for this very request
    else:
        screening = screenings.find_by_token(token)
    problem = screenings.link_problem(screening)
    if problem:
        abort(_problem_page(problem))
    if screening.is_locked and not allow_done:
        abort(redirect(url_for(".done", token=token)))
    if not _confirmed(screening):
        if not allow_unconfirmed:
            abort(redirect(url_for(".confirm", token=token)))
    elif screening.public_id not in session.get(SESSION_OPENED, []):
        # Reached without the link's own address (a step's address, the handout): the
        # answers are shown to this browser, so that is in the audit trail too, once.
        _record_opened(screening)
    return screening


def _record_opened(screening: Screening, how: str = "link") -> None:
    """Audit that this browser opened the screening's link, and remember it for the session."""
    screenings.record_link_opened(
        screening, ip=request.remote_addr, device=request.headers.get("User-Agent"), how=how
    )
    _remember(SESSION_OPENED, screening)


# -- start and resume ------------------------------------------------------------------------


@bp.get("/")
@public
def home() -> Response:
    return start()


@bp.route("/start", methods=["GET", "POST"])
@public
@limiter.limit(START_RATE_LIMIT, methods=["POST"])
def start() -> Response:
    if not current_app.config.get("SELF_START_ENABLED", True):
        return _page("patient/self_start_off.html", 200 if request.method == "GET" else 403)
    form = StartForm()
    if request.method == "GET":
        return _page("patient/start.html", form=form)
    if not _csrf_ok(form):
        return _page("patient/start.html", form=form, timed_out=True)
    new = screenings.start_screening()
    language.keep_session_choice(new.screening)
    # The code exists in plain text only now. It is kept (sealed) in this browser's session
    # and shown by a GET: reloading that page (a phone's pull-to-refresh) shows the same code
    # again, where reloading the POST would start a second, empty screening with a new code
    # and leave the code already written down pointing at the wrong one.
    session[SESSION_STARTED] = session_seals.seal(
        new.formatted_code, purpose=STARTED_CODE_PURPOSE, bound_to=_started_bound_to(new.screening)
    )
    return redirect(url_for(".started", token=new.token))


@bp.get("/s/<token>/started")
@patient_link
def started(token: str) -> Response:
    """The link and code of the screening this browser just started (else the link itself)."""
    screening = _open(token)
    # Sealed for the screening it belongs to: another screening's page finds nothing here.
    code = session_seals.unseal(
        session.get(SESSION_STARTED),
        purpose=STARTED_CODE_PURPOSE,
        bound_to=_started_bound_to(screening),
    )
    if code is None:
        return redirect(url_for(".resume_link", token=token))
    return _page(
        "patient/started.html",
        link=public_url(".resume_link", token=token),
        code=code,
        first_step=_step_url(token, QUESTIONNAIRE.sections[0].id),
    )


def _started_bound_to(screening: Screening) -> str:
    return f"screening:{screening.public_id}"


@bp.route("/resume", methods=["GET", "POST"])
@public
@limiter.limit(RESUME_RATE_LIMIT, methods=["POST"])
def resume() -> Response:
    form = ResumeForm()
    if request.method == "GET":
        return _page("patient/resume.html", form=form)
    if not _csrf_ok(form):
        return _page("patient/resume.html", form=form, timed_out=True)
    if not (form.code.data or "").strip():
        form.code.errors = [_("Enter your code, like ABCDE-12345.")]
        return _page("patient/resume.html", 200, form=form)
    screening = screenings.find_by_resume_code(form.code.data or "")
    if screening is None:
        form.code.errors = [
            _("We could not find a form with that code. Please check it and try again.")
        ]
        return _page("patient/resume.html", 200, form=form)
    problem = screenings.link_problem(screening)
    if problem:
        return _problem_page(problem)
    if screening.is_locked:
        return _page("patient/done.html", screening=screening, show_warning=False, words=None)
    token = screenings.replace_token(screening)
    _record_opened(screening, how="resume code")
    flash(_("Welcome back. Your answers are saved."), "success")
    return redirect(url_for(".resume_link", token=token))


@bp.get("/s/<token>")
@patient_link
def resume_link(token: str) -> Response:
    """Opening the private link, on any device: go on where the patient left off."""
    _record_opened(screenings.find_by_token(token))
    screening = _open(token)
    if screenings.needs_acknowledgement(screening):
        return redirect(url_for(".warning", token=token))
    return redirect(_step_url(token, screenings.first_incomplete_step(screening)))


@bp.route("/s/<token>/confirm", methods=["GET", "POST"])
@patient_link
def confirm(token: str) -> Response:
    """Invited screenings: the date of birth must match before any answer is shown."""
    screening = _open(token, allow_done=True, allow_unconfirmed=True)
    if _confirmed(screening):
        return redirect(url_for(".resume_link", token=token))
    form = ConfirmBirthDateForm()
    if request.method == "GET":
        return _page("patient/confirm.html", form=form)
    if not _csrf_ok(form):
        return _page("patient/confirm.html", form=form, timed_out=True)
    if not (form.date_of_birth.data or "").strip():
        form.date_of_birth.errors = [_("Enter your date of birth.")]
        return _page("patient/confirm.html", form=form)
    try:
        read = parse_date_typed(form.date_of_birth.data or "", day_first=current_locale() != "en")
    except AmbiguousDate:
        # Asked again, not counted as a try: a guess could lock the patient out.
        form.date_of_birth.errors = [
            _(AMBIGUOUS_DATE, typed=(form.date_of_birth.data or "").strip())
        ]
        return _page("patient/confirm.html", form=form)
    typed = parse_iso_date(read or "")
    if typed is None:
        form.date_of_birth.errors = [_("Enter a date like 1975-03-14 (year, month, day).")]
        return _page("patient/confirm.html", form=form)
    if typed > screenings.today():
        # Never a match and plainly a slip: the same words as on the form, and not a try.
        form.date_of_birth.errors = [_(FUTURE_DATE_OF_BIRTH)]
        return _page("patient/confirm.html", form=form)
    check = screenings.confirm_date_of_birth(screening, typed, ip=request.remote_addr)
    if check.locked:
        return _problem_page("locked")
    if not check.confirmed:
        form.date_of_birth.errors = [
            ngettext(
                "That date does not match what the clinic has. You can try %(num)d more time.",
                "That date does not match what the clinic has. You can try %(num)d more times.",
                check.tries_left,
            )
        ]
        return _page("patient/confirm.html", form=form)
    _remember_confirmed(screening)
    if screening.is_locked:
        return redirect(url_for(".done", token=token))
    return redirect(url_for(".resume_link", token=token))
