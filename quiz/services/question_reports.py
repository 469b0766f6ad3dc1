"""纠错 reports: a player says a question is wrong; admins resolve the reports, and a wave of
reports from different players suspends the question from new draws until an admin looks.
Plain values in, typed errors out; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from quiz.errors import Conflict, NotFound
from quiz.extensions import db
from quiz.models import (
    Answer,
    PracticeAnswer,
    Question,
    QuestionReport,
)
from quiz.models.learning import ReportStatus
from quiz.models.types import MAX_ID
from quiz.services import question_pool, question_stats, version_history
from quiz.services.answering import Rules


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
        QuestionReport.status == ReportStatus.OPEN,
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
        status=ReportStatus.OPEN,
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
    if status == ReportStatus.OPEN:
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
    if report.status != ReportStatus.OPEN:
        raise ReportNotOpen("这条纠错已经处理过了。")
    fixed = version_history.latest_version(report.question_id) if resolution == "fixed" else None
    db.session.execute(
        update(QuestionReport)
        .where(
            QuestionReport.question_id == report.question_id,
            QuestionReport.status == ReportStatus.OPEN,
        )
        .values(
            status=ReportStatus.RESOLVED,
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
            .where(QuestionReport.question_id.in_(ids), QuestionReport.status == ReportStatus.OPEN)
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
        .where(QuestionReport.question_id.in_(ids), QuestionReport.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.RESOLVED,
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
