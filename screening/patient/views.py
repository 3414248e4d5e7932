"""Patient views: start, resume, the eight steps, warning pages, review, submit, confirmation.

Views stay thin: read the form, let `screening.services.screenings` validate and store, then
redirect or render. Access travels in the URL (`/s/<token>/...`), never answers in a cookie;
the Flask session only remembers which invited screenings had their date of birth confirmed
in this browser.

These views are exempt from the app-wide CSRFProtect so that an expired token can re-render the
page with everything typed and a plain message, instead of an error page; each view checks the
form's own CSRF token (FlaskForm) before anything is stored, so the protection stays on.

Routes live one concern per module (link_access, steps, warning_pages, finish) on the one
blueprint of `screening.patient.blueprint`; importing this module registers them all.
"""

from __future__ import annotations

from screening.extensions import csrf
from screening.patient import finish, language, link_access, staff_sessions, steps, warning_pages
from screening.patient.blueprint import bp
from screening.patient.finish import done, later
from screening.patient.link_access import confirm, home, resume, resume_link, start
from screening.patient.steps import step
from screening.patient.warning_pages import warning

for _view in (start, resume, confirm, step, warning):
    csrf.exempt(_view)

# Before any patient page: the screening's language, and the `?lang=` links; then no patient
# page in a browser signed in to the staff portal.
bp.before_request(language.before_patient_request)
bp.before_request(staff_sessions.refuse_with_staff_session)

__all__ = [
    "bp",
    "confirm",
    "done",
    "finish",
    "home",
    "later",
    "link_access",
    "resume",
    "resume_link",
    "start",
    "step",
    "steps",
    "warning",
    "warning_pages",
]
