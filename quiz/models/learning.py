"""Learning: each user's 错题本, practice sessions and their answers, and 纠错 reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.extensions import db
from quiz.models.types import UTCDateTime

PRACTICE_SOURCES = ("mistakes", "category", "past")
REPORT_REASONS = ("answer", "stem", "options", "explanation", "other")
REPORT_RESOLUTIONS = ("fixed", "rejected")


class Mistake(db.Model):
    """A question this user got wrong (daily quiz, practice…); mastered once they later answer
    it right in practice, and unmastered again by a new wrong answer."""

    __tablename__ = "mistakes"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        Index("ix_mistakes_user_id_last_wrong_at", "user_id", "last_wrong_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    # The version of the last wrong answer: the 错题本 shows that wording and key.
    question_version: Mapped[int] = mapped_column(Integer, server_default="1")
    category: Mapped[str] = mapped_column(String(64))
    wrong_count: Mapped[int] = mapped_column(Integer)
    last_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_wrong_on: Mapped[date] = mapped_column(Date)
    mastered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PracticeSession(db.Model):
    """A practice round: its questions are fixed when it starts, answers are checked against them."""

    __tablename__ = "practice_sessions"
    __table_args__ = (CheckConstraint(f"source IN {PRACTICE_SOURCES!r}", name="source_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(64))
    question_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PracticeAnswer(db.Model):
    """One practice answer (question's own keys): worth no points; counted in 知晓率 reports
    only when a report asks for practice (category and district copied like `answers`)."""

    __tablename__ = "practice_answers"
    __table_args__ = (
        UniqueConstraint("session_id", "question_id"),
        Index("ix_practice_answers_day_category", "day", "category"),
        Index("ix_practice_answers_user_id_question_id", "user_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("practice_sessions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    question_version: Mapped[int] = mapped_column(Integer, server_default="1")
    day: Mapped[date] = mapped_column(Date)
    choices: Mapped[str] = mapped_column(String(8))
    correct: Mapped[bool]
    category: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportStatus(StrEnum):
    """Where a 纠错 report stands: open until an admin resolves it (fixed or rejected)."""

    OPEN = "open"
    RESOLVED = "resolved"


class QuestionReport(db.Model):
    """纠错: a user who answered a question says something is wrong with it; an admin resolves
    it (fixed / rejected) with a note the reporter reads. One open report per user and question."""

    __tablename__ = "question_reports"
    __table_args__ = (
        CheckConstraint(f"reason IN {REPORT_REASONS!r}", name="reason_known"),
        CheckConstraint("status IN ('open', 'resolved')", name="status_known"),
        CheckConstraint(
            "resolution IS NULL OR resolution IN ('fixed', 'rejected')", name="resolution_known"
        ),
        Index("ix_question_reports_question_id_status", "question_id", "status"),
        Index("ix_question_reports_status_id", "status", "id"),
        Index("ix_question_reports_user_id", "user_id"),
        # The one-open-report rule, held by the database even when two requests race.
        Index(
            "uq_question_reports_open",
            "user_id",
            "question_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Resolved `fixed`: the version of the question that carries the fix.
    fixed_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    question = relationship("Question", lazy="joined")
    user = relationship("User", lazy="joined", foreign_keys=[user_id])
