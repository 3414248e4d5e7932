"""The worker under stress: killed mid-delivery, and two workers racing on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from screening import outbox
from screening.extensions import db
from screening.models import OutboxMessage
from screening.outbox import worker
from tests.outbox.servers import WEBHOOK_SECRET, SmtpServer, WebhookReceiver, wait_for

ROOT = Path(__file__).resolve().parents[2]


def queue_alert_pair(key: str) -> tuple[OutboxMessage, OutboxMessage]:
    email = outbox.enqueue_email(
        kind="red_flag_alert",
        to="oncall@clinic.example",
        subject="Screening alert",
        text="A warning sign was saved.",
        dedupe_key=f"{key}:email",
    )
    hook = outbox.enqueue_webhook(
        kind="red_flag_alert", payload={"level": "emergency"}, dedupe_key=f"{key}:webhook"
    )
    assert email is not None and hook is not None
    return email, hook


def test_a_worker_killed_mid_delivery_leaves_the_alert_to_be_delivered_once(
    app: Flask,
    database_url: str,
    smtp_server: SmtpServer,
    webhook: WebhookReceiver,
    tmp_path: Path,
) -> None:
    email, hook = queue_alert_pair("killed")
    db.session.commit()
    smtp_server.handler.holding.set()
    env = {
        **os.environ,
        "SCREENING_ENV": "testing",
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_STARTTLS": "false",
        "MAIL_FROM": "alerts@clinic.example",
        "ALERT_WEBHOOK_URL": webhook.url,
        "ALERT_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "screening.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # The worker has claimed the alert and is in the middle of the SMTP conversation.
        assert wait_for(smtp_server.handler.data_started.is_set, timeout=90), (
            tmp_path / "worker.log"
        ).read_text()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        smtp_server.handler.holding.clear()

    db.session.expire_all()
    assert db.session.get(OutboxMessage, email.id).status == "sending"
    assert smtp_server.received == []

    # Once the dead worker's lease has run out, the next cycle delivers it.
    later = datetime.now(UTC) + worker.LEASE * 2
    worker.run_once(later)
    worker.run_once(later + worker.LEASE * 2)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, email.id).status == "sent"
    assert db.session.get(OutboxMessage, hook.id).status == "sent"
    assert smtp_server.handler.message_ids() == [f"<{email.id}@clinic.example>"]
    assert [post.headers["webhook-id"] for post in webhook.received] == [hook.id]


@pytest.mark.postgres
def test_two_workers_on_postgresql_deliver_each_alert_exactly_once(
    app: Flask, smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    pairs = [queue_alert_pair(f"race{n}") for n in range(15)]
    db.session.commit()
    # A little time in each delivery, so the two workers overlap.
    smtp_server.handler.delay_seconds = 0.01
    start = threading.Barrier(2)
    sent: dict[str, int] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                total = 0
                while True:
                    report = worker.run_cycle(worker=name)
                    total += report.sent
                    if report.sent == 0 and report.retrying == 0:
                        break
                sent[name] = total
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(sent.values()) == 30

    email_ids = Counter(smtp_server.handler.message_ids())
    hook_ids = Counter(post.headers["webhook-id"] for post in webhook.received)
    assert set(email_ids.values()) == {1}
    assert set(hook_ids.values()) == {1}
    assert set(email_ids) == {f"<{email.id}@clinic.example>" for email, _ in pairs}
    assert set(hook_ids) == {hook.id for _, hook in pairs}
    assert all(webhook.signature_ok(post) for post in webhook.received)
