"""Backups: `flask --app wsgi backup create FILE` and `backup restore FILE`.

SQLite goes through its online backup API: a consistent copy while workers keep serving.
PostgreSQL goes through pg_dump/pg_restore in the custom format (pg_dump's snapshot is
consistent too); the password travels in PGPASSWORD, never on a command line.
Restore replaces the database's contents: stop the app instances first.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL


class BackupFailed(Exception):
    """pg_dump/pg_restore or SQLite refused; the message says why."""


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupFailed("an in-memory SQLite database cannot be backed up")
    return url.database


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq URL without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def create(url: URL, target: Path) -> None:
    target = Path(target)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    dsn, env = _libpq(url)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={dsn}",
        ],
        env,
    )


def restore(url: URL, source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupFailed(f"no such backup file: {source}")
    if url.get_backend_name() == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
        return
    dsn, env = _libpq(url)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(source),
        ],
        env,
    )
