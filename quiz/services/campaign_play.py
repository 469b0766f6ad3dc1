"""Campaigns (专项答题) as citizens play them: the list, attempts, answers, the board and the
high scores certificates name. The campaign itself (window, pool, rules) is `campaigns`, its board `campaign_board`.
See `campaigns` for the rules of points, time limits and fair play. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quiz.clock import local_day
from quiz.errors import Conflict, NotFound
from quiz.extensions import db
from quiz.models import Campaign, CampaignAnswer, CampaignAttempt, Question, User
from quiz.models.types import MAX_ID
from quiz.services import answering, fairplay, ledger, mistakes, question_pool
from quiz.services.answering import AlreadyAnswered, AnswerResult, Rules
from quiz.services.campaigns import KIND, get, pool_ids, status_of


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
