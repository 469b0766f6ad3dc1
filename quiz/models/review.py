"""三审: every version of a question, and the import batches reviewed as one unit.

The `questions` row always holds the *published* version's content (`Question.version` names
it), so the draw, campaigns and practice read nothing else; a draft lives only here until a
reviewer approves it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime

VERSION_STATUSES = ("draft", "submitted", "published", "returned", "superseded")
BATCH_STATUSES = ("submitted", "returned", "published")


class ReviewBatch(db.Model):
    """An import under review: its versions are approved together or sent back together."""

    __tablename__ = "review_batches"
    __table_args__ = (CheckConstraint(f"status IN {BATCH_STATUSES!r}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("question_banks.id"))
    filename: Mapped[str] = mapped_column(String(255))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Who approved so far (QUIZ_REVIEW_STEPS of them publish the batch).
    reviewer_ids: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuestionVersion(db.Model):
    """One version of a question: its whole content, who wrote it and who approved it."""

    __tablename__ = "question_versions"
    __table_args__ = (
        CheckConstraint(f"status IN {VERSION_STATUSES!r}", name="status_known"),
        Index("uq_question_versions_question_id_version", "question_id", "version", unique=True),
        Index("ix_question_versions_status", "status"),
        Index("ix_question_versions_batch_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(String(8))
    explanation: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    points: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_ids: Mapped[list] = mapped_column(JSON, default=list)
    # The reviewer's note when returned (a batch's row note lands on its row's version).
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("review_batches.id"))
    # On a published key change with past answers: "keep" (default) or "rescore".
    rescore: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def option_keys(self) -> list[str]:
        return [key for key, _ in self.options]
