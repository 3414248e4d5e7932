"""The handout link email, end to end: queued by the button, delivered by the outbox worker to a
real SMTP server (aiosmtpd on loopback), holding the link and none of the handout's content."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from screening.handout import content
from screening.outbox import worker
from tests.outbox.servers import SmtpServer, smtp_settings
from tests.patient.helpers import complete_screening, example_answers


@pytest.fixture
def app_config(smtp_server: SmtpServer) -> dict[str, object]:
    return {
        **smtp_settings(smtp_server, "Spine Clinic <screening@clinic.example>"),
    }


def test_the_handout_link_arrives_by_smtp_without_the_handout(
    client: FlaskClient, smtp_server: SmtpServer
) -> None:
    answers = example_answers("stenosis")
    answers["email"] = "patient@example.org"
    token = complete_screening(client, answers)
    client.post(f"/s/{token}/handout/email")
    assert worker.run_once() >= 1

    mails = [m for m in smtp_server.received if m.rcpt_tos == ["patient@example.org"]]
    assert len(mails) == 1
    body = mails[0].message.get_body(("plain",)).get_content()
    assert f"/s/{token}/handout" in body
    for topic in content.TOPICS:
        assert topic.explanation not in body and topic.options not in body
    assert mails[0].message["Subject"] == "Your handout from Spine Clinic"

    # Once delivered, the stored body (which held the working link) is blanked, as the
    # invitations' are: the handout names the patient's conditions.
    worker.run_once()
    from sqlalchemy import select

    from screening.extensions import db
    from screening.models import OutboxMessage

    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "handout_link")
    ).one()
    assert row.status == "sent" and row.payload == {"scrubbed": True}
