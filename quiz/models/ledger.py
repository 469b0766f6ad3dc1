"""The append-only points ledger."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class LedgerKind(StrEnum):
    """Why a balance changed."""

    QUIZ_CORRECT = "quiz_correct"
    QUIZ_BONUS = "quiz_bonus"
    FAMILY_BONUS = "family_bonus"  # 小手拉大手: a family member's day lifts the reporter
    REDEEM = "redeem"
    REFUND = "refund"
    ADMIN_ADJUST = "admin_adjust"
    # 专项答题 points: spendable, but on no daily board (each campaign ranks its own attempts).
    CAMPAIGN_POINTS = "campaign_points"
    # The news app's mall spending points (a debit) and giving some back (a refund).
    PARTNER_DEBIT = "partner_debit"
    PARTNER_REFUND = "partner_refund"


KINDS = tuple(k.value for k in LedgerKind)
# Kinds that count as earned points on the leaderboards and against the daily cap.
EARNING_KINDS = (LedgerKind.QUIZ_CORRECT, LedgerKind.QUIZ_BONUS, LedgerKind.FAMILY_BONUS)


class LedgerEntry(db.Model):
    """One change of one user's balance. Rows are only ever inserted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    memo: Mapped[str | None] = mapped_column(String(255))
    ref: Mapped[str | None] = mapped_column(String(64))
    # One event, one entry: a retried request or a racing worker finds the key taken.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
