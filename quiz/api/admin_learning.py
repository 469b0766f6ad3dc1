"""Admin: the 纠错 queue and question statistics."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, config, rules
from quiz.current import now
from quiz.extensions import db, report_reads
from quiz.schemas.common import cursor_id, page_of
from quiz.schemas.learning import (
    ClearedOut,
    ClearSuspensionsIn,
    QueueArgs,
    QueueItemOut,
    QueueOut,
    ResolveIn,
    StatsOut,
    SuspendedOut,
)
from quiz.services import banks, question_reports, question_stats, report_views

blp = Blueprint(
    "admin_learning",
    __name__,
    url_prefix="/api/v1/admin",
    description="Admin: 纠错 reports and question statistics",
)


def _min_answers() -> int:
    return config("QUIZ_STATS_MIN_ANSWERS")


@blp.route("/question-reports", methods=["GET"])
@admin_required
@blp.arguments(QueueArgs, location="query")
@blp.response(200, QueueOut)
def queue(args):
    """Reports (open: oldest first; resolved: newest first) with the question and its figures."""
    items = question_reports.queue_items(
        args["status"],
        after_id=cursor_id(args["cursor"]),
        limit=args["limit"] + 1,
        min_answers=_min_answers(),
    )
    # Each report with the options as its reporter saw them (their keys are shuffled).
    items = report_views.as_reporter_saw(items, rules().options_for)
    return page_of(items, args["limit"], lambda item: item.id)


@blp.route("/question-reports/suspended", methods=["GET"])
@admin_required
@blp.response(200, SuspendedOut)
def suspended():
    """The questions reports keep out of the draw now, most reported first."""
    return {"items": question_reports.suspended_questions(rules())}


@blp.route("/question-reports/suspended/clear", methods=["POST"])
@admin_required
@blp.arguments(ClearSuspensionsIn)
@blp.response(200, ClearedOut)
def clear_suspended(body):
    """Reject every open report of the suspended questions at once (a wave of reports)."""
    cleared = question_reports.clear_suspensions(
        rules(), body["note"], admin_id=current_user.id, now=now()
    )
    return {"resolved": cleared}


@blp.route("/question-reports/<id:report_id>/resolve", methods=["POST"])
@admin_required
@blp.arguments(ResolveIn)
@blp.response(200, QueueItemOut)
def resolve(body, report_id):
    """Resolve a report (and every other open one on its question) as fixed or rejected."""
    report = question_reports.resolve_report(
        report_id, body["resolution"], body["note"], admin_id=current_user.id, now=now()
    )
    stats = question_stats.stats_for([report.question_id], min_answers=_min_answers())
    return question_reports.QueueItem(report, stats[report.question_id])


@blp.route("/questions/<id:question_id>/stats", methods=["GET"])
@admin_required
@blp.response(200, StatsOut)
def stats(question_id):
    """Answers, correct rate, picks per option (own keys), median time, discrimination, reports."""
    question = banks.get_question(question_id)  # the primary's: a question added a moment ago
    with report_reads(db.session):  # its figures: a staff report
        return question_stats.stats_of(question, min_answers=_min_answers())
