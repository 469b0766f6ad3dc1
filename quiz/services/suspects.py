"""The suspects report: accounts worth a look by staff, with the reasons each one is listed.

A fixed number of queries whatever the number of candidates: one per reason, one for the
users listed and one for their pending redemptions. Read only; nothing here writes.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models import Answer, QuizDay, User
from quiz.models.shop import Redemption

REASONS = {
    "many_accounts_from_address": "同一地址一天内注册了多个账户",
    "answers_at_floor": "答题速度贴近最短间隔",
    "family_from_reporter_address": "家庭成员从小记者本人的地址注册",
    "perfect_week_fast": "连续一周全对且答题时间中位数不足 3 秒",
}
TOO_FAST_AT_LEAST = 3  # too-fast answers in the period that make a user worth a look
# …or this share of answers within FLOOR_MARGIN_MS of the floor (a script waiting it out)
FLOOR_SHARE = 0.8  # of answers less than FLOOR_MARGIN_MS above the floor (quiz_days.near_floor)
FLOOR_MIN_ANSWERS = 5
FAMILY_SAME_ADDRESS = 3  # family members registered from the reporter's own address
PERFECT_WEEK = 7
PERFECT_WEEK_MEDIAN_MS = 3000
MAX_SPAN_DAYS = 92
MAX_ROWS = 500


@dataclass
class SuspectRow:
    user_id: int
    username: str
    display_name: str
    role: str
    reasons: list[str]
    answers: int = 0
    too_fast: int = 0
    registered_ip_accounts: int = 0
    redemptions_pending: int = 0
    on_hold: bool = False
    held_at: datetime | None = None
    hold_memo: str | None = None


@dataclass(frozen=True)
class SuspectReport:
    """Accounts worth a look between two local days, and what each reason means."""

    date_from: date
    date_to: date
    rows: list
    reasons: dict = field(default_factory=lambda: dict(REASONS))


def suspects(
    start_day: date, end_day: date, *, day_bounds, accounts_per_ip: int
) -> list[SuspectRow]:
    """Accounts worth a look in [start_day, end_day] (local days), most reasons first.

    `day_bounds(day)` gives a local day's [start, end) instants.
    """
    _check_span(start_day, end_day)
    start, end = day_bounds(start_day)[0], day_bounds(end_day)[1]
    reasons: dict[int, set[str]] = defaultdict(set)
    same_ip = _accounts_from_same_address(start, end)
    for user_id, count in same_ip.items():
        if count >= accounts_per_ip:
            reasons[user_id].add("many_accounts_from_address")
    counts, at_floor = _answers_at_floor(start_day, end_day)
    for user_id in at_floor:
        reasons[user_id].add("answers_at_floor")
    for user_id in _families_from_reporter_address():
        reasons[user_id].add("family_from_reporter_address")
    for user_id in _perfect_fast_weeks(start_day, end_day):
        reasons[user_id].add("perfect_week_fast")
    if not reasons:
        return []
    ids = sorted(reasons, key=lambda uid: (-len(reasons[uid]), uid))[:MAX_ROWS]
    return _rows(ids, reasons, counts, same_ip)


def _check_span(start_day: date, end_day: date) -> None:
    if end_day < start_day:
        raise ValidationFailed(
            "起止日期有误。", errors=[{"field": "to", "message": "须不早于 from"}]
        )
    if (end_day - start_day).days >= MAX_SPAN_DAYS:
        raise ValidationFailed(
            f"时间跨度不能超过 {MAX_SPAN_DAYS} 天。",
            errors=[{"field": "from", "message": f"跨度不超过 {MAX_SPAN_DAYS} 天"}],
        )


def _rows(ids, reasons, counts, same_ip) -> list[SuspectRow]:
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    pending = dict(
        db.session.execute(
            select(Redemption.user_id, func.count())
            .where(Redemption.user_id.in_(ids), Redemption.status == "pending")
            .group_by(Redemption.user_id)
        ).all()
    )
    rows = []
    for uid in ids:
        user = users.get(uid)
        if user is None:
            continue
        answers, too_fast = counts.get(uid, (0, 0))
        rows.append(
            SuspectRow(
                user_id=uid,
                username=user.username,
                display_name=user.display_name,
                role=user.role,
                reasons=[r for r in REASONS if r in reasons[uid]],
                answers=answers,
                too_fast=too_fast,
                registered_ip_accounts=same_ip.get(uid, 0),
                redemptions_pending=pending.get(uid, 0),
                on_hold=user.held_at is not None,
                held_at=user.held_at,
                hold_memo=user.hold_memo,
            )
        )
    return rows


def _answers_at_floor(
    start_day: date, end_day: date
) -> tuple[dict[int, tuple[int, int]], list[int]]:
    """(user id → (answers, too fast) in the period, users answering at the interval floor).

    Summed from each person's days (`quiz_days`: answered, too fast, near the floor as counted
    when each answer came), not from the answers: a week at 20 k players a day is ~140 k day
    rows against ~700 k answers (~0.5 s)."""
    counts, flagged = {}, []
    for user_id, answers, too_fast, near_floor in db.session.execute(
        select(
            QuizDay.user_id,
            func.sum(QuizDay.answered),
            func.sum(QuizDay.too_fast),
            func.sum(QuizDay.near_floor),
        )
        .where(QuizDay.day >= start_day, QuizDay.day <= end_day, QuizDay.answered > 0)
        .group_by(QuizDay.user_id)
    ):
        answers, too_fast, near_floor = int(answers), int(too_fast or 0), int(near_floor or 0)
        counts[user_id] = (answers, too_fast)
        if too_fast >= TOO_FAST_AT_LEAST or (
            answers >= FLOOR_MIN_ANSWERS and near_floor >= FLOOR_SHARE * answers
        ):
            flagged.append(user_id)
    return counts, flagged


def _families_from_reporter_address() -> list[int]:
    """Reporters with FAMILY_SAME_ADDRESS family members registered from their own address."""
    member = User.__table__.alias("member")
    return [
        reporter_id
        for reporter_id, members in db.session.execute(
            select(User.id, func.count(member.c.id))
            .join(member, member.c.family_reporter_id == User.id)
            .where(User.registered_ip.is_not(None), member.c.registered_ip == User.registered_ip)
            .group_by(User.id)
        )
        if members >= FAMILY_SAME_ADDRESS
    ]


def _accounts_from_same_address(start: datetime, end: datetime) -> dict[int, int]:
    """user id → accounts registered from the same address within a day of it, itself included,
    for accounts registered in [start, end)."""
    window = timedelta(days=1)
    rows = db.session.execute(
        select(User.id, User.registered_ip, User.created_at)
        .where(
            User.registered_ip.is_not(None),
            User.created_at >= start - window,
            User.created_at < end + window,
        )
        .order_by(User.registered_ip, User.created_at)
    ).all()
    by_ip: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for user_id, ip, at in rows:
        by_ip[ip].append((at, user_id))
    out = {}
    for entries in by_ip.values():
        if len(entries) < 2:
            continue
        times = [at for at, _ in entries]
        for at, user_id in entries:
            if start <= at < end:
                out[user_id] = bisect_right(times, at + window) - bisect_left(times, at - window)
    return out


def _perfect_fast_weeks(start_day: date, end_day: date) -> list[int]:
    """Users with PERFECT_WEEK consecutive perfect days in the period, answered at a median
    interval under PERFECT_WEEK_MEDIAN_MS. Two queries for all candidates."""
    perfect = (
        QuizDay.completed_at.is_not(None),
        QuizDay.correct == QuizDay.total,
        QuizDay.day >= start_day,
        QuizDay.day <= end_day,
    )
    candidates = (
        select(QuizDay.user_id)
        .where(*perfect)
        .group_by(QuizDay.user_id)
        .having(func.count() >= PERFECT_WEEK)
    )
    days_of: dict[int, list[date]] = defaultdict(list)
    for user_id, day in db.session.execute(
        select(QuizDay.user_id, QuizDay.day)
        .where(*perfect, QuizDay.user_id.in_(candidates))
        .order_by(QuizDay.user_id, QuizDay.day)
    ):
        days_of[user_id].append(day)
    runs = {uid: run for uid, days in days_of.items() if (run := _first_week_run(days))}
    if not runs:
        return []
    intervals: dict[int, list[int]] = defaultdict(list)
    for user_id, day, ms in db.session.execute(
        select(Answer.user_id, Answer.day, Answer.interval_ms).where(
            Answer.user_id.in_(list(runs)),
            Answer.day >= start_day,
            Answer.day <= end_day,
            Answer.interval_ms.is_not(None),
        )
    ):
        first, last = runs[user_id]
        if first <= day <= last:
            intervals[user_id].append(ms)
    return [
        uid
        for uid in sorted(runs)
        if intervals[uid] and statistics.median(intervals[uid]) < PERFECT_WEEK_MEDIAN_MS
    ]


def _first_week_run(days: list[date]) -> tuple[date, date] | None:
    """The first run of PERFECT_WEEK or more consecutive days: (first, last), or None."""
    run_start = 0
    for i in range(1, len(days) + 1):
        if i == len(days) or days[i] != days[i - 1] + timedelta(days=1):
            if i - run_start >= PERFECT_WEEK:
                return days[run_start], days[i - 1]
            run_start = i
    return None
