"""First-run content: what `make run` loads into an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime


def seed_empty_database(*, now: datetime) -> Iterator[str]:
    """Yield a line per step. Each feature adds its part when the database has none yet."""
    from quiz.services import shop

    added = shop.seed_demo_prizes(now)
    yield f"shop: {added} demo prizes added" if added else "shop: prizes present, none added"
