"""Learning: round review, the 错题本, practice and 纠错 reports (the citizen's side)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import current_user

from quiz.api.admin_quiz import _parse_day
from quiz.api.common import Blueprint, login_required, rules
from quiz.current import now
from quiz.schemas.common import PageArgs, cursor_id, page_of, read_cursor
from quiz.schemas.learning import (
    MistakeArgs,
    MistakesOut,
    PracticeIn,
    PracticeOut,
    ReportIn,
    ReportOut,
    ReportsOut,
    ReviewOut,
)
from quiz.schemas.quiz import AnswerIn, AnswerResultOut
from quiz.services import learning, practice, question_reports

blp = Blueprint(
    "learning", __name__, url_prefix="/api/v1", description="Review, 错题本, practice, 纠错"
)


@blp.route("/quiz/history/<string:day>", methods=["GET"])
@login_required
@blp.response(200, ReviewOut)
def review(day):
    """One answered day in the caller's option order: their choices, the right ones, the 解析."""
    return learning.review(current_user.id, _parse_day(day), rules())


def _wrong_at_and_id(value) -> tuple[datetime, int]:
    try:
        at, last_id = value
        return datetime.fromtimestamp(int(at) / 1_000_000, UTC), int(last_id)
    except (OverflowError, OSError) as exc:
        raise ValueError("not a mistake cursor") from exc


def _mistake_cursor(raw):
    return read_cursor(raw, _wrong_at_and_id)


def _micros(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000 + at.microsecond


@blp.route("/me/mistakes", methods=["GET"])
@login_required
@blp.arguments(MistakeArgs, location="query")
@blp.response(200, MistakesOut)
def mistakes(args):
    """The questions the caller got wrong, newest first; `mastered=0|1` and `category` filter."""
    items = learning.mistakes_of(
        current_user.id,
        rules(),
        category=args["category"],
        mastered=args["mastered"],
        after=_mistake_cursor(args["cursor"]),
        limit=args["limit"] + 1,
    )
    return page_of(items, args["limit"], lambda m: [_micros(m.last_wrong_at), m.id])


@blp.route("/practice", methods=["POST"])
@login_required
@blp.arguments(PracticeIn)
@blp.response(201, PracticeOut)
def start_practice(body):
    """A practice round from the caller's mistakes, a category or past days' questions."""
    return practice.start_practice(
        current_user,
        body["source"],
        rules(),
        category=body["category"],
        count=body["count"],
        now=now(),
    )


@blp.route("/practice/<id:session_id>/answers", methods=["POST"])
@login_required
@blp.arguments(AnswerIn)
@blp.response(200, AnswerResultOut)
def answer_practice(body, session_id):
    """Score a practice answer: explained, worth no points; a right one masters the mistake."""
    return practice.answer_practice(
        current_user, session_id, body["question_id"], body["choices"], rules(), now=now()
    )


@blp.route("/questions/<id:question_id>/reports", methods=["POST"])
@login_required
@blp.arguments(ReportIn)
@blp.response(201, ReportOut)
def report_question(body, question_id):
    """纠错: report a fault in a question the caller has answered (one open report each)."""
    return question_reports.report_question(
        current_user.id, question_id, body["reason"], body["message"], now=now()
    )


@blp.route("/me/question-reports", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReportsOut)
def my_reports(args):
    """The caller's 纠错 reports, newest first, with the admin's resolution and note."""
    rows = question_reports.reports_of(
        current_user.id, before_id=cursor_id(args["cursor"]), limit=args["limit"] + 1
    )
    return page_of(rows, args["limit"], lambda r: r.id)
