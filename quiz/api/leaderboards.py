"""Leaderboards: top N and the rows around the caller, per board and period."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, login_required
from quiz.current import now, runtime
from quiz.schemas.board import AroundArgs, BoardArgs, BoardOut
from quiz.services import leaderboards

blp = Blueprint(
    "leaderboards",
    __name__,
    url_prefix="/api/v1/leaderboards",
    description="Leaderboards (citizens, reporters, teams, districts)",
)


def _board(board: str) -> str:
    if board not in leaderboards.BOARDS:
        raise leaderboards.UnknownBoard(f"没有这个排行榜：{board[:32]}")
    return board


def _standing(board: str, period: str, **kwargs) -> leaderboards.Standing:
    store = runtime().board_store
    return leaderboards.standing(store, _board(board), period, current_user, now=now(), **kwargs)


@blp.route("/<board>", methods=["GET"])
@login_required
@blp.arguments(BoardArgs, location="query")
@blp.response(200, BoardOut)
def top(args, board):
    """The top `limit` of a board for the current period (or the past one from `start`),
    and the caller's own row."""
    return _standing(board, args["period"], limit=args["limit"], start=args["start"])


@blp.route("/<board>/around-me", methods=["GET"])
@login_required
@blp.arguments(AroundArgs, location="query")
@blp.response(200, BoardOut)
def around_me(args, board):
    """Ranks rank−radius…rank+radius around the caller (no entries when unranked)."""
    return _standing(board, args["period"], radius=args["radius"], start=args["start"])
