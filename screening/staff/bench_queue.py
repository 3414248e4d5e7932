"""Benchmark of the staff queue with 100,000 synthetic screenings.

    .venv/bin/python -m screening.staff.bench_queue [--rows 100000] [--runs 50] [--database URL]

Seeds a throw-away SQLite database (or the PostgreSQL URL given) with bulk inserts, then times
the default queue page, a last-name search, a first-and-last-name prefix search and a filtered
page, printing the median and 95th-percentile milliseconds of each. All data is synthetic.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate
import sqlalchemy as sa
from sqlalchemy import insert

FIRST = ["Anna", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemi",
         "Liam", "Maya", "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik",
         "Wen", "Xavi", "Yara", "Zoe"]  # fmt: skip
LAST = ["Lee", "Park", "Garcia", "Smith", "Nguyen", "Khan", "Okafor", "Rossi", "Muller", "Silva",
        "Cohen", "Ivanova", "Tanaka", "Haddad", "Novak", "Brown", "Jones", "Dubois", "Larsen",
        "Moreau", "Kowalski", "Santos", "Ali", "Chen", "Patel", "Murphy"]  # fmt: skip
TRIAGE = [("routine", 3, 0.80), ("review", 2, 0.12), ("urgent", 1, 0.06), ("emergency", 0, 0.02)]


def _evaluation(rng: random.Random, triage: str) -> str:
    topics = [
        {"id": f"topic_{n}", "title": "A discussion topic", "reasons": ["Reason one", "Reason two"]}
        for n in range(rng.randint(0, 6))
    ]
    return json.dumps(
        {"rules_version": "1", "triage": triage, "red_flags": [], "topics": topics, "scores": {}}
    )


def _rows(count: int, clinician_ids: list[int], now: datetime, seed: int = 7) -> list[dict]:
    """Mostly reviewed history, some submitted, invited and in-progress, like a busy clinic."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        kind = rng.random()
        level, rank = "routine", 3
        pick = rng.random()
        for name, value, share in TRIAGE:
            if pick < share:
                level, rank = name, value
                break
            pick -= share
        created = now - timedelta(days=rng.uniform(0, 730))
        row = {
            "public_id": f"bench{n:010d}",
            "answers_json": "{}",
            "questionnaire_version": "1",
            "token_hash": f"{n:064x}",
            "resume_code_hash": None,
            "created_at": created,
            "updated_at": created,
            "patient_first_name": first,
            "patient_last_name": last,
            "patient_name_search": f"{first} {last}".lower(),
            "clinician_id": rng.choice(clinician_ids),
            "dob_failures": 0,
            "appointment_at": None,
            "submitted_at": None,
            "reviewed_at": None,
            "triage": None,
            "triage_rank": None,
            "evaluation_json": None,
            "status": "in_progress",
        }
        if kind < 0.90:  # reviewed history
            row.update(status="reviewed", submitted_at=created + timedelta(days=1),
                       reviewed_at=created + timedelta(days=2),
                       appointment_at=created + timedelta(days=3))  # fmt: skip
        elif kind < 0.93:  # waiting for review
            row.update(status="submitted", submitted_at=now - timedelta(days=rng.uniform(0, 14)),
                       appointment_at=now + timedelta(days=rng.uniform(-3, 20)))  # fmt: skip
        elif kind < 0.98:  # invited, appointments spread over two months
            row.update(status="invited", appointment_at=now + timedelta(days=rng.uniform(-30, 30)))
        if row["submitted_at"] is not None:
            row.update(triage=level, triage_rank=rank, evaluation_json=_evaluation(rng, level))
            # The highest level reached (issue 12): the same as the final one here.
            row.update(highest_triage=level, highest_triage_rank=rank)
        rows.append(row)
    return rows


def _time(run: Callable[[], object], runs: int) -> tuple[float, float]:
    run()  # warm the caches once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)

    from screening import create_app
    from screening.extensions import db
    from screening.models import Screening, StaffUser
    from screening.services import queue

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or "sqlite:///" + str(Path(folder) / "bench.db")
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            # The schema a clinic runs: built by the migrations (PostgreSQL gets its
            # trigram index for name search), on an emptied database.
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            flask_migrate.upgrade()
            clinicians = [
                StaffUser(
                    email=f"dr{n}@clinic.example",
                    display_name=f"Dr {n}",
                    password_hash="!",  # noqa: S106 (no password: these never sign in)
                    role="clinician",
                    active=True,
                )
                for n in range(8)
            ]
            db.session.add_all(clinicians)
            db.session.commit()
            ids = [user.id for user in clinicians]
            now = datetime.now(UTC)
            started = time.perf_counter()
            rows = _rows(args.rows, ids, now)
            for offset in range(0, len(rows), 10_000):
                db.session.execute(insert(Screening), rows[offset : offset + 10_000])
            db.session.commit()
            # Fresh statistics, as a live database's autovacuum / ANALYZE would have.
            if db.engine.dialect.name == "sqlite":
                db.session.execute(db.text("ANALYZE"))
            else:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(db.text("VACUUM ANALYZE screening"))
            seeded = time.perf_counter() - started
            zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])
            today = datetime.now(zone).date()

            def page(filters: queue.QueueFilter, number: int = 1) -> Callable[[], object]:
                def run() -> object:
                    result = queue.queue_page(
                        filters, page=number, today=today, zone=zone, clinical=True
                    )
                    db.session.rollback()
                    return result

                return run

            cases = {
                "default queue, page 1": page(queue.QueueFilter()),
                "default queue, page 3": page(queue.QueueFilter(), 3),
                "name search 'lee'": page(queue.QueueFilter(name="lee")),
                "name search 'anna l'": page(queue.QueueFilter(name="anna l")),
                "filter urgent + clinician": page(
                    queue.QueueFilter(triage="urgent", clinician_id=ids[0])
                ),
            }
            default = page(queue.QueueFilter())()
            print(f"{args.rows:,} screenings seeded in {seeded:.1f} s on {db.engine.dialect.name}")
            print(f"default queue holds {default.total:,} screenings ({default.pages} pages)")  # type: ignore[attr-defined]
            print(f"{'case':32} {'median ms':>10} {'p95 ms':>10}")
            for name, run in cases.items():
                median, p95 = _time(run, args.runs)
                print(f"{name:32} {median:10.1f} {p95:10.1f}")
            db.session.remove()
            if args.database:
                db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
