"""`flask --app wsgi fairplay purge-ips`: forget registration addresses past their retention."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.current import runtime
from quiz.extensions import unit_of_work
from quiz.services import fairplay, privacy

fairplay_cli = AppGroup("fairplay", help="Fair play.")


@fairplay_cli.command("purge-ips")
def purge_ips_command() -> None:
    """Clear the registration address of accounts older than QUIZ_IP_RETENTION_DAYS, and
    forget the sign-in history (times and addresses) older than that.

    Run it daily, beside `boards prune`."""
    days = current_app.config["QUIZ_IP_RETENTION_DAYS"]
    with unit_of_work():
        cleared = fairplay.purge_addresses(now=runtime().clock.now(), retention_days=days)
        sign_ins = privacy.prune_sign_ins(now=runtime().clock.now(), retention_days=days)
    click.echo(f"registration addresses older than {days} days cleared: {cleared}")
    click.echo(f"sign-in records older than {days} days deleted: {sign_ins}")


def init_cli(app: Flask) -> None:
    app.cli.add_command(fairplay_cli)
