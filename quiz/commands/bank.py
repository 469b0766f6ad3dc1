"""`flask --app wsgi import-bank FILE [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from quiz.current import runtime
from quiz.extensions import db
from quiz.services import banks, review


@click.command("import-bank")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; import nothing.")
def import_bank_command(path: Path, dry_run: bool) -> None:
    """Import a question bank (.xlsx, .csv, .json): all rows or none."""
    try:
        bank = banks.read_file(path.read_bytes(), path.name)
    except banks.InvalidBankFile as exc:
        click.echo(f"{path.name}: {exc.detail}", err=True)
        click.echo(f"{'行':>6}  {'列':<12}  问题", err=True)
        for issue in exc.errors:
            click.echo(f"{issue['row']:>6}  {issue['column']:<12}  {issue['message']}", err=True)
        raise SystemExit(1) from None
    with click.progressbar(length=len(bank.questions), label="导入题目") as bar:
        report = banks.import_bank(
            bank,
            filename=path.name,
            uploader_id=None,
            dry_run=dry_run,
            now=runtime().clock.now(),
            progress=bar.update,
        )
        if dry_run:
            bar.update(len(bank.questions))
    batch = None
    if dry_run:
        db.session.rollback()
    else:
        # 三审: a command-line import is reviewed like an upload (any reviewer may approve it).
        batch = review.submit_import(
            report.bank_id,
            path.name,
            author_id=None,
            steps=current_app.config["QUIZ_REVIEW_STEPS"],
            now=runtime().clock.now(),
        )
        db.session.commit()
    verb = "would add" if dry_run else "added"
    click.echo(
        f"{path.name}: {verb} {report.created} questions, {report.duplicates} duplicates "
        f"skipped, {report.skipped_blank_rows} blank rows ignored."
    )
    if batch is not None:
        click.echo(f"review batch {batch.id}: the questions reach citizens once it is approved.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(import_bank_command)
