"""The staff queue: which screenings need attention, in which order, one page at a time.

Default view: every submitted screening not yet reviewed (self-started ones too) plus every
appointment from the start of today to the end of the seventh day ahead, in the clinic's time
zone. Order: emergency, then urgent, then everything else; within each, by appointment time
(none last), then by submission time.

It stays fast with 100,000 screenings because each page is exactly two queries whatever the
number of rows: a count and one SELECT of the needed columns only (never the answers), with the
clinician's and acknowledger's names joined in. Filters use indexed columns (status, triage,
clinician_id, appointment_at, submitted_at, patient_name_search).

Front-desk staff see no clinical facts, so for them the order ignores triage (an order by
urgency would itself tell them who is flagged) and triage filters are refused. They do see
"call back: clinician needed" on a flagged screening, without the reason, so a patient who
phones is put through.

Red flags do not wait for submission (issue 12): the default view also holds every screening
not yet reviewed whose triage is emergency or urgent, or was and is not yet acknowledged,
submitted or not, first for clinicians.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from screening.evaluation.catalogue import ACT_NOW_LEVELS
from screening.extensions import db
from screening.models import Screening, ScreeningStatus, StaffUser
from screening.services import audit, red_flags
from screening.services.screenings import name_search_key as stored_form

PER_PAGE = 50
UPCOMING_DAYS = 7
STATUSES: tuple[str, ...] = tuple(status.value for status in ScreeningStatus)
FLAGGED = ACT_NOW_LEVELS
# Ranks below this sort first (emergency, urgent); the rest, and screenings without triage
# (rank NULL), share the next bucket and sort by appointment.
_AFTER_URGENT = len(ACT_NOW_LEVELS)

# A level that needs a clinician: emergency or urgent now, or reached earlier and not yet
# acknowledged (a patient who answered "yes" and then changed it still needs a call).
_UNACKNOWLEDGED_PEAK = and_(
    Screening.flags_acknowledged_at.is_(None), Screening.highest_triage_rank < _AFTER_URGENT
)
_ATTENTION_RANK = case(
    (_UNACKNOWLEDGED_PEAK, Screening.highest_triage_rank),
    (Screening.triage_rank < _AFTER_URGENT, Screening.triage_rank),
    else_=_AFTER_URGENT,
)
_NOT_REVIEWED = Screening.status != ScreeningStatus.REVIEWED.value
# Flagged at some time (the highest level is never below the current one) and not reviewed:
# one range on the index (highest_triage_rank, status), so the default view's OR stays
# index-driven (a term per column made SQLite scan the table: 250 ms at 100,000 rows).
_FLAGGED = and_(Screening.highest_triage_rank < _AFTER_URGENT, _NOT_REVIEWED)
_NEEDS_CLINICIAN = or_(_FLAGGED, and_(Screening.triage_rank < _AFTER_URGENT, _NOT_REVIEWED))


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed by. Nothing set means the default view."""

    status: str | None = None
    triage: str | None = None
    clinician_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    name: str | None = None

    @property
    def is_default(self) -> bool:
        return not any(
            (
                self.status,
                self.triage,
                self.clinician_id,
                self.date_from,
                self.date_to,
                self.name,
            )
        )


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: plain values, no ORM object, nothing clinical unless allowed."""

    public_id: str
    patient_name: str
    status: str
    appointment_at: datetime | None
    clinician_name: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    triage: str | None
    topic_count: int | None
    flags_acknowledged_at: datetime | None
    flags_acknowledged_by: str | None
    # Issue 12: when the warning was first saved (clinicians), and the front desk's marker.
    warning_saved_at: datetime | None = None
    callback_needed: bool = False
    # The private link was revoked (the status alone would still read "Invited").
    link_revoked: bool = False

    @property
    def flagged(self) -> bool:
        return self.triage in FLAGGED

    @property
    def not_sent_yet(self) -> bool:
        return self.status in (ScreeningStatus.INVITED.value, ScreeningStatus.IN_PROGRESS.value)

    @property
    def needs_acknowledgement(self) -> bool:
        return self.flagged and self.flags_acknowledged_at is None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int
    filters: QueueFilter = field(default_factory=QueueFilter)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def local_day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the clinic's zone, as UTC."""
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def name_search_key(text: str) -> str:
    """What staff type, reduced like the stored search form (lower case, no accents)."""
    return stored_form(text, None) or ""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_matches(key: str) -> Select[tuple[int]]:
    """Ids whose "first last" starts with `key`, or whose later name starts with it.

    "lee" finds "anna lee" and "lee park"; "anna l" finds "anna lee". A word inside a name
    cannot use a b-tree index: on PostgreSQL the trigram index of migration b7d41c2e9a10 serves
    both patterns; on SQLite the subquery reads only the narrow name index (name and id).
    """
    escaped = _escape_like(key)
    return select(Screening.id).where(
        or_(
            Screening.patient_name_search.like(escaped + "%", escape="\\"),
            Screening.patient_name_search.like("% " + escaped + "%", escape="\\"),
        )
    )


def _criteria(filters: QueueFilter, *, today: date, zone: ZoneInfo) -> list[object]:
    if filters.is_default:
        start, end = local_day_bounds(today, today + timedelta(days=UPCOMING_DAYS), zone)
        return [
            or_(
                Screening.status == ScreeningStatus.SUBMITTED,
                and_(Screening.appointment_at >= start, Screening.appointment_at < end),
                _FLAGGED,
            )
        ]
    criteria: list[object] = []
    if filters.status:
        criteria.append(Screening.status == filters.status)
    if filters.triage:
        criteria.append(Screening.triage == filters.triage)
    if filters.clinician_id:
        criteria.append(Screening.clinician_id == filters.clinician_id)
    if filters.date_from or filters.date_to:
        start, end = local_day_bounds(
            filters.date_from or date(1900, 1, 1), filters.date_to or date(9998, 12, 30), zone
        )
        # The appointment day; for self-started screenings (no appointment), the day submitted.
        criteria.append(
            or_(
                and_(Screening.appointment_at >= start, Screening.appointment_at < end),
                and_(
                    Screening.appointment_at.is_(None),
                    Screening.submitted_at >= start,
                    Screening.submitted_at < end,
                ),
            )
        )
    if filters.name:
        key = name_search_key(filters.name)
        if key:
            criteria.append(Screening.id.in_(_name_matches(key)))
    return criteria


def _order(clinical: bool) -> list[Any]:
    """Emergency, urgent, then the rest (clinicians only); then appointment, then submission."""
    order: list[Any] = []
    if clinical:
        order.append(_ATTENTION_RANK)
    return [
        *order,
        Screening.appointment_at.asc().nulls_last(),
        Screening.submitted_at.asc().nulls_last(),
        Screening.id,
    ]


def queue_query(
    filters: QueueFilter,
    *,
    today: date,
    zone: ZoneInfo,
    clinical: bool,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[Select[tuple[Any, ...]], Select[tuple[int]]]:
    """The SELECT of one page and the COUNT of all matches (two statements, whatever the size).

    The page's ids are chosen first in a subquery that sorts only the narrow sort keys; the
    wider columns (names, the stored evaluation for the topic count) are read for those 50
    rows alone, so a queue of thousands never sorts thousands of wide rows.
    """
    clinician = aliased(StaffUser, name="clinician")
    acknowledger = aliased(StaffUser, name="acknowledger")
    criteria = _criteria(filters, today=today, zone=zone)
    order = _order(clinical)
    page_ids = (
        select(Screening.id)
        .where(*criteria)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page_ids")
    )
    columns: list[Any] = [
        Screening.public_id,
        Screening.patient_first_name,
        Screening.patient_last_name,
        Screening.status,
        Screening.appointment_at,
        func.coalesce(clinician.display_name, clinician.email).label("clinician_name"),
        Screening.submitted_at,
        Screening.reviewed_at,
        _NEEDS_CLINICIAN.label("callback_needed"),
        Screening.revoked_at,
    ]
    if clinical:
        columns += [
            Screening.warning_saved_at,
            case((_UNACKNOWLEDGED_PEAK, Screening.highest_triage), else_=Screening.triage).label(
                "triage"
            ),
            Screening.evaluation_json,
            Screening.flags_acknowledged_at,
            func.coalesce(acknowledger.display_name, acknowledger.email).label("acknowledged_by"),
        ]
    query = (
        select(*columns)
        .select_from(page_ids)
        .join(Screening, Screening.id == page_ids.c.id)
        .outerjoin(clinician, clinician.id == Screening.clinician_id)
    )
    if clinical:
        query = query.outerjoin(acknowledger, acknowledger.id == Screening.flags_acknowledged_by_id)
    query = query.order_by(*order)
    count = select(func.count(Screening.id)).where(*criteria)
    return query, count


def _topic_count(evaluation_json: str | None) -> int | None:
    if not evaluation_json:
        return None
    try:
        topics = json.loads(evaluation_json).get("topics")
    except (ValueError, AttributeError):
        return None
    return len(topics) if isinstance(topics, list) else None


def _patient_name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part) or "(name not given yet)"


def queue_page(
    filters: QueueFilter,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: date,
    zone: ZoneInfo,
    clinical: bool,
) -> QueuePage:
    """One page of the queue. `clinical` adds triage, topics and acknowledgements to rows."""
    if not clinical and filters.triage:
        filters = QueueFilter(**{**filters.__dict__, "triage": None})
    _, count = queue_query(filters, today=today, zone=zone, clinical=clinical)
    total = db.session.scalar(count) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    query, _ = queue_query(
        filters, today=today, zone=zone, clinical=clinical, page=page, per_page=per_page
    )
    result = db.session.execute(query)
    rows = []
    for row in result:
        mapping = row._mapping
        rows.append(
            QueueRow(
                public_id=mapping["public_id"],
                patient_name=_patient_name(
                    mapping["patient_first_name"], mapping["patient_last_name"]
                ),
                status=mapping["status"],
                appointment_at=mapping["appointment_at"],
                clinician_name=mapping["clinician_name"],
                submitted_at=mapping["submitted_at"],
                reviewed_at=mapping["reviewed_at"],
                triage=mapping["triage"] if clinical else None,
                topic_count=_topic_count(mapping["evaluation_json"]) if clinical else None,
                flags_acknowledged_at=mapping["flags_acknowledged_at"] if clinical else None,
                flags_acknowledged_by=mapping["acknowledged_by"] if clinical else None,
                warning_saved_at=mapping["warning_saved_at"] if clinical else None,
                callback_needed=bool(mapping["callback_needed"]),
                link_revoked=mapping["revoked_at"] is not None
                and mapping["status"] in (ScreeningStatus.INVITED, ScreeningStatus.IN_PROGRESS),
            )
        )
    return QueuePage(rows=rows, total=total, page=page, per_page=per_page, filters=filters)


# --- Review: the clinician's two actions on a submitted screening ---------------------------


class ReviewError(ValueError):
    """The review action does not apply to this screening; the message says why."""


def mark_reviewed(
    screening: Screening, *, reviewer: StaffUser, note: str | None, ip: str | None = None
) -> None:
    """Mark a submitted screening reviewed, with an optional note; audited (not the note)."""
    if screening.status not in (ScreeningStatus.SUBMITTED, ScreeningStatus.REVIEWED):
        raise ReviewError("Only a submitted screening can be marked reviewed.")
    if screening.status == ScreeningStatus.REVIEWED:
        raise ReviewError("This screening is already marked reviewed.")
    if red_flags.needs_acknowledgement(screening):
        raise ReviewError(
            _("Record what was done about the red flags first; then mark it reviewed.")
        )
    screening.status = ScreeningStatus.REVIEWED
    screening.reviewed_at = datetime.now(UTC)
    screening.reviewed_by_id = reviewer.id
    screening.review_note = (note or "").strip() or None
    audit.record(
        "review",
        actor=reviewer.email,
        screening_public_id=screening.public_id,
        ip=ip,
        detail="with a note" if screening.review_note else None,
    )
    db.session.commit()
