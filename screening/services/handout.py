"""The patient's handout of a sent screening: its view model, its PDF, and emailing its link.

The topics are the ones evaluation stored at submission (in their order), so the handout
always matches what the surgeon's summary found. The view model holds words already
translated into the language of the request (the patient's), so the page and the PDF say
exactly the same thing. Nothing the patient typed appears in it: only the clinic's own words.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from screening.extensions import db
from screening.handout import content
from screening.i18n import current_locale
from screening.models import Screening

PDF_TEMPLATE = "pdf/handout.html"
HANDOUT_EMAIL_KIND = "handout_link"


def topic_ids(screening: Screening) -> list[str]:
    """The stored topic ids that have handout words, in the evaluation's order."""
    evaluation = screening.evaluation or {}
    ids = [str(topic.get("id")) for topic in evaluation.get("topics", [])]
    return [topic_id for topic_id in ids if topic_id in content.TOPIC_BY_ID]


def build_handout(
    ids: list[str], *, triage: str | None = None, had_spine_surgery: bool = False
) -> dict[str, Any]:
    """The handout's view model for these topic ids, translated into the current language.

    `triage` is the stored level: an emergency or urgent one opens the handout with the advice
    the patient was given when they answered. `had_spine_surgery` adds the wound sign to the
    signs to call about (a patient with no operation has no wound to watch).
    """
    config = current_app.config
    phone = config.get("CLINIC_PHONE", "")
    clinic = config.get("CLINIC_NAME", "")
    number = config.get("EMERGENCY_NUMBER", "911")
    call_signs = [*content.CALL_SIGNS, *([content.WOUND_SIGN] if had_spine_surgery else [])]
    topics = []
    for topic_id in ids:
        topic = content.TOPIC_BY_ID[topic_id]
        topics.append(
            {
                "id": topic.id,
                "heading": _(topic.heading),
                "explanation": _(topic.explanation),
                "options": _(topic.options),
                "questions": [_(question) for question in topic.questions],
            }
        )
    return {
        "lang": current_locale(),
        "title": _(content.TITLE),
        "clinic_name": clinic,
        "clinic_phone": phone,
        "intro": _(content.INTRO),
        "about_heading": _(content.ABOUT_MISS_HEADING),
        "about": [_(line) for line in content.ABOUT_MISS],
        "about_care": _(content.ABOUT_MISS_CARE),
        "no_topics": _(content.NO_TOPICS),
        "options_heading": _(content.OPTIONS_HEADING),
        "questions_heading": _(content.QUESTIONS_HEADING),
        "own_questions_heading": _(content.OWN_QUESTIONS_HEADING),
        "topics": topics,
        "flagged": _flagged(triage, clinic=clinic, phone=phone, number=number),
        "warning": {
            "heading": _(content.WARNING_HEADING),
            "emergency_signs": [_(sign) for sign in content.EMERGENCY_SIGNS],
            "emergency_action": _(content.EMERGENCY_ACTION, number=number),
            "call_signs": [_(sign) for sign in call_signs],
            "call_action": _(content.CALL_ACTION, phone=phone),
        },
        "clinic_line": _(content.CLINIC_LINE, clinic=clinic, phone=phone),
    }


def _flagged(triage: str | None, *, clinic: str, phone: str, number: str) -> dict | None:
    """The warning that opens the handout of an emergency or urgent screening, else None."""
    if triage == "emergency":
        advice = _(content.FLAGGED_EMERGENCY, number=number)
    elif triage == "urgent":
        advice = _(content.FLAGGED_URGENT, clinic=clinic, phone=phone)
    else:
        return None
    return {"level": triage, "heading": _(content.FLAGGED_HEADING), "advice": advice}


def handout_for(screening: Screening) -> dict[str, Any]:
    """The handout of a sent screening: its stored topics and triage, and whether the patient
    said they had spine surgery (for the wound sign)."""
    return build_handout(
        topic_ids(screening),
        triage=screening.triage,
        had_spine_surgery=screening.answers.get("prior_spine_surgery") is True,
    )


def handout_pdf(screening: Screening) -> bytes:
    """The handout as a PDF, through the summary's one locked-down renderer."""
    from screening.summary.render import render_pdf

    return render_pdf(
        handout_for(screening),
        page_size=current_app.config.get("PDF_PAGE_SIZE", "Letter"),
        template=PDF_TEMPLATE,
    )


def patient_email(screening: Screening) -> str | None:
    """The email address the patient gave in their answers, if any."""
    email = screening.answers.get("email")
    return email.strip() if isinstance(email, str) and email.strip() else None


def email_handout_link(screening: Screening, link: str, *, today: str) -> bool:
    """Queue an email with the LINK to the handout (never its content) and commit.

    At most one such email per screening per day (`today`, the clinic's date): pressing the
    button twice, or in two tabs, queues one. Returns False when the patient gave no address.
    The email is written in the request's language, the patient's.
    """
    from screening.outbox import enqueue_email

    address = patient_email(screening)
    if address is None:
        return False
    clinic = current_app.config.get("CLINIC_NAME", "")
    phone = current_app.config.get("CLINIC_PHONE", "")
    text = "\n\n".join(
        [
            _("Hello,"),
            _(
                "Here is the link to your handout from %(clinic)s: what to talk about with "
                "your surgeon at your visit.",
                clinic=clinic,
            ),
            link,
            _("The link is private. Please do not share it."),
            _("Questions? Call us at %(phone)s.", phone=phone),
        ]
    )
    enqueue_email(
        kind=HANDOUT_EMAIL_KIND,
        to=address,
        subject=_("Your handout from %(clinic)s", clinic=clinic),
        text=text,
        dedupe_key=f"{HANDOUT_EMAIL_KIND}:{screening.public_id}:{today}",
        screening_id=screening.id,
    )
    db.session.commit()
    return True
