"""`flask --app wsgi partners …`: register partners and reconcile their statements.

partners create NAME --scopes balance,debit,refund [--allow 10.0.0.0/8] [--daily-limit N]
partners list | rotate P | suspend P | resume P
partners reconcile --partner P --date YYYY-MM-DD --file their.csv
partners report [--date YYYY-MM-DD]
"""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from quiz.clock import local_day
from quiz.current import runtime
from quiz.errors import AppError
from quiz.extensions import unit_of_work
from quiz.services import partner_statements, partners

partners_cli = AppGroup("partners", help="Partners of the points API (the news app's mall).")


def _tz():
    return runtime().rules.tz


def _day(value: str | None) -> date:
    if not value:
        return local_day(runtime().clock.now(), _tz())
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD") from exc


def _fail(exc: AppError):
    return click.ClickException(exc.detail)


@partners_cli.command("create")
@click.argument("name")
@click.option("--scopes", default="balance,debit,refund", show_default=True)
@click.option("--allow", "allowed", multiple=True, help="An allowed address or CIDR (repeatable).")
@click.option("--daily-limit", type=int, default=None, help="Points debited per day at most.")
@click.option("--per-minute", type=int, default=None, help="Signed requests per minute at most.")
def create_command(name, scopes, allowed, daily_limit, per_minute) -> None:
    """Register a partner and print its secret (shown this once only)."""
    config = current_app.config
    try:
        with unit_of_work():
            issued = partners.create_partner(
                name,
                [s.strip() for s in scopes.split(",") if s.strip()],
                key=config["QUIZ_PARTNER_KEY"],
                now=runtime().clock.now(),
                allowed_ips=list(allowed),
                daily_debit_limit=daily_limit,
                requests_per_minute=per_minute or config["QUIZ_PARTNER_RATE_LIMIT"],
            )
            partner_id = issued.partner.id
    except AppError as exc:
        raise _fail(exc) from exc
    click.echo(f"partner {partner_id} {name}: secret {issued.secret}")
    click.echo("the secret is shown once: hand it over now over a safe channel")


@partners_cli.command("list")
def list_command() -> None:
    """Every partner with its scopes and status (never a secret)."""
    for partner in partners.partners(after_id=None, limit=10_000):
        click.echo(
            f"{partner.id}\t{partner.name}\t{partner.status}\t{','.join(partner.scopes)}\t"
            f"limit/day {partner.daily_debit_limit or '-'}\t{partner.requests_per_minute}/min"
        )


@partners_cli.command("rotate")
@click.argument("partner")
def rotate_command(partner: str) -> None:
    """A new secret; the previous one works for QUIZ_PARTNER_ROTATION_OVERLAP_S more."""
    config = current_app.config
    try:
        with unit_of_work():
            issued = partners.rotate_secret(
                partners.partner_named(partner).id,
                key=config["QUIZ_PARTNER_KEY"],
                now=runtime().clock.now(),
                overlap_s=config["QUIZ_PARTNER_ROTATION_OVERLAP_S"],
            )
            until = issued.partner.previous_valid_until
    except AppError as exc:
        raise _fail(exc) from exc
    click.echo(f"new secret {issued.secret}; the previous one works until {until.isoformat()}")


def _set_status(partner: str, status: str) -> None:
    try:
        with unit_of_work():
            partners.set_status(partners.partner_named(partner).id, status)
    except AppError as exc:
        raise _fail(exc) from exc
    click.echo(f"partner {partner}: {status}")


@partners_cli.command("suspend")
@click.argument("partner")
def suspend_command(partner: str) -> None:
    """Refuse every request of the partner (403 partner_suspended) until resumed."""
    _set_status(partner, "suspended")


@partners_cli.command("resume")
@click.argument("partner")
def resume_command(partner: str) -> None:
    _set_status(partner, "active")


@partners_cli.command("reconcile")
@click.option("--partner", "partner", required=True, help="The partner's id or name.")
@click.option("--date", "day", required=True, help="The local day, YYYY-MM-DD.")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
def reconcile_command(partner: str, day: str, path: str) -> None:
    """Compare the partner's own file for a day with our statement; exit 1 on any difference."""
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    try:
        found = partners.partner_named(partner)
        theirs = partner_statements.read_partner_file(text)
        ours = partner_statements.our_lines(
            partner_statements.statement(found.id, _day(day), tz=_tz())
        )
    except AppError as exc:
        raise _fail(exc) from exc
    result = partner_statements.reconcile(theirs, ours)
    click.echo(f"partner {found.name}, {_day(day).isoformat()}")
    click.echo(f"matched        {len(result.matched)}")
    click.echo(f"only-theirs    {len(result.only_theirs)}")
    for line in result.only_theirs:
        click.echo(f"  only-theirs   {line.type} {line.ref} {line.points}")
    click.echo(f"only-ours      {len(result.only_ours)}")
    for line in result.only_ours:
        click.echo(f"  only-ours     {line.type} {line.ref} {line.points}")
    click.echo(f"amount-differs {len(result.amount_differs)}")
    for theirs_line, ours_line in result.amount_differs:
        click.echo(
            f"  amount-differs {theirs_line.type} {theirs_line.ref} "
            f"theirs {theirs_line.points} ours {ours_line.points}"
        )
    if not result.clean:
        raise SystemExit(1)
    click.echo("the books agree")


@partners_cli.command("report")
@click.option("--date", "day", default=None, help="The local day, YYYY-MM-DD (default today).")
def report_command(day: str | None) -> None:
    """Each partner's day: statement totals beside the ledger's; exit 1 if any disagree."""
    rows = partner_statements.daily_report(_day(day), tz=_tz())
    for row in rows:
        click.echo(
            f"{row.partner_id}\t{row.partner}\tdebits {row.debits} ({row.debited})\t"
            f"refunds {row.refunds} ({row.refunded})\t"
            f"ledger {row.ledger_debited}/{row.ledger_refunded}\t"
            + ("agrees" if row.agrees else "DISAGREES")
        )
    if not all(row.agrees for row in rows):
        raise SystemExit(1)


def init_cli(app: Flask) -> None:
    app.cli.add_command(partners_cli)
