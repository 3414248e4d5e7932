"""What of a warning the patient took back (screening.evaluation.withdrawn)."""

from __future__ import annotations

from screening.evaluation.withdrawn import Withdrawn, withdrawn

CAUDA = (["cauda_equina"], ["saddle_numbness"])


def test_the_level_fell_every_answer_that_gave_it_is_withdrawn() -> None:
    assert withdrawn("emergency", *CAUDA, "routine") == Withdrawn(
        ("cauda_equina",), ("saddle_numbness",), level_dropped=True, known=True
    )


def test_the_same_level_for_other_answers_lists_only_those_taken_back() -> None:
    taken = withdrawn(
        "emergency",
        ["cauda_equina", "cord_compression_cancer"],
        ["saddle_numbness", "cancer_history"],
        "emergency",
        ["cord_compression_cancer"],
        ["cancer_history"],
    )
    assert taken == Withdrawn(("cauda_equina",), ("saddle_numbness",), False, True)


def test_nothing_taken_back_or_never_a_warning_is_none() -> None:
    assert withdrawn("emergency", *CAUDA, "emergency", *CAUDA) is None
    assert withdrawn("review", ["red_flags"], ["fever_chills"], "routine") is None
    assert withdrawn(None, None, None, "routine") is None
    # More serious now than the kept highest: the banner says more.
    assert withdrawn("urgent", ["both_legs"], [], "emergency", ["cauda_equina"], []) is None


def test_a_warning_from_before_its_answers_were_kept() -> None:
    assert withdrawn("urgent", None, None, "routine") == Withdrawn((), (), True, False)
    assert withdrawn("urgent", None, None, "urgent", ["both_legs"], []) is None
