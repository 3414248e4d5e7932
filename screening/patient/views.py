"""Patient views: start, resume, the eight steps, warning pages, review, submit, confirmation.

Views stay thin: read the form, let `screening.services.screenings` validate and store, then
redirect or render. Access travels in the URL (`/s/<token>/...`), never answers in a cookie;
the Flask session only remembers which invited screenings had their date of birth confirmed
in this browser.

These views are exempt from the app-wide CSRFProtect so that an expired token can re-render the
page with everything typed and a plain message, instead of an error page; each view checks the
form's own CSRF token (FlaskForm) before anything is stored, so the protection stays on.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, StringField
from wtforms.widgets import DateInput

from screening.evaluation.catalogue import ACT_NOW_LEVELS
from screening.extensions import csrf, limiter
from screening.models import Screening
from screening.patient.errors import place_errors
from screening.patient.forms import (
    BODY_MAP_GROUPS,
    MAX_GROUP_ENTRIES_POSTED,
    StepForm,
    condition_attributes,
    form_data_from_answers,
    formdata_without_entry,
    parse_date_typed,
    shape_answers,
    step_form_class,
    unknown_names,
)
from screening.patient.review import review_sections
from screening.public_links import public_url
from screening.questionnaire import QUESTIONNAIRE, ItemType, Section, parse_iso_date
from screening.routes import patient_link, public
from screening.services import screenings
from screening.services.screenings import REVIEW_STEP, ScreeningLocked

bp = Blueprint("patient", __name__)

STEP_COUNT = len(QUESTIONNAIRE.sections)
SESSION_CONFIRMED = "confirmed"
MAX_CONFIRMED_IN_SESSION = 5
RESUME_RATE_LIMIT = "10 per minute"
# Generous (a waiting room shares one address), but stops a script filling the database.
START_RATE_LIMIT = "30 per minute"


def timed_out_message() -> str:
    return _(
        "For your safety this page timed out. Your answers are still here — "
        "please press Save and continue again."
    )


# -- small forms -----------------------------------------------------------------------------


class StartForm(FlaskForm):
    """Only a CSRF token: starting needs nothing else."""


class ResumeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Your resume code"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class ConfirmBirthDateForm(FlaskForm):
    date_of_birth = StringField(widget=DateInput(), render_kw={"autocomplete": "bday"})


class AcknowledgeForm(FlaskForm):
    """The "I understand" button of the emergency page."""


class ReviewForm(StepForm):
    consent_confirm = BooleanField(false_values=("", "false", "no"), render_kw={"value": "yes"})


def _csrf_ok(form: FlaskForm) -> bool:
    """The form's own CSRF check (the app-wide one is switched off for these views)."""
    if not form.meta.csrf:
        return True
    return bool(form.csrf_token.validate(form))


# -- opening a link --------------------------------------------------------------------------


def _page(template: str, status: int = 200, **context: Any) -> Response:
    return make_response(render_template(template, **context), status)


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


def _remember_confirmed(screening: Screening) -> None:
    confirmed = [p for p in session.get(SESSION_CONFIRMED, []) if p != screening.public_id]
    confirmed.append(screening.public_id)
    session[SESSION_CONFIRMED] = confirmed[-MAX_CONFIRMED_IN_SESSION:]


def _open(token: str, *, allow_done: bool = False, allow_unconfirmed: bool = False) -> Screening:
    """The screening behind a link, or abort with the page the patient should see instead."""
    screening = screenings.find_by_token(token)
    problem = screenings.link_problem(screening)
    if problem:
        abort(_problem_page(problem))
    if screening.is_locked and not allow_done:
        abort(redirect(url_for(".done", token=token)))
    if not allow_unconfirmed and not _confirmed(screening):
        abort(redirect(url_for(".confirm", token=token)))
    return screening


def _section_or_404(section_id: str) -> Section:
    try:
        return QUESTIONNAIRE.section(section_id)
    except KeyError:
        abort(404)


def _step_url(token: str, section_id: str) -> str:
    return url_for(".step", token=token, section_id=section_id)


def _next_section_id(section_id: str) -> str:
    ids = [s.id for s in QUESTIONNAIRE.sections]
    position = ids.index(section_id)
    return ids[min(position + 1, len(ids) - 1)]


def _previous_section_id(section_id: str) -> str | None:
    ids = [s.id for s in QUESTIONNAIRE.sections]
    position = ids.index(section_id)
    return ids[position - 1] if position > 0 else None


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
    link = public_url(".resume_link", token=new.token)
    # Shown once, straight from the POST: the code exists in plain text only now.
    return _page(
        "patient/started.html",
        link=link,
        code=new.formatted_code,
        first_step=_step_url(new.token, QUESTIONNAIRE.sections[0].id),
    )


@bp.route("/resume", methods=["GET", "POST"])
@public
@limiter.limit(RESUME_RATE_LIMIT, methods=["POST"])
def resume() -> Response:
    form = ResumeForm()
    if request.method == "GET":
        return _page("patient/resume.html", form=form)
    if not _csrf_ok(form):
        return _page("patient/resume.html", form=form, timed_out=True)
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
        return _page("patient/done.html", screening=screening, show_warning=False)
    token = screenings.replace_token(screening)
    screenings.record_link_opened(
        screening,
        ip=request.remote_addr,
        device=request.headers.get("User-Agent"),
        how="resume code",
    )
    flash(_("Welcome back. Your answers are saved."), "success")
    return redirect(url_for(".resume_link", token=token))


@bp.get("/s/<token>")
@patient_link
def resume_link(token: str) -> Response:
    """Opening the private link, on any device: go on where the patient left off."""
    screenings.record_link_opened(
        screenings.find_by_token(token),
        ip=request.remote_addr,
        device=request.headers.get("User-Agent"),
    )
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
    typed = parse_iso_date(parse_date_typed(form.date_of_birth.data or "") or "")
    if typed is None:
        form.date_of_birth.errors = [_("Enter a date like 1975-03-14 (year, month, day).")]
        return _page("patient/confirm.html", form=form)
    check = screenings.confirm_date_of_birth(screening, typed)
    if check.locked:
        return _problem_page("locked")
    if not check.confirmed:
        form.date_of_birth.errors = [
            _(
                "That date does not match what the clinic has. You can try %(n)d more times.",
                n=check.tries_left,
            )
        ]
        return _page("patient/confirm.html", form=form)
    _remember_confirmed(screening)
    if screening.is_locked:
        return redirect(url_for(".done", token=token))
    return redirect(url_for(".resume_link", token=token))


# -- the steps -------------------------------------------------------------------------------


def _render_step(
    token: str,
    screening: Screening,
    section: Section,
    form: StepForm,
    *,
    summary: list[tuple[str, str]] | None = None,
    group_errors: dict[str, list[str]] | None = None,
    notice: str | None = None,
    focus_id: str | None = None,
    status: int = 200,
) -> Response:
    number = QUESTIONNAIRE.step_number(section.id)
    previous = _previous_section_id(section.id)
    body_groups = [(_(title), codes) for title, codes in BODY_MAP_GROUPS]
    return _page(
        "patient/step.html",
        status,
        token=token,
        section=section,
        form=form,
        number=number,
        step_count=STEP_COUNT,
        summary=summary or [],
        group_errors=group_errors or {},
        notice=notice,
        focus_id=focus_id,
        previous_url=_step_url(token, previous) if previous else None,
        blocks=_blocks(section),
        body_groups=body_groups,
        max_entries=MAX_GROUP_ENTRIES_POSTED,
    )


def _condition_hint(condition_item: str) -> str:
    hints = {
        "work_status": _(
            "Only answer this if you have a job, even if you are off work now. Otherwise, skip it."
        ),
        "prior_spine_surgery": _(
            "Only if you answered Yes above. If you answered No, skip this part and "
            "press Save and continue at the bottom."
        ),
    }
    return hints.get(condition_item, _("Only if it applies to you."))


def _blocks(section: Section) -> list[dict[str, Any]]:
    """Items in runs that share one "applies when", so patient.js can show or hide each run."""
    blocks: list[dict[str, Any]] = []
    for item in section.items:
        condition = condition_attributes(item.applies_when)
        if blocks and blocks[-1]["condition"] == condition:
            blocks[-1]["members"].append(item)
            continue
        hint = _condition_hint(condition["name"]) if condition else ""
        blocks.append({"condition": condition, "hint": hint, "members": [item]})
    return blocks


@bp.route("/s/<token>/step/<section_id>", methods=["GET", "POST"])
@patient_link
def step(token: str, section_id: str) -> Response:
    screening = _open(token)
    section = _section_or_404(section_id)
    if screenings.needs_acknowledgement(screening):
        return redirect(url_for(".warning", token=token, next=section.id))
    if section.id == REVIEW_STEP:
        return _review(token, screening)
    form_class = step_form_class(section.id)
    if request.method == "GET":
        answers = screening.answers
        if section.id == "about" and "first_name" not in answers:
            answers = {**screenings.invitation_prefill(screening), **answers}
        data = form_data_from_answers(section, answers)
        form = form_class(data=data, return_to=_return_to(request.args.get("from")))
        return _render_step(token, screening, section, form)
    return _post_step(token, screening, section, form_class)


def _return_to(value: str | None) -> str:
    return REVIEW_STEP if value == REVIEW_STEP else ""


def _post_step(
    token: str, screening: Screening, section: Section, form_class: type[StepForm]
) -> Response:
    formdata = request.form
    probe = form_class(formdata=formdata)
    if unknown_names(section, probe, formdata):
        abort(400)

    if "add_surgery" in formdata or "remove_surgery" in formdata:
        return _change_entries(token, screening, section, form_class, formdata)

    form = probe
    if not _csrf_ok(form):
        return _render_step(token, screening, section, form, notice=timed_out_message())

    going_back = "back" in formdata
    finishing_later = "later" in formdata
    partial = going_back or finishing_later
    shaped = shape_answers(section, form)
    if shaped.errors:
        validated = screenings.check_section(screening, section.id, shaped.answers)
        errors = validated.errors
        if partial:
            errors = [e for e in errors if e.item_id in shaped.answered]
        summary, group_errors = place_errors(section, form, shaped, errors)
        return _render_step(
            token, screening, section, form, summary=summary, group_errors=group_errors
        )

    before = screenings.current_triage(screening)
    try:
        validated = screenings.save_section(screening, section.id, shaped.answers, partial=partial)
    except ScreeningLocked:
        return redirect(url_for(".done", token=token))
    if validated.errors:
        summary, group_errors = place_errors(section, form, shaped, validated.errors)
        notice = (
            _("Please fix the answers marked below before you go back. Blank answers are fine.")
            if partial
            else None
        )
        return _render_step(
            token,
            screening,
            section,
            form,
            summary=summary,
            group_errors=group_errors,
            notice=notice,
        )

    if finishing_later:
        next_id = section.id
    elif going_back:
        next_id = _previous_section_id(section.id) or section.id
    elif form.return_to.data == REVIEW_STEP:
        next_id = screenings.first_incomplete_step(screening)
    else:
        next_id = _next_section_id(section.id)

    after = screenings.current_triage(screening)
    if screenings.warning_due(section.id, before, after):
        return redirect(url_for(".warning", token=token, next=next_id))
    if finishing_later:
        return redirect(url_for(".later", token=token))
    return redirect(_step_url(token, next_id))


def _change_entries(
    token: str,
    screening: Screening,
    section: Section,
    form_class: type[StepForm],
    formdata: MultiDict,
) -> Response:
    """Add or remove a surgery entry without JavaScript: show the page again, save nothing."""
    group = next((item for item in section.items if item.type is ItemType.GROUP), None)
    if group is None:
        abort(400)
    focus_id = None
    notice = None
    if "remove_surgery" in formdata:
        raw_index = formdata.get("remove_surgery", "")
        if not raw_index.isdigit():
            abort(400)
        edited = formdata_without_entry(formdata, group.id, int(raw_index))
        form = form_class(formdata=edited)
        if not getattr(form, group.id).entries:
            getattr(form, group.id).append_entry()
        focus_id = "add_surgery"
        notice = _(
            "Operation %(n)d was removed. Press Save and continue to keep this change.",
            n=int(raw_index) + 1,
        )
    else:
        form = form_class(formdata=formdata)
        entries = getattr(form, group.id)
        if len(entries.entries) >= MAX_GROUP_ENTRIES_POSTED:
            notice = _("You can list up to %(max)d operations.", max=MAX_GROUP_ENTRIES_POSTED)
        else:
            entries.append_entry()
            new_entry = entries.entries[-1].form
            focus_id = next(iter(new_entry)).id
    return _render_step(token, screening, section, form, notice=notice, focus_id=focus_id)


# -- warning pages ---------------------------------------------------------------------------


@bp.route("/s/<token>/warning", methods=["GET", "POST"])
@patient_link
def warning(token: str) -> Response:
    """Emergency or urgent advice, shown before anything else after the warning signs."""
    screening = _open(token)
    next_id = request.args.get("next") or ""
    section_ids = [s.id for s in QUESTIONNAIRE.sections]
    if next_id not in section_ids:
        next_id = screenings.first_incomplete_step(screening)
    level = screenings.current_triage(screening)
    form = AcknowledgeForm()
    if request.method == "POST":
        if level != "emergency":
            return redirect(_step_url(token, next_id))
        if not _csrf_ok(form):
            return _page(
                "patient/warning.html",
                level=level,
                form=form,
                timed_out=True,
                next_url=_step_url(token, next_id),
            )
        screenings.acknowledge_warning(
            screening, ip=request.remote_addr, device=request.headers.get("User-Agent")
        )
        return redirect(_step_url(token, next_id))
    if level not in ACT_NOW_LEVELS:
        return redirect(_step_url(token, next_id))
    return _page("patient/warning.html", level=level, form=form, next_url=_step_url(token, next_id))


# -- review, submit, confirmation, later ------------------------------------------------------


def _review(token: str, screening: Screening) -> Response:
    complete = {
        section.id: screenings.section_complete(screening, section.id)
        for section in QUESTIONNAIRE.sections
        if section.id != REVIEW_STEP
    }
    form = ReviewForm()
    summary: list[tuple[str, str]] = []
    notice = None
    missing_sections: list[str] = []
    if request.method == "POST":
        if not _csrf_ok(form):
            notice = _(
                "For your safety this page timed out. Your answers are still saved — "
                "please tick the box and press Send my answers again."
            )
        else:
            try:
                validated = screenings.submit(screening, bool(form.consent_confirm.data))
            except ScreeningLocked:  # pragma: no cover - submit does not raise it
                validated = None
            if validated is not None and validated.ok:
                return redirect(url_for(".done", token=token))
            for error in validated.errors if validated else []:
                if error.item_id == "consent_confirm":
                    message = _(error.template)
                    form.consent_confirm.errors = [message]
                    summary.append(("consent_confirm", message))
                else:
                    try:
                        missing = QUESTIONNAIRE.section_of(error.item_id).id
                    except KeyError:
                        missing = None
                    if missing and missing not in missing_sections:
                        missing_sections.append(missing)
            for section_id in missing_sections:
                section = QUESTIONNAIRE.section(section_id)
                summary.insert(
                    0,
                    (
                        f"section-{section_id}",
                        _(
                            "%(title)s: some answers are missing or need a change.",
                            title=_(section.title),
                        ),
                    ),
                )
    sections = review_sections(screening.answers, complete)
    number = QUESTIONNAIRE.step_number(REVIEW_STEP)
    return _page(
        "patient/review.html",
        token=token,
        form=form,
        sections=sections,
        summary=summary,
        notice=notice,
        number=number,
        step_count=STEP_COUNT,
        all_complete=all(complete.values()),
        section=QUESTIONNAIRE.section(REVIEW_STEP),
        previous_url=_step_url(token, _previous_section_id(REVIEW_STEP) or REVIEW_STEP),
    )


@bp.get("/s/<token>/done")
@patient_link
def done(token: str) -> Response:
    # The confirmation repeats the patient's own warning, so it asks for the date of birth
    # first, like every other page behind the link.
    screening = _open(token, allow_done=True)
    if not screening.is_locked:
        return redirect(url_for(".resume_link", token=token))
    return _page("patient/done.html", screening=screening, show_warning=True)


@bp.get("/s/<token>/later")
@patient_link
def later(token: str) -> Response:
    screening = _open(token)
    return _page(
        "patient/later.html",
        link=public_url(".resume_link", token=token),
        screening=screening,
    )


for _view in (start, resume, confirm, step, warning):
    csrf.exempt(_view)
