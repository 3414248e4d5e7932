"""The patient's screening: start, open by link or code, save each step, submit, export.

This module owns the commits for everything a patient does. Views hand it canonical-typed
answers (the form layer has only done the shape); here they are validated with the same
validator the CLI uses, merged into the stored answer set, and stored as canonical JSON.

Two guarantees are enforced in the database, not only in the views:

- After submission nothing changes: every write is an `UPDATE ... WHERE status` that still
  expects an open screening, so a late post from a second tab changes no row.
- Submitting twice (a double click, two tabs) yields one submission: only the first
  `UPDATE ... WHERE status != submitted` matches a row; the evaluation and the PDF summary are
  stored in that same transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app
from sqlalchemy import bindparam, or_, select, update

from screening.evaluation import RULES_VERSION, TriageResult, assess_triage, evaluate
from screening.evaluation.catalogue import ACT_NOW_LEVELS, TRIAGE_RANK
from screening.extensions import db
from screening.models import Screening, ScreeningStatus
from screening.outbox import cancel
from screening.questionnaire import (
    QUESTIONNAIRE,
    AnswerError,
    Section,
    Validated,
    canonical_json,
    parse_iso_date,
    validate_answer_set,
    validate_section,
)
from screening.questionnaire.text_input import printable_only
from screening.services import access, audit, red_flags
from screening.services.locking import lock_for_update
from screening.services.step_pages import PAGE_KEY, PageSeen, StepChanged, out_of_date

OPEN_STATUSES = (ScreeningStatus.INVITED.value, ScreeningStatus.IN_PROGRESS.value)
DONE_STATUSES = (ScreeningStatus.SUBMITTED.value, ScreeningStatus.REVIEWED.value)
REVIEW_STEP = "review"
WARNING_STEP = "warning_signs"
# Most serious first; only emergency and urgent are shown to the patient.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Public ids are URL-safe base64; anything else (a NUL byte, say) is not looked up at all.
PUBLIC_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class ScreeningLocked(Exception):
    """The screening was submitted (or reviewed): its answers never change again."""


class SubmitConflict(Exception):
    """The answers kept changing while the submission was being prepared (several devices)."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def clinic_date(moment: datetime | None = None) -> date:
    """The calendar date at the clinic (CLINIC_TIMEZONE) at `moment` (default: now).

    Ages, "this year" for surgeries and the evaluation's as-of date follow the clinic's
    calendar: a patient sending the form at 8 pm in New York is still on today's date, though
    UTC has moved on.
    """
    return (moment or utcnow()).astimezone(clinic_zone()).date()


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone (CLINIC_TIMEZONE): staff read and type every time in it."""
    return ZoneInfo(current_app.config.get("CLINIC_TIMEZONE") or "UTC")


def today() -> date:
    """The date answers are checked against while the form is filled in."""
    return clinic_date()


# Apostrophes as phones and keyboards type them (O'Connor, O’Connor, Oʼ Connor...): left out of
# the search key, so every spelling, and "oconnor", is the same name. Hyphens (and dashes)
# separate words: "Smith-Jones" is found by "jones" and by "smith jones".
NAME_APOSTROPHES = "'’‘ʼʹ`´′＇"
NAME_HYPHENS = "-‐‑‒–—―－"
_NAME_FOLD = str.maketrans(
    {**dict.fromkeys(NAME_APOSTROPHES, ""), **dict.fromkeys(NAME_HYPHENS, " ")}
)


def name_search_key(first: str | None, last: str | None) -> str | None:
    """Lower-case, accent-free "first last" so staff can search names however they type them
    (apostrophes left out, hyphens as spaces). For matching only: names are stored as typed.

    Stored in `patient_name_search`; migration c1a0e2f01801 recomputed it when apostrophes and
    hyphens were first folded (keep its copy of this function in step with any change here).
    """
    text = " ".join(part for part in (first, last) if part)
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_NAME_FOLD))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().translate(_NAME_FOLD).split())[:210] or None


def is_invited(screening: Screening) -> bool:
    """Made by the clinic for a named patient (self-started screenings have no invited DOB)."""
    return screening.invited_date_of_birth is not None


def name_columns(screening: Screening, first: str | None, last: str | None) -> dict[str, Any]:
    """The name columns to store when the patient types their name (issue 13, one identity).

    Self-started: the typed name is the record's name. Invited: the record keeps the name the
    clinic entered (the typed one stays in the answers); the typed name is added to the search
    key, so the queue finds the patient under either.
    """
    typed = name_search_key(first, last)
    if not is_invited(screening):
        return {
            "patient_first_name": first,
            "patient_last_name": last,
            "patient_name_search": typed,
        }
    invited = name_search_key(screening.patient_first_name, screening.patient_last_name)
    both = invited if not typed or typed == invited else f"{invited or ''} {typed}".strip()
    return {"patient_name_search": both[:210] if both else None}


# -- start and open --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewScreening:
    """A freshly started screening with its secrets, which exist in plain text only now."""

    screening: Screening
    token: str
    resume_code: str

    @property
    def formatted_code(self) -> str:
        return access.format_resume_code(self.resume_code)


def issue_link(
    screening: Screening, secret_key: str, *, seed: str | None = None
) -> tuple[str, str]:
    """Give a screening a new private link and resume code; returns both in clear (show once).

    Only their hashes are stored. Any earlier link, including one issued to a device after a
    resume code, stops working. The one place link secrets are made, for self-started and
    invited screenings alike; does not commit. Invitations pass a `seed` (stored by the
    invitation service) so the same link can be shown or emailed again; see
    access.link_secrets_from_seed.
    """
    if seed is not None:
        token, code = access.link_secrets_from_seed(seed, secret_key)
    else:
        token, code = access.new_token(), access.new_resume_code()
    screening.token_hash = access.hash_token(token)
    screening.device_token_hash = None
    screening.resume_code_hash = access.hash_resume_code(code, secret_key)
    return token, code


def start_screening() -> NewScreening:
    """Create a self-started screening; the token and code are shown to the patient once."""
    screening = Screening(
        public_id=access.new_public_id(),
        status=ScreeningStatus.IN_PROGRESS.value,
        answers_json="{}",
        questionnaire_version=QUESTIONNAIRE.version,
        dob_failures=0,
    )
    token, code = issue_link(screening, current_app.config["SECRET_KEY"])
    db.session.add(screening)
    db.session.commit()
    return NewScreening(screening, token, code)


def find_by_token(token: str) -> Screening:
    """The screening a private link opens; 404 for an unknown or tampered token."""
    if not TOKEN_SHAPE.match(token or ""):
        abort(404)
    digest = access.hash_token(token)
    screening = db.session.execute(_BY_TOKEN, {"digest": digest}).scalar_one_or_none()
    if screening is None:
        abort(404)
    return screening


# Built once: every patient request runs it, and a statement built anew is analysed anew.
_BY_TOKEN = select(Screening).where(
    or_(
        Screening.token_hash == bindparam("digest"),
        Screening.device_token_hash == bindparam("digest"),
    )
)


def find_by_public_id(public_id: str) -> Screening | None:
    """The screening a staff URL names, or None (public ids are random: nothing to guess)."""
    if not PUBLIC_ID_SHAPE.fullmatch(public_id or ""):
        return None
    return db.session.scalar(select(Screening).where(Screening.public_id == public_id))


def find_by_resume_code(text: str) -> Screening | None:
    """The screening a typed resume code belongs to, or None (typos forgiven, see access)."""
    code = access.normalise_resume_code(text or "")
    if code is None:
        return None
    digest = access.hash_resume_code(code, current_app.config["SECRET_KEY"])
    return db.session.execute(
        select(Screening).where(Screening.resume_code_hash == digest)
    ).scalar_one_or_none()


def replace_token(screening: Screening) -> str:
    """Give a screening a second private link for this device, after resuming by code.

    Only a hash of the first token is stored, so it cannot be shown again; a new link is the
    only way to give the patient a working link here. The first link (perhaps printed as a QR
    code by the clinic) keeps working; a previous code-issued link is replaced.
    """
    token = access.new_token()
    db.session.execute(
        update(Screening)
        .where(Screening.id == screening.id)
        .values(device_token_hash=access.hash_token(token))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token


def choose_locale(screening: Screening, locale: str) -> None:
    """Remember the language the patient chose for this screening (one commit).

    Not an answer: it may change after the answers are sent (the handout follows it).
    """
    if screening.patient_locale == locale:
        return
    screening.patient_locale = locale
    db.session.commit()


def link_problem(screening: Screening, now: datetime | None = None) -> str | None:
    """Why a link cannot be used now ("revoked", "expired", "locked"), or None if it can.

    A submitted screening is never "expired": its link keeps showing the confirmation.
    """
    now = now or utcnow()
    if screening.revoked_at is not None:
        return "revoked"
    if screening.is_locked:
        return None
    if screening.expires_at is not None and screening.expires_at <= now:
        return "expired"
    if is_abandoned(screening, now):
        return "expired"
    if screening.locked_at is not None:
        return "locked"
    return None


def abandoned_after() -> timedelta:
    """How long an in-progress screening may go unsaved before its links stop working."""
    return timedelta(days=int(current_app.config.get("ABANDONED_AFTER_DAYS", 30)))


def is_abandoned(screening: Screening, now: datetime | None = None) -> bool:
    """An in-progress screening nobody saved for ABANDONED_AFTER_DAYS: its links expire (a
    self-started link would otherwise open the answers forever). Staff can reissue it."""
    if screening.status != ScreeningStatus.IN_PROGRESS.value or screening.updated_at is None:
        return False
    return screening.updated_at <= (now or utcnow()) - abandoned_after()


def needs_date_of_birth(screening: Screening) -> bool:
    """Invited screenings, and any screening whose link staff reissued, ask for the date of
    birth before showing anything: whoever holds a reissued link (perhaps the staff member who
    printed it) must not read the answers as if they were the patient."""
    return screening.invited_date_of_birth is not None or bool(screening.birth_date_required)


def expected_birth_date(screening: Screening) -> date | None:
    """The date of birth a link asks for: the clinic's (invitation), else the patient's own."""
    if screening.invited_date_of_birth is not None:
        return screening.invited_date_of_birth
    typed = screening.answers.get("date_of_birth")
    return parse_iso_date(typed) if isinstance(typed, str) else None


@dataclass(frozen=True)
class BirthDateCheck:
    """The outcome of one try at confirming the date of birth of an invited screening."""

    confirmed: bool
    locked: bool
    tries_left: int


def confirm_date_of_birth(
    screening: Screening, typed: date, *, ip: str | None = None
) -> BirthDateCheck:
    """Compare a typed date of birth with the invitation; wrong tries count towards a lock,
    and each is in the audit trail (someone guessing at a link shows there)."""
    limit = int(current_app.config.get("DOB_MAX_ATTEMPTS", 5))
    if screening.locked_at is not None:
        return BirthDateCheck(False, True, 0)
    expected = expected_birth_date(screening)
    if expected is not None and typed == expected:
        return BirthDateCheck(True, False, limit - (screening.dob_failures or 0))
    # Counted in the database, so parallel guesses cannot slip past the limit.
    db.session.execute(
        update(Screening)
        .where(Screening.id == screening.id)
        .values(dob_failures=Screening.dob_failures + 1)
        .execution_options(synchronize_session=False)
    )
    failures = db.session.execute(
        select(Screening.dob_failures).where(Screening.id == screening.id)
    ).scalar_one()
    locked = failures >= limit
    if locked:
        db.session.execute(
            update(Screening)
            .where(Screening.id == screening.id, Screening.locked_at.is_(None))
            .values(locked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    audit.record(
        "patient_date_of_birth_refused",
        actor=None,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=f"wrong try {failures} of {limit}" + ("; link locked" if locked else ""),
    )
    db.session.commit()
    return BirthDateCheck(False, locked, max(limit - failures, 0))


def invitation_prefill(screening: Screening) -> dict[str, Any]:
    """Step 1 answers known from the invitation, offered until the patient saves their own."""
    prefill: dict[str, Any] = {}
    if screening.patient_first_name:
        prefill["first_name"] = screening.patient_first_name
    if screening.patient_last_name:
        prefill["last_name"] = screening.patient_last_name
    if screening.invited_date_of_birth:
        prefill["date_of_birth"] = screening.invited_date_of_birth.isoformat()
    if screening.invited_phone:
        prefill["phone"] = screening.invited_phone
    if screening.invited_email:
        prefill["email"] = screening.invited_email
    return prefill


# -- saving steps ----------------------------------------------------------------------------


def _section(section_id: str) -> Section:
    try:
        return QUESTIONNAIRE.section(section_id)
    except KeyError:
        abort(404)


def _without_section(answers: Mapping[str, Any], section: Section) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if k not in section.item_ids}


def drop_not_applying(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Remove answers to items that no longer apply, anywhere in the set, until stable.

    In the web form an answer that stops applying (prior surgery changed to "no") is dropped
    on save, never stored, summarised or printed.
    """
    result = dict(answers)
    changed = True
    while changed:
        changed = False
        for item in QUESTIONNAIRE.items:
            if item.id in result and not item.applies(result):
                del result[item.id]
                changed = True
    return result


def _prepared(
    screening: Screening, section: Section, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(section answers without the ones that do not apply, the other stored answers)."""
    others = _without_section(screening.answers, section)
    merged = {**others, **raw}
    kept = {
        key: value
        for key, value in raw.items()
        if key not in section.item_ids or QUESTIONNAIRE.item(key).applies(merged)
    }
    return kept, others


def check_section(
    screening: Screening, section_id: str, raw_answers: Mapping[str, Any]
) -> Validated:
    """Validate a step's answers against the stored ones without saving anything."""
    section = _section(section_id)
    kept, others = _prepared(screening, section, raw_answers)
    return validate_section(section, kept, today(), context=others)


@dataclass
class Saved(Validated):
    """A save's validation, and the provisional triage before and after it (the same when
    nothing was stored; None before the warning-signs step), so the page knows whether to warn
    without reading the row again."""

    triage_before: str | None = None
    triage_after: str | None = None


def _blocking(errors: list[AnswerError], typed: set[str]) -> list[AnswerError]:
    """Errors about something the patient typed (missing answers do not block going back)."""
    return [error for error in errors if error.item_id in typed]


def save_section(
    screening: Screening,
    section_id: str,
    raw_answers: Mapping[str, Any],
    *,
    partial: bool = False,
    draft: Mapping[str, Any] | None = None,
    seen: PageSeen | None = None,
) -> Saved:
    """Validate one step and merge it into the stored answers (one commit).

    `partial` (Back, Finish later) stores what is valid without requiring the step to be
    complete, but still refuses anything typed that is not valid, so nothing invalid is stored
    and nothing typed is silently lost. Answers that stop applying are dropped, in this step and
    in others. Returns the validation; nothing is stored when it has errors that count.
    `draft` (when given) replaces this step's draft: the text typed but not stored, and the
    units height and weight were typed in (see screening.patient.drafts).
    `seen` (when given) is the step page the answers come from: the save is refused with
    StepChanged when the step changed after that page was shown, and not by it (see
    screening.services.step_pages); checked under the lock, so two saves at once cannot both
    pass it.
    Raises ScreeningLocked after submission.
    """
    section = _section(section_id)
    if section.id == REVIEW_STEP:
        raise ValueError("the review step is submitted, not saved")
    lock_for_update(screening)
    if screening.is_locked:
        db.session.rollback()
        raise ScreeningLocked(screening.public_id)
    step_draft = screening.draft.get(section.id)
    if seen is not None and out_of_date(seen, section, screening.answers, step_draft):
        db.session.rollback()
        raise StepChanged(section.id)
    kept, others = _prepared(screening, section, raw_answers)
    validated = validate_section(section, kept, today(), context=others)
    if partial:
        typed = {key for key, value in kept.items() if value not in (None, "", [])}
        errors = _blocking(validated.errors, typed)
    else:
        errors = validated.errors
    before = _level(_stored_assessment(screening))
    if errors:
        db.session.rollback()
        return Saved(validated.answers, errors, triage_before=before, triage_after=before)

    answers = drop_not_applying({**others, **validated.answers})
    answers_json = canonical_json(answers)
    assessment = _assessed(answers_json, answers, today())
    after = _level(assessment)
    now = utcnow()
    values: dict[str, Any] = {
        "answers_json": answers_json,
        "status": ScreeningStatus.IN_PROGRESS.value,
        "updated_at": now,
        # Saved answers follow the current version (an earlier one carries on under it).
        "questionnaire_version": QUESTIONNAIRE.version,
    }
    if "first_name" in answers or "last_name" in answers:
        values.update(name_columns(screening, answers.get("first_name"), answers.get("last_name")))
    if draft is not None or seen is not None:
        kept_draft = dict(draft if draft is not None else step_draft or {})
        if seen is not None:
            kept_draft[PAGE_KEY] = seen.page
        values["draft_json"] = _with_step_draft(screening, section.id, kept_draft)
    if warning_due(section.id, before, after) == "emergency":
        # Shown again on this save, and again needs "I understand".
        values["warning_acknowledged_at"] = None
    # The provisional triage, the save log and any alert commit with the answers; the triage
    # is written by the same UPDATE as the answers.
    values.update(red_flags.record_save(screening, section.id, assessment, now))
    if not _update_open(screening, values):
        db.session.rollback()
        raise ScreeningLocked(screening.public_id)
    db.session.commit()
    return Saved(validated.answers, [], triage_before=before, triage_after=after)


def _with_step_draft(screening: Screening, section_id: str, draft: Mapping[str, Any]) -> str | None:
    """The screening's drafts with this step's replaced (None when no step has one)."""
    drafts = {k: v for k, v in screening.draft.items() if k != section_id}
    if draft:
        drafts[section_id] = dict(draft)
    return json.dumps(drafts, sort_keys=True, ensure_ascii=False) if drafts else None


def _update_open(screening: Screening, values: Mapping[str, Any]) -> bool:
    """UPDATE the row only while it is still open; False when it was submitted meanwhile.

    A table-level UPDATE (the ORM's bulk-update machinery would add about a millisecond to
    every save for nothing: the instance is not synchronised and is reloaded when next read),
    built once for each set of columns a save writes.
    """
    statement = _open_update(frozenset(values))
    result = db.session.execute(
        statement, {"_screening_id": screening.id, **{f"_{k}": v for k, v in values.items()}}
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


@lru_cache(maxsize=256)
def _open_update(columns: frozenset[str]) -> Any:
    table = Screening.__table__
    return (
        table.update()
        .where(table.c.id == bindparam("_screening_id"), table.c.status.in_(OPEN_STATUSES))
        .values({name: bindparam(f"_{name}") for name in sorted(columns)})
    )


def section_complete(screening: Screening, section_id: str) -> bool:
    """A step is complete when its stored answers pass the validator as they are, and no
    typed text of it waits in the draft (an answer that could not be saved)."""
    section = _section(section_id)
    if (screening.draft.get(section_id) or {}).get("unsaved"):
        return False
    day = today()

    def validate() -> bool:
        answers = json.loads(screening.answers_json or "{}")
        own = {k: v for k, v in answers.items() if k in section.item_ids}
        return validate_section(section, own, day, context=_without_section(answers, section)).ok

    return _SECTION_VALID.get(screening.answers_json or "{}", section.id, day, compute=validate)


class AnswerSetMemo:
    """Results that one answer set decides alone (with the day, a step...), remembered by a
    digest of its canonical JSON, so no answer text is kept in memory; at most `size` of them,
    all forgotten at once when full."""

    def __init__(self, size: int = 4096) -> None:
        self._known: dict[tuple[Any, ...], Any] = {}
        self._size = size

    def get(self, answers_json: str, *context: Any, compute: Callable[[], Any]) -> Any:
        key = (hashlib.sha256(answers_json.encode()).digest(), *context)
        if key in self._known:
            return self._known[key]
        value = compute()
        if len(self._known) >= self._size:
            self._known.clear()
        self._known[key] = value
        return value


# Every step page shows progress (all seven steps checked), so the same unchanged answers were
# validated again on each page; the stored answers and the date decide the result alone.
_SECTION_VALID = AnswerSetMemo()


def first_incomplete_step(screening: Screening) -> str:
    """Where a patient resumes: the first step whose answers are not complete, else review."""
    for section in QUESTIONNAIRE.sections:
        if section.id != REVIEW_STEP and not section_complete(screening, section.id):
            return section.id
    return REVIEW_STEP


# -- warning signs ---------------------------------------------------------------------------


def assessment_of(answers: Mapping[str, Any], as_of: date | None = None) -> TriageResult | None:
    """Triage, rules and red flags of the answers so far, once the warning-signs step has
    been saved; else None."""
    return _assessed(canonical_json(answers), answers, as_of or today())


def _stored_assessment(screening: Screening) -> TriageResult | None:
    """`assessment_of` the screening's stored answers (stored as canonical JSON already)."""
    return _assessed(screening.answers_json or "{}", None, today())


def _assessed(
    answers_json: str, answers: Mapping[str, Any] | None, as_of: date
) -> TriageResult | None:
    """The assessment of one canonical answer set on one day, worked out once.

    A save asks for the triage of the same answers several times (the page before and after,
    the save log, the alert check): the answers and the day decide it alone.
    """

    def assess() -> TriageResult | None:
        known = json.loads(answers_json) if answers is None else answers
        if not any(item_id in known for item_id in QUESTIONNAIRE.section(WARNING_STEP).item_ids):
            return None
        return assess_triage(known, as_of)

    return _ASSESSED.get(answers_json, as_of, compute=assess)


_ASSESSED = AnswerSetMemo()


def _level(assessment: TriageResult | None) -> str | None:
    """The triage level of an assessment, None before the warning-signs step."""
    return assessment.triage if assessment is not None else None


def triage_of(answers: Mapping[str, Any], as_of: date | None = None) -> str | None:
    """Triage level of the answers so far, once the warning-signs step has been saved."""
    return _level(assessment_of(answers, as_of))


def current_triage(screening: Screening) -> str | None:
    if screening.is_locked:
        return screening.triage
    return _level(_stored_assessment(screening))


def current_triage_rules(screening: Screening) -> tuple[str, ...]:
    """The triage rules that hold (rules version 2: `cauda_equina`, ...), for the patient's
    message; empty before the warning-signs step or for a version 1 evaluation."""
    if screening.is_locked:
        return tuple((screening.evaluation or {}).get("triage_rules") or ())
    assessment = _stored_assessment(screening)
    return tuple(getattr(assessment, "triage_rules", ())) if assessment is not None else ()


def warning_due(section_id: str, before: str | None, after: str | None) -> str | None:
    """Which warning page to show after a save: "emergency", "urgent" or None.

    Shown whenever the warning-signs step is saved with such a result, and after any other
    save that makes the level more serious than it was.
    """
    if after not in ACT_NOW_LEVELS:
        return None
    if section_id == WARNING_STEP:
        return after
    if before is None or TRIAGE_RANK[after] < TRIAGE_RANK.get(before, len(TRIAGE_RANK)):
        return after
    return None


def needs_acknowledgement(screening: Screening) -> bool:
    """An emergency warning the patient has not yet acknowledged blocks the rest of the form."""
    return (
        not screening.is_locked
        and screening.warning_acknowledged_at is None
        and current_triage(screening) == "emergency"
    )


def acknowledge_warning(
    screening: Screening, *, ip: str | None = None, device: str | None = None
) -> None:
    """Record that the patient pressed "I understand" on the emergency page, and from which
    device (address and browser), so a press made by anyone else can be told apart."""
    _update_open(screening, {"warning_acknowledged_at": utcnow()})
    audit.record(
        "patient_acknowledged_warning",
        actor=None,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=("device: " + printable_only(device)) if device else None,
    )
    db.session.commit()


# -- submission ------------------------------------------------------------------------------


SUBMIT_ATTEMPTS = 3


def submit(screening: Screening, consent: bool, *, now: datetime | None = None) -> Validated:
    """Validate the whole answer set, evaluate it, render the summary, then store and lock.

    The slow part (evaluation and the WeasyPrint render) runs first, holding no lock; the
    write is one short transaction that claims the screening only if it is still open AND its
    answers are still the ones that were rendered. A save from another device in between makes
    the claim miss, and the submission starts again from the new answers, so the stored PDF
    always shows exactly the stored answers.

    Idempotent: when the screening is already submitted (a double click, a second tab), nothing
    changes and the stored answers come back with no errors; two Sends at once make one
    submission and one PDF (only one claim matches the row).
    """
    from screening.services.summaries import attach_summary, render_summary

    now = now or utcnow()
    as_of = clinic_date(now)
    for _attempt in range(SUBMIT_ATTEMPTS):
        if screening.is_locked:
            return Validated(screening.answers, [])
        stored_json = screening.answers_json
        answers = dict(screening.answers)
        answers.pop("consent_confirm", None)
        if consent:
            answers["consent_confirm"] = True
        validated = validate_answer_set(answers, as_of, require_consent=True)
        if not validated.ok:
            return validated
        result = evaluate(validated.answers, as_of).to_dict()
        rendered = render_summary(
            screening, answers=validated.answers, evaluation=result, submitted_at=now
        )
        # Reads so far ran outside any write transaction; from here on it is short.
        db.session.rollback()
        triage = result["triage"]
        claimed = db.session.execute(
            update(Screening)
            .where(
                Screening.id == screening.id,
                Screening.status.in_(OPEN_STATUSES),
                Screening.answers_json == stored_json,
            )
            .values(
                status=ScreeningStatus.SUBMITTED.value,
                submitted_at=now,
                updated_at=now,
                answers_json=canonical_json(validated.answers),
                evaluation_json=json.dumps(result, sort_keys=True, ensure_ascii=False),
                triage=triage,
                triage_rank=TRIAGE_RANK[triage],
                rules_version=RULES_VERSION,
                # A screening begun under an earlier version is sent under this one.
                questionnaire_version=QUESTIONNAIRE.version,
                # Typed drafts are only for finishing the form; nothing unsent is kept after.
                draft_json=None,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            db.session.refresh(screening)
            red_flags.record_triage(
                screening,
                level=triage,
                triage_rules=result.get("triage_rules") or (),
                red_flags=result.get("red_flags") or (),
                now=now,
            )
            attach_summary(screening, rendered)
            # A reminder still waiting (the relay was down) would tell them it is not sent.
            cancel(kind="reminder", screening_id=screening.id)
            db.session.commit()
            return Validated(validated.answers, [])
        # Submitted by someone else first (theirs is the one submission), or the answers
        # changed under us: look again.
        db.session.rollback()
        db.session.refresh(screening)
    raise SubmitConflict(screening.public_id)


# -- export ----------------------------------------------------------------------------------


def iso_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iter_export_records(batch_size: int = 500) -> Generator[dict[str, Any], None, None]:
    """One record per submitted (or reviewed) screening, oldest submission first."""
    query = (
        select(Screening)
        .where(Screening.status.in_(DONE_STATUSES))
        .order_by(Screening.submitted_at, Screening.id)
        .execution_options(yield_per=batch_size)
    )
    # Closed however the reader stops (`| head`): on PostgreSQL it is a server-side cursor.
    with db.session.execute(query).scalars() as rows:
        for screening in rows:
            yield {
                "id": screening.public_id,
                "submitted_at": iso_utc(screening.submitted_at),
                "questionnaire_version": screening.questionnaire_version,
                "answers": json.loads(screening.answers_json or "{}"),
            }


def record_export(
    count: int, actor: str = "cli", public_ids: Iterable[str] = (), detail: str | None = None
) -> None:
    """The audit rows for an export: one per screening exported (its id, never its contents),
    then the total (`detail`, or "N screenings exported").

    Starts from a clean session: an export cut short by a database error still records what
    went out.
    """
    db.session.rollback()
    for public_id in public_ids:
        audit.record("export", actor=actor, screening_public_id=public_id)
    audit.record("export", actor=actor, detail=detail or f"{count} screenings exported")
    db.session.commit()


def record_link_opened(
    screening: Screening, *, ip: str | None, device: str | None, how: str = "link"
) -> None:
    """Audit one opening of a patient's link (or resume code): which screening, from where."""
    detail = f"by {how}" + (f"; device: {printable_only(device)}" if device else "")
    audit.record(
        "open_patient_link",
        actor=None,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=detail,
    )
    db.session.commit()
