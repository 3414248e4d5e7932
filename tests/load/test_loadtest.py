"""`make load` works end to end (a few patients through a real gunicorn) and checks answers."""

from __future__ import annotations

import os
from datetime import date

import pytest

from screening.questionnaire.validation import validate_answer_set
from screening.summary.bench import SYNTHETIC_ANSWERS
from tests.load import loadtest


@pytest.mark.parametrize("mix", ["clinic", "synthetic"])
def test_every_synthetic_patient_is_valid_and_distinct(mix: str) -> None:
    answer_sets = [loadtest.synthetic_answers(number, mix) for number in range(30)]
    for answers in answer_sets:
        assert validate_answer_set(answers, date(2026, 11, 21)).ok
    names = {(answers["first_name"], answers["last_name"]) for answers in answer_sets}
    assert len(names) == 30


def test_the_clinic_mix_is_the_worked_examples_then_the_synthetic_patient() -> None:
    """Each valid worked example once (not the invalid ones), the synthetic patient last;
    patients take them in turn with their clinical answers unchanged."""
    mix = loadtest.clinic_mix()
    assert len(mix) == 7 and mix[-1] == SYNTHETIC_ANSWERS
    assert {"Robin", "Sam", "Priscilla", "Leonard", "Jordan", "Evelyn"} == {
        answers["first_name"] for answers in mix[:-1]
    }
    for number in range(14):
        patient = loadtest.synthetic_answers(number, "clinic")
        base = mix[number % 7]
        assert {k: v for k, v in patient.items() if k not in ("first_name", "last_name")} == {
            k: v for k, v in base.items() if k not in ("first_name", "last_name")
        }


def test_a_small_run_sends_every_patient_and_finds_their_answers_stored(capsys) -> None:
    """Three patients through gunicorn on a fresh SQLite database: every one sent, every
    stored answer equal to what was sent, and the CPU figures printed."""
    assert loadtest.main(["--patients", "3", "--concurrency", "3", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "3 of 3 sent" in out and "after 2 of 2 warm-up patients, not timed" in out
    # The warm-up patients are checked too.
    assert "stored answers checked: 5 of 5 equal what was sent" in out
    assert "minimal WeasyPrint documents" in out
    assert "PROBLEM" not in out


def test_an_answer_stored_differently_from_what_was_sent_fails_the_run(capsys, monkeypatch) -> None:
    """The check afterwards can fail: here the record of what one patient sent is changed
    after sending, as if the server had stored something else, and the run says so."""
    send = loadtest.one_patient

    def one_patient_then_misremember(
        port: int, number: int, figures: loadtest.Figures, mix: str
    ) -> None:
        send(port, number, figures, mix)
        with figures.lock:
            for token, answers in figures.sent.items():
                figures.sent[token] = dict(
                    answers, back_pain_nrs=(answers["back_pain_nrs"] + 1) % 11
                )

    monkeypatch.setattr(loadtest, "one_patient", one_patient_then_misremember)
    argv = ["--patients", "1", "--concurrency", "1", "--workers", "1", "--warm-up", "0"]
    assert loadtest.main(argv) == 1
    out = capsys.readouterr().out
    assert "stored answers checked: 0 of 1 equal what was sent" in out
    assert "answers differ at back_pain_nrs" in out


def test_the_run_leaves_this_process_environment_as_it_was(tmp_path) -> None:
    """verify() makes the app with the load run's database; the suite's own settings stay."""
    before = dict(os.environ)
    run_environment = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.db'}",
        "SCREENING_ENV": "production",
        "SECRET_KEY": "x" * 48,
        "TRUSTED_HOSTS": "127.0.0.1",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    assert loadtest.verify(run_environment, {}) == (0, [])
    assert dict(os.environ) == before
