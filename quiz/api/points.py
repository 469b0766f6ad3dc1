"""My points: balance, ledger entries and today's task progress."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from quiz.api.common import Blueprint, login_required
from quiz.clock import now
from quiz.extensions import db
from quiz.models import LedgerEntry
from quiz.schemas.common import PageArgs, cursor_id, encode_cursor
from quiz.schemas.quiz import PointsOut, ProgressOut
from quiz.services import daily_quiz
from quiz.services.daily_quiz import Rules

blp = Blueprint("points", __name__, url_prefix="/api/v1/me", description="My points")


@blp.route("/points", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, PointsOut)
def my_points(args):
    """The balance and the ledger, newest first."""
    cursor = cursor_id(args["cursor"])
    stmt = select(LedgerEntry).where(LedgerEntry.user_id == current_user.id)
    if cursor is not None:
        stmt = stmt.where(LedgerEntry.id < cursor)
    rows = list(db.session.scalars(stmt.order_by(LedgerEntry.id.desc()).limit(args["limit"] + 1)))
    page = rows[: args["limit"]]
    next_cursor = encode_cursor(page[-1].id) if len(rows) > args["limit"] else None
    return {"balance": current_user.balance, "entries": page, "next_cursor": next_cursor}


@blp.route("/progress", methods=["GET"])
@login_required
@blp.response(200, ProgressOut)
def my_progress():
    """Today's progress per task (`current` of `max`; `max` null when uncapped)."""
    return daily_quiz.progress(current_user, Rules.from_config(current_app.config), now=now())
