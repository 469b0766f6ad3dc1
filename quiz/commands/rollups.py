"""`flask --app wsgi rollups refresh`: sum the finished days into the reports' rollups."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from quiz.clock import local_day
from quiz.current import runtime
from quiz.extensions import unit_of_work
from quiz.services import rollups

rollups_cli = AppGroup("rollups", help="The reports' daily sums.")


@rollups_cli.command("refresh")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Sum every day from this one again (after past answers were corrected).",
)
def refresh_command(since) -> None:
    """Sum each finished day not summed yet. Run it nightly after midnight (deploy/ timer);
    reports stay exact without it (they read the raw rows of the days not summed)."""
    now = runtime().clock.now()
    today = local_day(now, runtime().rules.tz)
    first: date | None = since.date() if since else None
    with unit_of_work():
        done = rollups.refresh(today=today, now=now, since=first)
    click.echo(f"rollups hold every day through {done.through}: {done.days} days summed now")


def init_cli(app: Flask) -> None:
    app.cli.add_command(rollups_cli)
