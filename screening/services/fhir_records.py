"""Submitted screenings as FHIR resources: read by id, search with paging, bulk export.

The database side of `screening.fhir` (which is pure): here rows become `StoredScreening`
values and the mapping turns them into resources. Only submitted (or reviewed) screenings exist
as FHIR resources; a screening still being filled in is nobody's record yet.

Paging is by keyset, never by offset: the cursor names the screening to go on from and how
many of its resources were already sent (a screening has several Observations), so a page
boundary inside a screening neither repeats nor skips anything, and screenings submitted while
a client pages through only ever appear at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from screening.extensions import db
from screening.fhir import (
    RESOURCE_TYPES,
    Canonical,
    StoredScreening,
    build_questionnaire,
    fhir_id,
    public_id_of,
    resources_for,
)
from screening.fhir.resources import OBSERVATION_KEYS, StoredSummary
from screening.models import Screening, Summary
from screening.questionnaire import QUESTIONNAIRE
from screening.services import audit
from screening.services.screenings import DONE_STATUSES, record_export

# The one status each resource type has here (Patient has none).
FIXED_STATUS: dict[str, str] = {
    "QuestionnaireResponse": "completed",
    "RiskAssessment": "final",
    "Observation": "final",
    "DocumentReference": "current",
}


def canonical() -> Canonical:
    return Canonical(current_app.config["FHIR_CANONICAL_BASE"])


def questionnaire_resource() -> dict[str, Any]:
    return build_questionnaire(
        QUESTIONNAIRE, canonical(), publisher=current_app.config.get("CLINIC_NAME")
    )


def stored(screening: Screening, *, with_summary: bool = False) -> StoredScreening:
    """Plain values of a submitted row (the PDF only when a DocumentReference needs it)."""
    summary = None
    if with_summary and screening.summary is not None:
        summary = StoredSummary(screening.summary.pdf, screening.summary.generated_at)
    assert screening.submitted_at is not None
    return StoredScreening(
        public_id=screening.public_id,
        questionnaire_version=screening.questionnaire_version,
        answers=screening.answers,
        evaluation=screening.evaluation or {},
        submitted_at=screening.submitted_at,
        summary=summary,
    )


def _screenings(resource_type: str) -> Select[tuple[Screening]]:
    query = select(Screening).where(
        Screening.status.in_(DONE_STATUSES), Screening.submitted_at.is_not(None)
    )
    if resource_type == "DocumentReference":
        query = query.join(Summary, Summary.screening_id == Screening.id).options(
            selectinload(Screening.summary)
        )
    return query


def _last_updated_column(resource_type: str) -> Any:
    return Summary.generated_at if resource_type == "DocumentReference" else Screening.submitted_at


def _split_id(resource_type: str, resource_id: str) -> tuple[str, str | None]:
    """The screening's public id and, for an Observation, its key (`<id>-phq2`)."""
    if resource_type != "Observation":
        return public_id_of(resource_id), None
    for key in OBSERVATION_KEYS:
        if resource_id.endswith("-" + key):
            return public_id_of(resource_id[: -len(key) - 1]), key
    return public_id_of(resource_id), ""


def read(resource_type: str, resource_id: str) -> tuple[dict[str, Any], str] | None:
    """One resource by its FHIR id and the public id of its screening, or None."""
    public_id, key = _split_id(resource_type, resource_id)
    if key == "":
        return None
    row = db.session.scalar(_screenings(resource_type).where(Screening.public_id == public_id))
    if row is None:
        return None
    resources = resources_for(
        stored(row, with_summary=resource_type == "DocumentReference"),
        resource_type,
        QUESTIONNAIRE,
        canonical(),
    )
    for resource in resources:
        if resource["id"] == resource_id:
            return resource, row.public_id
    return None


# -- search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """A parsed search: every criterion is already checked (see fhir_api.search)."""

    resource_type: str
    count: int
    # [(">=" or "<", moment)]: every clause must hold.
    last_updated: tuple[tuple[str, datetime], ...] = ()
    statuses: frozenset[str] | None = None
    patient: str | None = None  # the public id of the screening the Patient belongs to
    resource_ids: frozenset[str] | None = None
    # Observation codes as (system or None, code); a resource matches when any coding does.
    codes: frozenset[tuple[str | None, str]] | None = None
    cursor: tuple[str, int] | None = None  # (public id, resources of it already sent)


@dataclass
class SearchPage:
    resources: list[dict[str, Any]] = field(default_factory=list)
    screening_ids: list[str] = field(default_factory=list)  # public ids, for the audit
    next_cursor: tuple[str, int] | None = None


def _filtered(search: Search) -> Select[tuple[Screening]] | None:
    fixed = FIXED_STATUS.get(search.resource_type)
    if search.statuses is not None and fixed not in search.statuses:
        return None
    query = _screenings(search.resource_type)
    column = _last_updated_column(search.resource_type)
    for operator, moment in search.last_updated:
        query = query.where(column >= moment if operator == ">=" else column < moment)
    if search.patient is not None:
        query = query.where(Screening.public_id == search.patient)
    if search.resource_ids is not None:
        public_ids = {_split_id(search.resource_type, rid)[0] for rid in search.resource_ids}
        query = query.where(Screening.public_id.in_(public_ids))
    return query


def _matches(search: Search, resource: dict[str, Any]) -> bool:
    """The criteria that are judged on the built resource (its id, its code)."""
    if search.resource_ids is not None and resource["id"] not in search.resource_ids:
        return False
    if search.codes is not None:
        codings = resource.get("code", {}).get("coding", [])
        return any(
            coding["code"] == code and system in (None, coding["system"])
            for coding in codings
            for system, code in search.codes
        )
    return True


def search(search: Search) -> SearchPage:
    """One page of resources in screening order, and the cursor of the next page (if any)."""
    page = SearchPage()
    query = _filtered(search)
    if query is None:
        return page
    skip = 0
    if search.cursor is not None:
        public_id, skip = search.cursor
        start = db.session.scalar(select(Screening.id).where(Screening.public_id == public_id))
        if start is None:
            return page
        query = query.where(Screening.id >= start)
    after_id: int | None = None
    wanted = search.count + 1  # one more than asked tells whether a next page exists
    collected: list[tuple[str, int, dict[str, Any]]] = []
    while len(collected) < wanted:
        batch_query = query.order_by(Screening.id).limit(wanted)
        if after_id is not None:
            batch_query = batch_query.where(Screening.id > after_id)
        rows = list(db.session.scalars(batch_query))
        if not rows:
            break
        for row in rows:
            resources = resources_for(
                stored(row, with_summary=search.resource_type == "DocumentReference"),
                search.resource_type,
                QUESTIONNAIRE,
                canonical(),
            )
            first = search.cursor is not None and row.public_id == search.cursor[0]
            for index, resource in enumerate(resources):
                if first and index < skip:
                    continue
                if not _matches(search, resource):
                    continue
                collected.append((row.public_id, index, resource))
            after_id = row.id
            if len(collected) >= wanted:
                break
    for public_id, _index, resource in collected[: search.count]:
        page.resources.append(resource)
        if not page.screening_ids or page.screening_ids[-1] != public_id:
            page.screening_ids.append(public_id)
    if len(collected) > search.count:
        public_id, index, _resource = collected[search.count]
        page.next_cursor = (public_id, index)
    return page


def record_reads(actor: str, public_ids: list[str], what: str, ip: str | None) -> None:
    """One audit row per screening whose data left through the API (who, whose, what)."""
    for public_id in dict.fromkeys(public_ids):
        audit.record("fhir_read", actor=actor, screening_public_id=public_id, ip=ip, detail=what)
    db.session.commit()


# -- bulk export -----------------------------------------------------------------------------


def _export_rows(since: datetime | None) -> Iterator[Screening]:
    query = (
        select(Screening)
        .where(Screening.status.in_(DONE_STATUSES), Screening.submitted_at.is_not(None))
        .options(selectinload(Screening.summary))
        .order_by(Screening.id)
    )
    if since is not None:
        query = query.outerjoin(Summary, Summary.screening_id == Screening.id).where(
            or_(Screening.submitted_at >= since, Summary.generated_at >= since)
        )
    # Batches of 100: each may carry a PDF, so memory stays small however many there are.
    last_id = 0
    while True:
        rows = list(db.session.scalars(query.where(Screening.id > last_id).limit(100)))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        db.session.expunge_all()


def _since_ok(resource: dict[str, Any], since: datetime | None) -> bool:
    if since is None:
        return True
    updated = datetime.fromisoformat(resource["meta"]["lastUpdated"].replace("Z", "+00:00"))
    return updated >= since


def export_ndjson(folder: Path, since: datetime | None = None) -> dict[str, int]:
    """Write one `<Type>.ndjson` per resource type into `folder` (FHIR Bulk Data format).

    Every file is written whole to a temporary name and then renamed, so a reader never sees a
    half-written export. `since` keeps resources whose `meta.lastUpdated` is at or after it
    (incremental export); the Questionnaire is always included. Returns the count per type.
    """
    folder.mkdir(parents=True, exist_ok=True)
    temporary: dict[str, Path] = {}
    handles = {}
    counts = dict.fromkeys(("Questionnaire", *RESOURCE_TYPES), 0)
    try:
        for resource_type in counts:
            fd, name = tempfile.mkstemp(prefix=f".{resource_type}.", suffix=".part", dir=folder)
            temporary[resource_type] = Path(name)
            handles[resource_type] = os.fdopen(fd, "w", encoding="utf-8")

        def write(resource: dict[str, Any]) -> None:
            kind = resource["resourceType"]
            handles[kind].write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            handles[kind].write("\n")
            counts[kind] += 1

        write(questionnaire_resource())
        exported_ids: list[str] = []
        for row in _export_rows(since):
            value = stored(row, with_summary=True)
            exported = False
            for resource_type in RESOURCE_TYPES:
                for resource in resources_for(value, resource_type, QUESTIONNAIRE, canonical()):
                    if _since_ok(resource, since):
                        write(resource)
                        exported = True
            if exported:
                exported_ids.append(value.public_id)
        for handle in handles.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        for resource_type, path in temporary.items():
            os.replace(path, folder / f"{resource_type}.ndjson")
    finally:
        # On a full disk, closing a file with data still buffered fails again: the partial
        # files (patient data) must go all the same.
        for handle in handles.values():
            with contextlib.suppress(OSError):
                handle.close()
        for path in temporary.values():
            path.unlink(missing_ok=True)
    record_export(
        len(exported_ids),
        public_ids=exported_ids,
        detail=f"FHIR export: {len(exported_ids)} screenings, {sum(counts.values())} resources",
    )
    return counts


__all__ = [
    "FIXED_STATUS",
    "Search",
    "SearchPage",
    "canonical",
    "export_ndjson",
    "fhir_id",
    "questionnaire_resource",
    "read",
    "record_reads",
    "search",
]
