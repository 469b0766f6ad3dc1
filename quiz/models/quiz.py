"""The daily quiz: each day's set, each user's answers and each user's day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class DailySet(db.Model):
    """The questions of one calendar day, stored once so every worker and user sees the same."""

    __tablename__ = "daily_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    question_ids: Mapped[list] = mapped_column(JSON)
    scheduled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuizDay(db.Model):
    """One user's day: first fetch, progress and result. Locked while an answer is scored."""

    __tablename__ = "quiz_days"
    # The day index serves the reports' per-day reads (participation by district or team).
    __table_args__ = (UniqueConstraint("user_id", "day"), Index("ix_quiz_days_day", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    # Points credited for the day (answers and bonuses, after any daily cap).
    points: Mapped[int] = mapped_column(Integer, default=0)
    bonus: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The previous answer's time: the next one must come QUIZ_MIN_ANSWER_MS after it.
    last_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Answers that came sooner than the minimum interval (they earn nothing, nor do the day's bonuses).
    too_fast: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Answers less than FLOOR_MARGIN_MS above the floor (quiz.services.answering.near_floor):
    # the suspects report sums them per person over its range instead of reading the answers.
    near_floor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Answer(db.Model):
    """One answer: scored on the server, once per user, question and day.

    Category and district are copied in so the 知晓率 reports read one table.
    """

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id", "day"),
        Index("ix_answers_day_category", "day", "category"),
        Index("ix_answers_day_district", "day", "district"),
        Index("ix_answers_question_id_day", "question_id", "day"),
        Index("ix_answers_question_id_interval_ms", "question_id", "interval_ms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    # The version of the question the user saw and was scored against.
    question_version: Mapped[int] = mapped_column(Integer, server_default="1")
    day: Mapped[date] = mapped_column(Date)
    choices: Mapped[str] = mapped_column(String(8))
    correct: Mapped[bool]
    # Points for this answer, plus the day's bonuses on the answer that completed it.
    points: Mapped[int] = mapped_column(Integer, default=0)
    bonus: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(32))
    # Milliseconds from the user's first fetch of the day to this answer (tie-breaks, reports).
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    # Milliseconds since the previous answer (or the first fetch); None when there was neither.
    interval_ms: Mapped[int | None] = mapped_column(Integer)
    # Sooner than QUIZ_MIN_ANSWER_MS: stored and marked, worth no points.
    too_fast: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
