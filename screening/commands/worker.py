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


def _check_tables() -> None:
    """Stop at once, saying so, when the database has no outbox table (never migrated): the
    worker would otherwise log a failed cycle every second for ever. A database that cannot be
    reached is only logged: it may be starting, and the worker waits for it."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from screening.commands.failures import NO_TABLES, NOT_UP_TO_DATE, database_problem
    from screening.extensions import db
    from screening.models import OutboxMessage

    try:
        db.session.execute(select(OutboxMessage.id).limit(1)).all()
    except SQLAlchemyError as error:
        db.session.rollback()
        problem = database_problem(error)
        if problem in (NO_TABLES, NOT_UP_TO_DATE):
            raise  # said in one line by the command's guard (screening/commands/failures.py)
        logging.getLogger("screening.outbox").warning(
            "%s; trying again every cycle", problem or type(error).__name__
        )
    finally:
        db.session.remove()


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
    _check_tables()
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Finish the message in hand, then exit: no half-recorded delivery.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    run_forever(stop, poll_seconds=float(config.get("OUTBOX_POLL_SECONDS") or 1))


COMMANDS = [worker_command]
