"""PostgreSQL connections: a closed connection is noticed without asking the server.

A pooled connection can die while it waits in the pool: PostgreSQL restarts, or an operator
ends its session. SQLAlchemy's `pool_pre_ping` finds out by sending a statement on every
checkout: one more round trip before every request (21 of the 116 round trips of one
patient's whole questionnaire, each costing both this process and the database server).

A server that ends a session says so: it sends the reason and closes the socket. An idle
connection has nothing to read (every answer to its last statement was read), so at checkout
one `poll` with no wait looks at the socket: nothing waiting, the connection is open; anything
waiting (the goodbye, the end of the stream), it is swapped for a fresh one before the request
uses it, as the pre-ping did. A rare harmless message (a server setting reported after a
reload) also gets a fresh connection: a reconnect, never an error. What neither catches is a
server that vanishes without a word (a network cut): the pre-ping would have waited for the
TCP timeout there too.

The pre-ping stays for any other driver.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError


def reads_closed_connections(url: str | None) -> bool:
    """Whether connections to `url` are checked by `notice_closed_connections` (PostgreSQL
    through psycopg 3, the driver config.py names) rather than by the pre-ping."""
    return bool(url) and str(url).startswith("postgresql+psycopg://")


def engine_options(url: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """`options` for `url`'s engine: without the pre-ping where the checkout reads instead."""
    if reads_closed_connections(url):
        return {**options, "pool_pre_ping": False}
    return options


def notice_closed_connections(engine: Engine) -> None:
    """On each checkout from `engine`'s pool, replace a connection the server has closed."""
    if not reads_closed_connections(engine.url.render_as_string(hide_password=True)):
        return

    @event.listens_for(engine, "checkout")
    def _closed_by_the_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if not still_open(dbapi_connection):
            # The pool discards this connection and checks out a new one (up to 3 tries).
            raise DisconnectionError("the database server closed this idle connection")


def still_open(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection is still open, from what is already on its socket."""
    from psycopg import pq

    pgconn = dbapi_connection.pgconn
    if pgconn.status != pq.ConnStatus.OK:
        return False
    waiting = select.poll()
    waiting.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    return not waiting.poll(0)
