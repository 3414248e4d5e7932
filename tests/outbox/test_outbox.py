"""The outbox and its worker against a real SMTP server and a real HTTP receiver."""

from __future__ import annotations

import json
import logging
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from screening import outbox
from screening.extensions import db
from screening.models import OutboxMessage
from screening.outbox import retry, worker
from screening.outbox.channels import sign
from tests.outbox.servers import SilentRelay, SmtpServer, WebhookReceiver


def now() -> datetime:
    return datetime.now(UTC)


def queue_email(key: str = "invitation:1:email", **overrides: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "kind": "invitation",
        "to": "patient@example.org",
        "subject": "Your screening form",
        "text": "Please fill in the form before your visit.",
        "dedupe_key": key,
    }
    fields.update(overrides)
    message = outbox.enqueue_email(**fields)  # type: ignore[arg-type]
    assert message is not None
    db.session.commit()
    return message


def row(message_id: str) -> OutboxMessage:
    db.session.expire_all()
    found = db.session.get(OutboxMessage, message_id)
    assert found is not None
    return found


def test_an_email_is_sent_over_smtp_with_a_stable_message_id(
    app: Flask, smtp_server: SmtpServer
) -> None:
    message = queue_email(html="<p>Please fill in the form.</p>", headers={"X-Kind": "invite"})
    assert worker.run_once() == 1

    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["patient@example.org"]
    assert mail.mail_from == "alerts@clinic.example"
    assert mail.message["To"] == "patient@example.org"
    assert mail.message["Subject"] == "Your screening form"
    assert mail.message["Message-ID"] == f"<{message.id}@clinic.example>"
    assert mail.message["X-Kind"] == "invite"
    assert "fill in the form" in mail.message.get_body(("plain",)).get_content()
    assert "<p>" in mail.message.get_body(("html",)).get_content()
    stored = row(message.id)
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, None)
    assert stored.sent_at is not None


def test_the_same_dedupe_key_is_queued_once(app: Flask, smtp_server: SmtpServer) -> None:
    queue_email("reminder:7:email")
    again = outbox.enqueue_email(
        kind="reminder", to="x@example.org", subject="s", text="t", dedupe_key="reminder:7:email"
    )
    assert again is None
    db.session.commit()
    assert db.session.query(OutboxMessage).count() == 1
    worker.run_once()
    assert len(smtp_server.received) == 1


def test_nothing_is_sent_until_the_callers_transaction_commits(
    app: Flask, smtp_server: SmtpServer
) -> None:
    outbox.enqueue_email(
        kind="invitation", to="a@example.org", subject="s", text="t", dedupe_key="k1"
    )
    db.session.rollback()
    assert worker.run_once() == 0
    assert smtp_server.received == []


def test_smtp_down_then_up_the_email_arrives_after_the_retry(
    app: Flask, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    message = queue_email()
    start = now()
    assert worker.run_once(start) == 0
    waiting = row(message.id)
    assert waiting.status == "pending"
    assert waiting.attempts == 1
    assert waiting.last_error == "SMTP connection refused"
    assert waiting.next_attempt_at > start

    # Not due yet: a second cycle at the same moment sends nothing and spends no attempt.
    smtp_server.start()
    assert worker.run_once(start) == 0
    assert row(message.id).attempts == 1

    assert worker.run_once(start + timedelta(hours=1)) == 1
    assert [mail.message["Message-ID"] for mail in smtp_server.received] == [
        f"<{message.id}@clinic.example>"
    ]
    assert row(message.id).status == "sent"


def test_a_temporary_refusal_is_retried(app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.handler.temporary_failures = 1
    message = queue_email()
    worker.run_once()
    assert row(message.id).last_error == "SMTP refused (451)"
    worker.run_once(now() + timedelta(minutes=5))
    assert len(smtp_server.received) == 1
    assert row(message.id).status == "sent"


def test_a_refused_recipient_fails_at_once_without_storing_the_address(
    app: Flask, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.permanent_refusal = True
    message = queue_email(to="someone.private@example.org")
    worker.run_once()
    failed = row(message.id)
    assert failed.status == "failed"
    assert failed.attempts == 1
    assert "550" in (failed.last_error or "")
    assert "someone.private" not in (failed.last_error or "")


def test_a_failing_message_does_not_hold_up_the_others(app: Flask, smtp_server: SmtpServer) -> None:
    smtp_server.handler.temporary_failures = 1
    first = queue_email("a")
    second = queue_email("b")
    worker.run_once()
    assert {row(first.id).status, row(second.id).status} == {"pending", "sent"}


def test_alerts_go_before_other_mail(app: Flask, smtp_server: SmtpServer) -> None:
    queue_email("invite")
    queue_email("alert", kind="red_flag_alert", to="oncall@clinic.example", subject="Alert")
    worker.run_once()
    assert [mail.message["Subject"] for mail in smtp_server.received] == [
        "Alert",
        "Your screening form",
    ]


def test_an_alert_waiting_out_a_retry_goes_as_soon_as_its_channel_works_again(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """Outside audit: after an outage the newer escalation, and an invitation, arrived before
    the alert, which waited out its retry delay and came minutes later. Now the channel's
    first success makes the waiting alert due at once: it follows in the same cycle, before
    other mail."""
    smtp_server.stop()
    alert = queue_email("alert", kind="red_flag_alert", to="oncall@clinic.example", subject="Alert")
    start = now()
    for minutes in (0, 1, 3):  # three failures: the next try is about 5 minutes later
        worker.run_once(start + timedelta(minutes=minutes))
    back = start + timedelta(minutes=4)
    assert row(alert.id).attempts == 3 and row(alert.id).next_attempt_at > back

    smtp_server.start()
    queue_email("invite")
    queue_email("escalation", kind="escalation", to="lead@clinic.example", subject="Escalation")
    report = worker.run_cycle(back)
    assert [mail.message["Subject"] for mail in smtp_server.received] == [
        "Escalation",
        "Alert",
        "Your screening form",
    ]
    assert report.woken == 1 and row(alert.id).status == "sent"


def test_other_mail_waiting_out_a_retry_keeps_its_schedule(
    app: Flask, smtp_server: SmtpServer
) -> None:
    """Only alerts are woken: a channel that comes back is not hit by every waiting email."""
    smtp_server.stop()
    waiting = queue_email("reminder")
    start = now()
    worker.run_once(start)
    smtp_server.start()
    queue_email("alert", kind="red_flag_alert", to="oncall@clinic.example", subject="Alert")
    report = worker.run_cycle(start + timedelta(seconds=5))
    assert [mail.message["Subject"] for mail in smtp_server.received] == ["Alert"]
    assert report.woken == 0 and row(waiting.id).status == "pending"


def test_a_relay_that_never_answers_costs_one_timeout_a_cycle_and_the_webhook_goes_on(
    app: Flask, webhook: WebhookReceiver
) -> None:
    """A hung relay once cost a full SMTP timeout for every email in the batch (twenty
    invitations: ten minutes at the default 30 s), with the alert's webhook waiting behind
    them. Now the first timeout marks email down for the cycle: the webhook goes at once, and
    the other emails wait for the next cycle with no attempt spent."""
    relay = SilentRelay()
    app.config.update(SMTP_PORT=relay.port, SMTP_TIMEOUT_SECONDS=0.5)
    try:
        invitations = [queue_email(f"invite:{number}") for number in range(5)]
        alert_email = queue_email(
            "alert:email", kind="red_flag_alert", to="oncall@clinic.example", subject="Alert"
        )
        alert_webhook = outbox.enqueue_webhook(
            kind="red_flag_alert", payload={"level": "emergency"}, dedupe_key="alert:webhook"
        )
        assert alert_webhook is not None
        db.session.commit()

        report = worker.run_cycle()
        assert relay.connections == 1
        assert len(webhook.received) == 1 and row(alert_webhook.id).status == "sent"
        assert report.sent == 1 and report.retrying == 1 and report.handed_back == 5
        assert row(alert_email.id).status == "pending"
        assert row(alert_email.id).last_error == "SMTP timed out"
        assert row(alert_email.id).attempts == 1
        for invitation in invitations:  # untried: due as before, no attempt spent
            assert row(invitation.id).status == "pending"
            assert row(invitation.id).attempts == 0
            assert row(invitation.id).locked_by is None
    finally:
        relay.close()


def test_an_alert_queued_during_a_batch_goes_before_the_rest_of_it(
    app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three invitations are claimed; while the first is being sent, a red flag is saved. The
    alert goes next, not after the whole batch (twenty emails to a slow relay)."""
    for number in range(3):
        queue_email(f"invite:{number}")
    real_deliver = worker.deliver
    raised: list[str] = []

    def deliver_while_a_red_flag_is_saved(*args: object, **kwargs: object) -> str:
        if not raised:
            raised.append(
                queue_email(
                    "alert", kind="red_flag_alert", to="oncall@clinic.example", subject="Alert"
                ).id
            )
        return real_deliver(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "deliver", deliver_while_a_red_flag_is_saved)
    report = worker.run_cycle()
    assert report.sent == 4 and report.handed_back == 2
    assert [mail.message["Subject"] for mail in smtp_server.received] == [
        "Your screening form",
        "Alert",
        "Your screening form",
        "Your screening form",
    ]


def test_a_stopping_worker_hands_back_the_rest_of_its_batch(
    app: Flask, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during a backlog: the worker finishes the message in hand and stops, leaving
    the rest due at once, with no attempt spent, for the next worker (it used to send the whole
    backlog first, however long)."""
    messages = [queue_email(f"invite:{number}") for number in range(4)]
    stop = threading.Event()
    real_deliver = worker.deliver

    def deliver_then_sigterm(*args: object, **kwargs: object) -> str:
        outcome = real_deliver(*args, **kwargs)  # type: ignore[arg-type]
        stop.set()
        return outcome

    monkeypatch.setattr(worker, "deliver", deliver_then_sigterm)
    report = worker.run_cycle(stop=stop)
    assert report.sent == 1 and report.handed_back == 3
    assert len(smtp_server.received) == 1
    waiting = [row(message.id) for message in messages if row(message.id).status != "sent"]
    assert len(waiting) == 3
    assert all(m.status == "pending" and m.attempts == 0 for m in waiting)
    assert worker.run_once() == 3


def test_the_webhook_posts_the_stored_bytes_signed(app: Flask, webhook: WebhookReceiver) -> None:
    message = outbox.enqueue_webhook(
        kind="red_flag_alert", payload={"level": "emergency"}, dedupe_key="w1"
    )
    assert message is not None
    db.session.commit()
    assert worker.run_once() == 1

    [post] = webhook.received
    assert post.path == "/hooks/alerts"
    assert post.body == message.payload["body"].encode()
    assert webhook.signature_ok(post)
    assert post.headers["webhook-id"] == message.id
    assert post.headers["webhook-timestamp"].isdigit()
    assert post.headers["content-type"] == "application/json"
    assert json.loads(post.body) == {
        "id": message.id,
        "kind": "red_flag_alert",
        "level": "emergency",
    }


def test_a_forged_body_does_not_verify(app: Flask, webhook: WebhookReceiver) -> None:
    assert sign(b'{"level":"emergency"}', webhook.secret) != sign(
        b'{"level": "emergency"}', webhook.secret
    )


def test_webhook_server_errors_are_retried_and_client_errors_fail(
    app: Flask, webhook: WebhookReceiver
) -> None:
    webhook.statuses = [503, 400]
    retried = outbox.enqueue_webhook(kind="red_flag_alert", payload={}, dedupe_key="w-retry")
    assert retried is not None
    db.session.commit()
    worker.run_once()
    assert row(retried.id).last_error == "webhook HTTP 503"
    assert row(retried.id).status == "pending"

    refused = outbox.enqueue_webhook(kind="red_flag_alert", payload={}, dedupe_key="w-refused")
    assert refused is not None
    db.session.commit()
    later = now() + timedelta(minutes=1)
    # Move the first one's retry out of the way, so the receiver's 400 goes to the second.
    webhook.statuses = [400]
    db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.id == retried.id)
        .values(next_attempt_at=later + timedelta(hours=1))
    )
    db.session.commit()
    worker.run_once(later)
    assert row(refused.id).status == "failed"
    assert row(refused.id).last_error == "webhook HTTP 400"
    worker.run_once(later + timedelta(hours=2))
    assert row(retried.id).status == "sent"
    assert len(webhook.received) == 1


def test_cancel_stops_pending_messages_only(app: Flask, smtp_server: SmtpServer) -> None:
    from tests.staff.helpers import make_screening

    screening = make_screening(status="invited")
    sent = queue_email("inv", kind="invitation", screening_id=screening.id)
    worker.run_once()
    pending = queue_email("rem", kind="reminder", screening_id=screening.id)
    assert outbox.cancel(kind="reminder", screening_id=screening.id) == 1
    assert outbox.cancel(kind="invitation", screening_id=screening.id) == 0
    db.session.commit()
    worker.run_once()
    assert row(pending.id).status == "cancelled"
    assert row(sent.id).status == "sent"
    assert len(smtp_server.received) == 1


def test_not_before_holds_a_message_back(app: Flask, smtp_server: SmtpServer) -> None:
    tomorrow = now() + timedelta(days=1)
    message = queue_email(not_before=tomorrow)
    assert worker.run_once() == 0
    assert worker.run_once(tomorrow + timedelta(seconds=1)) == 1
    assert row(message.id).status == "sent"


def test_a_lease_left_by_a_dead_worker_is_taken_back(app: Flask, smtp_server: SmtpServer) -> None:
    message = queue_email()
    start = now()
    [claimed] = worker.claim(start, "dead-worker")
    assert row(message.id).status == "sending"
    # Within the lease nobody else touches it.
    assert worker.run_once(start + timedelta(seconds=30)) == 0
    assert worker.run_once(start + worker.LEASE + timedelta(seconds=1)) == 1
    assert row(message.id).attempts == 2
    assert len(smtp_server.received) == 1
    # The dead worker cannot record an outcome over the live one's.
    worker._finish(claimed, "dead-worker", status="failed")
    assert row(message.id).status == "sent"


def test_registered_sweeps_run_each_cycle_with_its_clock(
    app: Flask, smtp_server: SmtpServer
) -> None:
    seen: list[datetime] = []

    @outbox.register_sweep
    def remind(at: datetime) -> int:
        seen.append(at)
        queued = outbox.enqueue_email(
            kind="reminder", to="p@example.org", subject="Reminder", text="t", dedupe_key="sweep"
        )
        return 1 if queued else 0

    try:
        moment = now() + timedelta(days=3)
        report = worker.run_cycle(moment)
        assert seen == [moment]
        assert (report.queued_by_sweeps, report.sent) == (1, 1)
        assert worker.run_cycle(moment).queued_by_sweeps == 0
    finally:
        outbox._SWEEPS.pop(f"{remind.__module__}.{remind.__qualname__}")


def test_a_failing_sweep_does_not_stop_delivery(app: Flask, smtp_server: SmtpServer) -> None:
    @outbox.register_sweep
    def broken(at: datetime) -> int:
        raise RuntimeError("boom")

    try:
        queue_email()
        assert worker.run_once() == 1
    finally:
        outbox._SWEEPS.pop(f"{broken.__module__}.{broken.__qualname__}")


def test_a_relay_down_for_days_loses_nothing(app: Flask, smtp_server: SmtpServer) -> None:
    """Retried hourly for as long as the relay is down (the email was given up after 12 tries,
    five and a half hours), then delivered; the attempt limit ends only a message whose
    delivery kept killing the worker."""
    smtp_server.stop()
    message = queue_email()
    db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == message.id).values(max_attempts=2)
    )
    db.session.commit()
    moment = now()
    for hour in range(0, 72, 3):
        assert worker.run_once(moment + timedelta(hours=hour)) == 0
    assert row(message.id).status == "pending"
    assert row(message.id).attempts == 24
    smtp_server.start()
    assert worker.run_once(moment + timedelta(hours=73)) == 1
    assert row(message.id).status == "sent"


def test_a_message_that_keeps_killing_the_worker_fails(app: Flask) -> None:
    message = queue_email()
    db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == message.id).values(max_attempts=2)
    )
    db.session.commit()
    start = now()
    for death in range(2):  # claimed, then the worker dies before recording anything
        moment = start + death * (worker.LEASE + timedelta(seconds=1))
        worker.release_expired_leases(moment)
        assert [claimed.id for claimed in worker.claim(moment, f"dies-{death}")] == [message.id]
    worker.release_expired_leases(start + 3 * worker.LEASE)
    assert row(message.id).status == "failed"
    assert "no attempts left" in (row(message.id).last_error or "")


def test_a_batch_outliving_its_lease_is_sent_once(app: Flask, smtp_server: SmtpServer) -> None:
    """One lease covers a claimed batch; when sending it takes longer, another worker takes the
    unsent rest back. The first must then leave those to it (both sent them: 33 deliveries for
    30 alerts with two workers and a slow relay)."""
    first, second = queue_email("lease:1"), queue_email("lease:2")
    start = now()
    slow = worker.claim(start, "slow-worker")
    assert {m.id for m in slow} == {first.id, second.id}
    channels = worker.Channels(app.config)
    try:
        assert worker.deliver(slow[0], channels, "slow-worker", start) == "sent"
        # The lease runs out while the slow worker is busy; another takes the rest back.
        later = start + worker.LEASE + timedelta(seconds=1)
        assert worker.run_once(later) == 1
        assert worker.deliver(slow[1], channels, "slow-worker", later) == "released"
    finally:
        channels.close()
    assert len(smtp_server.received) == 2


class TestRetrySchedule:
    def test_alerts_retry_fast_then_every_ten_minutes(self) -> None:
        rng = random.Random(1)
        delays = [retry.retry_delay("red_flag_alert", n, rng=rng) for n in range(1, 9)]
        expected = [5, 30, 120, 300, 600, 600, 600, 600]
        for delay, base in zip(delays, expected, strict=True):
            assert base * 0.8 <= delay <= base * 1.2

    def test_emails_follow_the_mail_schedule_capped_at_an_hour(self) -> None:
        delays = [retry.retry_delay("invitation", n) for n in range(1, 12)]
        assert 24 <= delays[0] <= 36
        assert all(delay <= retry.MAX_DELAY_SECONDS for delay in delays)

    def test_retry_after_is_honoured_up_to_the_cap(self) -> None:
        assert retry.retry_delay("red_flag_alert", 1, retry_after=90) == 90
        assert retry.retry_delay("red_flag_alert", 1, retry_after=10**6) == 3600


@pytest.mark.parametrize("app_config", [{}])
def test_development_without_smtp_writes_the_email_to_the_log(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    assert app.config["SMTP_HOST"] is None
    message = queue_email()
    with caplog.at_level(logging.INFO, logger="screening.outbox"):
        assert worker.run_once() == 1
    assert "Your screening form" in caplog.text
    assert row(message.id).status == "sent"


def test_production_without_smtp_keeps_the_email_for_later(app: Flask) -> None:
    app.config.update(SMTP_HOST=None, ENV_NAME="production")
    message = queue_email()
    assert worker.run_once() == 0
    assert row(message.id).status == "pending"
    assert "SMTP_HOST" in (row(message.id).last_error or "")
