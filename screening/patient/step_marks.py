"""The errors of a step's save, carried to the step's own page (Post/Redirect/Get).

A step saved with mistakes redirects to its own page, which is built from the database: what
was right is stored and what was typed wrong waits in the step's draft. What the redirect
cannot carry is kept in the patient's session until their next save: which items to mark,
the notice for Back or Finish later, and whether the warning goes beside the errors. Item ids
and a word only: no answer ever goes into the session cookie.
"""

from __future__ import annotations

from typing import Any

from flask import session

from screening.models import Screening
from screening.patient.warning_words import WarningWords, words_for
from screening.questionnaire import Section
from screening.services import screenings
from screening.translations_cache import gettext as _

SESSION_MARKS = "step_marks"


def keep(
    screening: Screening, section: Section, items: set[str], notice: str | None, warn: bool
) -> None:
    """Remember, for the page the save redirects to, what to mark and say."""
    session[SESSION_MARKS] = {
        "screening": screening.public_id,
        "step": section.id,
        "items": sorted(items),
        "notice": notice,
        "warn": warn,
    }


def for_step(screening: Screening, section: Section) -> dict[str, Any] | None:
    """This step's marks from the save just made, if that save was of this step."""
    marks = session.get(SESSION_MARKS)
    if (
        isinstance(marks, dict)
        and marks.get("screening") == screening.public_id
        and marks.get("step") == section.id
    ):
        return marks
    return None


def warning_said(marks: dict[str, Any]) -> None:
    """The warning was shown beside the errors once; a reload does not show it again (an
    emergency still waiting for "I understand" is shown for as long as it waits)."""
    session[SESSION_MARKS] = {**marks, "warn": False}


def forget() -> None:
    """A new save decides anew; a page with nothing left to mark has no use for them."""
    session.pop(SESSION_MARKS, None)


def notice(marks: dict[str, Any] | None) -> str | None:
    """The words above the errors when the patient pressed Back or Save and finish later."""
    kind = (marks or {}).get("notice")
    if kind == "later":
        return _("Please fix the answers marked below, or leave them blank, before you save.")
    if kind == "back":
        return _("Please fix the answers marked below before you go back. Blank answers are fine.")
    return None


def warning_beside_errors(screening: Screening, warn: bool) -> WarningWords | None:
    """The advice shown above a step's errors: when the save that found them called for it
    (`warn`), and still while an emergency waits for "I understand"."""
    if warn or screenings.needs_acknowledgement(screening):
        return words_for(screening)
    return None
