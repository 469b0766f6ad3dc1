"""Command-line tasks: `flask --app wsgi <command>`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from quiz.commands import audit as audit_commands
from quiz.commands import backup, bank, boards, demo, fairplay, rollups
from quiz.commands.partners import init_cli as init_partners_cli
from quiz.current import runtime
from quiz.errors import AppError
from quiz.extensions import unit_of_work
from quiz.models.account import Role
from quiz.services import accounts, audit, ledger, seed

ledger_cli = AppGroup("ledger", help="Check the points ledger.")


def _fail(exc: AppError) -> None:
    raise click.ClickException(exc.detail)


def create_staff(username: str, password: str, role: str) -> None:
    try:
        with unit_of_work():
            at = runtime().clock.now()
            existing = accounts.staff_named(username)
            user = accounts.create_admin(username, password, role=role, now=at)
            audit.record(
                audit.Actor(id=None, role="system", request_id="cli"),
                "staff.password_reset" if existing else "staff.create",
                at=at,
                target=f"user:{user.id}",
                detail={"username": user.username, "role": role},
            )
    except AppError as exc:
        _fail(exc)
    click.echo(f"{role} {user.username} (id {user.id}) is ready.")


# Each staff role's command: `flask create-<role> NAME --password PW` (idempotent: run again, it
# resets the password).
STAFF_COMMANDS = {
    Role.ADMIN: "Create an admin, or reset an existing one's password (idempotent).",
    Role.CLERK: "Create a counter clerk, who can only look up and fulfil vouchers (idempotent).",
    Role.AUDITOR: "Create an auditor, who reads the audit trail and changes nothing (idempotent).",
    Role.EDITOR: "Create an editor (编辑), who drafts, imports and edits questions (idempotent).",
    Role.REVIEWER: "Create a reviewer (审核), who approves or returns question changes (idempotent).",
}


def staff_command(role: Role, help_text: str) -> click.Command:
    @click.command(f"create-{role.value}", help=help_text)
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create(username: str, password: str) -> None:
        create_staff(username, password, role)

    return create


@ledger_cli.command("verify")
def ledger_verify() -> None:
    """Check Σ entries = balance for every account; exit 1 on any mismatch."""

    bad = ledger.mismatches()
    for user_id, balance, total in bad:
        click.echo(f"user {user_id}: balance {balance} != sum of entries {total}", err=True)
    if bad:
        raise SystemExit(1)
    click.echo("ledger ok: every balance equals the sum of its entries")


@click.command("seed")
def seed_command() -> None:
    """Load the bundled bank and demo prizes into an empty database (no-op otherwise)."""

    with unit_of_work():
        lines = list(seed.seed_empty_database(now=runtime().clock.now()))
    for line in lines:
        click.echo(line)


def init_app(app: Flask) -> None:
    for role, help_text in STAFF_COMMANDS.items():
        app.cli.add_command(staff_command(role, help_text))
    audit_commands.init_cli(app)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(seed_command)
    backup.init_cli(app)
    bank.init_cli(app)
    boards.init_cli(app)
    demo.init_cli(app)
    rollups.init_cli(app)
    fairplay.init_cli(app)
    init_partners_cli(app)
