"""知晓率: how well the city knows each topic, read from the stored answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, case, cast, distinct, func, select

from quiz.extensions import db
from quiz.models import Answer, PracticeAnswer, Question, QuizDay


@dataclass(frozen=True)
class Report:
    """A report over a range of local days (both inclusive): its rows, grouped `by` a key."""

    date_from: date
    date_to: date
    rows: list
    by: str | None = None


def _rate(correct: int, answers: int) -> float:
    return round(correct / answers, 4) if answers else 0.0


def awareness(
    date_from: date, date_to: date, by: str, *, include_practice: bool = False
) -> list[dict]:
    """Answers, correct answers, rate and participants per category or district.

    The city's figure is the daily quiz's; practice answers (given after reading the 解析)
    count only when `include_practice` asks for them.
    """
    key = "category" if by == "category" else "district"
    answers = select(getattr(Answer, key).label("key"), Answer.user_id, Answer.correct).where(
        Answer.day >= date_from, Answer.day <= date_to
    )
    if include_practice:
        answers = answers.union_all(
            select(
                getattr(PracticeAnswer, key).label("key"),
                PracticeAnswer.user_id,
                PracticeAnswer.correct,
            ).where(PracticeAnswer.day >= date_from, PracticeAnswer.day <= date_to)
        )
    rows_of = answers.subquery()
    correct = func.sum(cast(case((rows_of.c.correct.is_(True), 1), else_=0), Integer))
    rows = db.session.execute(
        select(rows_of.c.key, func.count(), correct, func.count(distinct(rows_of.c.user_id)))
        .group_by(rows_of.c.key)
        .order_by(rows_of.c.key)
    )
    return [
        {
            "key": key,
            "answers": n,
            "correct": int(c or 0),
            "rate": _rate(int(c or 0), n),
            "participants": people,
        }
        for key, n, c, people in rows
    ]


def question_rates(date_from: date, date_to: date, limit: int = 50) -> list[dict]:
    """Per-question correct rate, lowest first: where a question (or the city) is weak."""
    correct = func.sum(cast(case((Answer.correct.is_(True), 1), else_=0), Integer))
    rows = db.session.execute(
        select(Answer.question_id, Question.stem, Question.category, func.count(), correct)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.day >= date_from, Answer.day <= date_to)
        .group_by(Answer.question_id, Question.stem, Question.category)
    )
    out = [
        {
            "question_id": qid,
            "stem": stem,
            "category": category,
            "answers": n,
            "correct": int(c or 0),
            "rate": _rate(int(c or 0), n),
        }
        for qid, stem, category, n, c in rows
    ]
    out.sort(key=lambda row: (row["rate"], -row["answers"], row["question_id"]))
    return out[:limit]


def participation(date_from: date, date_to: date) -> list[dict]:
    """Per day: people who answered at least once, people who completed, answers given."""
    completed = func.sum(cast(case((QuizDay.completed_at.is_not(None), 1), else_=0), Integer))
    rows = db.session.execute(
        select(QuizDay.day, func.count(), completed, func.sum(QuizDay.answered))
        .where(QuizDay.day >= date_from, QuizDay.day <= date_to, QuizDay.answered > 0)
        .group_by(QuizDay.day)
        .order_by(QuizDay.day)
    )
    return [
        {
            "date": day.isoformat(),
            "participants": people,
            "completed": int(done or 0),
            "answers": int(n or 0),
        }
        for day, people, done, n in rows
    ]
