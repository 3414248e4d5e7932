"""What every `screening` command says when its database or its output fails: one line that
says what to fix, and a non-zero exit status, never a traceback.

- The database has no tables yet (never migrated): "run `screening db upgrade`".
- The database cannot be reached (the server is down, the SQLite file's folder is missing):
  "cannot reach the database at <URL, password hidden>: <reason>".
- Standard output cannot be written (`> /dev/full`, a pipe closed early as by `| head`).

`guard` wraps a command (and a group's sub-commands) once, centrally: `screening.cli` applies
it to every project command as it registers them, and the `screening` group itself catches the
same failures for Flask's and Flask-Migrate's commands (`screening db upgrade` on a database
that is down).
"""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import current_app, has_app_context
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

UPGRADE = "screening db upgrade"
NO_TABLES = f"the database has no tables yet: run `{UPGRADE}`"
NOT_UP_TO_DATE = f"the database is older than this version of the app: run `{UPGRADE}`"

# SQLSTATEs (PostgreSQL) for a missing table or column.
_UNDEFINED_TABLE = "42P01"
_UNDEFINED_COLUMN = "42703"
# Failures to write what a command prints (the disk is full, a pipe closed, an I/O error).
_WRITE_ERRNOS = frozenset(
    {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF}
)


def _reason(error: DBAPIError) -> str:
    """The driver's own words, first line only, without a password it might repeat."""
    text = str(error.orig or error).strip().splitlines()
    reason = text[0].strip() if text else type(error.orig or error).__name__
    password = _url_password()
    if password:
        reason = reason.replace(password, "***")
    return reason


def _database_url() -> str | None:
    if has_app_context():
        return current_app.config.get("SQLALCHEMY_DATABASE_URI")
    return None


def _url_password() -> str | None:
    from sqlalchemy.engine import make_url

    url = _database_url()
    try:
        return make_url(url).password if url else None
    except (ArgumentError, ValueError):  # refused at start-up (config.py) anyway
        return None


def shown_url(url: str | None = None) -> str:
    """The database URL with any password written as ***."""
    from sqlalchemy.engine import make_url

    url = url if url is not None else _database_url()
    if not url:
        return "(DATABASE_URL not set)"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(DATABASE_URL)"


def _sqlite_folder() -> str:
    """ ", the folder ... does not exist" when that is why a SQLite file cannot be opened."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = _database_url()
    try:
        parsed = make_url(url) if url else None
    except (ArgumentError, ValueError):
        return ""
    if parsed is None or parsed.get_backend_name() != "sqlite" or not parsed.database:
        return ""
    folder = Path(parsed.database).parent
    return "" if folder.is_dir() else f" (the folder {folder} does not exist)"


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)


def _missing_table(error: DBAPIError) -> bool:
    message = str(error.orig)
    return message.startswith("no such table") or _sqlstate(error) == _UNDEFINED_TABLE


def _missing_column(error: DBAPIError) -> bool:
    message = str(error.orig)
    return (
        message.startswith("no such column")
        or " has no column named " in message
        or _sqlstate(error) == _UNDEFINED_COLUMN
    )


def _has_no_tables() -> bool:
    """Whether the database holds none of the app's tables (never migrated), as opposed to an
    older schema. Asked on a connection of its own: the failed one may be unusable."""
    from sqlalchemy import inspect

    from screening.extensions import db

    try:
        with db.engine.connect() as connection:
            return "alembic_version" not in inspect(connection).get_table_names()
    except SQLAlchemyError:  # in doubt: the first words are right either way
        return True


def database_problem(error: BaseException) -> str | None:
    """What to tell the operator about a database failure, or None when it is not one of
    those an operator fixes (a bug keeps its traceback)."""
    if not isinstance(error, DBAPIError):
        return None
    if isinstance(error, OperationalError | ProgrammingError) and _missing_table(error):
        return NO_TABLES if _has_no_tables() else NOT_UP_TO_DATE
    if isinstance(error, OperationalError | ProgrammingError) and _missing_column(error):
        return NOT_UP_TO_DATE
    # No statement: it failed while connecting. Invalidated: the server went away meanwhile.
    if error.statement is None or error.connection_invalidated:
        return f"cannot reach the database at {shown_url()}: {_reason(error)}{_sqlite_folder()}"
    if isinstance(error, OperationalError):
        # The database's own operation failed (locked, read-only, its disk full).
        return f"the database at {shown_url()} failed: {_reason(error)}"
    return None


def output_problem(error: OSError) -> str | None:
    """What to say when writing the command's output failed, or None for another OSError.

    A failed write to an open stream names no file, unlike a failed open or rename."""
    if isinstance(error, BrokenPipeError):
        return "the output was closed before everything was written (broken pipe)"
    if error.errno in _WRITE_ERRNOS and error.filename is None:
        return f"cannot write the output: {error.strerror or error}"
    return None


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush of what is still
    buffered does not fail again on the way out (exit status 120 and a second message)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return  # not a real file (the test runner's): nothing flushes it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the failures above into a one-line `click.ClickException` (exit status 1)."""
    try:
        yield
        sys.stdout.flush()  # fails here, not at exit, when the output cannot take it
    except SQLAlchemyError as error:
        message = database_problem(error)
        if message is None:
            raise
        raise click.ClickException(message) from None
    except OSError as error:
        message = output_problem(error)
        if message is None:
            raise
        _silence_stdout()
        raise click.ClickException(message) from None


def guard(command: click.Command) -> click.Command:
    """Wrap `command`'s callback (and every sub-command's) in `plain_errors`, once."""
    if isinstance(command, click.Group):
        for sub_command in command.commands.values():
            guard(sub_command)
    callback = command.callback
    if callback is not None and not getattr(callback, "_plain_errors", False):
        command.callback = _guarded(callback)
    return command


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        with plain_errors():
            return callback(*args, **kwargs)

    guarded._plain_errors = True  # type: ignore[attr-defined]
    return guarded
