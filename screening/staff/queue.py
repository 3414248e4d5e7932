"""The queue at /staff/: who needs attention first, with filters, name search and pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from screening.routes import staff_only
from screening.services import audit, red_flags
from screening.services import queue as queue_service
from screening.services import staff as staff_service
from screening.staff.access import client_ip
from screening.staff.blueprint import STATUS_LABELS, TRIAGE_LABELS, bp, clinic_zone
from screening.staff.forms import QueueFilterForm


def _choices(anything: str, labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", anything)] + [SelectChoice(k, v) for k, v in labels.items()]


def _describe(filters: queue_service.QueueFilter) -> str:
    """The filters and search as the audit trail records them ("search: lee; status=...")."""
    parts = [f"search: {filters.name[:120]}"] if filters.name else []
    for name in ("status", "triage", "clinician_id", "date_from", "date_to"):
        value = getattr(filters, name)
        if value:
            parts.append(f"{name}={value}")
    return "; ".join(parts)


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


@bp.get("/")
@staff_only()
def queue():  # type: ignore[no-untyped-def]
    clinical = current_user.sees_clinical
    clinicians = staff_service.active_clinicians()
    form = QueueFilterForm(request.args)
    form.status.choices = _choices(_("Any status"), STATUS_LABELS)
    form.triage.choices = _choices(_("Any triage"), TRIAGE_LABELS)
    labels = staff_service.clinician_labels(clinicians)
    formers = {
        str(user.id): _("%(name)s (no longer a clinician)", name=user.display_name or user.email)
        for user in staff_service.former_clinicians_named()
    }
    form.clinician.choices = _choices(
        _("Any clinician"), {**{str(user.id): labels[user.id] for user in clinicians}, **formers}
    )
    form.validate()

    def valid(field: Any) -> Any:
        # A filter with an error (shown beside it) is left out; the others still apply, so a
        # mistyped date does not drop "Emergency" and show the whole queue under it.
        return None if field.errors else field.data

    filters = queue_service.QueueFilter(
        status=valid(form.status) or None,
        triage=(valid(form.triage) or None) if clinical else None,
        # (Optional() lets a blank " " through without checking it against the choices.)
        clinician_id=int(form.clinician.data) if (valid(form.clinician) or "").strip() else None,
        date_from=valid(form.date_from),
        date_to=valid(form.date_to),
        name=(valid(form.q) or "").strip() or None,
    )
    # Who looked at the queue and what they searched for (never the list they saw).
    audit.record_and_commit(
        "view_queue",
        actor=current_user.email,
        ip=client_ip(),
        detail=_describe(filters) or None,
    )
    zone = clinic_zone()
    page = queue_service.queue_page(
        filters,
        page=_page_number(),
        today=datetime.now(zone).date(),
        zone=zone,
        clinical=clinical,
    )
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    # The clinical lead's safety figure: how fast warnings are acted on (clinicians only).
    safety = red_flags.safety_figure(datetime.now(UTC)) if clinical else None
    return render_template(
        "staff/queue.html", page=page, form=form, clinical=clinical, args=args, safety=safety
    )
