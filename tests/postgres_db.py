"""Create a fresh, empty PostgreSQL database for the test run (used by `make test-postgres`).

Exit 0 when the database is ready, 1 when the server cannot be reached, so the Makefile can
skip (or, with REQUIRE_POSTGRES=1, fail) with a clear message.
"""

from __future__ import annotations

import sys


def create(server_url: str, name: str) -> int:
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(server_url + "/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        print(f"Cannot reach PostgreSQL at {server_url}: {exc}".strip(), file=sys.stderr)
        return 1
    print(f"PostgreSQL test database {name!r} created fresh.")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "create":
        print("usage: python -m tests.postgres_db create SERVER_URL DB_NAME", file=sys.stderr)
        sys.exit(2)
    sys.exit(create(sys.argv[2], sys.argv[3]))
