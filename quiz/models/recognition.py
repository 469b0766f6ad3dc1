"""Recognition: issued certificates (荣誉证书) and participation targets per district or team."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class Certificate(db.Model):
    """One certificate, issued once per user and achievement (re-downloads reuse it).

    `subject` names which achievement of its kind (a week's Monday, a campaign's id); `code` is
    the unguessable verification code printed on the PNG and checked at /verify/<code>.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # perfect_week | campaign
    subject: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(128))
    achieved_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ParticipationTarget(db.Model):
    """The headcount a district or a team aims to reach (key: the district's name, the team's id)."""

    __tablename__ = "participation_targets"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint("scope IN ('district', 'team')", name="scope_known"),
        CheckConstraint("target >= 0", name="target_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))  # district | team
    key: Mapped[str] = mapped_column(String(64))
    target: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
