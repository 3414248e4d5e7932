"""`screening worker`: deliver the outbox (alerts, escalations, invitation emails).

Runs beside the web server (`make run` starts both; in production a second service beside
gunicorn). `--once` delivers what is due now and exits (cron, tests, a quick check).
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app

from screening.outbox import channels
from screening.outbox.worker import run_cycle, run_forever


def _configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    logging.getLogger("screening.outbox").setLevel(logging.INFO)


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def worker_command(once: bool) -> None:
    """Deliver queued alerts and emails, retrying failures; stop with Ctrl-C or SIGTERM."""
    _configure_logging()
    config = current_app.config
    backend = channels.email_backend_name(config)
    webhook = "on" if config.get("ALERT_WEBHOOK_URL") else "off"
    click.echo(f"Outbox worker: email via {backend}, alert webhook {webhook}.", err=True)
    if once:
        report = run_cycle()
        click.echo(
            f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
            f"queued by sweeps {report.queued_by_sweeps}, released {report.released}, "
            f"left for the next cycle {report.handed_back}"
        )
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Finish the message in hand, then exit: no half-recorded delivery.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    run_forever(stop, poll_seconds=float(config.get("OUTBOX_POLL_SECONDS") or 1))


COMMANDS = [worker_command]
