"""Learning from answers: the round review of a day and the 错题本 (the user's mistakes).

Both show a question as its user saw it (their option order) with the key and 解析. Practice is
in `practice`, 纠错 reports in `question_reports`. Read only; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import (
    Answer,
    DailySet,
    Mistake,
    Question,
)
from quiz.services import version_history
from quiz.services.answering import Rules
from quiz.services.option_order import as_seen, in_user_keys

# --- round review -----------------------------------------------------------------------


@dataclass
class ReviewItem:
    question: dict
    choices: list[str]
    correct: bool
    correct_choices: list[str]
    explanation: str
    points_awarded: int
    question_version: int = 1


@dataclass
class Review:
    date: date
    questions: list[ReviewItem]


def review(user_id: int, day: date, rules: Rules) -> Review:
    """One answered day (past or today): the user's answers, the right ones and the 解析, in
    the user's option order. Today's unanswered questions are not part of it."""
    answers = list(
        db.session.scalars(
            select(Answer).where(Answer.user_id == user_id, Answer.day == day).order_by(Answer.id)
        )
    )
    if not answers:
        raise NotFound("这一天没有答题记录。")
    day_set = db.session.scalar(select(DailySet).where(DailySet.day == day))
    position = {qid: i for i, qid in enumerate(day_set.question_ids if day_set else [])}
    answers.sort(key=lambda a: (position.get(a.question_id, len(position)), a.id))
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_([a.question_id for a in answers]))
        )
    }
    # Each answer is shown in the wording and key of the version its user saw.
    seen = version_history.cards_of((a.question_id, a.question_version) for a in answers)
    items = []
    for answer in answers:
        question = (
            seen.get((answer.question_id, answer.question_version)) or questions[answer.question_id]
        )
        order = rules.options_for(user_id, question)
        items.append(
            ReviewItem(
                question=as_seen(question, order),
                choices=in_user_keys(answer.choices, order),
                correct=answer.correct,
                correct_choices=in_user_keys(question.answer, order),
                explanation=question.explanation,
                points_awarded=answer.points,
                question_version=answer.question_version,
            )
        )
    return Review(day, items)


# --- the 错题本 ---------------------------------------------------------------------------


@dataclass
class MistakeItem:
    id: int
    question: dict
    correct_choices: list[str]
    explanation: str
    wrong_count: int
    last_wrong_on: date
    last_wrong_at: datetime
    mastered: bool
    mastered_at: datetime | None
    question_version: int = 1


def mistakes_of(
    user_id: int,
    rules: Rules,
    *,
    category: str | None,
    mastered: bool | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[MistakeItem]:
    """The user's mistakes, newest wrong answer first (keyset page after `after`)."""
    stmt = (
        select(Mistake, Question)
        .join(Question, Question.id == Mistake.question_id)
        .where(Mistake.user_id == user_id)
    )
    if category:
        stmt = stmt.where(Mistake.category == category)
    if mastered is not None:
        stmt = stmt.where(
            Mistake.mastered_at.is_not(None) if mastered else Mistake.mastered_at.is_(None)
        )
    if after is not None:
        at, last_id = after
        stmt = stmt.where(
            or_(
                Mistake.last_wrong_at < at,
                and_(Mistake.last_wrong_at == at, Mistake.id < last_id),
            )
        )
    rows = db.session.execute(
        stmt.order_by(Mistake.last_wrong_at.desc(), Mistake.id.desc()).limit(limit)
    )
    rows = rows.all()
    # The wording and key of the version the user last got wrong.
    seen = version_history.cards_of((m.question_id, m.question_version) for m, _ in rows)
    out = []
    for mistake, current in rows:
        question = seen.get((mistake.question_id, mistake.question_version)) or current
        order = rules.options_for(user_id, question)
        out.append(
            MistakeItem(
                id=mistake.id,
                question=as_seen(question, order),
                correct_choices=in_user_keys(question.answer, order),
                explanation=question.explanation,
                wrong_count=mistake.wrong_count,
                last_wrong_on=mistake.last_wrong_on,
                last_wrong_at=mistake.last_wrong_at,
                mastered=mistake.mastered_at is not None,
                mastered_at=mistake.mastered_at,
                question_version=mistake.question_version,
            )
        )
    return out
