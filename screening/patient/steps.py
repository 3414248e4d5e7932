"""The questionnaire steps: show a step from the definition, save it, add or remove entries.

A step saved with mistakes is answered with a redirect to the step's own page (Post/Redirect/
Get), which shows the errors again: what was right is already stored and what was typed wrong
waits in the step's draft, so the page can be built from the database. Were the errors page the
answer to the POST, the browser's Back button (after the patient fixed the step and went on)
would offer to send that old form again, and sending it would save the older answers over the
fixed ones. What the redirect cannot carry waits in the patient's session (step_marks).

Each page also carries its own id and what it showed, so a page left behind in the browser's
history (or another tab) cannot save older answers over newer ones
(screening.services.step_pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from screening.models import Screening
from screening.patient import language, step_marks
from screening.patient.blueprint import (
    STEP_COUNT,
    _csrf_ok,
    _next_section_id,
    _page,
    _previous_section_id,
    _section_or_404,
    _step_url,
    bp,
    step_progress,
    timed_out_message,
)
from screening.patient.drafts import (
    apply_draft,
    draft_item,
    has_unsaved,
    step_draft,
    storable_answers,
    unsaved_items,
)
from screening.patient.errors import place_errors
from screening.patient.finish import _review
from screening.patient.forms import (
    BODY_MAP_GROUPS,
    MAX_GROUP_ENTRIES_POSTED,
    StepForm,
    condition_attributes,
    entry_position,
    form_data_from_answers,
    formdata_without_entry,
    posted_positions,
    shape_answers,
    step_form_class,
    unknown_names,
)
from screening.patient.link_access import _open
from screening.patient.warning_words import WarningWords, warning_words
from screening.questionnaire import QUESTIONNAIRE, ItemType, Section
from screening.routes import patient_link
from screening.services import screenings
from screening.services.screenings import REVIEW_STEP, ScreeningLocked
from screening.services.step_pages import (
    PageSeen,
    StepChanged,
    address_key,
    new_page_id,
    step_version,
)
from screening.translations_cache import gettext as _

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
    warning: WarningWords | None = None,
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
        action=_action_url(token, screening, section, form),
        number=number,
        step_count=STEP_COUNT,
        summary=summary or [],
        group_errors=group_errors or {},
        notice=notice,
        focus_id=focus_id,
        previous_url=_step_url(token, previous) if previous else None,
        blocks=_blocks(section, screening.answers),
        body_groups=body_groups,
        max_entries=MAX_GROUP_ENTRIES_POSTED,
        words=warning,
        progress=step_progress(screening, number),
    )


def _condition_hint(condition_item: str) -> str:
    """The "only if..." words of an item whose definition gives none (a general fallback)."""
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


def _blocks(section: Section, answers: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Items in runs that share one "applies when", so patient.js can show or hide each run.

    An item whose rule reads only answers from other steps (a surgery scar, asked on the
    warning-signs step, depends on the surgery step) is decided here from the stored answers:
    shown plainly when it applies, left out when it does not. The rest carry their rule for
    the script and their "only if..." words for a page read without it.
    """
    answers = answers or {}
    blocks: list[dict[str, Any]] = []
    for item in section.items:
        rule = item.applies_when
        if rule is not None and not rule.depends_on() & set(section.item_ids):
            if not rule.holds(answers):
                continue
            rule = None
        condition = condition_attributes(rule)
        if rule is not None and blocks and blocks[-1]["rule"] == rule:
            blocks[-1]["members"].append(item)
            continue
        if rule is None and blocks and blocks[-1]["rule"] is None:
            blocks[-1]["members"].append(item)
            continue
        hint = ""
        if rule is not None and item.only_if:
            hint = _(item.only_if)
        elif rule is not None:
            hint = _condition_hint(sorted(rule.depends_on())[0])
        blocks.append({"rule": rule, "condition": condition, "hint": hint, "members": [item]})
    return blocks


def _action_url(token: str, screening: Screening, section: Section, form: StepForm) -> str:
    """Where the step form posts: the step's address, then a key that changes when the
    step's stored answers do (see step_pages.address_key: what it makes the browser's Back
    and Forward show). The server never reads it."""
    key = address_key(
        current_app.secret_key or "", screening.public_id, section.id, form.loaded.data or ""
    )
    # On its way back to the review: kept in the address too, for a page opened from it.
    back_to_review = {"from": REVIEW_STEP} if form.return_to.data == REVIEW_STEP else {}
    return url_for(".step", token=token, section_id=section.id, shown=key, **back_to_review)


@bp.route("/s/<token>/step/<section_id>", methods=["GET", "POST"])
@bp.route("/s/<token>/step/<section_id>/as/<shown>", methods=["GET", "POST"])
@patient_link
def step(token: str, section_id: str, shown: str | None = None) -> Response:
    if shown is not None and request.method == "GET":
        # The address a page posted to (shown after Add operation, say), opened again.
        back_to_review = {"from": REVIEW_STEP} if request.args.get("from") == REVIEW_STEP else {}
        return redirect(url_for(".step", token=token, section_id=section_id, **back_to_review))
    screening = _open(token)
    section = _section_or_404(section_id)
    # An emergency warning not yet acknowledged comes before every page. A step's own post is
    # saved first, though: it is the patient's fix for the errors shown beside the warning (it
    # was dropped on the way to the warning page, and the fix with it); its redirect then
    # lands on the warning. Sending the form still waits for "I understand". The one page shown
    # before it is the step whose save just found mistakes: its errors come back with the
    # warning beside them, above the errors, where focus goes first.
    marks = step_marks.for_step(screening, section) if request.method == "GET" else None
    if (
        screenings.needs_acknowledgement(screening)
        and (request.method == "GET" or section.id == REVIEW_STEP)
        and marks is None
    ):
        return redirect(url_for(".warning", token=token, next=section.id))
    if section.id == REVIEW_STEP:
        return _review(token, screening)
    form_class = step_form_class(section.id)
    if request.method == "GET":
        form = _stored_form(screening, section, form_class, _return_to(request.args.get("from")))
        draft = screening.draft.get(section.id) or {}
        if has_unsaved(draft) or marks is not None:
            marked = (marks or {}).get("items") or ()
            summary, group_errors = _draft_errors(screening, section, form, draft, marked)
            if summary or group_errors:
                warning = None
                if marks is not None:
                    warning = step_marks.warning_beside_errors(screening, bool(marks.get("warn")))
                    # Said once beside the errors; an emergency still waiting for "I
                    # understand" is shown for as long as it waits (needs_acknowledgement).
                    step_marks.warning_said(marks)
                return _render_step(
                    token,
                    screening,
                    section,
                    form,
                    summary=summary,
                    group_errors=group_errors,
                    notice=step_marks.notice(marks),
                    warning=warning,
                )
            # Nothing left to mark (put right on another device): no notice about nothing.
            step_marks.forget()
        return _render_step(token, screening, section, form)
    return _post_step(token, screening, section, form_class)


def _stored_form(
    screening: Screening, section: Section, form_class: type[StepForm], return_to: str
) -> StepForm:
    """The step as stored: its answers, the draft's typed text on top, and a new page id with
    the digest of what the page shows (screening.services.step_pages)."""
    answers = screening.answers
    # Offered until the patient saves their own (phone is required from version 2 on, so a
    # version 1 screening is offered the invitation's phone and email too).
    if section.id == "about" and "phone" not in answers:
        answers = {**screenings.invitation_prefill(screening), **answers}
    data = apply_draft(
        section,
        form_data_from_answers(section, answers),
        screening.draft.get(section.id),
        answers,
        current_app.config.get("MEASUREMENT_UNITS"),
    )
    return form_class(
        formdata=None,  # never the request's: after a refused save, it holds the old page
        data=data,
        return_to=return_to,
        page=new_page_id(),
        loaded=step_version(section, screening.answers, screening.draft.get(section.id)),
    )


def _out_of_date(token: str, screening: Screening, section: Section, posted: StepForm) -> Response:
    """A save from a page shown before the step last changed (Back twice, another tab or
    device): nothing was saved. The page shows the step as stored now, says why, and gives
    the advice the posted answers would have called for, since they may be newer news."""
    form = _stored_form(screening, section, type(posted), _return_to(posted.return_to.data))
    return _render_step(
        token,
        screening,
        section,
        form,
        notice=_(
            "This page was out of date, so we did not save it. Your answers to this step "
            "changed after it was opened: on a later page, in another tab or on another "
            "device. Below are your saved answers. If something is not right, change it and "
            "save again."
        ),
        status=409,
        warning=_warning_if_saved(screening, section, posted),
    )


def _warning_if_saved(
    screening: Screening, section: Section, form: StepForm
) -> WarningWords | None:
    """The emergency or urgent advice the answers on the page would call for if they were
    saved, for a page that cannot save them (its form token expired: a phone left open
    overnight). The advice must not wait for a second press the patient may never make.
    Nothing is saved and no alert goes out, so the words do not say the clinic was told."""
    checked = screenings.check_section(
        screening, section.id, shape_answers(section, form, screening.answers).answers
    )
    answers = {**screening.answers, **checked.answers}
    assessment = screenings.assessment_of(answers)
    if assessment is None:
        return None
    words = warning_words(assessment.triage, assessment.triage_rules, answers)
    return replace(words, clinic_told=False) if words is not None else None


def _draft_errors(
    screening: Screening,
    section: Section,
    form: StepForm,
    draft: dict[str, Any],
    marked: Iterable[str] = (),
) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Coming back to a step whose typed text could not be saved: say again what to fix.

    Only the answers waiting in the draft are marked, and those the save just made was told
    about (`marked`: a required answer left blank); a blank one is not an error otherwise.
    """
    unsaved = set(draft.get("unsaved") or ()) | {str(item) for item in marked}
    shaped = shape_answers(section, form, screening.answers)
    shaped.errors = {k: v for k, v in shaped.errors.items() if draft_item(k) in unsaved}
    errors = [
        e
        for e in screenings.check_section(screening, section.id, shaped.answers).errors
        if e.item_id in unsaved
    ]
    return place_errors(section, form, shaped, errors)


def _return_to(value: str | None) -> str:
    return REVIEW_STEP if value == REVIEW_STEP else ""


def _step_again_url(token: str, section: Section, form: StepForm) -> str:
    """The step's own page, still on its way back to the review when it came from there."""
    if form.return_to.data == REVIEW_STEP:
        return url_for(".step", token=token, section_id=section.id, **{"from": REVIEW_STEP})
    return _step_url(token, section.id)


def _post_step(
    token: str, screening: Screening, section: Section, form_class: type[StepForm]
) -> Response:
    formdata = request.form
    # Checked before a form is built from the names (see posted_names.allowed_names).
    if unknown_names(section, form_class, formdata):
        abort(400)
    # Marks are for the page right after a save; this post decides anew.
    step_marks.forget()
    probe = form_class(formdata=formdata)

    if "add_surgery" in formdata or "remove_surgery" in formdata:
        return _change_entries(token, screening, section, form_class, formdata)

    form = probe
    if not _csrf_ok(form):
        return _render_step(
            token,
            screening,
            section,
            form,
            notice=timed_out_message(formdata),
            warning=_warning_if_saved(screening, section, form),
        )

    switching_language = language.switch_language_from_form(screening, formdata)
    going_back = "back" in formdata
    finishing_later = "later" in formdata
    partial = going_back or finishing_later or switching_language
    shaped = shape_answers(section, form, screening.answers)
    checked = screenings.check_section(screening, section.id, shaped.answers)
    errors = checked.errors
    if partial:
        # Going back or stopping for now: blank answers are fine, typed ones must be right.
        errors = [e for e in errors if e.item_id in shaped.answered]
    faulty = unsaved_items(section, shaped, errors)

    try:
        # What is right is stored even when something else on the step is not; the text of
        # what is not is kept as the step's draft (nothing typed is lost).
        saved = screenings.save_section(
            screening,
            section.id,
            storable_answers(shaped.answers, faulty),
            partial=partial or bool(shaped.errors or errors),
            draft=step_draft(section, formdata, faulty),
            seen=PageSeen.posted(form.page.data, form.loaded.data),
        )
    except ScreeningLocked:
        return redirect(url_for(".done", token=token))
    except StepChanged:
        return _out_of_date(token, screening, section, form)
    errors = errors or saved.errors
    # From the save itself: the row is not read again to know whether to warn.
    warn = screenings.warning_due(section.id, saved.triage_before, saved.triage_after)
    if shaped.errors or errors:
        notice_kind = "later" if finishing_later else "back" if going_back else None
        if not saved.errors:
            # Stored: what was right is in the answers, what was typed wrong in the draft.
            step_marks.keep(
                screening,
                section,
                {draft_item(field_id) for field_id in shaped.errors}
                | {error.item_id for error in errors},
                notice_kind,
                bool(warn),
            )
            return redirect(_step_again_url(token, section, form), code=303)
        # Nothing was stored (an error in what would have been kept): this page is the only
        # place the typed answers are, so it answers the post itself.
        summary, group_errors = place_errors(section, form, shaped, errors)
        return _render_step(
            token,
            screening,
            section,
            form,
            summary=summary,
            group_errors=group_errors,
            notice=step_marks.notice({"notice": notice_kind}),
            warning=step_marks.warning_beside_errors(screening, bool(warn)),
        )

    if finishing_later or switching_language:
        next_id = section.id
    elif going_back:
        next_id = _previous_section_id(section.id) or section.id
    elif form.return_to.data == REVIEW_STEP:
        next_id = screenings.first_incomplete_step(screening)
    else:
        next_id = _next_section_id(section.id)

    if warn:
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
        index = entry_position(formdata.get("remove_surgery", ""))
        if index is None or index not in posted_positions(formdata, group.id):
            abort(400)  # no such entry on the page: nothing to remove
        edited = formdata_without_entry(formdata, group.id, index)
        form = form_class(formdata=edited)
        if not getattr(form, group.id).entries:
            getattr(form, group.id).append_entry()
        focus_id = "add_surgery"
        notice = _(
            "Operation %(n)d was removed. Press Save and continue to keep this change.",
            n=index + 1,
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
    if PageSeen.posted(form.page.data, form.loaded.data) is not None:
        # A page of its own, showing what the posted one did: Back to this post, sent again
        # after a save from the page it answered, is then a page that did not make that save.
        form.page.data = new_page_id()
    return _render_step(token, screening, section, form, notice=notice, focus_id=focus_id)
