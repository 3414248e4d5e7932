"""What the patient reads: the invitation's wording (letter and emails), its links, its emails.

The printed letter, the invitation email and every reminder take their sentences from
`invitation_wording`, so they always say the same thing. Everything is rendered in the language
the clinic chose for the patient (Flask-Babel with that locale forced), with no clinical
content: the clinic, the appointment, the private link and code, how long it takes, the
clinic's phone.

Links are absolute and built from PUBLIC_BASE_URL, because the worker that sends reminders has
no request to take a host from. The link and code are rebuilt from the invitation's seed (see
services.invitations); once the outbox has delivered an invitation or reminder, its body (which
holds them) is blanked by `scrub_delivered_emails`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_time
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from screening.extensions import db
from screening.models import OutboxMessage, OutboxStatus, Screening
from screening.outbox import enqueue_email
from screening.public_links import public_url
from screening.services import audit
from screening.services.access import format_resume_code, link_secrets_from_seed
from screening.services.handout import HANDOUT_EMAIL_KIND
from screening.services.screenings import clinic_zone

MINUTES_TO_COMPLETE = 10
STOP_REMINDERS_SALT = "stop-reminders"


def link_secrets(screening: Screening, secret_key: str) -> tuple[str, str]:
    """The invitation's token and (unformatted) code, rebuilt from its seed."""
    assert screening.link_seed
    return link_secrets_from_seed(screening.link_seed, secret_key)


# -- wording shared by the letter and the emails ----------------------------------------------


def appointment_words(moment: datetime, locale: str) -> str:
    """The appointment as the letter and the emails name it, in the clinic's time zone."""
    local = moment.astimezone(clinic_zone())
    return _(
        "%(date)s at %(time)s",
        date=format_date(local.date(), "full", locale=locale),
        time=format_time(local.time(), "short", locale=locale),
    )


@dataclass(frozen=True)
class InvitationWording:
    """Every sentence the patient reads, for the letter, the email and the reminder alike."""

    subject: str
    heading: str
    greeting: str
    reminder: str | None
    appointment: str | None
    ask: str
    open_link: str
    scan: str
    type_link: str
    code_label: str
    come_back: str
    date_of_birth_first: str
    works_until: str
    keep_private: str
    questions: str
    stop_reminders: str
    no_reply: str


def patient_locale(screening: Screening) -> str:
    return screening.invited_locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def invitation_wording(
    screening: Screening, *, resume_url: str, reminder_days: int | None = None
) -> InvitationWording:
    """The invitation's sentences in the current (forced) locale. No clinical content."""
    locale = patient_locale(screening)
    clinic = current_app.config["CLINIC_NAME"]
    phone = current_app.config["CLINIC_PHONE"]
    name = f"{screening.patient_first_name or ''} {screening.patient_last_name or ''}".strip()
    assert screening.expires_at is not None
    expiry = format_date(
        screening.expires_at.astimezone(clinic_zone()).date(), "long", locale=locale
    )
    reminder = None
    if reminder_days is not None:
        if reminder_days == 0:
            reminder = _(
                "A reminder: your appointment is today, and your questionnaire is not sent yet."
            )
        elif reminder_days == 1:
            reminder = _(
                "A reminder: your appointment is tomorrow, and your questionnaire is not sent yet."
            )
        else:
            reminder = _(
                "A reminder: your appointment is in %(days)d days, "
                "and your questionnaire is not sent yet.",
                days=reminder_days,
            )
    return InvitationWording(
        subject=(
            _("Reminder: your questionnaire for %(clinic)s", clinic=clinic)
            if reminder
            else _("Your questionnaire for %(clinic)s", clinic=clinic)
        ),
        heading=_("Before your visit: a short health questionnaire"),
        greeting=_("Dear %(name)s,", name=name) if name else _("Hello,"),
        reminder=reminder,
        appointment=(
            _(
                "Your appointment at %(clinic)s is on %(when)s.",
                clinic=clinic,
                when=appointment_words(screening.appointment_at, locale),
            )
            if screening.appointment_at
            else None
        ),
        ask=(
            _(
                "Please answer our questions about your pain and your health before then. "
                "It takes about %(minutes)d minutes.",
                minutes=MINUTES_TO_COMPLETE,
            )
            if screening.appointment_at
            # A self-started form given a new link by staff: no appointment to answer before.
            else _(
                "Here is a new link to the health questionnaire you started. "
                "Your answers so far are saved."
            )
        ),
        open_link=_("Open your private link:"),
        scan=_("Scan this code with your phone camera:"),
        type_link=_("Or type this link:"),
        code_label=_("Your code:"),
        come_back=_(
            "To come back later, open the link again, or go to %(url)s and enter your code.",
            url=resume_url,
        ),
        date_of_birth_first=_("We will ask for your date of birth first."),
        works_until=_("The link works until %(when)s.", when=expiry),
        keep_private=_("Keep this private: the link opens your answers."),
        questions=_("Questions? Call us at %(phone)s.", phone=phone),
        stop_reminders=_("Do not want reminders? Stop them here:"),
        no_reply=_("This email was sent by %(clinic)s. Please do not reply to it.", clinic=clinic),
    )


# -- links that work outside a request (the worker) -------------------------------------------


def patient_link_url(token: str) -> str:
    return public_url("patient.resume_link", token=token)


def resume_url() -> str:
    return public_url("patient.resume")


def stop_reminders_token(screening: Screening) -> str:
    """A signed token naming the screening: enough to stop its reminders, nothing else."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STOP_REMINDERS_SALT)
    return str(serializer.dumps(screening.public_id))


def screening_for_stop_token(token: str) -> Screening | None:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STOP_REMINDERS_SALT)
    try:
        public_id = serializer.loads(token)
    except BadSignature:
        return None
    if not isinstance(public_id, str):
        return None
    return db.session.scalar(select(Screening).where(Screening.public_id == public_id))


# -- emails -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def render_invitation_email(
    screening: Screening, secret_key: str, *, reminder_days: int | None = None
) -> RenderedEmail:
    """The invitation (or reminder) email in the patient's language, links from
    PUBLIC_BASE_URL. Uses the same wording as the printed letter."""
    token, code = link_secrets(screening, secret_key)
    stop_url = public_url("reminders.stop", token=stop_reminders_token(screening))
    with force_locale(patient_locale(screening)):
        wording = invitation_wording(
            screening, resume_url=resume_url(), reminder_days=reminder_days
        )
        context = {
            "wording": wording,
            "link": patient_link_url(token),
            "code": format_resume_code(code),
            "stop_url": stop_url,
            "lang": patient_locale(screening),
        }
        text = render_template("email/invitation.txt", **context)
        html = render_template("email/invitation.html", **context)
    headers = {
        # Mail programs show their own "unsubscribe" button; RFC 8058 one-click is a POST.
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return RenderedEmail(wording.subject, text, html, headers)


def queue_patient_email(
    screening: Screening, email: RenderedEmail, *, kind: str, dedupe_key: str, now: datetime
) -> bool:
    """Queue one email to the invited address in the caller's transaction (no commit).

    False when the same email (its dedupe key) was queued before. Notes when the patient was
    last emailed, which keeps them to one email a day.
    """
    queued = enqueue_email(
        kind=kind,
        to=screening.invited_email,
        subject=email.subject,
        text=email.text,
        html=email.html,
        dedupe_key=dedupe_key,
        screening_id=screening.id,
        headers=email.headers,
    )
    if queued is None:
        return False
    screening.last_emailed_at = now
    return True


def queue_invitation_email(
    screening: Screening,
    secret_key: str,
    now: datetime,
    *,
    actor: str,
    ip: str | None,
    reason: str = "new",
) -> None:
    """Add the invitation email to the outbox (same transaction) and audit it."""
    assert screening.invited_email and screening.link_seed
    email = render_invitation_email(screening, secret_key)
    # Keyed by the moment, so a double click within the same minute sends one; the seed part
    # changes on reissue. An update is a real change each time (an edit that changes nothing
    # queues nothing), and it cancels the one still waiting: keyed to the microsecond, or a
    # second edit within the minute would find the first's (cancelled) key taken and leave
    # no invitation waiting at all.
    moment = f"{now:%Y%m%d%H%M%S%f}" if reason == "updated" else f"{now:%Y%m%d%H%M}"
    key = f"invitation:{screening.public_id}:{screening.link_seed[:8]}:{reason}:{moment}"
    if not queue_patient_email(screening, email, kind="invitation", dedupe_key=key, now=now):
        return
    audit.record(
        "email_invitation",
        actor=actor,
        screening_public_id=screening.public_id,
        ip=ip,
        detail=f"invitation email queued ({reason})",
    )


# Emails whose body holds a working link: blanked once delivered (the handout link opens
# the patient's topics).
EMAIL_KINDS = ("invitation", "reminder", HANDOUT_EMAIL_KIND)
FINISHED = (OutboxStatus.SENT.value, OutboxStatus.FAILED.value, OutboxStatus.CANCELLED.value)
SCRUBBED = {"scrubbed": True}


def scrub_delivered_emails() -> int:
    """Blank the text of invitation, reminder and handout-link emails the outbox has finished
    with: their bodies hold the working link and code, which must not outlive the delivery. Does not
    commit; the row (who, when, status) stays for the record."""
    rows = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind.in_(EMAIL_KINDS),
            OutboxMessage.status.in_(FINISHED),
            OutboxMessage.payload_json != json.dumps(SCRUBBED),
        )
    ).all()
    for row in rows:
        row.payload_json = json.dumps(SCRUBBED)
    return len(rows)
