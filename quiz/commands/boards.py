"""`flask --app wsgi boards rebuild`: recompute the leaderboards from the ledger."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from quiz.current import runtime
from quiz.extensions import unit_of_work
from quiz.services import leaderboards

boards_cli = AppGroup("boards", help="Leaderboards.")


@boards_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every board from the ledger (Redis when REDIS_URL is set, else the SQL table)."""

    store = runtime().board_store
    with unit_of_work():
        written = leaderboards.rebuild(store, now=runtime().clock.now())
    click.echo(f"boards rebuilt on {'Redis' if store.name == 'redis' else 'SQL'}: {written} rows")


@boards_cli.command("prune")
def prune_command() -> None:
    """Delete SQL board rows of periods that ended more than QUIZ_BOARD_RETENTION_DAYS ago.

    Run it daily (deploy/ has a timer); Redis keys expire by themselves."""

    store = runtime().board_store
    with unit_of_work():
        deleted = leaderboards.prune(store, now=runtime().clock.now())
    click.echo(
        f"boards pruned: {deleted} rows of periods that ended more than "
        f"{store.retention_days} days ago"
    )


@boards_cli.command("drain")
def drain_command() -> None:
    """Apply board increments kept while Redis was down (requests also do this by themselves)."""

    store = runtime().board_store
    if store.name != "redis":
        click.echo("boards live in SQL (no REDIS_URL): nothing to drain")
        return
    applied = leaderboards.drain(
        store.url, now=runtime().clock.now(), tz=store.tz, retention_days=store.retention_days
    )
    click.echo(f"board outbox drained: {applied} batches applied to Redis")


def init_cli(app: Flask) -> None:
    app.cli.add_command(boards_cli)
