"""The 错题本's bookkeeping: a wrong answer (daily quiz, practice, campaigns) records a mistake;
a right answer in practice masters it. Kept apart from `learning` so the quiz services can
call it without importing the practice rules."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from quiz.extensions import db
from quiz.models import Mistake, Question
from quiz.services.sql import insert_on_conflict


def record_wrong(user_id: int, question: Question, *, day: date, now: datetime) -> None:
    """Count a wrong answer (one upsert: two racing answers both count, neither fails)."""
    db.session.execute(
        insert_on_conflict(Mistake)
        .values(
            user_id=user_id,
            question_id=question.id,
            question_version=question.version,
            category=question.category,
            wrong_count=1,
            last_wrong_at=now,
            last_wrong_on=day,
            mastered_at=None,
        )
        .on_conflict_do_update(
            index_elements=[Mistake.user_id, Mistake.question_id],
            # Wrong again: back among the unmastered.
            set_={
                "wrong_count": Mistake.wrong_count + 1,
                "last_wrong_at": now,
                "last_wrong_on": day,
                "mastered_at": None,
                "category": question.category,
                "question_version": question.version,
            },
        )
    )


def mark_mastered(user_id: int, question_id: int, *, now: datetime) -> bool:
    """A right practice answer masters the user's mistake on that question (if they had one)."""
    result = db.session.execute(
        update(Mistake)
        .where(
            Mistake.user_id == user_id,
            Mistake.question_id == question_id,
            Mistake.mastered_at.is_(None),
        )
        .values(mastered_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
