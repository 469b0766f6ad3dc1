"""Campaigns (专项答题): a window, a question pool, each user's attempts and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class Campaign(db.Model):
    """One 专项答题: open from `starts_at` to `ends_at` (both included), drawing each attempt's
    questions from `question_ids` (explicit) or from the active questions of `category`."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="window_ordered"),
        CheckConstraint("questions_per_attempt > 0", name="questions_positive"),
        CheckConstraint("attempts_allowed > 0", name="attempts_positive"),
        CheckConstraint("points_per_correct >= 0", name="points_not_negative"),
        CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", name="time_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Exactly one of the two pools is set (JSON null is stored as SQL NULL).
    question_ids: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    category: Mapped[str | None] = mapped_column(String(64))
    questions_per_attempt: Mapped[int] = mapped_column(Integer)
    attempts_allowed: Mapped[int] = mapped_column(Integer)
    points_per_correct: Mapped[int] = mapped_column(Integer)
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CampaignAttempt(db.Model):
    """One try at a campaign: its own drawn questions, its deadline and its running score.

    `number` counts the user's attempts at the campaign from 1; UNIQUE (campaign, user, number)
    keeps racing starts inside `attempts_allowed`. The row is locked while an answer is scored.
    """

    __tablename__ = "campaign_attempts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", "number"),
        Index("ix_campaign_attempts_campaign_id_correct", "campaign_id", "correct"),
        Index("ix_campaign_attempts_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    number: Mapped[int] = mapped_column(Integer)
    question_ids: Mapped[list] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # started_at + the time limit, capped by the window's end; None without a time limit.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    # Whole seconds from the start to the latest answer: the tie-break (less is better).
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    last_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignAnswer(db.Model):
    """One answer in an attempt, scored on the server: once per attempt and question."""

    __tablename__ = "campaign_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("campaign_attempts.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    question_version: Mapped[int] = mapped_column(Integer, server_default="1")
    # In the question's own keys (the user's keys are translated on the way in).
    choices: Mapped[str] = mapped_column(String(8))
    correct: Mapped[bool]
    points: Mapped[int] = mapped_column(Integer, default=0)
    # Sooner than QUIZ_MIN_ANSWER_MS after the previous answer (or the start): stored and
    # marked, worth no points and not counted in the attempt's score.
    too_fast: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
