"""Issue 16, item 8: access logs keep no private-link tokens and no searched names.

Two real servers, each a subprocess with its log read back: Werkzeug's development server
(`screening run`) and gunicorn (the README's deployment), each sent a patient-link request, a
queue search by name and a referrer carrying a link.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from screening.access_log import scrub
from tests.outbox.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "SecretLinkToken1234567890abcdef"
NAME = "Zelda"


def _get(url: str, referer: str | None = None) -> None:
    headers = {"Referer": referer} if referer else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    # 404 and 302 are fine: only the log line matters.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=60).close()  # noqa: S310 (loopback)


def _serve_and_read_log(command: list[str], port: int, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "SCREENING_ENV": "development",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "log.db"),
        "SECRET_KEY": "access-log-test-secret-key-0123456789",
    }
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/staff/login", timeout=10).close()  # noqa: S310
                    break
                except OSError:  # not up yet (refused, or too slow to answer)
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.2)
            _get(f"{base}/s/{TOKEN}/step/about?from=review")
            _get(f"{base}/staff/?q={NAME}&status=submitted", referer=f"{base}/s/{TOKEN}/done")
            _get(f"{base}/staff/login?next=/staff/%3Fq%3D{NAME}")
            time.sleep(0.5)  # let the server write its last log line
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    return log.read_text()


def _assert_private(text: str) -> None:
    assert "/s/[link]/step/about" in text, text  # the request is logged...
    assert TOKEN not in text  # ...without the token
    assert NAME not in text
    assert "q=" not in text


def test_the_development_server_log_is_private(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "screening.cli", "run", "--port", str(port), "--no-reload"]
    _assert_private(_serve_and_read_log(command, port, tmp_path))


def test_the_gunicorn_access_log_is_private(tmp_path):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    port = free_port()
    command = [
        gunicorn,
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "screening.wsgi:app",  # as the README serves it
    ]
    text = _serve_and_read_log(command, port, tmp_path)
    _assert_private(text)
    assert '"-"' in text or "[link]/done" in text  # the referrer is masked too


def test_scrub_masks_tokens_and_drops_queries():
    line = f'"GET /s/{TOKEN}/step/about?from=review HTTP/1.1" 200 -'
    assert scrub(line) == '"GET /s/[link]/step/about HTTP/1.1" 200 -'
    assert scrub(f"/staff/?q={NAME}") == "/staff/"
    stop = '"POST /reminders/stop/InR2MSI.aBcD-eF_0 HTTP/1.1" 302 -'
    assert scrub(stop) == '"POST /reminders/stop/[link] HTTP/1.1" 302 -'
