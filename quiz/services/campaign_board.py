"""A campaign's board (best attempt per user: score, then time) and the high scores that
certificates name. Read only; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import STAFF_ROLES, Campaign, CampaignAttempt, User
from quiz.models.account import Role
from quiz.services.campaigns import HIGH_SCORE_SHARE, get
from quiz.services.leaderboards.reading import display_names


@dataclass(frozen=True)
class CampaignStanding:
    entries: list[dict]
    me: dict | None


@dataclass(frozen=True)
class CampaignAchievement:
    """A campaign the user scored at least 90 % in (their best attempt)."""

    campaign_id: int
    name: str
    score: int
    total: int
    achieved_at: datetime


# --- the campaign's board -----------------------------------------------------------------


def _best_attempts(campaign_id: int):
    """One row per participant: their best attempt (most correct, then least time)."""
    ranked = (
        select(
            CampaignAttempt.user_id,
            CampaignAttempt.correct,
            CampaignAttempt.seconds,
            CampaignAttempt.last_answer_at,
            func.row_number()
            .over(
                partition_by=CampaignAttempt.user_id,
                order_by=(
                    CampaignAttempt.correct.desc(),
                    CampaignAttempt.seconds,
                    CampaignAttempt.id,
                ),
            )
            .label("pick"),
        )
        .join(User, User.id == CampaignAttempt.user_id)
        .where(
            CampaignAttempt.campaign_id == campaign_id,
            CampaignAttempt.answered > 0,
            User.role.not_in(STAFF_ROLES),
        )
        .subquery()
    )
    return db.session.execute(
        select(ranked.c.user_id, ranked.c.correct, ranked.c.seconds)
        .where(ranked.c.pick == 1)
        .order_by(
            ranked.c.correct.desc(),
            ranked.c.seconds,
            ranked.c.last_answer_at,
            ranked.c.user_id,
        )
    ).all()


def leaderboard(campaign_id: int, viewer: User, *, limit: int) -> CampaignStanding:
    """The campaign's board: best attempt per user, ties to less time (then to who got there
    first); ranks 1, 2, 3… without gaps; minors' names masked as on every public board."""
    get(campaign_id)
    rows = _best_attempts(campaign_id)
    top = rows[:limit]
    names = display_names([r.user_id for r in top], full_names=viewer.role == Role.ADMIN)
    entries = [
        {
            "rank": i + 1,
            "id": r.user_id,
            "name": names.get(r.user_id, ""),
            "score": r.correct,
            "seconds": r.seconds,
        }
        for i, r in enumerate(top)
    ]
    me = next(
        (
            {"rank": i + 1, "score": r.correct, "seconds": r.seconds}
            for i, r in enumerate(rows)
            if r.user_id == viewer.id
        ),
        None,
    )
    return CampaignStanding(entries=entries, me=me)


# --- for certificates ---------------------------------------------------------------------


def high_scores(user_id: int) -> list[CampaignAchievement]:
    """The campaigns in which the user's best attempt scored at least 90 % of its questions,
    oldest achievement first. A pure query (no writes); staff are not excluded here — the
    caller decides who gets a certificate.

    `score` is the attempt's correct answers, `total` its number of questions, `achieved_at`
    the time of the attempt's last answer.
    """
    attempts = db.session.execute(
        select(CampaignAttempt, Campaign.name)
        .join(Campaign, Campaign.id == CampaignAttempt.campaign_id)
        .where(CampaignAttempt.user_id == user_id, CampaignAttempt.correct > 0)
        .order_by(
            CampaignAttempt.campaign_id,
            CampaignAttempt.correct.desc(),
            CampaignAttempt.seconds,
            CampaignAttempt.id,
        )
    ).all()
    best: dict[int, CampaignAchievement] = {}
    for attempt, name in attempts:
        total = len(attempt.question_ids)
        if attempt.campaign_id in best or attempt.correct < HIGH_SCORE_SHARE * total:
            continue
        best[attempt.campaign_id] = CampaignAchievement(
            campaign_id=attempt.campaign_id,
            name=name,
            score=attempt.correct,
            total=total,
            achieved_at=attempt.last_answer_at,
        )
    return sorted(best.values(), key=lambda a: (a.achieved_at, a.campaign_id))
