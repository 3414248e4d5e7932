"""Patient pages do not open in a browser signed in to the staff portal.

A patient's private link asks for the date of birth before it shows any answer, but for an
invitation that is the date the front desk typed and can read on the screening's page, so the
check protects nothing from the staff member who printed the letter: opened in their own
browser, the link would show the patient's answers and warnings to a role that must see no
clinical content, and the audit trail would record it as the patient's own visit. The other
way round, a waiting-room tablet left signed in to the staff portal would hand the portal to
the patient. So while a staff session is open in this browser every patient page answers with
a page that says so and offers to sign out, and the refusal is audited under the staff
member's name (with the screening, when the link named one).
"""

from __future__ import annotations

from flask import Response, g, make_response, render_template
from flask_login import current_user

from screening.routes import audit_refusal


def refuse_with_staff_session() -> Response | None:
    """Registered on the patient blueprints after the language hook (which finds the link's
    screening, so the refusal can name it)."""
    if not current_user.is_authenticated:
        return None
    link = g.get("link_screening")
    audit_refusal(
        link[1].public_id if link else None,
        detail="a patient page, in a browser signed in to the staff portal",
    )
    return make_response(render_template("patient/staff_signed_in.html"), 403)
