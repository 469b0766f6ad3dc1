"""My points: balance, ledger entries and today's task progress."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, login_required, rules
from quiz.current import now
from quiz.schemas.common import PageArgs, cursor_id, page_of
from quiz.schemas.quiz import PointsOut, ProgressOut, Statement
from quiz.services import daily_quiz, ledger

blp = Blueprint("points", __name__, url_prefix="/api/v1/me", description="My points")


@blp.route("/points", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, PointsOut)
def my_points(args):
    """The balance and the ledger, newest first."""
    rows = ledger.entries_of(
        current_user.id, before_id=cursor_id(args["cursor"]), limit=args["limit"]
    )
    return Statement(current_user.balance, page_of(rows, args["limit"], lambda e: e.id))


@blp.route("/progress", methods=["GET"])
@login_required
@blp.response(200, ProgressOut)
def my_progress():
    """Today's progress per task (`current` of `max`; `max` null when uncapped)."""
    return daily_quiz.progress(current_user, rules(), now=now())
