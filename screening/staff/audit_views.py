"""Admin: the audit trail, newest first, with filters and pages. Reading it is audited too.

Times are shown in the clinic's time zone, like every staff page. Clinical actions (a review,
a red-flag acknowledgement, a patient's "I understand") are shown under neutral names to anyone
but clinicians, so the trail does not tell an admin which patients had red flags.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from screening.models import AuditEvent, StaffRole
from screening.routes import staff_only
from screening.services import audit
from screening.services.screenings import clinic_zone
from screening.staff.access import client_ip
from screening.staff.audit_labels import action_label
from screening.staff.blueprint import bp
from screening.staff.forms import AuditFilterForm

PER_PAGE = 100


def _row(event: AuditEvent, clinical: bool) -> dict[str, Any]:
    """One line of the page: the action named, and detailed, as this reader may see it."""
    return {
        "at": event.at,
        "actor": event.actor,
        "action": audit.shown_action(event.action, clinical_reader=clinical),
        "screening_public_id": event.screening_public_id,
        "ip": event.ip,
        "detail": audit.shown_detail(event.action, event.detail, clinical_reader=clinical),
    }


def _described(criteria: audit.AuditFilter) -> str | None:
    """The filters an admin looked the trail up by ("screening=7K2Q9; from=2026-11-01"), so
    the trail shows whose events were looked up, as the queue's searches are recorded."""
    parts = [
        ("who", criteria.actor),
        ("action", criteria.action),
        ("screening", criteria.screening_public_id),
        ("from", criteria.since and criteria.since.isoformat()),
        ("to", criteria.until and criteria.until.isoformat()),
    ]
    return "; ".join(f"{name}={value}" for name, value in parts if value) or None


@bp.get("/audit")
@staff_only(StaffRole.ADMIN)
def audit_trail():  # type: ignore[no-untyped-def]
    form = AuditFilterForm(request.args)
    clinical = current_user.sees_clinical
    # Clinical actions are not offered as filters to non-clinicians (the filter would tell).
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(name, action_label(name))
        for name in audit.ACTIONS
        if clinical or name not in audit.NEUTRAL_NAMES
    ]
    form.validate()

    def valid(field: Any) -> Any:
        # As in the queue: a filter with an error (shown beside it) is left out and the others
        # still apply, so "From after To" says so instead of silently matching nothing.
        return None if field.errors else field.data

    criteria = audit.AuditFilter(
        actor=valid(form.actor) or None,
        action=valid(form.action) or None,
        screening_public_id=valid(form.screening) or None,
        since=valid(form.date_from),
        until=valid(form.date_to),
        zone=clinic_zone(),
    )
    try:
        page = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    # Recorded before reading, so the trail shows who looked at it, and for what.
    audit.record_and_commit(
        "view_audit", actor=current_user.email, ip=client_ip(), detail=_described(criteria)
    )
    events, total = audit.page_of_events(criteria, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "staff/audit.html",
        form=form,
        events=[_row(event, clinical) for event in events],
        zone=current_app.config.get("CLINIC_TIMEZONE"),
        total=total,
        page=page,
        pages=pages,
        args=args,
    )
