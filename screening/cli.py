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
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in module.COMMANDS:
            app.cli.add_command(command)


def _create_app() -> Flask:
    from screening import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """MISS pre-consultation screening: serve the app, manage the database, evaluate answers."""


def main() -> None:
    cli(prog_name="screening")


if __name__ == "__main__":
    main()
