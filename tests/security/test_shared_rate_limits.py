"""Issue 16, item 5: rate limits hold across worker processes (Redis), and production refuses
to start with per-process (memory://) counting unless told so explicitly.

The multi-process test runs two real app servers (`screening run`) on free ports against one
Redis (127.0.0.1:6379, a key prefix of its own) and one database, and sends the resume-code
form to both in turn: the limit of 10 a minute per address holds over the two together.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import ConfigError, load_config
from tests.outbox.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip():  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (REQUIRE_REDIS=1 makes this fail)")
    return client


def _wait_until_serving(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/resume", timeout=10).close()
            return
        except OSError:  # not up yet (refused, or too slow to answer)
            time.sleep(0.2)
    raise RuntimeError(f"the app on port {port} did not start")


def _post_resume(port: int) -> int:
    data = urllib.parse.urlencode({"code": "ZZZZZ-ZZZZZ"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/resume", data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[int, int]]:
    redis_client = _redis_or_skip()
    prefix = f"screening-test-security-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "SCREENING_ENV": "development",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "shared.db"),
        "SECRET_KEY": "two-servers-test-" + uuid.uuid4().hex,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_ENABLED": "true",
        "WTF_CSRF_ENABLED": "false",
    }
    screening = [sys.executable, "-m", "screening.cli"]
    upgrade = subprocess.run(
        [*screening, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert upgrade.returncode == 0, upgrade.stderr
    ports = (free_port(), free_port())
    processes = [
        subprocess.Popen(
            [*screening, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_serving(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        for key in redis_client.scan_iter(match=f"{prefix}*"):
            redis_client.delete(key)


def test_the_limit_holds_across_two_app_processes_on_one_redis(two_servers):
    first, second = two_servers
    statuses = [_post_resume(first if n % 2 == 0 else second) for n in range(16)]
    # 10 a minute per address, counted once over both processes (memory:// would allow 20).
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429] * 6


def _production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, storage: str | None):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/screening")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://screening.clinic.example")
    if storage is None:
        monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    else:
        monkeypatch.setenv("RATELIMIT_STORAGE_URI", storage)
    return load_config("production", str(tmp_path))


def test_production_refuses_per_process_counting_unless_set_explicitly(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        _production(monkeypatch, tmp_path, None)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        _production(monkeypatch, tmp_path, "  ")
    assert _production(monkeypatch, tmp_path, "memory://").RATELIMIT_STORAGE_URI == "memory://"
    assert _production(monkeypatch, tmp_path, REDIS_URL).RATELIMIT_STORAGE_URI == REDIS_URL
