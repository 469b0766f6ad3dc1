"""Learning from answers: round review, the 错题本, practice and 纠错 reports.

Practice is scored and explained but never pays: no ledger entry, no board, no streak, no
change to the day's completion. It only ever shows questions that already appeared in a past
day's set or among the user's own mistakes — never today's unanswered questions nor a scheduled
future day's. Plain values in, typed errors out; nothing here commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from quiz.clock import local_day
from quiz.errors import Conflict, NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import (
    Answer,
    DailySet,
    Mistake,
    PracticeAnswer,
    PracticeSession,
    Question,
    QuestionReport,
    User,
)
from quiz.models.types import MAX_ID
from quiz.services import answering, question_pool, question_stats, version_history
from quiz.services import mistakes as mistake_book
from quiz.services.answering import AlreadyAnswered, AnswerResult, Rules
from quiz.services.fairplay import as_seen, in_user_keys


class NothingToPractise(Conflict):
    """The chosen source has no question this user may practise now."""

    code = "nothing_to_practise"
    title = "Nothing to practise"


class NotInSession(NotFound):
    """The question is not one of this practice session's."""

    code = "not_in_session"
    title = "Not in this practice session"


class AlreadyReported(Conflict):
    """The user's earlier report on this question is still open."""

    code = "already_reported"
    title = "Already reported"


class ReportRejectedBefore(Conflict):
    """An admin rejected this user's earlier report on this question: one report per reporter
    and question after a rejection, so a wave cannot be re-filed at once."""

    code = "report_rejected"
    title = "Report rejected before"


class ReportNotOpen(Conflict):
    """The report was resolved already."""

    code = "report_not_open"
    title = "Report already resolved"


MAX_PRACTICE = 20


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


# --- practice ---------------------------------------------------------------------------


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


# --- 纠错 reports -------------------------------------------------------------------------


def has_answered(user_id: int, question_id: int) -> bool:
    daily = exists().where(Answer.user_id == user_id, Answer.question_id == question_id)
    practice = exists().where(
        PracticeAnswer.user_id == user_id, PracticeAnswer.question_id == question_id
    )
    return bool(db.session.scalar(select(daily | practice)))


def report_question(
    user_id: int, question_id: int, reason: str, message: str, *, now: datetime
) -> QuestionReport:
    """A user who answered a question reports a fault in it; one open report per user and
    question. A question nobody let them answer is 404 (its text stays unknown to them)."""
    question = db.session.get(Question, question_id) if 0 < question_id <= MAX_ID else None
    if question is None or not has_answered(user_id, question_id):
        raise NotFound("题目不存在或你还没有答过这道题。")
    open_one = select(QuestionReport.id).where(
        QuestionReport.user_id == user_id,
        QuestionReport.question_id == question_id,
        QuestionReport.status == "open",
    )
    if db.session.scalar(open_one) is not None:
        raise AlreadyReported("你对这道题的纠错还在处理中。")
    rejected = select(QuestionReport.id).where(
        QuestionReport.user_id == user_id,
        QuestionReport.question_id == question_id,
        QuestionReport.resolution == "rejected",
    )
    if db.session.scalar(rejected.limit(1)) is not None:
        raise ReportRejectedBefore("你对这道题的纠错已处理为不采纳，不能再次提交。")
    report = QuestionReport(
        question_id=question_id,
        user_id=user_id,
        reason=reason,
        message=message,
        status="open",
        created_at=now,
    )
    db.session.add(report)
    try:
        db.session.flush()  # the partial unique index settles a race
    except IntegrityError as exc:
        raise AlreadyReported("你对这道题的纠错还在处理中。") from exc
    return report


def reports_of(user_id: int, *, before_id: int | None, limit: int) -> list[QuestionReport]:
    stmt = select(QuestionReport).where(QuestionReport.user_id == user_id)
    if before_id is not None:
        stmt = stmt.where(QuestionReport.id < before_id)
    return list(db.session.scalars(stmt.order_by(QuestionReport.id.desc()).limit(limit)))


def report_queue(status: str, *, after_id: int | None, limit: int) -> list[QuestionReport]:
    """Open reports oldest first (a queue); resolved ones newest first."""
    stmt = select(QuestionReport).where(QuestionReport.status == status)
    if status == "open":
        if after_id is not None:
            stmt = stmt.where(QuestionReport.id > after_id)
        stmt = stmt.order_by(QuestionReport.id)
    else:
        if after_id is not None:
            stmt = stmt.where(QuestionReport.id < after_id)
        stmt = stmt.order_by(QuestionReport.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def resolve_report(
    report_id: int, resolution: str, note: str, *, admin_id: int, now: datetime
) -> QuestionReport:
    """Resolve a report — and with it every open report on the same question, since the fix or
    the rejection is about the question: each reporter reads the same note."""
    report = db.session.get(QuestionReport, report_id) if 0 < report_id <= MAX_ID else None
    if report is None:
        raise NotFound("纠错不存在。")
    if report.status != "open":
        raise ReportNotOpen("这条纠错已经处理过了。")
    fixed = version_history.latest_version(report.question_id) if resolution == "fixed" else None
    db.session.execute(
        update(QuestionReport)
        .where(QuestionReport.question_id == report.question_id, QuestionReport.status == "open")
        .values(
            status="resolved",
            resolution=resolution,
            note=note,
            resolved_by=admin_id,
            resolved_at=now,
            fixed_version=fixed,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(report)
    return report


@dataclass(frozen=True)
class SuspendedQuestion:
    question_id: int
    stem: str
    category: str
    counted_reports: int  # reports that count towards suspension (see question_pool)
    open_reports: int


def suspended_questions(rules: Rules) -> list[SuspendedQuestion]:
    """The questions reports keep out of the draw now, most reported first, for the admin."""
    suspension = question_pool.suspension_of(rules)
    counted = dict(question_pool.report_counts(suspension))
    ids = question_pool.suspended_ids(suspension)
    if not ids:
        return []
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    open_counts = dict(
        db.session.execute(
            select(QuestionReport.question_id, func.count())
            .where(QuestionReport.question_id.in_(ids), QuestionReport.status == "open")
            .group_by(QuestionReport.question_id)
        ).all()
    )
    return [
        SuspendedQuestion(
            qid, questions[qid].stem, questions[qid].category, counted[qid], open_counts.get(qid, 0)
        )
        for qid in ids
    ]


def clear_suspensions(rules: Rules, note: str, *, admin_id: int, now: datetime) -> int:
    """Reject every open report of the suspended questions at once (a wave of reports): the
    questions return to the draw, and those reporters cannot re-file them. Returns how many
    reports were resolved."""
    ids = question_pool.suspended_ids(question_pool.suspension_of(rules))
    if not ids:
        return 0
    result = db.session.execute(
        update(QuestionReport)
        .where(QuestionReport.question_id.in_(ids), QuestionReport.status == "open")
        .values(
            status="resolved",
            resolution="rejected",
            note=note,
            resolved_by=admin_id,
            resolved_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass
class QueueItem:
    """A report in the admin queue, with its question's statistics (reads through to the report)."""

    report: QuestionReport
    stats: question_stats.QuestionStats

    def __getattr__(self, name):
        return getattr(self.report, name)


def queue_items(status: str, *, after_id: int | None, limit: int, min_answers: int):
    reports = report_queue(status, after_id=after_id, limit=limit)
    stats = question_stats.stats_for(
        sorted({r.question_id for r in reports}), min_answers=min_answers
    )
    return [QueueItem(r, stats[r.question_id]) for r in reports]
