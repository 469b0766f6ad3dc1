"""First-run content: what `make run` loads into an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime


def seed_empty_database(*, now: datetime) -> Iterator[str]:
    """Yield a line per step. Each feature adds its part when the database has none yet."""
    yield "nothing to seed yet"
