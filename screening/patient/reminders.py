"""The patient's "stop reminders" link, from any invitation or reminder email (issue 13).

No sign-in: the link carries a signed token (itsdangerous, keyed by SECRET_KEY) that names the
screening and can do nothing but stop its reminders. Safe against link scanners, which follow
every link in an email: opening the link (GET) only shows a button; pressing it (POST) stops
the reminders. Mail programs that offer their own "unsubscribe" button send the RFC 8058
one-click POST to the same address, so that works too; for that reason the POST needs no CSRF
token (the signed token in the URL is the credential, and stopping reminders is harmless).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template, request
from flask_babel import force_locale

from screening.extensions import csrf
from screening.routes import patient_link
from screening.services import invitation_messages as messages
from screening.services import reminders

bp = Blueprint("reminders", __name__)


@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
@patient_link
@csrf.exempt
def stop(token: str) -> Response:
    screening = messages.screening_for_stop_token(token)
    if screening is None:
        abort(404)
    stopped_now = False
    if request.method == "POST":
        stopped_now = reminders.stop_reminders(screening, ip=request.remote_addr)
    with force_locale(messages.patient_locale(screening)):
        html = render_template(
            "patient/reminders_stop.html",
            token=token,
            stopped=screening.reminders_stopped_at is not None,
            stopped_now=stopped_now,
        )
    return make_response(html)
