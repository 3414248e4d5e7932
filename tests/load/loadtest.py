"""`make load`: many synthetic patients at once through gunicorn, then every answer checked.

Starts gunicorn (loopback only) on a fresh database (SQLite in a temporary folder, or a fresh
PostgreSQL database), drives `--patients` synthetic patients through the questionnaire with
`--concurrency` at a time (by default the clinic mix: the worked examples in docs/examples and
the synthetic patient in turn; `--mix synthetic` sends only the synthetic patient, whose summary
runs to two pages), exactly as a browser does (start, every step, any warning page, Send with
its PDF, the confirmation page), and prints submissions per second with request latencies. A few
warm-up patients go first, outside the timing, so that the workers' start is not counted.
Afterwards it reads every stored screening back and checks its answers equal what that patient
sent: a load test that loses or mixes up an answer fails, however fast it was.

Bounded: a fixed number of patients, a time limit, only 127.0.0.1. Figures are printed, never
asserted. Run from the repository root (it uses the test suite's form helpers):

    .venv/bin/python -m tests.load.loadtest --database sqlite --workers 2
    .venv/bin/python -m tests.load.loadtest --database postgresql://postgres@127.0.0.1:5432

It serves whichever checkout's `screening` package it imports: `make load-baseline`
(tests/load/baseline.py) runs this same file from the code as issue 17 found it, which is why
it also copes with that code's Start page and its lack of `screening.wsgi`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

# PROJECT_ROOT is the checkout whose code this run serves: this one, or the one
# `make load-baseline` puts first on PYTHONPATH (both versions define it).
from screening import PROJECT_ROOT
from screening.questionnaire import QUESTIONNAIRE, ItemType
from screening.summary.bench import SYNTHETIC_ANSWERS, load_examples
from tests.patient.helpers import LINK, csrf_token_from, step_post_data

VENV_BIN = Path(sys.executable).parent
LOAD_DB = "screening_load"

FIRST_NAMES = ("Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Emerson")
LAST_NAMES = ("Lindqvist", "Okafor", "Marchetti", "Nakamura", "Delacroix", "Haddad", "Brennan")


MIX_NAMES = {
    "clinic": "clinic mix: the worked examples and the synthetic patient in turn",
    "synthetic": "only the synthetic patient, varied",
}


@cache
def clinic_mix() -> tuple[dict[str, Any], ...]:
    """The patients a clinic sees, taken in turn: each valid worked example in docs/examples
    (one-page summaries, two with an emergency warning), then the benchmark's synthetic
    patient (after surgery, eleven topics: a two-page summary)."""
    patients = [json.loads(case.answers_json) for case in load_examples() if case.kind == "typical"]
    if SYNTHETIC_ANSWERS not in patients:
        patients.append(SYNTHETIC_ANSWERS)
    return tuple(patients)


def synthetic_patient(number: int) -> dict[str, Any]:
    """The synthetic patient varied by `number`: name, date of birth, pain scores, and an
    urgent warning (leg weakness getting worse) for one patient in ten."""
    answers = dict(SYNTHETIC_ANSWERS)
    answers["date_of_birth"] = f"{1940 + number % 60}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    answers["back_pain_nrs"] = number % 11
    answers["leg_pain_nrs"] = (number * 7) % 11
    if number % 10 == 3:  # an urgent warning now and then, as in a real clinic
        answers["leg_weakness"] = "getting_worse"
    return answers


def synthetic_answers(number: int, mix: str = "clinic") -> dict[str, Any]:
    """A distinct, valid, synthetic answer set for patient `number`: with mix "clinic", the
    clinic mix in turn (its clinical answers as they are); with "synthetic", always the
    synthetic patient, varied. Each patient gets a name of their own."""
    if mix == "clinic":
        sets = clinic_mix()
        answers = dict(sets[number % len(sets)])
    else:
        answers = synthetic_patient(number)
    answers["first_name"] = FIRST_NAMES[number % len(FIRST_NAMES)]
    answers["last_name"] = f"{LAST_NAMES[number % len(LAST_NAMES)]}-{number}"
    return answers


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One patient's device: keep-alive HTTP to the server, a cookie jar, timed requests."""

    def __init__(self, port: int, figures: Figures) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.figures = figures

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - began
        with self.figures.lock:
            self.figures.latencies.append(elapsed)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = response.getheader("Location") or ""
        return response.status, text, urlsplit(location).path

    def post_form(self, path: str, pairs: list[tuple[str, str]]) -> tuple[int, str, str]:
        _status, page, _location = self.request("GET", path)
        csrf = csrf_token_from(page)
        if csrf:
            pairs = [*pairs, ("csrf_token", csrf)]
        return self.request("POST", path, pairs)


def one_patient(port: int, number: int, figures: Figures, mix: str = "clinic") -> None:
    """Start, answer every step, pass any warning page and send; record what was sent."""
    answers = synthetic_answers(number, mix)
    browser = Browser(port, figures)
    try:
        status, page, location = browser.post_form("/start", [])
        if status == 302:  # the link and code, on the page Start redirects to
            status, page, _ = browser.request("GET", location)
        # (The code as issue 17 found it, which `make load-baseline` serves, answered Start
        # with the link page itself: 200.)
        link = LINK.search(page)
        if status != 200 or not link:
            raise RuntimeError(f"the start's link page answered {status}")
        token = link.group(1)
        for section in QUESTIONNAIRE.sections:
            if section.id == "review":
                continue
            path = f"/s/{token}/step/{section.id}"
            status, _page, location = browser.post_form(
                path, [*step_post_data(section.id, answers), ("save", "1")]
            )
            if status != 302:
                raise RuntimeError(f"step {section.id} answered {status}")
            if location.endswith("/warning"):
                status, page, _ = browser.request("GET", location)
                if "I understand" in page:
                    browser.post_form(location, [])
        status, _page, location = browser.post_form(
            f"/s/{token}/step/review", [("submit", "1"), ("consent_confirm", "yes")]
        )
        if status != 302 or not location.endswith("/done"):
            raise RuntimeError(f"send answered {status} to {location or 'no redirect'}")
        with figures.lock:
            figures.sent[token] = {**answers, "consent_confirm": True}
        status, _page, _ = browser.request("GET", location)  # the confirmation page
        if status != 200:
            raise RuntimeError(f"the confirmation page answered {status}")
    except Exception as exc:  # counted and printed; the run goes on
        with figures.lock:
            figures.failures.append(f"patient {number}: {type(exc).__name__}: {exc}")
    finally:
        browser.connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(choice: str) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in a temporary folder, or a new PostgreSQL db."""
    if choice == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield "sqlite:///" + str(Path(folder) / "load.db")
        return
    from tests.postgres_db import create

    if create(choice.rstrip("/"), LOAD_DB) != 0:
        raise SystemExit(f"PostgreSQL not reachable at {choice}")
    yield choice.rstrip("/") + "/" + LOAD_DB


def wsgi_target() -> str:
    """What gunicorn serves: `screening.wsgi:app` (workers load the PDF renderer at start),
    or the app factory in a checkout from before that module (`make load-baseline`)."""
    if (PROJECT_ROOT / "screening" / "wsgi.py").exists():
        return "screening.wsgi:app"
    return "screening:create_app()"


@contextmanager
def gunicorn(env: dict[str, str], workers: int, port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            wsgi_target(),
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start within 30 s")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def canonical(answers: dict[str, Any]) -> dict[str, Any]:
    """What the questionnaire stores for these answers (multi answers in code order)."""
    result = dict(answers)
    for item in QUESTIONNAIRE.items:
        if item.type is ItemType.MULTI and item.id in result:
            order = [code.value for code in item.codes]
            result[item.id] = sorted(result[item.id], key=order.index)
    return result


def verify(env: dict[str, str], sent: dict[str, dict[str, Any]]) -> tuple[int, list[str]]:
    """Read every sent patient's stored answers back; list each one that differs.

    The app is made with the load run's environment (its database), which is put back as it
    was afterwards: the test suite calls this in its own process."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return _verify(sent)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _verify(sent: dict[str, dict[str, Any]]) -> tuple[int, list[str]]:
    from screening import create_app
    from screening.extensions import db
    from screening.services.screenings import find_by_token

    app = create_app()
    problems: list[str] = []
    with app.app_context():
        for token, answers in sent.items():
            screening = find_by_token(token)
            if screening.status != "submitted":
                problems.append(f"{screening.public_id}: status {screening.status}")
            elif screening.answers != canonical(answers):
                changed = sorted(
                    key
                    for key in set(answers) | set(screening.answers)
                    if canonical(answers).get(key) != screening.answers.get(key)
                )
                problems.append(f"{screening.public_id}: answers differ at {', '.join(changed)}")
            elif screening.summary is None:
                problems.append(f"{screening.public_id}: no PDF stored")
        db.engine.dispose()
    return len(sent), problems


def _process_stat(stat: Path) -> tuple[str, list[str]]:
    """A /proc/<pid>/stat file as (command name, the fields after it); OSError if it is gone.
    The name is in brackets and may hold spaces or ")", so it ends at the last ")"."""
    head, _, rest = stat.read_text().rpartition(")")
    return head.partition("(")[2], rest.split()


def _cpu_seconds(fields: list[str], *, reaped_children: bool = False) -> float:
    """utime and stime (fields 14 and 15 of the stat file), with the reaped children's cutime
    and cstime (16 and 17) when asked, in seconds."""
    end = 15 if reaped_children else 13
    return sum(int(value) for value in fields[11:end]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and every live descendant (the
    gunicorn master and its workers), read from /proc; 0 where /proc is not there."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            _name, fields = _process_stat(Path(f"/proc/{current}/stat"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += _cpu_seconds(fields, reaped_children=True)
        pending.extend(int(child) for child in children)
    return total


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by this machine's live PostgreSQL server processes (the
    connections' backends included), read from /proc; 0 where they cannot be read. Only
    meaningful on a machine where the load run is the database's only work."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = _process_stat(stat)
        except OSError:
            continue
        if name == "postgres":
            total += _cpu_seconds(fields)
    return total


def minimal_document_cpu_ms(runs: int = 15) -> float:
    """CPU milliseconds of the PDF benchmark's yardstick, a minimal one-paragraph WeasyPrint
    document, on this machine now (median of `runs`, after one warm-up): the server's CPU per
    submission divided by it can be compared between machines, unlike milliseconds."""
    # pdf_timing's, which works in both versions of the code (`make load-baseline`).
    from tests.load.pdf_timing import minimal_document

    minimal_document()
    timings = []
    for _ in range(runs):
        start = time.process_time()
        minimal_document()
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--patients", type=int, default=150)
    parser.add_argument(
        "--mix",
        choices=("clinic", "synthetic"),
        default="clinic",
        help="clinic: the worked examples and the synthetic patient in turn;"
        " synthetic: only the synthetic patient (two-page summaries), varied",
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=300, help="seconds, at most")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=None,
        help="patients sent before the timing starts, checked too (default: 2 per worker)",
    )
    args = parser.parse_args(argv)
    warm_up = 2 * args.workers if args.warm_up is None else max(0, args.warm_up)

    with database(args.database) as url:
        env = {
            **os.environ,
            "SCREENING_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": "0",
            "RATELIMIT_STORAGE_URI": "memory://",
            "TRUSTED_HOSTS": "127.0.0.1",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
        subprocess.run(
            [str(VENV_BIN / "screening"), "db", "upgrade"], env=env, check=True, capture_output=True
        )
        yardstick_ms = minimal_document_cpu_ms()  # before the load, on an idle machine
        port = free_port()
        figures = Figures()
        with gunicorn(env, args.workers, port) as server:
            # A clinic's server runs for days: the workers' start (imports, the first template
            # compiled, fonts loaded) is not what a submission costs. A few patients first,
            # `workers` at a time so that each worker serves some, outside the timing.
            warm_figures = Figures()
            with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
                for number in range(args.patients, args.patients + warm_up):
                    pool.submit(one_patient, port, number, warm_figures, args.mix)
            server_cpu_before = tree_cpu_seconds(server.pid)
            database_cpu_before = postgres_cpu_seconds()
            client_cpu_before = time.process_time()
            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                futures = [
                    pool.submit(one_patient, port, number, figures, args.mix)
                    for number in range(args.patients)
                ]
                deadline = began + args.time_limit
                for future in futures:
                    future.result(timeout=max(1.0, deadline - time.perf_counter()))
            elapsed = time.perf_counter() - began
            server_cpu = tree_cpu_seconds(server.pid) - server_cpu_before
            database_cpu = postgres_cpu_seconds() - database_cpu_before
            client_cpu = time.process_time() - client_cpu_before
        # Again once the load is over: on a shared machine the cores' speed drifts, and a
        # yardstick that moved says how far to trust the figures below.
        yardstick_after_ms = minimal_document_cpu_ms()
        checked, problems = verify(env, {**warm_figures.sent, **figures.sent})

    backend = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    latencies = sorted(figures.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(
        f"{backend}, gunicorn {args.workers} workers, {args.concurrency} patients at a time"
        f" ({MIX_NAMES[args.mix]}): "
        f"{len(figures.sent)} of {args.patients} sent in {elapsed:.1f} s = "
        f"{len(figures.sent) / elapsed:.1f} submissions/s"
        f" (after {len(warm_figures.sent)} of {warm_up} warm-up patients, not timed)"
    )
    print(f"  code served: {PROJECT_ROOT} ({wsgi_target()})")
    if latencies:
        print(
            f"  {len(latencies)} requests: median {statistics.median(latencies) * 1000:.0f} ms,"
            f" p95 {p95 * 1000:.0f} ms"
        )
    if figures.sent:
        sent = len(figures.sent)
        print(
            f"  CPU per submission: server {server_cpu / sent * 1000:.0f} ms"
            f" (gunicorn and its workers), load generator {client_cpu / sent * 1000:.0f} ms"
            f" (this process, on the same cores)"
            + (
                f", PostgreSQL {database_cpu / sent * 1000:.0f} ms (its server processes)"
                if backend == "PostgreSQL" and database_cpu > 0
                else ""
            )
        )
        print(
            f"  server CPU per submission = {server_cpu / sent * 1000 / yardstick_ms:.1f} minimal"
            f" WeasyPrint documents ({yardstick_ms:.1f} ms each here, measured before the load;"
            f" {yardstick_after_ms:.1f} ms after it)"
        )
    print(f"  stored answers checked: {checked - len(problems)} of {checked} equal what was sent")
    failures = warm_figures.failures + figures.failures
    for line in (failures + problems)[:20]:
        print("  PROBLEM", line)
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
