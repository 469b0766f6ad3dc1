"""Campaigns (专项答题) for players: the list, attempts, answers and each campaign's board."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from quiz.api.common import Blueprint, login_required, rules
from quiz.current import now
from quiz.extensions import limiter
from quiz.schemas.campaign import (
    AttemptOut,
    CampaignAnswerResultOut,
    CampaignBoardArgs,
    CampaignBoardOut,
    CampaignSummaryOut,
)
from quiz.schemas.quiz import AnswerIn
from quiz.services import campaign_board, campaign_play

blp = Blueprint(
    "campaigns", __name__, url_prefix="/api/v1/campaigns", description="Campaigns (专项答题)"
)


def _answer_limit_key() -> str:
    return f"answer-user:{current_user.get_id()}"


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, CampaignSummaryOut(many=True))
def list_campaigns():
    """Every campaign with its status and the caller's attempts left and best score."""
    return campaign_play.overview(current_user.id, now=now())


@blp.route("/<id:campaign_id>/attempts", methods=["POST"])
@login_required
@blp.response(201, AttemptOut)
def start_attempt(campaign_id):
    """Start an attempt: its own questions in the caller's option order, and its deadline."""
    return campaign_play.start_attempt(current_user, campaign_id, rules(), now=now())


@blp.route("/<id:campaign_id>/attempts/<id:attempt_id>", methods=["GET"])
@login_required
@blp.response(200, AttemptOut)
def get_attempt(campaign_id, attempt_id):
    """A running attempt of the caller's again (after a reload); 409 `attempt_over` once over."""
    return campaign_play.resume(current_user, campaign_id, attempt_id, rules(), now=now())


@blp.route("/<id:campaign_id>/attempts/<id:attempt_id>/answers", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["QUIZ_ANSWER_LIMIT_USER"], key_func=_answer_limit_key)
@blp.arguments(AnswerIn)
@blp.response(200, CampaignAnswerResultOut)
def answer(body, campaign_id, attempt_id):
    """Score an answer on the server; once per question and attempt, before the deadline."""
    return campaign_play.submit_answer(
        current_user,
        campaign_id,
        attempt_id,
        body["question_id"],
        body["choices"],
        rules(),
        now=now(),
    )


@blp.route("/<id:campaign_id>/leaderboard", methods=["GET"])
@login_required
@blp.arguments(CampaignBoardArgs, location="query")
@blp.response(200, CampaignBoardOut)
def leaderboard(args, campaign_id):
    """Best attempt per participant; ties go to less time."""
    return campaign_board.leaderboard(campaign_id, current_user, limit=args["limit"])
