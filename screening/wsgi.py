"""The app as a production WSGI server loads it: `gunicorn -w 4 screening.wsgi:app`.

Built once in each worker process, then readied for a long life of requests by
`ready_for_serving`:

- the PDF renderer (WeasyPrint, the summary's CSS and fonts) is loaded now: otherwise the
  first patient to press Send on each worker waited about a second more for it;
- the objects that live as long as the process (modules, the app, templates, fonts: some
  150,000 of them) are frozen out of the garbage collector's sight (`gc.freeze`). Python's
  full collection walks every object it tracks: with those in the heap it paused the request
  that set it off (about one in 30 submissions) for 90–100 ms; frozen, for about 16 ms.
  Frozen objects are still freed by reference counting when dropped; only a reference cycle
  among them would stay, and they live until the process exits anyway.

Not with gunicorn's `--preload`: the workers would share the master's WeasyPrint fonts, kept
in a temporary folder that WeasyPrint deletes when a process holding them exits, so one
worker's restart would take the fonts from the others.

`create_app()` itself does none of this: the tests, the CLI and `make run` build apps freely.
"""

from __future__ import annotations

import gc

from screening import create_app


def ready_for_serving() -> None:
    """Load what every worker will need, collect once, and freeze what is left: from here on
    the garbage collector looks only at objects made by requests."""
    from screening.summary.render import prepare

    prepare()
    gc.collect()
    gc.freeze()


app = create_app()
ready_for_serving()
