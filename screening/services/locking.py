"""Row locks that hold on every database we run on.

A read-modify-write of a screening's answers (merge one step into the stored set) must not run
twice at once for the same screening, or one device's step is lost. PostgreSQL gives us
`SELECT ... FOR UPDATE`. SQLite silently drops `FOR UPDATE`, and Python's sqlite3 opens its
transaction only at the first INSERT/UPDATE, so two requests would both read the same old
answers before either writes. On SQLite we therefore start the transaction with
`BEGIN IMMEDIATE`, which takes the database's write lock *before* the read (SQLite's busy
timeout makes the second writer wait, instead of failing, for as long as the first holds it).

The lock is held until the caller's service commits or rolls back, so keep that transaction
short: nothing slow (PDF rendering, e-mail) may run between `lock_for_update` and the commit.
"""

from __future__ import annotations

from typing import Any

from screening.extensions import db


def _sqlite_begin_immediate() -> None:
    """Make the session's transaction a SQLite write transaction from its first statement."""
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if raw is None:  # pragma: no cover - a detached connection never reaches here
        raise RuntimeError("no database connection to lock")
    if raw.in_transaction:
        # sqlite3 only opens a transaction at a write, and any write (even one that matched no
        # row) takes the write lock: this transaction already holds it until it ends.
        return
    raw.execute("BEGIN IMMEDIATE")


def lock_for_update(instance: Any) -> None:
    """Reload `instance` from the database holding a write lock on it until the next commit.

    PostgreSQL: a row lock (`FOR UPDATE`). SQLite: the database write lock (`BEGIN
    IMMEDIATE`), then a plain reload, so what is read is the latest committed state and no
    other writer can commit before this transaction ends.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        _sqlite_begin_immediate()
        db.session.refresh(instance)
    else:
        db.session.refresh(instance, with_for_update=True)
