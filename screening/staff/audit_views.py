"""Admin: the audit trail, newest first, with filters and pages. Reading it is audited too."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from screening.models import StaffRole
from screening.routes import staff_only
from screening.services import audit
from screening.staff.access import client_ip
from screening.staff.blueprint import bp
from screening.staff.forms import AuditFilterForm

PER_PAGE = 100


@bp.get("/audit")
@staff_only(StaffRole.ADMIN)
def audit_trail():  # type: ignore[no-untyped-def]
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(name, name) for name in audit.ACTIONS
    ]
    criteria = audit.AuditFilter()
    if form.validate():
        criteria = audit.AuditFilter(
            actor=form.actor.data or None,
            action=form.action.data or None,
            screening_public_id=form.screening.data or None,
            since=form.date_from.data,
            until=form.date_to.data,
        )
    try:
        page = max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    # Recorded before reading, so the trail shows who looked at it.
    audit.record_and_commit("view_audit", actor=current_user.email, ip=client_ip())
    events, total = audit.page_of_events(criteria, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "staff/audit.html",
        form=form,
        events=events,
        total=total,
        page=page,
        pages=pages,
        args=args,
    )
