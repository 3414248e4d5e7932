"""Outbox fixtures: a real SMTP server and a real webhook receiver, and an app pointed at them."""

from __future__ import annotations

import pytest

from tests.outbox.servers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver


@pytest.fixture
def app_config(smtp_server: SmtpServer, webhook: WebhookReceiver) -> dict[str, object]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_server.port,
        "SMTP_STARTTLS": False,
        "SMTP_TIMEOUT_SECONDS": 10,
        "MAIL_FROM": "Spine Clinic <alerts@clinic.example>",
        "ALERT_EMAIL_TO": "oncall@clinic.example",
        "ALERT_WEBHOOK_URL": webhook.url,
        "ALERT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PUBLIC_BASE_URL": "https://screening.clinic.example",
    }
