"""Bulk writes for the simulator: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the table's column order given; datetimes are aware UTC (stored naive,
as `quiz.models.types.UTCDateTime` does), dates are dates. Ids are chosen by the caller (from
`next_ids`), and PostgreSQL's sequences are moved past them afterwards (`advance_sequences`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import text

from quiz.extensions import db


def _naive_utc(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _sqlite_value(value):
    """What SQLAlchemy itself would store in SQLite for this value."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class RowWriter:
    """Writes batches of rows into tables through the session's own connection (one
    transaction: the caller's unit of work commits or rolls back everything)."""

    def __init__(self) -> None:
        connection = db.session.connection()
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        self.written: dict[str, int] = {}

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        names = ", ".join(columns)
        if self.dialect == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([_naive_utc(v) for v in row])
        else:
            marks = ", ".join("?" for _ in columns)
            cursor = self.raw.cursor()
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                ([_sqlite_value(v) for v in row] for row in rows),
            )
            cursor.close()
        self.written[table] = self.written.get(table, 0) + len(rows)
        return len(rows)

    def update_many(self, table: str, set_columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """UPDATE table SET columns… WHERE id = …, rows being (values…, id)."""
        assignments = ", ".join(f"{c} = :{c}" for c in set_columns)
        params = [dict(zip((*set_columns, "id"), row, strict=True)) for row in rows]
        if params:
            db.session.execute(text(f"UPDATE {table} SET {assignments} WHERE id = :id"), params)


def next_ids(tables: Sequence[str]) -> dict[str, int]:
    """The first free id of each table (ids are chosen here so rows can refer to each other)."""
    return {
        table: int(db.session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}"))) + 1
        for table in tables
    }


def advance_sequences(tables: Sequence[str]) -> None:
    """PostgreSQL: move each table's id sequence past the ids written by hand."""
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
            )
        )
