"""Outbox fixtures: a real SMTP server and a real webhook receiver, and an app pointed at them."""

from __future__ import annotations

import pytest

from tests.outbox.servers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver, smtp_settings


@pytest.fixture
def app_config(smtp_server: SmtpServer, webhook: WebhookReceiver) -> dict[str, object]:
    return {
        **smtp_settings(smtp_server, "Spine Clinic <alerts@clinic.example>"),
        "ALERT_EMAIL_TO": "oncall@clinic.example",
        "ALERT_WEBHOOK_URL": webhook.url,
        "ALERT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PUBLIC_BASE_URL": "https://screening.clinic.example",
    }
