"""screening.wsgi, the app as a production server loads it (gunicorn ... screening.wsgi:app).

The test imports it in a fresh interpreter: the freeze it makes would otherwise stay in the
test process for the rest of the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from screening import PROJECT_ROOT

REPORT = """
import gc, json, sys
import screening.wsgi
from screening.summary import render
frozen = gc.get_freeze_count()
gc.collect()
client = screening.wsgi.app.test_client()
print(json.dumps({
    "frozen": frozen,
    "tracked_after_full_collection": len(gc.get_objects()),
    "weasyprint_loaded": "weasyprint" in sys.modules,
    "fonts_loaded": render._shared.cache_info().currsize,
    "start_page": client.get("/start").status_code,
}))
"""


def test_a_server_worker_loads_the_pdf_renderer_and_freezes_its_long_lived_objects(
    tmp_path,
) -> None:
    environment = {
        **os.environ,
        "SCREENING_ENV": "testing",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
    }
    run = subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    # The renderer is ready before the first Send, and frozen with the rest.
    assert report["weasyprint_loaded"] and report["fonts_loaded"] == 1
    # The modules, the app and the fonts are out of the collector's walk: a full collection
    # now looks at a small fraction of what it walked before.
    assert report["frozen"] > 50_000
    assert report["tracked_after_full_collection"] < report["frozen"] / 5
    # And the app serves as before.
    assert report["start_page"] == 200
