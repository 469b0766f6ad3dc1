"""`flask --app wsgi audit prune`: forget audit entries past QUIZ_AUDIT_RETENTION_DAYS."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.current import runtime
from quiz.extensions import unit_of_work
from quiz.services import audit

audit_cli = AppGroup("audit", help="The audit trail.")
MAINTENANCE = audit.Actor(id=None, role="system", ip=None, request_id="maintenance")


@audit_cli.command("prune")
def prune_command() -> None:
    """Delete entries older than QUIZ_AUDIT_RETENTION_DAYS (at least 180); the pruning leaves an
    entry of its own. Run it daily, beside `boards prune` and `fairplay purge-ips`."""
    days = current_app.config["QUIZ_AUDIT_RETENTION_DAYS"]
    with unit_of_work():
        removed = audit.prune(now=runtime().clock.now(), retention_days=days, actor=MAINTENANCE)
    click.echo(f"audit entries older than {days} days removed: {removed}")


def init_cli(app: Flask) -> None:
    app.cli.add_command(audit_cli)
