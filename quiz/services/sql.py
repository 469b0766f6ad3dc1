"""SQL helpers shared by the services."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from quiz.extensions import db


def insert_on_conflict(model):
    """INSERT … ON CONFLICT for the dialect in use (PostgreSQL and SQLite share the API).

    Inserting with `.on_conflict_do_nothing(...)` needs no savepoint, so it also works in the
    autocommit transactions that read requests run in (see `quiz.extensions`).
    """
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
