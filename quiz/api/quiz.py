"""Today's quiz: fetch the set, answer, and look back."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from quiz import metrics
from quiz.api.common import Blueprint, login_required, rules
from quiz.clock import local_day
from quiz.current import now, runtime
from quiz.extensions import limiter
from quiz.schemas.account import streak_of
from quiz.schemas.common import PageArgs, cursor_day, page_of
from quiz.schemas.quiz import AnswerIn, AnswerResultOut, HistoryOut, QuestionOut, TodayOut
from quiz.services import daily_quiz, draw, option_order

blp = Blueprint("quiz", __name__, url_prefix="/api/v1/quiz", description="The daily quiz")

_QUESTIONS_OUT = QuestionOut(many=True)


def _todays_set() -> draw.TodaysSet:
    return runtime().todays_set


@blp.route("/today", methods=["GET"])
@login_required
@blp.response(200, TodayOut)
def today():
    """Today's questions (no answers) and the caller's results so far."""
    at, r = now(), rules()
    day = local_day(at, r.tz)
    cache = _todays_set()
    ids = cache.question_ids(day, r, now=at)
    # Dumped through the schema once per version of the set, not on every request
    # (see docs/profiling.md).
    questions = cache.presented(ids, _QUESTIONS_OUT.dump)
    row = daily_quiz.mark_seen(current_user, day, len(questions), now=at)
    questions = option_order.set_as_seen(questions, current_user.id, r.option_secret)
    completed = row.completed_at is not None
    answered = (
        daily_quiz.results_of_day(current_user, day, cache.questions(ids), r, completed=completed)
        if row.answered
        else {}
    )
    return daily_quiz.Today(day, questions, answered, completed, streak_of(current_user))


def _answer_limit_key() -> str:
    # The account, not the session: signing out and in again does not reset the bucket.
    return f"answer-user:{current_user.id}"


@blp.route("/today/answers", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["QUIZ_ANSWER_LIMIT_USER"], key_func=_answer_limit_key)
@blp.arguments(AnswerIn)
@blp.response(200, AnswerResultOut)
def answer(body):
    """Score an answer on the server; once per user, question and day."""
    at, r = now(), rules()
    cache = _todays_set()
    result = daily_quiz.submit_answer(
        current_user,
        body["question_id"],
        body["choices"],
        r,
        now=at,
        questions=cache.questions(cache.question_ids(local_day(at, r.tz), r, now=at)),
    )
    metrics.ANSWERS.labels(
        "too_fast" if result.too_fast else "correct" if result.correct else "wrong"
    ).inc()
    return result


@blp.route("/history", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, HistoryOut)
def history(args):
    """Past days, newest first: correct, total and points per day."""
    before = cursor_day(args["cursor"])
    rows = daily_quiz.history(current_user.id, before=before, limit=args["limit"] + 1)
    return page_of(rows, args["limit"], lambda row: row.day.isoformat())
