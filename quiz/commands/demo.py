"""`flask --app wsgi demo simulate-year`: a city's year of history, for demos and benchmarks."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.clock import local_day
from quiz.current import runtime
from quiz.errors import AppError
from quiz.extensions import unit_of_work
from quiz.services import rollups, simulate

demo_cli = AppGroup("demo", help="Demonstration data.")


@demo_cli.command("simulate-year")
@click.option("--players", type=click.IntRange(1), default=1000, show_default=True)
@click.option("--days", type=click.IntRange(1), default=365, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def simulate_year_command(players: int, days: int, seed: int) -> None:
    """Add PLAYERS people and DAYS days of their play, ending yesterday (then the rollups)."""
    rules = runtime().rules
    now = runtime().clock.now()
    shape = simulate.CityShape.of(
        rules,
        current_app.config["QUIZ_DISTRICTS"],
        last_day=local_day(now, rules.tz) - timedelta(days=1),
        players=players,
        days=days,
        seed=seed,
    )
    try:
        with unit_of_work():
            done = simulate.simulate_year(shape, now=now)
        with unit_of_work():
            rolled = rollups.refresh(today=local_day(now, rules.tz), now=now)
    except AppError as exc:
        raise click.ClickException(exc.detail) from exc
    rows = ", ".join(f"{table} {n}" for table, n in sorted(done.rows.items()))
    click.echo(f"simulated {done.players} players over {done.days} days: {rows}")
    click.echo(f"rollups refreshed through {rolled.through}: {rolled.days} days")
    click.echo("run `flask --app wsgi boards rebuild` for the boards of the simulated points")


def init_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
