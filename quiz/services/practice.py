"""Practice: questions from past days or the user's own mistakes, scored and explained but never
paid — no ledger entry, no board, no streak, no change to the day's completion. It only ever
shows questions that already appeared in a past day's set or among the user's own mistakes,
never today's unanswered questions nor a scheduled future day's. Plain values in, typed
errors out; nothing here commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quiz.clock import local_day
from quiz.errors import Conflict, NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import (
    DailySet,
    Mistake,
    PracticeAnswer,
    PracticeSession,
    Question,
    User,
)
from quiz.models.types import MAX_ID
from quiz.services import answering, question_pool
from quiz.services import mistakes as mistake_book
from quiz.services.answering import AlreadyAnswered, AnswerResult, Rules


class NothingToPractise(Conflict):
    """The chosen source has no question this user may practise now."""

    code = "nothing_to_practise"
    title = "Nothing to practise"


class NotInSession(NotFound):
    """The question is not one of this practice session's."""

    code = "not_in_session"
    title = "Not in this practice session"


MAX_PRACTICE = 20


@dataclass
class PracticeStart:
    id: int
    source: str
    category: str | None
    questions: list[dict] = field(default_factory=list)


def _past_set_ids(today: date) -> set[int]:
    ids: set[int] = set()
    for question_ids in db.session.scalars(
        select(DailySet.question_ids).where(DailySet.day < today)
    ):
        ids.update(question_ids)
    return ids


def _unmastered(user_id: int, category: str | None = None) -> list[int]:
    stmt = select(Mistake.question_id).where(
        Mistake.user_id == user_id, Mistake.mastered_at.is_(None)
    )
    if category:
        stmt = stmt.where(Mistake.category == category)
    return list(db.session.scalars(stmt.order_by(Mistake.last_wrong_at.desc(), Mistake.id.desc())))


def start_practice(
    user: User,
    source: str,
    rules: Rules,
    *,
    category: str | None = None,
    count: int = 5,
    now: datetime,
    rng: random.Random | None = None,
) -> PracticeStart:
    """A practice session of up to `count` questions from the source; 409 when it is empty."""
    if source == "category" and not category:
        raise ValidationFailed(
            "按分类练习须选择分类。", errors=[{"field": "category", "message": "必填"}]
        )
    count = max(1, min(count, MAX_PRACTICE))
    today = local_day(now, rules.tz)
    withheld = question_pool.withheld_ids(user.id, today)
    if source == "mistakes":
        # Newest mistakes first: what the user just got wrong is what they practise.
        candidates = [qid for qid in _unmastered(user.id, category) if qid not in withheld]
    else:
        pool = _past_set_ids(today)
        if source == "category":
            # …and the user's own mistakes, mastered or not (they have seen those).
            pool.update(
                db.session.scalars(select(Mistake.question_id).where(Mistake.user_id == user.id))
            )
        candidates = sorted(pool - withheld)
    if candidates:
        # What the question pool allows: active, not suspended by 纠错 reports.
        suspended = question_pool.suspended_ids(question_pool.suspension_of(rules))
        stmt = question_pool.drawable(suspended).where(Question.id.in_(candidates))
        if source == "category":
            stmt = stmt.where(Question.category == category)
        allowed = set(db.session.scalars(stmt))
        candidates = [qid for qid in candidates if qid in allowed]
    if not candidates:
        raise NothingToPractise("没有可以练习的题目。")
    if source == "mistakes":
        chosen = candidates[:count]
    else:
        chosen = (rng or random.SystemRandom()).sample(candidates, min(count, len(candidates)))
    session = PracticeSession(
        user_id=user.id, source=source, category=category, question_ids=chosen, created_at=now
    )
    db.session.add(session)
    db.session.flush()
    by_id = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(chosen)))}
    return PracticeStart(
        id=session.id,
        source=source,
        category=category,
        questions=[answering.presented(by_id[q], user.id, rules) for q in chosen],
    )


def _session_of(user_id: int, session_id: int) -> PracticeSession:
    session = db.session.get(PracticeSession, session_id) if 0 < session_id <= MAX_ID else None
    if session is None or session.user_id != user_id:
        raise NotFound("练习不存在。")
    return session


def answer_practice(
    user: User,
    session_id: int,
    question_id: int,
    choices: list[str],
    rules: Rules,
    *,
    now: datetime,
) -> AnswerResult:
    """Score a practice answer in the user's keys: explained, never paid. A right answer masters
    the user's mistake on the question; a wrong one records (or reopens) it."""
    session = _session_of(user.id, session_id)
    if question_id not in session.question_ids:
        raise NotInSession("这道题不在本次练习中。")
    question = db.session.get(Question, question_id)
    judgement = answering.judge(question, choices, user.id, rules)
    day = local_day(now, rules.tz)
    db.session.add(
        PracticeAnswer(
            session_id=session.id,
            user_id=user.id,
            question_id=question.id,
            question_version=question.version,
            day=day,
            choices=judgement.chosen,
            correct=judgement.correct,
            category=question.category,
            district=user.district,
            created_at=now,
        )
    )
    try:
        # UNIQUE (session_id, question_id): once per session, however many requests race.
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyAnswered("这道题在本次练习中已经答过了。") from exc
    if judgement.correct:
        mistake_book.mark_mastered(user.id, question.id, now=now)
    else:
        mistake_book.record_wrong(user.id, question, day=day, now=now)
    answered = db.session.scalar(
        select(func.count())
        .select_from(PracticeAnswer)
        .where(PracticeAnswer.session_id == session.id)
    )
    # Practice has no pace rule and never pays: it is for learning.
    return answering.result(
        question,
        judgement,
        points=0,
        balance=user.balance,
        completed=answered >= len(session.question_ids),
        too_fast=False,
    )
