"""A warning the patient took back: which of its answers no longer hold.

A patient told to go to an emergency department, or to call the clinic today, may change the
answer before sending. The clinic was alerted, so the clinician who must still acknowledge it,
and the surgeon reading the summary, are told what was taken back. Pure: the staff page (from
the stored columns) and the summary's view model (from the stored evaluation) both ask it, so
they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screening.evaluation.catalogue import ACT_NOW_LEVELS, TRIAGE_RANK


@dataclass(frozen=True)
class Withdrawn:
    """What of the highest warning no longer holds: its triage rules and red flags (empty
    when they were not kept), and whether the level itself is no longer given."""

    rules: tuple[str, ...]
    red_flags: tuple[str, ...]
    level_dropped: bool
    known: bool  # False for a screening flagged before the rules and flags were kept


def withdrawn(
    highest_level: str | None,
    kept_rules: Iterable[str] | None,
    kept_flags: Iterable[str] | None,
    level_now: str | None,
    rules_now: Iterable[str] = (),
    flags_now: Iterable[str] = (),
) -> Withdrawn | None:
    """The part of the highest act-now warning that the answers now no longer give, or None.

    Shown when the level fell, and also when it did not but an answer that gave it was taken
    back while another still gives the same level (saddle numbness withdrawn, a cancer with
    worsening weakness still an emergency): the clinic was alerted to both. A "review" level
    that came and went was never a warning anyone was told about, so it does not count.
    """
    if highest_level not in ACT_NOW_LEVELS:
        return None
    rank_now = TRIAGE_RANK.get(level_now or "", len(TRIAGE_RANK))
    if rank_now < TRIAGE_RANK[highest_level]:
        return None  # more serious now: the banner says more (the highest is not yet updated)
    known = kept_rules is not None or kept_flags is not None
    holding_rules, holding_flags = set(rules_now), set(flags_now)
    rules = tuple(
        rule for rule in kept_rules or () if rule != "red_flags" and rule not in holding_rules
    )
    flags = tuple(flag for flag in kept_flags or () if flag not in holding_flags)
    dropped = rank_now > TRIAGE_RANK[highest_level]
    if not dropped and not (rules or flags):
        return None
    return Withdrawn(rules, flags, dropped, known)
