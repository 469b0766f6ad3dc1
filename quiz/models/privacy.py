"""Personal information (个人信息保护法): guardian consent for minors and sign-in history.

The privacy notice's accepted version lives on the user (`consent_version`, `consent_at`);
a guardian's consent for a 小记者 is a fact of its own (who, when, which notice version, and
its withdrawal), of which `users.show_full_name` is the current value kept by
`quiz.services.privacy` alone, as the ledger keeps `balance`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime

GUARDIAN_SOURCES = ("family", "paper_form")
SIGN_IN_METHODS = ("password", "sso", "register")


class GuardianConsent(db.Model):
    """A guardian's consent for a minor (PIPL 第三十一条): given by an adult family member from
    their own account (`guardian_id`), or recorded by staff from the school's paper form
    (`recorded_by`, with the guardian's name as written on it). Withdrawn, it stays as history."""

    __tablename__ = "guardian_consents"
    __table_args__ = (
        CheckConstraint(f"source IN {GUARDIAN_SOURCES!r}", name="source_known"),
        Index("ix_guardian_consents_child_id", "child_id", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    guardian_name: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notice_version: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SignInRecord(db.Model):
    """A citizen's sign-in (登录记录): when, how and from which address; kept
    QUIZ_IP_RETENTION_DAYS, erased with the account."""

    __tablename__ = "sign_in_records"
    __table_args__ = (
        CheckConstraint(f"method IN {SIGN_IN_METHODS!r}", name="method_known"),
        Index("ix_sign_in_records_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    method: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(45))
