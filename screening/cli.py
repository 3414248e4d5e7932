"""The `screening` command: a Flask CLI group for the app.

`screening run`, `screening db upgrade` / `db check` come from Flask and Flask-Migrate; the
project's own commands live one module each in `screening/commands/` and are listed here.
"""

from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import FlaskGroup

# Each module exposes `COMMANDS`, a list of click commands.
COMMAND_MODULES: list[str] = [
    "screening.commands.evaluate",
    "screening.commands.users",
    "screening.commands.audit",
    "screening.commands.hint",
    "screening.commands.export",
    "screening.commands.pdf",
    "screening.commands.worker",
    "screening.commands.api_tokens",
    "screening.commands.purge",
]


def register_commands(app: Flask) -> None:
    """Add every project command to `app.cli`, each guarded (screening/commands/failures.py):
    a database with no tables or out of reach, or output that cannot be written, ends in one
    line saying what to fix and exit status 1, never a traceback."""
    from screening.commands.failures import guard

    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in module.COMMANDS:
            app.cli.add_command(guard(command))


def _create_app() -> Flask:
    from screening import create_app

    return create_app()


class ScreeningGroup(FlaskGroup):
    """Flask's command group, saying what is wrong with a setting without a traceback when
    `screening --help` cannot load the app (Flask prints the whole traceback there), and what
    is wrong with the database when one of Flask's or Flask-Migrate's own commands cannot use
    it (`screening db upgrade` with the server down), as the project's commands do."""

    def invoke(self, ctx: click.Context) -> object:
        from screening.commands.failures import plain_errors

        with plain_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        from flask.cli import ScriptInfo

        from config import ConfigError

        try:
            ctx.ensure_object(ScriptInfo).load_app()  # kept: Flask's listing reuses it
        except ConfigError as error:
            click.echo(f"Error: {error}\n", err=True)
            return sorted(click.Group.list_commands(self, ctx))
        return super().list_commands(ctx)


@click.group(cls=ScreeningGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """MISS pre-consultation screening: serve the app, manage the database, evaluate answers."""


def main() -> None:
    """The console script. A wrong setting ends with its own message and exit status 2 (the
    message names the setting and what it takes), not with a traceback under it."""
    from config import ConfigError

    try:
        cli(prog_name="screening")
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
