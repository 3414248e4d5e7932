"""Benchmark of a patient step page: `python -m tests.load.bench_steps [--runs N]` (`make bench`).

Serves every questionnaire step in one process (GET of a filled-in step, and POST of its answers
with "Save and continue", CSRF token checked as in production), alternating with a hello-world
Jinja template rendered in the same process, and prints for each step the median CPU
milliseconds and the ratio to the hello-world page timed beside it (one for the GET, one for the
POST). CPU time (not wall time) so that other load
on the machine disturbs the figures less. The database is SQLite in a temporary folder.

What is timed is the server's work only: each request is a WSGI environ built beforehand (as a
server hands it to the app, with the browser's session cookie and the encoded form body), and
the app's whole response is read. Building and encoding the request, the test client's part,
is not the server's cost.

Target (issue 17): a step page costs 5 ms or less of server CPU on the machine where a
hello-world template costs 0.4 ms: a ratio of 12.5 to the hello-world page, which is what is
judged here, so the verdict holds on a slower or busier machine too.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

STEP_TARGET_MS = 5.0
HELLO_REFERENCE_MS = 0.4  # the hello-world page on the machine the target was set on
TARGET_RATIO = STEP_TARGET_MS / HELLO_REFERENCE_MS
HELLO = "<!doctype html><title>{{ title }}</title><p>Hello, {{ name }}!</p>"


def _cpu_ms(
    action: Callable[[], Any], runs: int, baseline: Callable[[], Any]
) -> tuple[float, float]:
    """Median CPU ms of `action` and of `baseline`, interleaved so both see the same load."""
    timed: list[float] = []
    base: list[float] = []
    for _ in range(runs):
        for target, into in ((baseline, base), (action, timed)):
            gc.collect()
            began = time.process_time()
            target()
            into.append((time.process_time() - began) * 1000)
    return statistics.median(timed), statistics.median(base)


def _prepared_request(app: Any, **request: Any) -> Callable[[], str]:
    """A request built once; calling the result serves it through the app's WSGI callable
    (a fresh body stream each time) and reads the whole response; returns the status."""
    environ = EnvironBuilder(**request).get_environ()
    body = environ["wsgi.input"].read()

    def serve() -> str:
        fresh = dict(environ)
        fresh["wsgi.input"] = io.BytesIO(body)
        status: list[str] = []
        response = app(fresh, lambda code, headers, exc_info=None: status.append(code))
        try:
            for _chunk in response:
                pass
        finally:
            getattr(response, "close", lambda: None)()
        return status[0]

    return serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args(argv)

    from screening import create_app
    from screening.extensions import db
    from screening.questionnaire import QUESTIONNAIRE
    from screening.services import screenings
    from screening.summary.bench import SYNTHETIC_ANSWERS
    from tests.patient.helpers import csrf_token_from, step_post_data

    with tempfile.TemporaryDirectory() as folder:
        url = "sqlite:///" + str(Path(folder) / "bench.db")
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True)
        with app.app_context():
            db.create_all()
            hello = app.jinja_env.from_string(HELLO)

            def hello_page() -> None:
                with app.test_request_context("/"):
                    hello.render(title="Hello", name="world")

            new = screenings.start_screening()
            answers = dict(SYNTHETIC_ANSWERS)
            for section in QUESTIONNAIRE.sections:
                if section.id == "review":
                    continue
                own = {k: v for k, v in answers.items() if k in section.item_ids}
                screenings.save_section(new.screening, section.id, own, partial=True)
            db.session.remove()

            client = app.test_client()
            print(
                f"Patient step pages, median CPU ms over {args.runs} runs (ratio to hello-world):"
            )
            worst = 0.0
            worst_ratio = 0.0
            for section in QUESTIONNAIRE.sections:
                if section.id == "review":
                    continue
                path = f"/s/{new.token}/step/{section.id}"
                # The browser's side: open the step once (session cookie and CSRF token).
                page = client.get(path).get_data(as_text=True)
                cookie = client.get_cookie("session")
                headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
                pairs = [*step_post_data(section.id, answers), ("save", "1")]
                pairs.append(("csrf_token", csrf_token_from(page) or ""))
                get = _prepared_request(app, path=path, headers=headers)
                post = _prepared_request(
                    app, path=path, method="POST", data=MultiDict(pairs), headers=headers
                )
                if not (get().startswith("200") and post().startswith("302")):
                    raise SystemExit(f"{section.id}: the step did not serve and save as expected")

                # Each against the hello-world page timed beside it (GET and POST are timed
                # apart, and a shared machine's speed drifts between the two).
                get_ms, get_base_ms = _cpu_ms(get, args.runs, hello_page)
                post_ms, post_base_ms = _cpu_ms(post, args.runs, hello_page)
                get_ratio, post_ratio = get_ms / get_base_ms, post_ms / post_base_ms
                worst = max(worst, get_ms, post_ms)
                worst_ratio = max(worst_ratio, get_ratio, post_ratio)
                print(
                    f"  {section.id:14} GET {get_ms:5.2f} ms ({get_ratio:5.1f}x)"
                    f"   POST {post_ms:5.2f} ms ({post_ratio:5.1f}x)"
                    f"   hello-world {get_base_ms:.2f} / {post_base_ms:.2f} ms"
                )
            verdict = "met" if worst_ratio <= TARGET_RATIO else "NOT met"
            print(
                f"  slowest: {worst:.2f} ms; worst ratio {worst_ratio:.1f}x hello-world"
                f" (target <= {TARGET_RATIO:.1f}x: {STEP_TARGET_MS:.0f} ms where hello-world"
                f" costs {HELLO_REFERENCE_MS} ms): {verdict}"
            )
            db.engine.dispose()


if __name__ == "__main__":
    main()
