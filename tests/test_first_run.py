"""Issue 16, item 12: the first run says the right things.

`make run PORT=... HOST=...` serves there and prints the matching sign-in address; the README
says how to change the port and describes the project without pointing outside it; building
the package raises no warning (the license is an SPDX string), so CI fails on one.
"""

from __future__ import annotations

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

from tests.outbox.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_staff_hint_prints_the_address_it_is_given(runner):
    result = runner.invoke(args=["staff-hint", "--host", "127.0.0.1", "--port", "8123"])
    assert "Staff sign in at http://127.0.0.1:8123/staff/login" in result.output
    wildcard = runner.invoke(args=["staff-hint", "--host", "0.0.0.0", "--port", "80"])  # noqa: S104
    assert "http://127.0.0.1:80/staff/login" in wildcard.output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_and_host_it_is_given_and_says_so(tmp_path):
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("the project's .venv is not set up (make .venv/.installed)")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "run.db"),
        "SCREENING_ENV": "development",
    }
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    expected = f"http://127.0.0.1:{port}/staff/login"
    printed = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            if "Staff sign in at" in line:
                break
        assert any(f"Staff sign in at {expected}" in line for line in printed), "".join(printed)
        assert not any(":5000" in line for line in printed)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(expected, timeout=10) as response:
                    assert response.status == 200
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def test_the_readme_says_how_to_change_the_port_and_points_nowhere_outside():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=" in readme
    assert "../shared" not in readme


def test_building_the_package_raises_no_warning(tmp_path):
    """setuptools with warnings as errors: a deprecated pyproject setting fails this test."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "config.py"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "screening", source / "screening", ignore=shutil.ignore_patterns("__pycache__")
    )
    build = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-c",
            "import sys, setuptools.build_meta as backend; backend.build_wheel(sys.argv[1])",
            str(tmp_path / "dist"),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert "Warning" not in build.stderr
    assert list((tmp_path / "dist").glob("miss_screening-*.whl"))
