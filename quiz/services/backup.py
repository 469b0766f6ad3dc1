"""Backups: `flask --app wsgi backup create FILE` and `backup restore FILE`.

SQLite goes through its online backup API: a consistent copy while workers keep serving.
PostgreSQL goes through pg_dump/pg_restore in the custom format (pg_dump's snapshot is
consistent too); the password travels in PGPASSWORD, never on a command line.
Restore replaces the database's contents: stop the app instances first. A file is restored
only once it is known to be a backup of this service: SQLite files are copied to a temporary
file beside the database and checked there (`PRAGMA integrity_check`, the Alembic revision, the
tables and columns the models define, no triggers or views), and the current database is kept
aside (`<database>.before-restore`) until the copy replaces it. A PostgreSQL archive must list
only tables, sequences, constraints, indexes and data (no functions, triggers, rules or views
but the audit trail's own append-only function and triggers, by name).
Backup files are written readable by their owner only (0600).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from quiz.models.audit import AUDIT_FUNCTION, AUDIT_TRIGGERS


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


@dataclass(frozen=True)
class Expected:
    """What a backup of this service holds: the models' tables and their columns, and the
    migrations' head revision."""

    tables: dict[str, frozenset[str]]
    revision: str | None


def _private(path: Path) -> None:
    if path.exists():
        path.chmod(0o600)


def create(url: URL, target: Path) -> None:
    target = Path(target)
    # Password hashes and addresses are inside: readable by the owner only, from the start.
    target.touch(mode=0o600, exist_ok=True)
    _private(target)
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


def restore(url: URL, source: Path, expected: Expected) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupFailed(f"no such backup file: {source}")
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(Path(_sqlite_path(url)), source, expected)
        return
    dsn, env = _libpq(url)
    _check_archive(source, env)
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


def _restore_sqlite(database: Path, source: Path, expected: Expected) -> None:
    staged = database.with_name(database.name + ".restoring")
    staged.unlink(missing_ok=True)
    try:
        try:
            backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            copy = sqlite3.connect(staged)
            try:
                backup.backup(copy)
            finally:
                copy.close()
                backup.close()
        except sqlite3.DatabaseError as exc:
            raise BackupFailed(f"{source} is not a backup of this service ({exc})") from exc
        _private(staged)
        _check_sqlite(staged, expected, current=database)
        if database.exists():
            kept = database.with_name(database.name + ".before-restore")
            shutil.copy2(database, kept)
            _private(kept)
        target = sqlite3.connect(database)
        checked = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
        try:
            checked.backup(target)
        finally:
            checked.close()
            target.close()
        _private(database)
    finally:
        staged.unlink(missing_ok=True)


def _check_sqlite(path: Path, expected: Expected, *, current: Path) -> None:
    """Refuse anything but a sound copy of this service's schema."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            objects = conn.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
        except sqlite3.DatabaseError as exc:
            raise BackupFailed(f"{path} is not a backup of this service ({exc})") from exc
        if integrity != "ok":
            raise BackupFailed(f"the backup is damaged: integrity_check says {integrity[:200]}")
        extra = sorted(f"{kind} {name}" for kind, name, _ in objects if kind in ("trigger", "view"))
        if extra:
            raise BackupFailed(f"the backup holds what migrations never build: {', '.join(extra)}")
        tables = {name for kind, name, _ in objects if kind == "table"}
        tables.discard("sqlite_sequence")
        revision = None
        if "alembic_version" in tables:
            tables.discard("alembic_version")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        if tables != set(expected.tables):
            missing = sorted(set(expected.tables) - tables)
            unknown = sorted(tables - set(expected.tables))
            raise BackupFailed(
                "the backup's tables differ from this service's "
                f"(missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'})"
            )
        for table, columns in expected.tables.items():
            found = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            if found != columns:
                raise BackupFailed(f"the backup's table {table} has other columns")
    finally:
        conn.close()
    if (revision is not None or _has_revision(current)) and revision != expected.revision:
        raise BackupFailed(
            f"the backup is at migration {revision or 'none'}, this service at "
            f"{expected.revision}: restore it with the release that wrote it"
        )


def _has_revision(database: Path) -> bool:
    if not database.exists():
        return False
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return bool(
            conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        )
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


# What a pg_dump of this service lists; anything else (a function, a trigger, a rule, a view)
# could act on the data after the restore.
_ARCHIVE_KINDS = (
    "TABLE",
    "TABLE DATA",
    "SEQUENCE",
    "SEQUENCE SET",
    "SEQUENCE OWNED BY",
    "DEFAULT",
    "CONSTRAINT",
    "FK CONSTRAINT",
    "INDEX",
    "SCHEMA",
    "COMMENT",
    "ENCODING",
    "STDSTRINGS",
    "SEARCHPATH",
    "DATABASE",
)


def _audit_guard(words: list[str]) -> bool:
    """The audit trail's own append-only function and triggers (quiz.models.audit), exactly."""
    if words[:1] == ["FUNCTION"] and len(words) >= 3:
        return words[2] == f"{AUDIT_FUNCTION}()"
    if words[:1] == ["TRIGGER"] and len(words) >= 4:
        return words[2] == "audit_log" and words[3] in AUDIT_TRIGGERS
    return False


def _check_archive(source: Path, env: dict) -> None:
    result = subprocess.run(
        ["pg_restore", "--list", str(source)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupFailed(f"{source} is not a backup of this service (pg_restore cannot read it)")
    for line in result.stdout.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        # "<id>; <oid> <oid> <KIND…> <schema> <name> <owner>"
        words = line.split(";", 1)[-1].split()[2:]
        entry = " ".join(words)
        if _audit_guard(words):
            continue
        if not any(entry.startswith(kind + " ") for kind in _ARCHIVE_KINDS):
            raise BackupFailed(f"the backup holds what migrations never build: {entry[:80]}")
