"""`flask --app wsgi boards rebuild`: recompute the leaderboards from the ledger."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.extensions import db

boards_cli = AppGroup("boards", help="Leaderboards.")


@boards_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every board from the ledger (Redis when REDIS_URL is set, else the SQL table)."""
    from quiz.services import leaderboards

    url = current_app.config.get("REDIS_URL")
    written = leaderboards.rebuild(now=current_app.clock.now(),
                                   tz=ZoneInfo(current_app.config["QUIZ_TIMEZONE"]), redis_url=url)
    db.session.commit()
    click.echo(f"boards rebuilt on {'Redis' if url else 'SQL'}: {written} rows")


def init_cli(app: Flask) -> None:
    app.cli.add_command(boards_cli)
