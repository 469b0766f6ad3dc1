"""The daily quiz: the user's day — answers, scoring, bonuses, the cap, streaks and history.

The daily quiz is one activity of the answering core (`quiz.services.answering`): it keeps
its own container (the user's day row) and its payout (points, the day's bonuses, the cap);
judging, the pace rule and presenting questions are the core's. Every function takes the instant
(`now`) and the scoring rules (`Rules`) as arguments, so a test can walk through weeks without
touching the system clock. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quiz.clock import day_bounds, local_day
from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import Answer, QuizDay, User
from quiz.models.ledger import LedgerKind
from quiz.services import (
    answer_statement,
    answering,
    fairplay,
    family,
    ledger,
    mistakes,
)
from quiz.services.answering import (  # noqa: F401  (the daily quiz's names for them)
    AlreadyAnswered,
    AnswerResult,
    QuestionCard,
    Rules,
    validate_choices,
)
from quiz.services.draw import daily_set, questions_by_id
from quiz.services.sql import commit_without_waiting_for_disk, db_dialect, insert_on_conflict
from quiz.writing import will_write


class NotInToday(NotFound):
    """The question is not one of today's."""

    code = "not_in_today"
    title = "Not in today's set"


# --- the user's day ----------------------------------------------------------------------


def _new_day(user_id: int, day: date, total: int, **values):
    """INSERT of a user's empty day row (the caller adds its ON CONFLICT clause)."""
    return insert_on_conflict(QuizDay).values(
        user_id=user_id,
        day=day,
        total=total,
        answered=0,
        correct=0,
        points=0,
        bonus=0,
        too_fast=0,
        near_floor=0,
        **values,
    )


def _lock_quiz_day(user_id: int, day: date, total: int) -> QuizDay:
    """Create-or-lock the user's day in one statement (ON CONFLICT DO UPDATE takes the lock)."""
    stmt = (
        _new_day(user_id, day, total)
        .on_conflict_do_update(
            index_elements=[QuizDay.user_id, QuizDay.day], set_={"total": QuizDay.total}
        )
        .returning(QuizDay)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def mark_seen(user, day: date, total: int, *, now: datetime):
    """Record the user's first fetch of the day (the start of their answer times); returns the
    user's row of the day. Once it is recorded this costs no query (the row came with the
    signed-in user)."""
    known = user.today_of(day) if hasattr(user, "today_of") else None
    if known is not None and known.first_seen_at is not None:
        return known
    will_write(db.session)
    # One statement, idempotent: racing first fetches keep the earliest start.
    return db.session.execute(
        _new_day(user.id, day, total, first_seen_at=now)
        .on_conflict_do_update(
            index_elements=[QuizDay.user_id, QuizDay.day],
            set_={
                "first_seen_at": func.coalesce(QuizDay.first_seen_at, now),
            },
        )
        .returning(
            QuizDay.answered,
            QuizDay.total,
            QuizDay.correct,
            QuizDay.completed_at,
            QuizDay.first_seen_at,
        )
    ).one()


def answers_of(user_id: int, day: date) -> list[Answer]:
    return list(
        db.session.scalars(
            select(Answer).where(Answer.user_id == user_id, Answer.day == day).order_by(Answer.id)
        )
    )


def card_of(question_id: int, questions) -> QuestionCard:
    """Today's question with this id (from the day's cached questions), or 404 `not_in_today`."""
    for card in questions:
        if card.id == question_id:
            return card
    raise NotInToday("这道题不在今天的题目中。")


def submit_answer(
    user,
    question_id: int,
    choices: list[str],
    rules: Rules,
    *,
    now: datetime,
    questions=None,
) -> AnswerResult:
    """Score one answer and credit its points; the answer that completes the day adds bonuses.

    `user` is the signed-in user (`SignedIn`, or a `User`). `questions` are the day's questions
    when the caller already holds them (`TodaysSet.questions`); otherwise they are read.
    """
    day = local_day(now, rules.tz)
    if questions is None:
        ids = tuple(daily_set(day, rules, now=now).question_ids)
        questions = [QuestionCard.of(q) for q in questions_by_id(ids)]
    card = card_of(question_id, questions)
    judgement = answering.judge(card, choices, user.id, rules)
    earns = fairplay.earns_points(user.role)
    points = (card.points or rules.points_correct) if judgement.correct and earns else 0
    known = user.today_of(day) if hasattr(user, "today_of") else None
    if known is not None and not rules.daily_cap and db_dialect() == "postgresql":
        done = answer_statement.submit(
            user,
            card,
            judgement,
            points,
            day=day,
            now=now,
            key=_answer_key(user.id, day, card.id),
            memo=answer_memo(card),
            min_answer_ms=rules.min_answer_ms,
            wait_for_disk=rules.durable_answers,
        )
        if done is not None:
            return _finish(user, card, judgement, done, rules, day=day, now=now)
    if not rules.durable_answers:
        commit_without_waiting_for_disk()
    return _submit_stepwise(
        user, card, judgement, points, rules, total=len(questions), day=day, now=now
    )


def _submit_stepwise(
    user,
    card: QuestionCard,
    judgement,
    points: int,
    rules: Rules,
    *,
    total: int,
    day: date,
    now: datetime,
) -> AnswerResult:
    """The answer in steps through the ORM: SQLite, a capped day, an answer without a fetch."""
    # Serialise this user's answers for the day: the row lock makes "answered" exact.
    row = _lock_quiz_day(user.id, day, total)
    if row.answered >= row.total:
        raise AlreadyAnswered("今天的题目已经全部答完了。")
    # Sooner than the minimum interval after the previous answer (or the first fetch; an answer
    # without any fetch has no start at all): stored and marked, worth nothing.
    since = max((t for t in (row.first_seen_at, row.last_answer_at) if t is not None), default=None)
    answer_pace = answering.pace(since, now, rules)
    start, end = day_bounds(day, rules.tz)
    cap = _Cap(user.id, rules.daily_cap, start, end, owner=user)
    balance = user.balance
    awarded = 0
    if points and not answer_pace.too_fast:
        awarded, balance = cap.award(
            points,
            LedgerKind.QUIZ_CORRECT,
            key=_answer_key(user.id, day, card.id),
            memo=answer_memo(card),
            ref=f"question:{card.id}",
            now=now,
            balance=balance,
        )
    row.answered += 1
    row.correct += int(answering.scores(judgement, answer_pace))
    row.too_fast += int(answer_pace.too_fast)
    row.near_floor += int(answering.near_floor(answer_pace, rules.min_answer_ms))
    row.last_answer_at = now
    row.points += awarded
    elapsed = int((now - row.first_seen_at).total_seconds() * 1000) if row.first_seen_at else None
    answer = Answer(
        user_id=user.id,
        question_id=card.id,
        question_version=card.version,
        day=day,
        choices=judgement.chosen,
        correct=judgement.correct,
        points=awarded,
        bonus=0,
        category=card.category,
        district=user.district,
        elapsed_ms=elapsed,
        interval_ms=answer_pace.interval_ms,
        too_fast=answer_pace.too_fast,
        created_at=now,
    )
    db.session.add(answer)
    try:
        # UNIQUE (user_id, question_id, day) is the guard: a second answer fails here and the
        # 409 rolls back the whole request, its points included.
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyAnswered("这道题今天已经答过了。") from exc
    if not judgement.correct:
        mistakes.record_wrong(user.id, card, day=day, now=now)
    done = answer_statement.Done(
        answer_id=answer.id,
        points=awarded,
        too_fast=answer_pace.too_fast,
        answered=row.answered,
        total=row.total,
        correct=row.correct,
        day_too_fast=row.too_fast,
        balance=balance,
    )
    return _finish(user, card, judgement, done, rules, day=day, now=now, cap=cap)


def _finish(
    user, card, judgement, done, rules: Rules, *, day: date, now: datetime, cap=None
) -> AnswerResult:
    """The result; the answer that completes the day also completes it (streak, bonuses)."""
    bonuses: list[dict] = []
    balance = done.balance
    completed = done.answered >= done.total
    if completed:
        if cap is None:
            start, end = day_bounds(day, rules.tz)
            cap = _Cap(user.id, rules.daily_cap, start, end, owner=user)
        bonuses, balance = _complete_day(user, done, day, rules, cap, balance=balance, now=now)
    bonus = sum(b["points"] for b in bonuses)
    result = answering.result(
        card,
        judgement,
        points=done.points + bonus,
        balance=balance,
        completed=completed,
        too_fast=done.too_fast,
        bonus=bonus,
    )
    result.bonuses = bonuses
    return result


def answer_memo(card: QuestionCard) -> str:
    return f"答对：{card.stem[:40]}"


def _answer_key(user_id: int, day: date, question_id: int) -> str:
    return f"quiz:{user_id}:{day.isoformat()}:{question_id}"


def _complete_day(
    user, done, day: date, rules: Rules, cap: _Cap, *, balance: int, now: datetime
) -> tuple[list[dict], int]:
    """Close the user's day: completion time, streak, and the bonuses it pays (recorded on the
    day row and on the completing answer). Returns the bonuses and the balance after them."""
    streak = user.streak + 1 if user.streak_day == day - timedelta(days=1) else 1
    if user.streak_day != day:
        db.session.execute(
            update(User).where(User.id == user.id).values(streak=streak, streak_day=day)
        )
    bonuses = []
    # A day with a too-fast answer, or a staff member's day, pays no bonus (nor the family's).
    if not done.day_too_fast and fairplay.earns_points(user.role):
        if done.correct == done.total and rules.bonus_perfect:
            points, balance = cap.award(
                rules.bonus_perfect,
                LedgerKind.QUIZ_BONUS,
                key=f"perfect:{user.id}:{day}",
                memo="全部答对奖励",
                ref=f"day:{day}",
                now=now,
                balance=balance,
            )
            bonuses.append({"kind": "perfect", "points": points})
        if streak >= 2 and rules.bonus_streak:
            amount = min(rules.bonus_streak * (streak - 1), rules.bonus_streak_cap)
            points, balance = cap.award(
                amount,
                LedgerKind.QUIZ_BONUS,
                key=f"streak:{user.id}:{day}",
                memo=f"连续答题 {streak} 天奖励",
                ref=f"day:{day}",
                now=now,
                balance=balance,
            )
            bonuses.append({"kind": "streak", "points": points, "streak": streak})
        if user.family_reporter_id and rules.bonus_family:
            family.on_day_completed(
                user, day, now=now, bonus=rules.bonus_family, family_max=rules.family_max
            )
    bonus = sum(b["points"] for b in bonuses)
    db.session.execute(
        update(QuizDay)
        .where(QuizDay.user_id == user.id, QuizDay.day == day)
        .values(completed_at=now, points=QuizDay.points + bonus, bonus=QuizDay.bonus + bonus)
    )
    if bonus:
        db.session.execute(
            update(Answer)
            .where(Answer.id == done.answer_id)
            .values(points=Answer.points + bonus, bonus=bonus)
        )
    return bonuses, balance


# The daily quiz task: what QUIZ_DAILY_CAP limits (family bonuses are a task of their own).
QUIZ_TASK_KINDS = (LedgerKind.QUIZ_CORRECT, LedgerKind.QUIZ_BONUS)


class _Cap:
    """The per-user daily cap on quiz points (学习强国-style); 0 means none."""

    def __init__(self, user_id: int, limit: int, start: datetime, end: datetime, owner=None):
        self.user_id, self.limit, self.start, self.end = user_id, limit, start, end
        self.owner = owner

    def award(
        self, amount: int, kind: str, *, key: str, memo: str, ref: str, now: datetime, balance: int
    ) -> tuple[int, int]:
        """Credit quiz points, clipped so the day's quiz points never pass the cap; returns
        what was credited and the balance after it. The caller holds the user's day lock, so
        the sum read here cannot move underneath it."""
        if self.limit:
            earned = ledger.earned_between(
                self.user_id, self.start, self.end, kinds=QUIZ_TASK_KINDS
            )
            amount = max(0, min(amount, self.limit - earned))
        if amount <= 0:
            return 0, balance
        posted = ledger.post_entry(
            self.user_id, amount, kind, key=key, now=now, memo=memo, ref=ref, owner=self.owner
        )
        return posted.entry.delta, posted.balance


def progress(user: User, rules: Rules, *, now: datetime) -> dict:
    """Today's progress per task, like 学习强国's task list."""
    day = local_day(now, rules.tz)
    row = db.session.scalar(select(QuizDay).where(QuizDay.user_id == user.id, QuizDay.day == day))
    start, end = day_bounds(day, rules.tz)
    earned = ledger.earned_between(user.id, start, end, kinds=QUIZ_TASK_KINDS)
    return {
        "date": day.isoformat(),
        "tasks": [
            {
                "task": "daily_quiz",
                "title": "每日答题",
                "current": row.answered if row else 0,
                "max": row.total if row else rules.daily_count,
            },
            {
                "task": "quiz_points",
                "title": "答题积分",
                "current": earned,
                "max": rules.daily_cap or None,
            },
        ],
    }


@dataclass(frozen=True)
class Today:
    """The caller's today: the set as they see it, their results so far, their streak."""

    date: date
    questions: list  # already rendered for players (see TodaysSet.presented)
    answered: dict[str, AnswerResult]
    completed: bool
    streak: int


def results_of_day(
    user, day: date, questions, rules: Rules, *, completed: bool
) -> dict[str, AnswerResult]:
    """The user's results for the day's questions (`QuestionCard`s) answered so far, keyed by
    question id, each in the user's own option keys."""
    by_id = {q.id: q for q in questions}
    results = {}
    for answer in answers_of(user.id, day):
        question = by_id.get(answer.question_id)
        if question is not None:
            judgement = answering.recorded(question, answer.choices, answer.correct, user.id, rules)
            results[str(answer.question_id)] = answering.result(
                question,
                judgement,
                points=answer.points,
                balance=user.balance,
                completed=completed,
                too_fast=answer.too_fast,
                bonus=answer.bonus,
            )
            results[str(answer.question_id)].question_version = answer.question_version
    return results


def live_streak(streak: int, streak_day: date | None, today: date) -> int:
    """The streak still alive today: it lapses once a whole day passes without completing."""
    if streak_day is None:
        return 0
    return streak if (today - streak_day).days <= 1 else 0


def history(user_id: int, *, before: date | None, limit: int) -> list[QuizDay]:
    stmt = select(QuizDay).where(QuizDay.user_id == user_id, QuizDay.answered > 0)
    if before is not None:
        stmt = stmt.where(QuizDay.day < before)
    return list(db.session.scalars(stmt.order_by(QuizDay.day.desc()).limit(limit)))
