"""Questions and the banks they were imported from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime

QUESTION_TYPES = ("single", "multiple", "judge")


class QuestionBank(db.Model):
    """One import: the file an admin uploaded (or the bundled bank) and what it added."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(f"type IN {QUESTION_TYPES!r}", name="type_known"),
        CheckConstraint("difficulty BETWEEN 1 AND 3", name="difficulty_range"),
        CheckConstraint("points IS NULL OR points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    # [[key, text], ...] in key order A, B, C…
    options: Mapped[list] = mapped_column(JSON)
    # The correct keys, sorted and joined: "B", "ACD".
    answer: Mapped[str] = mapped_column(String(8))
    explanation: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64), index=True)
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    points: Mapped[int | None] = mapped_column(Integer)  # None: QUIZ_POINTS_CORRECT
    active: Mapped[bool] = mapped_column(default=True, index=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("question_banks.id"), index=True)
    # sha256 of the normalised type, stem and options: the same question is never stored twice.
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The published version (三审, `question_versions`); 0 while the first is still in review.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def answer_keys(self) -> list[str]:
        return list(self.answer)

    @property
    def option_keys(self) -> list[str]:
        return [key for key, _ in self.options]
