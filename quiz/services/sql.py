"""SQL helpers shared by the services."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from quiz.extensions import db
from quiz.models.types import MAX_ID


def insert_on_conflict(model):
    """INSERT … ON CONFLICT for the dialect in use (PostgreSQL and SQLite share the API).

    Inserting with `.on_conflict_do_nothing(...)` needs no savepoint, so it also works in the
    autocommit transactions that read requests run in (see `quiz.extensions`).
    """
    return insert_on_conflict_for(db.session.get_bind().dialect.name, model)


def insert_on_conflict_for(dialect: str, model):
    """`insert_on_conflict` for a given dialect name (for statements on a connection of their
    own, outside the request's session)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def db_dialect() -> str:
    """The name of the database the session talks to: "postgresql" or "sqlite"."""
    return db.session.get_bind().dialect.name


def commit_without_waiting_for_disk() -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL's
    `synchronous_commit = off`, for this transaction only; SQLite: nothing).

    Atomicity is untouched: a crash may lose the last fraction of a second of such transactions
    whole, never a part of one, and never commits one twice. Used for quiz answers only (a lost
    answer is simply answered again); redemptions, refunds and adjustments stay fully durable.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def row_by_id(model, row_id: int):
    """The row with this id, or None. An id no INTEGER column can hold cannot exist, so it is
    answered without asking the database (PostgreSQL would refuse to compare it)."""
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None
