"""Retention: never-sent screenings that nobody can use any more are deleted, with their answers.

`screening purge` runs it (daily, from cron or a timer). Sent screenings are never touched; the
audit trail records counts only. Whether a link is abandoned is decided where links are opened
(`screenings.is_abandoned`); this module only deletes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update

from screening.extensions import db
from screening.models import Screening, ScreeningStatus
from screening.services import audit
from screening.services.screenings import OPEN_STATUSES, utcnow


@dataclass(frozen=True)
class PurgeCounts:
    """How many never-sent screenings a purge deleted, by why they were unusable."""

    abandoned: int
    expired: int
    revoked: int

    @property
    def total(self) -> int:
        return self.abandoned + self.expired + self.revoked


def _delete_rows_of(screening_ids: set[int]) -> None:
    """Delete (or unlink) every row of other tables that points at these screenings.

    The schema says ON DELETE CASCADE (or SET NULL), but SQLite does not enforce foreign keys
    unless asked, so a purge there would leave save logs, red-flag records and pending emails
    of a deleted screening behind. Found from the metadata, so a table added later is covered.
    """
    screening_id = Screening.__table__.c.id
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if table is Screening.__table__ or foreign_key.column is not screening_id:
                continue
            column = foreign_key.parent
            if (foreign_key.ondelete or "").upper() == "SET NULL":
                db.session.execute(
                    update(table).where(column.in_(screening_ids)).values({column.name: None})
                )
            else:
                db.session.execute(delete(table).where(column.in_(screening_ids)))


def purge_unsent(
    *, retention_days: int, abandoned_days: int, now: datetime | None = None, dry_run: bool = False
) -> PurgeCounts:
    """Delete never-sent screenings (and their answers) unusable for `retention_days`.

    Unusable means: abandoned (in progress, unsaved for `abandoned_days`), expired, or revoked.
    Sent screenings are never touched. Audited as counts only (no ids, no names); one commit.
    """
    now = now or utcnow()
    keep_after = now - timedelta(days=retention_days)
    unsent = Screening.status.in_(OPEN_STATUSES)
    groups = {
        "revoked": and_(Screening.revoked_at.is_not(None), Screening.revoked_at < keep_after),
        "expired": and_(Screening.expires_at.is_not(None), Screening.expires_at < keep_after),
        "abandoned": and_(
            Screening.status == ScreeningStatus.IN_PROGRESS.value,
            Screening.updated_at < keep_after - timedelta(days=abandoned_days),
        ),
    }
    counts: dict[str, int] = {}
    claimed: set[int] = set()
    for reason, condition in groups.items():
        ids = set(db.session.scalars(select(Screening.id).where(unsent, condition))) - claimed
        counts[reason] = len(ids)
        claimed |= ids
    if dry_run or not claimed:
        db.session.rollback()
        return PurgeCounts(**counts)
    _delete_rows_of(claimed)
    for screening in db.session.scalars(select(Screening).where(Screening.id.in_(claimed))):
        db.session.delete(screening)  # the ORM cascade removes any stored summary too
    result = PurgeCounts(**counts)
    audit.record(
        "purge",
        actor="cli",
        detail=(
            f"{result.total} never-sent screenings deleted ({result.abandoned} abandoned, "
            f"{result.expired} expired, {result.revoked} revoked) after {retention_days} days"
        ),
    )
    db.session.commit()
    return result
