"""One patient saving two steps from two devices at the same instant loses neither step.

The save is a read-modify-write of the stored answer set. Without a lock taken before the read
(SQLite drops `FOR UPDATE`, and sqlite3 opens its transaction only at the UPDATE), both saves
merge into the same old answers and the later one wipes the earlier one's step: the load test
saw that in 19 of 40 races. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from screening.extensions import db
from screening.models import Screening
from screening.services import screenings
from tests.patient.helpers import example_answers

PAIRS = 40


def _section_answers(answers: dict[str, Any], section_id: str) -> dict[str, Any]:
    ids = screenings.QUESTIONNAIRE.section(section_id).item_ids
    return {key: value for key, value in answers.items() if key in ids}


def _at_the_same_instant(
    app: Flask,
    public_id: str,
    barrier: threading.Barrier,
    act: Callable[[Screening], None],
    outcome: list[object],
) -> None:
    """In a thread of its own: open the screening in its own app context, wait for the other
    thread, then `act` on it; an exception goes to `outcome`, for the main thread to report."""
    try:
        with app.app_context():
            screening = screenings.find_by_public_id(public_id)
            assert screening is not None
            barrier.wait(timeout=10)
            act(screening)
            db.session.remove()
    except BaseException as exc:  # reported by the main thread
        outcome.append(exc)


def _save_in_thread(
    app: Flask,
    public_id: str,
    section_id: str,
    answers: dict[str, Any],
    barrier: threading.Barrier,
    errors: list[object],
) -> None:
    def save(screening: Screening) -> None:
        result = screenings.save_section(screening, section_id, answers)
        assert result.ok, result.errors

    _at_the_same_instant(app, public_id, barrier, save, errors)


def test_two_devices_saving_two_steps_at_once_lose_nothing(app: Flask) -> None:
    answers = example_answers("stenosis")
    symptoms = _section_answers(answers, "symptoms")
    history = _section_answers(answers, "history")
    public_ids = []
    for _ in range(PAIRS):
        public_ids.append(screenings.start_screening().screening.public_id)
    db.session.remove()

    lost = 0
    for public_id in public_ids:
        barrier = threading.Barrier(2)
        errors: list[object] = []
        threads = [
            threading.Thread(
                target=_save_in_thread,
                args=(app, public_id, section_id, section_answers, barrier, errors),
            )
            for section_id, section_answers in (("symptoms", symptoms), ("history", history))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        db.session.expire_all()
        stored = (
            db.session.execute(db.select(Screening).where(Screening.public_id == public_id))
            .scalar_one()
            .answers
        )
        if any(stored.get(k) != v for k, v in {**symptoms, **history}.items()):
            lost += 1
    assert lost == 0, f"a step was lost in {lost} of {PAIRS} simultaneous saves"


def _complete_screening_public_id() -> str:
    """A started screening holding every answer of an example, ready to send."""
    new = screenings.start_screening()
    answers = example_answers("stenosis")
    for section in screenings.QUESTIONNAIRE.sections:
        if section.id == screenings.REVIEW_STEP:
            continue
        result = screenings.save_section(
            new.screening, section.id, _section_answers(answers, section.id)
        )
        assert result.ok, result.errors
    return new.screening.public_id


def test_two_sends_at_once_make_one_submission_and_one_pdf(app: Flask) -> None:
    from screening.models import Summary

    public_id = _complete_screening_public_id()
    db.session.remove()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with app.app_context():
                screening = screenings.find_by_public_id(public_id)
                assert screening is not None
                barrier.wait(timeout=10)
                assert screenings.submit(screening, consent=True).ok
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    screening = screenings.find_by_public_id(public_id)
    assert screening is not None and screening.status == "submitted"
    assert db.session.query(Summary).filter_by(screening_id=screening.id).count() == 1


def test_the_pdf_is_rendered_before_the_write_lock_is_taken(app: Flask, monkeypatch: Any) -> None:
    """While one patient's PDF renders, another patient's save goes through at once.

    SQLite has one write lock for the whole database; a submission that held it through the
    WeasyPrint render made every other patient wait. The other save here runs with a short
    busy timeout, so it fails if the lock is held during the render.
    """
    from screening.services import summaries
    from screening.summary import render as render_module

    sender = _complete_screening_public_id()
    other = screenings.start_screening().screening.public_id
    db.session.remove()
    about = _section_answers(example_answers("stenosis"), "about")
    outcome: list[object] = []
    real_render = render_module.render_pdf

    def save_other_patient() -> None:
        try:
            with app.app_context():
                if db.engine.dialect.name == "sqlite":
                    db.session.execute(db.text("PRAGMA busy_timeout = 200"))
                screening = screenings.find_by_public_id(other)
                assert screening is not None
                outcome.append(screenings.save_section(screening, "about", about).ok)
                db.session.remove()
        except BaseException as exc:
            outcome.append(exc)

    def render_while_another_patient_saves(*args: Any, **kwargs: Any) -> bytes:
        pdf = real_render(*args, **kwargs)
        thread = threading.Thread(target=save_other_patient)
        thread.start()
        thread.join(timeout=30)
        return pdf

    monkeypatch.setattr(summaries, "render_pdf", render_while_another_patient_saves)
    screening = screenings.find_by_public_id(sender)
    assert screening is not None
    assert screenings.submit(screening, consent=True).ok
    assert outcome == [True]


def _save_from_a_page(
    app: Flask,
    public_id: str,
    answers: dict[str, Any],
    shown: str,
    barrier: threading.Barrier,
    outcome: list[object],
) -> None:
    from screening.services.step_pages import PageSeen, StepChanged, new_page_id

    def save(screening: Screening) -> None:
        try:
            seen = PageSeen(new_page_id(), shown)
            screenings.save_section(screening, "about", answers, seen=seen)
            outcome.append(answers["first_name"])
        except StepChanged:
            outcome.append("refused")

    _at_the_same_instant(app, public_id, barrier, save, outcome)


def test_two_pages_of_one_step_saved_at_once_store_one_and_refuse_the_other(app: Flask) -> None:
    """Two tabs (or devices) open on the same step, saved at the same instant: the page check
    runs under the lock, so exactly one is stored and the other is told its page is out of
    date; never both stored, one silently over the other."""
    from screening.services.step_pages import step_version

    about = _section_answers(example_answers("stenosis"), "about")
    shown = step_version(screenings.QUESTIONNAIRE.section("about"), {}, None)
    public_ids = [screenings.start_screening().screening.public_id for _ in range(PAIRS // 2)]
    db.session.remove()
    for public_id in public_ids:
        barrier = threading.Barrier(2)
        outcome: list[object] = []
        threads = [
            threading.Thread(
                target=_save_from_a_page,
                args=(app, public_id, {**about, "first_name": name}, shown, barrier, outcome),
            )
            for name in ("Tab", "Other")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        saved = [name for name in outcome if name in ("Tab", "Other")]
        assert len(saved) == 1 and outcome.count("refused") == 1, outcome
        db.session.expire_all()
        stored = screenings.find_by_public_id(public_id)
        assert stored is not None and stored.answers["first_name"] == saved[0]
