"""What a player keeps besides answers and points: reminder opt-in, when they last read the
replies to their 纠错, and the reset codes an admin issues at the counter for 忘记密码."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class PlayerSettings(db.Model):
    """One row per user who changed a setting here (absent: reminders off, nothing read)."""

    __tablename__ = "player_settings"
    __table_args__ = (
        # The news app's reminder feed: who opted in, by time of day.
        Index("ix_player_settings_reminder", "reminder_enabled", "reminder_time"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reminder_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "HH:MM" in the service's time zone: strings of this shape compare like times.
    reminder_time: Mapped[str | None] = mapped_column(String(5))
    # Replies to the user's 纠错 resolved after this instant are new (the badge).
    reports_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordResetCode(db.Model):
    """忘记密码: an admin issues a short-lived code after checking who is at the counter (or on
    the phone); the user sets a new password with it once. Only the code's hash is kept."""

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
