"""Leaderboard scores, kept per board and period as points are earned (the SQL backend).

One row per (board, period, period start, subject): the points the subject earned in that
period and `tie`, when the score was last raised (earlier wins a tie). The
ledger stays the source of truth: `flask boards rebuild` recomputes this table from it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db


class BoardScore(db.Model):
    __tablename__ = "board_scores"
    __table_args__ = (
        UniqueConstraint("board", "period", "period_start", "subject"),
        # Serves top-N (a range scan in rank order) and rank-by-count (rows ahead of a score).
        Index("ix_board_scores_rank", "board", "period", "period_start", "score", "tie", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board: Mapped[str] = mapped_column(String(16))  # citizens | reporters | teams | districts
    period: Mapped[str] = mapped_column(String(8))  # day | week | month | all
    period_start: Mapped[date] = mapped_column(Date)  # 1970-01-01 for `all`
    # User id, team id, or district name; byte order (as Redis breaks ties) on PostgreSQL too.
    subject: Mapped[str] = mapped_column(
        String(64).with_variant(String(64, collation="C"), "postgresql")
    )
    score: Mapped[int] = mapped_column(BigInteger, default=0)
    # When the score was last raised, inverted: (2**bits - 1) - ticks since the period start
    # (seconds; hours since 2024 for `all`). Larger = earlier, so rank order is
    # (score, tie, subject) descending — one backward scan of the index.
    tie: Mapped[int] = mapped_column(BigInteger, default=0)


class BoardOutbox(db.Model):
    """Board increments Redis did not take (down or frozen when the points were committed).

    Written only when the after-commit Redis write fails, so it costs nothing while Redis is up;
    drained into Redis once it answers again (each row applied exactly once: Redis remembers
    the row id), then deleted. `payload` is JSON: [[board, period, start, subject, points, tie]].
    """

    __tablename__ = "board_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
