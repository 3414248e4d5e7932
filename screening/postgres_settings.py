"""PostgreSQL connections: one the server closed is noticed without asking the server, and
one gone silent is given up in time.

A pooled connection can die while it waits in the pool: PostgreSQL restarts, or an operator
ends its session. SQLAlchemy's `pool_pre_ping` finds out by sending a statement on every
checkout: one more round trip before every request (21 of the 116 round trips of one
patient's whole questionnaire, each costing both this process and the database server).

A server that ends a session says so: it sends the reason and closes the socket. An idle
connection has nothing to read (every answer to its last statement was read), so at checkout
one `poll` with no wait looks at the socket: nothing waiting, the connection is open; anything
waiting (the goodbye, the end of the stream), it is swapped for a fresh one before the request
uses it, as the pre-ping did. A rare harmless message (a server setting reported after a
reload) also gets a fresh connection: a reconnect, never an error.

A server that vanishes without a word (its host powered off, a network cut) says nothing at
all, and libpq on its own would wait: minutes for a new connection (the operating system's
connect retries; libpq sets no `connect_timeout` by default), and for ever for the answer to
a statement already sent. A patient would see no page until gunicorn killed the worker (30
seconds), and then only a dropped connection. So every connection asks libpq to give up in
time, and the request gets the app's own error page instead (DEFAULT_CONNECTION_LIMITS):
`connect_timeout` for a new connection (a host that does not answer, or a server that
accepts and then says nothing); `tcp_user_timeout` for data the server's host never
acknowledges; TCP keepalives for a connection gone silent, waiting for an answer or idle in
the pool (whose broken socket the checkout's look then finds). A limit already written in
DATABASE_URL's query (`?connect_timeout=10`) is the operator's and is kept.

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


# libpq's limits for a server that does not answer (see the module docstring). All below
# gunicorn's 30-second worker timeout, so the app answers before the worker is killed.
DEFAULT_CONNECTION_LIMITS: dict[str, int] = {
    "connect_timeout": 5,  # seconds to connect, log in and be ready (libpq: at least 2)
    "tcp_user_timeout": 15_000,  # milliseconds sent data may go unacknowledged
    "keepalives": 1,
    "keepalives_idle": 10,  # seconds of silence before the first probe
    "keepalives_interval": 5,  # seconds between probes
    "keepalives_count": 2,  # unanswered probes before the connection is given up
}


def engine_options(url: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """`options` for `url`'s engine: on PostgreSQL through psycopg, without the pre-ping
    (the checkout reads the socket instead) and with libpq's connection limits, except those
    the URL sets itself."""
    if not reads_closed_connections(url):
        return options
    from sqlalchemy.engine import make_url

    in_url = make_url(str(url)).query
    limits = {key: value for key, value in DEFAULT_CONNECTION_LIMITS.items() if key not in in_url}
    connect_args = {**limits, **options.get("connect_args", {})}
    return {**options, "pool_pre_ping": False, "connect_args": connect_args}


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
