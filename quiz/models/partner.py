"""Partners: the news app's mall (and any other operator) spending points over a signed API.

A partner's secret is never stored: the row keeps a random salt, and the secret is
HMAC-SHA256(server partner key, salt) — a copy of the database alone signs nothing.
A debit and each of its refunds are rows here *and* ledger entries (the one book); the rows
carry what the partner sent, so a retry answers exactly as the first time did.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime

PARTNER_SCOPES = ("balance", "debit", "refund", "reminders")
PARTNER_STATUSES = ("active", "suspended")


class Partner(db.Model):
    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended')", name="status_known"),
        CheckConstraint(
            "daily_debit_limit IS NULL OR daily_debit_limit > 0", name="daily_limit_positive"
        ),
        CheckConstraint("requests_per_minute > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON)
    # CIDRs the partner's servers call from; empty: any address.
    allowed_ips: Mapped[list] = mapped_column(JSON)
    daily_debit_limit: Mapped[int | None] = mapped_column(Integer)
    requests_per_minute: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    secret_salt: Mapped[str] = mapped_column(String(64))
    # After a rotation the previous secret keeps working until previous_valid_until.
    previous_salt: Mapped[str | None] = mapped_column(String(64))
    previous_valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PartnerNonce(db.Model):
    """A nonce a partner used, kept until its request could no longer be fresh."""

    __tablename__ = "partner_nonces"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PartnerRequestCount(db.Model):
    """Signed requests per partner and minute, shared by every worker and instance."""

    __tablename__ = "partner_request_counts"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    count: Mapped[int] = mapped_column(Integer, default=0)


class PartnerDebit(db.Model):
    """Points a partner took from a user for one of its orders; once per (partner, order_id)."""

    __tablename__ = "partner_debits"
    __table_args__ = (
        UniqueConstraint("partner_id", "order_id"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= points", name="refunded_within_points"),
        Index("ix_partner_debits_partner_id_created_at", "partner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uid: Mapped[str] = mapped_column(String(128))
    points: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[str] = mapped_column(String(64))
    memo: Mapped[str | None] = mapped_column(String(128))
    refunded: Mapped[int] = mapped_column(Integer, default=0)
    # The balance right after the debit: a retry answers with it, unchanged.
    balance_after: Mapped[int] = mapped_column(Integer)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartnerRefund(db.Model):
    """Points given back against a debit; once per (partner, refund_id)."""

    __tablename__ = "partner_refunds"
    __table_args__ = (
        UniqueConstraint("partner_id", "refund_id"),
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_partner_refunds_partner_id_created_at", "partner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    debit_id: Mapped[int] = mapped_column(ForeignKey("partner_debits.id"), index=True)
    refund_id: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = [
    "PARTNER_SCOPES",
    "PARTNER_STATUSES",
    "Partner",
    "PartnerDebit",
    "PartnerNonce",
    "PartnerRefund",
    "PartnerRequestCount",
]
