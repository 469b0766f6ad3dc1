"""Campaigns (专项答题), as an admin sets them up: a window, a question pool, attempts, points.

How citizens play them (attempts, answers, the board) is `campaign_play`.

An admin sets a campaign's window (`starts_at`…`ends_at`, both included), its pool (explicit
`question_ids` or every active question of a `category`), how many questions an attempt draws,
how many attempts a user has, the points per correct answer and an optional time limit.

Each attempt draws its own questions (seeded per campaign, user and attempt number with the
server's draw secret) and shows them in the user's option order, like the daily quiz. The time
limit is enforced here, on the server: an answer after the attempt's deadline (or after the
window's end) is 409 `attempt_over`.

Points go only to improvement: the user's best attempt counts, and reaching a number of correct
answers (a *level*) that none of the user's attempts at the campaign reached before pays
`points_per_correct` once, as a `campaign_points` ledger entry keyed by (campaign, user, level).
The ledger's unique idempotency key is the guard, so replays, retries and racing finishes never
pay a level twice. `campaign_points` is not an earning kind: no daily board sees it.

Fair play as in the daily quiz: options in each user's own order, answers taken in the user's
keys, and an answer sooner than QUIZ_MIN_ANSWER_MS after the previous one (or the attempt's
start) is stored and marked `too_fast`: it neither counts in the attempt's score nor pays.

Answering is the answering core's (`quiz.services.answering`): judging in the user's keys, the
pace rule, presenting; a wrong answer records a mistake in the 错题本 as in every activity. The
pool is the question pool's (`quiz.services.question_pool`): active questions not suspended by
纠错 reports; while a campaign's window overlaps a day, its pool stays out of that day's draw.

Every function takes plain values and the instant `now`; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quiz.clock import local_day
from quiz.errors import NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import Campaign, Question
from quiz.models.ledger import LedgerKind
from quiz.models.types import MAX_ID
from quiz.services import question_pool
from quiz.services.answering import Rules

KIND = LedgerKind.CAMPAIGN_POINTS
# Sane caps for what an admin sets.
MAX_QUESTIONS = 50
MAX_ATTEMPTS = 100
MAX_POINTS = 1000
MIN_TIME_LIMIT_S = 10
MAX_TIME_LIMIT_S = 24 * 3600
MAX_POOL = 500
# The share of an attempt's questions that makes a high score (certificates read these).
HIGH_SCORE_SHARE = 0.9
EDITABLE = (
    "name",
    "description",
    "starts_at",
    "ends_at",
    "question_ids",
    "category",
    "questions_per_attempt",
    "attempts_allowed",
    "points_per_correct",
    "time_limit_s",
)


class UnknownCampaign(NotFound):
    """No campaign has this id."""

    code = "unknown_campaign"
    title = "Unknown campaign"


# --- admin: create, edit, list ------------------------------------------------------------


def aware(value: datetime, tz: ZoneInfo) -> datetime:
    """A timestamp without an offset is read in the service's time zone (Asia/Shanghai)."""
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def create(values: dict, *, admin_id: int, rules: Rules, now: datetime) -> Campaign:
    missing = [
        {"field": name, "message": "必填"}
        for name in (
            "name",
            "starts_at",
            "ends_at",
            "questions_per_attempt",
            "attempts_allowed",
            "points_per_correct",
        )
        if values.get(name) is None
    ]
    if missing:
        raise ValidationFailed("专项答题信息不完整。", errors=missing)
    campaign = Campaign(
        description="", created_by=admin_id, created_at=now, question_ids=None, category=None
    )
    _apply(campaign, values, rules.tz)
    _validate(campaign, rules)
    campaign.updated_by, campaign.updated_at = admin_id, now
    db.session.add(campaign)
    db.session.flush()
    _note_overlaps(campaign, rules, now)
    return campaign


def update(
    campaign_id: int, values: dict, *, admin_id: int, rules: Rules, now: datetime
) -> Campaign:
    """Change some fields; the whole campaign is validated again. Attempts already started
    keep the questions they drew."""
    campaign = get(campaign_id, lock=True)
    _apply(campaign, values, rules.tz)
    _validate(campaign, rules)
    campaign.updated_by, campaign.updated_at = admin_id, now
    db.session.flush()
    _note_overlaps(campaign, rules, now)
    return campaign


def _note_overlaps(campaign: Campaign, rules: Rules, now: datetime) -> None:
    """Tell the admin which of the pool's questions a stored daily set (today's or a future
    day's) holds: attempts leave them out until the daily quiz has asked them."""
    overlapping = question_pool.in_stored_sets(pool_ids(campaign, ()), local_day(now, rules.tz))
    if overlapping:  # shown in the response only when there is something to say
        campaign.overlapping_question_ids = overlapping


def _apply(campaign: Campaign, values: dict, tz: ZoneInfo) -> None:
    for name in EDITABLE:
        if name not in values:
            continue
        value = values[name]
        if name in ("starts_at", "ends_at") and value is not None:
            value = aware(value, tz)
        if name == "description":
            value = value or ""
        setattr(campaign, name, value)
    # One pool: naming a list of questions drops the category, and the other way round.
    if values.get("question_ids") is not None and "category" not in values:
        campaign.category = None
    if values.get("category") is not None and "question_ids" not in values:
        campaign.question_ids = None


def _validate(campaign: Campaign, rules: Rules) -> None:
    # The edited row must not reach the database (and its CHECKs) before it is known valid.
    with db.session.no_autoflush:
        errors = _problems(campaign, rules)
    if errors:
        raise ValidationFailed("专项答题设置有误。", errors=errors)


def _problems(campaign: Campaign, rules: Rules) -> list[dict]:
    errors = []
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        errors.append({"field": "ends_at", "message": "结束时间须晚于开始时间"})
    has_ids, has_category = campaign.question_ids is not None, campaign.category is not None
    if has_ids == has_category:
        errors.append({"field": "question_ids", "message": "请指定题目列表或题目分类（二选一）"})
    elif has_ids:
        errors.extend(_check_question_ids(campaign.question_ids))
    for name, low, high in (
        ("questions_per_attempt", 1, MAX_QUESTIONS),
        ("attempts_allowed", 1, MAX_ATTEMPTS),
        ("points_per_correct", 1, MAX_POINTS),
    ):
        value = getattr(campaign, name)
        if not isinstance(value, int) or not low <= value <= high:
            errors.append({"field": name, "message": f"须为 {low} 到 {high} 之间的整数"})
    limit = campaign.time_limit_s
    if limit is not None and not MIN_TIME_LIMIT_S <= limit <= MAX_TIME_LIMIT_S:
        errors.append(
            {
                "field": "time_limit_s",
                "message": f"须为 {MIN_TIME_LIMIT_S} 到 {MAX_TIME_LIMIT_S} 秒之间",
            }
        )
    if not errors:
        suspended = question_pool.suspended_ids(question_pool.suspension_of(rules))
        size = len(pool_ids(campaign, suspended))
        if size < campaign.questions_per_attempt:
            errors.append(
                {
                    "field": "question_ids" if has_ids else "category",
                    "message": f"题目池只有 {size} 道可用题目，少于每次答题的 "
                    f"{campaign.questions_per_attempt} 道",
                }
            )
    return errors


def _check_question_ids(question_ids: list[int]) -> list[dict]:
    errors = []
    if not 1 <= len(question_ids) <= MAX_POOL:
        errors.append({"field": "question_ids", "message": f"题目数须在 1 到 {MAX_POOL} 之间"})
    if len(set(question_ids)) != len(question_ids):
        errors.append({"field": "question_ids", "message": "题目不能重复"})
    found = dict(
        db.session.execute(
            select(Question.id, Question.active).where(Question.id.in_(question_ids))
        ).all()
    )
    for index, qid in enumerate(question_ids):
        if qid not in found:
            errors.append({"field": f"question_ids.{index}", "message": f"题目 {qid} 不存在"})
        elif not found[qid]:
            errors.append({"field": f"question_ids.{index}", "message": f"题目 {qid} 已停用"})
    return errors


def get(campaign_id: int, *, lock: bool = False) -> Campaign:
    campaign = None
    if 0 < campaign_id <= MAX_ID:  # a bigger id cannot exist (nor be bound on SQLite)
        stmt = select(Campaign).where(Campaign.id == campaign_id)
        campaign = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if campaign is None:
        raise UnknownCampaign("没有这个专项答题。")
    return campaign


def all_campaigns(*, before_id: int | None, limit: int) -> list[Campaign]:
    """Every campaign, newest first (limit + 1 rows: the caller pages)."""
    stmt = select(Campaign).order_by(Campaign.id.desc()).limit(limit + 1)
    if before_id is not None:
        stmt = stmt.where(Campaign.id < before_id)
    return list(db.session.scalars(stmt))


def pool_ids(campaign: Campaign, suspended) -> list[int]:
    """The campaign's questions as the question pool allows them (not `suspended`), by id."""
    stmt = question_pool.drawable(suspended)
    if campaign.question_ids is not None:
        stmt = stmt.where(Question.id.in_(campaign.question_ids))
    else:
        stmt = stmt.where(Question.category == campaign.category)
    return list(db.session.scalars(stmt))


def status_of(campaign: Campaign, now: datetime) -> str:
    if now < campaign.starts_at:
        return "upcoming"
    if now > campaign.ends_at:
        return "ended"
    return "open"
