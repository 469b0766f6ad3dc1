"""`flask --app wsgi backup create FILE` / `backup restore FILE` (see quiz.services.backup)."""

from __future__ import annotations

from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.extensions import db
from quiz.services import backup

backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.argument("file", type=click.Path(dir_okay=False))
def create_command(file: str) -> None:
    """Write a consistent copy of the database to FILE (SQLite file or pg_dump custom format)."""
    try:
        backup.create(db.engine.url, file)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {file}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore_command(file: str) -> None:
    """Replace the database's contents with FILE's, once it is known to be a sound backup of
    this service. Stop the app instances first."""
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old contents open
    try:
        backup.restore(db.engine.url, file, _expected())
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {file}; run `flask --app wsgi ledger verify` to check it")


def _expected() -> backup.Expected:
    migrations = Path(current_app.extensions["migrate"].directory)
    return backup.Expected(
        tables={
            name: frozenset(column.name for column in table.columns)
            for name, table in db.metadata.tables.items()
        },
        revision=ScriptDirectory(str(migrations)).get_current_head(),
    )


def init_cli(app: Flask) -> None:
    app.cli.add_command(backup_cli)
