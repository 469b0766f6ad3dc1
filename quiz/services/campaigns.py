"""Campaigns (专项答题): a window, a question pool, attempts, best-attempt points and a board.

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

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quiz.clock import local_day
from quiz.errors import Conflict, NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import STAFF_ROLES, Campaign, CampaignAnswer, CampaignAttempt, Question, User
from quiz.models.types import MAX_ID
from quiz.services import answering, fairplay, ledger, mistakes, question_pool
from quiz.services.answering import AlreadyAnswered, AnswerResult, Rules
from quiz.services.leaderboards.reading import display_names

KIND = "campaign_points"
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


class UnknownAttempt(NotFound):
    """No attempt of the caller's at this campaign has this id (another user's is unknown too)."""

    code = "unknown_attempt"
    title = "Unknown attempt"


class NotInAttempt(NotFound):
    """The question was not drawn for this attempt."""

    code = "not_in_attempt"
    title = "Not in this attempt"


class QuestionWithheld(Conflict):
    """The question is in today's daily set (not yet answered by the user) or a future day's:
    answering it in a campaign first would give the daily answer away."""

    code = "question_withheld"
    title = "Question withheld"


class CampaignClosed(Conflict):
    """The campaign's window has not begun or is over."""

    code = "campaign_closed"
    title = "Campaign closed"


class NoAttemptsLeft(Conflict):
    """The user has used every attempt the campaign allows."""

    code = "no_attempts_left"
    title = "No attempts left"


class AttemptOver(Conflict):
    """The attempt's deadline (or the window's end) has passed, or every question is answered."""

    code = "attempt_over"
    title = "Attempt over"


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign as one signed-in user sees it in the list."""

    id: int
    name: str
    description: str
    starts_at: datetime
    ends_at: datetime
    status: str
    attempts_left: int
    best_score: int | None
    attempts_allowed: int
    questions_per_attempt: int
    time_limit_s: int | None
    points_per_correct: int
    open_attempt_id: int | None = None  # an attempt of the user's still running (to resume)


@dataclass(frozen=True)
class StartedAttempt:
    id: int
    campaign_id: int
    questions: list[dict]
    deadline: datetime | None
    remaining_s: int | None  # seconds to the deadline on the server's clock (None: no limit)
    answered_ids: list[int] = field(default_factory=list)
    score: int = 0
    points: int = 0


@dataclass
class CampaignAnswerResult(AnswerResult):
    """The answering core's result, plus where the attempt stands."""

    answered: int = 0
    total: int = 0
    score: int = 0
    remaining_s: int | None = None


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


# --- citizens: the list, attempts, answers ------------------------------------------------


def overview(user_id: int, *, now: datetime) -> list[CampaignSummary]:
    """Every campaign with the user's attempts left and best score: open ones first (ending
    soonest first), then upcoming ones (starting soonest first), then ended ones (latest first)."""
    used = {
        cid: (count, best)
        for cid, count, best in db.session.execute(
            select(
                CampaignAttempt.campaign_id,
                func.count(CampaignAttempt.id),
                func.max(CampaignAttempt.correct),
            )
            .where(CampaignAttempt.user_id == user_id)
            .group_by(CampaignAttempt.campaign_id)
        )
    }
    running = {}
    for attempt in db.session.scalars(
        select(CampaignAttempt)
        .where(CampaignAttempt.user_id == user_id, CampaignAttempt.finished_at.is_(None))
        .order_by(CampaignAttempt.id)
    ):
        running[attempt.campaign_id] = attempt
    out = []
    for c in db.session.scalars(select(Campaign)):
        count, best = used.get(c.id, (0, None))
        attempt = running.get(c.id)
        out.append(
            CampaignSummary(
                id=c.id,
                name=c.name,
                description=c.description,
                starts_at=c.starts_at,
                ends_at=c.ends_at,
                status=status_of(c, now),
                attempts_left=max(0, c.attempts_allowed - count),
                best_score=best,
                attempts_allowed=c.attempts_allowed,
                questions_per_attempt=c.questions_per_attempt,
                time_limit_s=c.time_limit_s,
                points_per_correct=c.points_per_correct,
                open_attempt_id=attempt.id if attempt and not _over(attempt, c, now) else None,
            )
        )

    def key(s: CampaignSummary):
        if s.status == "open":
            return (0, s.ends_at.timestamp(), s.id)
        if s.status == "upcoming":
            return (1, s.starts_at.timestamp(), s.id)
        return (2, -s.ends_at.timestamp(), -s.id)

    return sorted(out, key=key)


def _draw(
    campaign: Campaign, user_id: int, number: int, rules: Rules, *, now: datetime
) -> list[int]:
    """This attempt's questions: a sample of the pool, seeded by the server's secret so that
    nobody can compute another attempt's draw, and so that every attempt draws afresh. What the
    daily quiz has yet to ask this user (today's set, future days') is left out."""
    rng = answering.seeded_rng(rules.draw_secret, "campaign", campaign.id, user_id, number)
    suspended = question_pool.suspended_ids(question_pool.suspension_of(rules))
    withheld = question_pool.withheld_ids(user_id, local_day(now, rules.tz))
    pool = [qid for qid in pool_ids(campaign, suspended) if qid not in withheld]
    return rng.sample(pool, min(campaign.questions_per_attempt, len(pool)))


def _remaining(deadline: datetime | None, now: datetime) -> int | None:
    return None if deadline is None else max(0, int((deadline - now).total_seconds()))


def start_attempt(user: User, campaign_id: int, rules: Rules, *, now: datetime) -> StartedAttempt:
    """Begin an attempt: 409 `campaign_closed` outside the window, `no_attempts_left` when all
    are used. The user's row is locked so racing starts count attempts exactly."""
    campaign = get(campaign_id)
    if status_of(campaign, now) != "open":
        raise CampaignClosed("专项答题不在开放时间内。")
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    used = db.session.scalar(
        select(func.count(CampaignAttempt.id)).where(
            CampaignAttempt.campaign_id == campaign.id, CampaignAttempt.user_id == user.id
        )
    )
    if used >= campaign.attempts_allowed:
        raise NoAttemptsLeft(f"每人最多可答 {campaign.attempts_allowed} 次，次数已用完。")
    question_ids = _draw(campaign, user.id, used + 1, rules, now=now)
    if not question_ids:
        raise CampaignClosed("题目池中没有可用的题目。")
    deadline = None
    if campaign.time_limit_s:
        deadline = min(now + timedelta(seconds=campaign.time_limit_s), campaign.ends_at)
    attempt = CampaignAttempt(
        campaign_id=campaign.id,
        user_id=user.id,
        number=used + 1,
        question_ids=question_ids,
        started_at=now,
        deadline=deadline,
        answered=0,
        correct=0,
        seconds=0,
        points=0,
    )
    db.session.add(attempt)
    db.session.flush()
    return StartedAttempt(
        id=attempt.id,
        campaign_id=campaign.id,
        questions=_questions_for(user.id, question_ids, rules),
        deadline=deadline,
        remaining_s=_remaining(deadline, now),
    )


def _over(attempt: CampaignAttempt, campaign: Campaign, now: datetime) -> bool:
    """Every question answered, or past the deadline (or the window's end)."""
    limit = min(attempt.deadline or campaign.ends_at, campaign.ends_at)
    return attempt.answered >= len(attempt.question_ids) or now > limit


def _own_attempt(user_id: int, campaign: Campaign, attempt_id: int, *, lock: bool):
    if not 0 < attempt_id <= MAX_ID:
        raise UnknownAttempt("没有这次答题。")
    stmt = select(CampaignAttempt).where(
        CampaignAttempt.id == attempt_id,
        CampaignAttempt.campaign_id == campaign.id,
        CampaignAttempt.user_id == user_id,
    )
    attempt = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if attempt is None:
        raise UnknownAttempt("没有这次答题。")
    return attempt


def _questions_for(user_id: int, question_ids: list[int], rules: Rules) -> list[dict]:
    by_id = {
        q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(question_ids)))
    }
    return [answering.presented(by_id[qid], user_id, rules) for qid in question_ids if qid in by_id]


def resume(user: User, campaign_id: int, attempt_id: int, rules: Rules, *, now: datetime):
    """An attempt of the user's again (a reloaded page): its questions, which are answered,
    and the time left. 409 `attempt_over` once it is over."""
    campaign = get(campaign_id)
    attempt = _own_attempt(user.id, campaign, attempt_id, lock=False)
    if _over(attempt, campaign, now):
        raise AttemptOver("这次答题已经结束了。")
    answered = db.session.scalars(
        select(CampaignAnswer.question_id).where(CampaignAnswer.attempt_id == attempt.id)
    ).all()
    return StartedAttempt(
        id=attempt.id,
        campaign_id=campaign.id,
        questions=_questions_for(user.id, attempt.question_ids, rules),
        deadline=attempt.deadline,
        remaining_s=_remaining(attempt.deadline, now),
        answered_ids=list(answered),
        score=attempt.correct,
        points=attempt.points,
    )


def submit_answer(
    user: User,
    campaign_id: int,
    attempt_id: int,
    question_id: int,
    choices: list[str],
    rules: Rules,
    *,
    now: datetime,
) -> CampaignAnswerResult:
    """Score one answer of an attempt; an answer that lifts the user's best pays its level."""
    campaign = get(campaign_id)
    # The attempt's row lock serialises its answers: `answered` and `correct` stay exact.
    attempt = _own_attempt(user.id, campaign, attempt_id, lock=True)
    total = len(attempt.question_ids)
    if attempt.answered >= total:
        raise AttemptOver("这次答题已经全部答完了。")
    if _over(attempt, campaign, now):
        raise AttemptOver("答题时间已到。")
    if question_id not in attempt.question_ids:
        raise NotInAttempt("这道题不在这次答题中。")
    if question_id in question_pool.withheld_ids(user.id, local_day(now, rules.tz)):
        # Drawn before a daily set took it: its answer must not come before the daily quiz's.
        raise QuestionWithheld("这道题已排入每日答题，请先在每日答题中作答。")
    question = db.session.get(Question, question_id)
    judgement = answering.judge(question, choices, user.id, rules)
    answer_pace = answering.pace(attempt.last_answer_at or attempt.started_at, now, rules)
    attempt.answered += 1
    attempt.correct += int(answering.scores(judgement, answer_pace))
    attempt.last_answer_at = now
    attempt.seconds = max(0, int((now - attempt.started_at).total_seconds()))
    if attempt.answered >= total:
        attempt.finished_at = now
    awarded, balance = 0, user.balance
    if (
        answering.scores(judgement, answer_pace)
        and fairplay.earns_points(user.role)
        and campaign.points_per_correct
    ):
        awarded, balance = _pay_level(user, campaign, attempt.correct, now=now, balance=balance)
    attempt.points += awarded
    answer = CampaignAnswer(
        attempt_id=attempt.id,
        question_id=question_id,
        question_version=question.version,
        choices=judgement.chosen,
        correct=judgement.correct,
        points=awarded,
        too_fast=answer_pace.too_fast,
        created_at=now,
    )
    db.session.add(answer)
    try:
        # UNIQUE (attempt_id, question_id): the second answer to a question fails here and the
        # 409 rolls the whole request back.
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyAnswered("这道题已经答过了。") from exc
    if not judgement.correct:
        mistakes.record_wrong(user.id, question, day=local_day(now, rules.tz), now=now)
    shown = answering.result(
        question,
        judgement,
        points=awarded,
        balance=balance,
        completed=attempt.finished_at is not None,
        too_fast=answer_pace.too_fast,
    )
    return CampaignAnswerResult(
        **vars(shown),
        answered=attempt.answered,
        total=total,
        score=attempt.correct,
        remaining_s=_remaining(attempt.deadline, now),
    )


def _pay_level(
    user, campaign: Campaign, level: int, *, now: datetime, balance: int
) -> tuple[int, int]:
    """Pay reaching `level` correct answers, unless one of the user's attempts reached it
    before: the key (campaign, user, level) is posted once, whatever races or replays. Returns
    the points paid and the balance after them."""
    posted = ledger.post_entry(
        user.id,
        campaign.points_per_correct,
        KIND,
        key=f"campaign:{campaign.id}:{user.id}:{level}",
        now=now,
        memo=f"专项答题「{campaign.name[:30]}」答对 {level} 题",
        ref=f"campaign:{campaign.id}",
        owner=user,
    )
    return (posted.entry.delta, posted.balance) if posted.created else (0, balance)


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
    names = display_names([r.user_id for r in top], full_names=viewer.role == "admin")
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
