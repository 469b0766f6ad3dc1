"""The prize shop: prizes, their images and the redemptions (vouchers) made with points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.extensions import db
from quiz.models.types import UTCDateTime

REDEMPTION_STATUSES = ("pending", "fulfilled", "cancelled")
# Why a prize's stock moved: the first stocking, an admin's restock or write-off, a redemption
# taking a unit, a cancellation putting it back.
STOCK_REASONS = ("initial", "restock", "redeem", "cancel")


class Prize(db.Model):
    __tablename__ = "prizes"
    __table_args__ = (
        # The last line of defence: no race, however it happens, sells what is not there.
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    # An external picture; an uploaded one (PrizeImage) takes precedence.
    external_image_url: Mapped[str | None] = mapped_column(String(512))
    image_version: Mapped[int] = mapped_column(Integer, default=0)  # 0: no uploaded image
    on_sale: Mapped[bool] = mapped_column(default=False)
    sale_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Where and when a voucher is collected, and within how many days of redeeming (None: no limit).
    pickup_place: Mapped[str | None] = mapped_column(String(128))
    pickup_hours: Mapped[str | None] = mapped_column(String(128))
    pickup_days: Mapped[int | None] = mapped_column(Integer)
    # A prize that has been redeemed is retired instead of deleted: its vouchers still name it.
    retired: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def is_on_sale(self, now: datetime) -> bool:
        return (
            self.on_sale
            and not self.retired
            and (self.sale_starts_at is None or self.sale_starts_at <= now)
            and (self.sale_ends_at is None or now < self.sale_ends_at)
        )


class PrizeImage(db.Model):
    """The re-encoded upload, kept in the database so every worker can serve it."""

    __tablename__ = "prize_images"

    prize_id: Mapped[int] = mapped_column(
        ForeignKey("prizes.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Redemption(db.Model):
    """Points traded for a prize: a voucher the counter hands over exactly once."""

    __tablename__ = "redemptions"
    __table_args__ = (
        CheckConstraint(f"status IN {REDEMPTION_STATUSES!r}", name="status_known"),
        # The client's Idempotency-Key: the same key from the same user is the same redemption.
        UniqueConstraint(
            "user_id", "idempotency_key", name="uq_redemptions_user_id_idempotency_key"
        ),
        Index("ix_redemptions_user_id_id", "user_id", "id"),
        Index("ix_redemptions_prize_id_user_id", "prize_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    prize_id: Mapped[int] = mapped_column(ForeignKey("prizes.id"))
    cost: Mapped[int] = mapped_column(Integer)  # what was charged, whatever the prize costs later
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    voucher_code: Mapped[str] = mapped_column(String(16), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    prize: Mapped[Prize] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="select")


class StockMovement(db.Model):
    """One change to a prize's stock: the stock is the sum of its movements, like a balance."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_non_zero"),
        CheckConstraint("stock_after >= 0", name="stock_after_non_negative"),
        CheckConstraint(f"reason IN {STOCK_REASONS!r}", name="reason_known"),
        Index("ix_stock_movements_prize_id_id", "prize_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prize_id: Mapped[int] = mapped_column(ForeignKey("prizes.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)
    stock_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    memo: Mapped[str] = mapped_column(String(255))
    ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
