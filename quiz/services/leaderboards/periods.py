"""Boards, periods and the "reached first" tick: the calendar of the leaderboards.

Weeks start on Monday in the service's time zone. A past day, week or month stays readable for
`retention_days` after it ends; the all-time board never ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from quiz.clock import day_bounds
from quiz.errors import ValidationFailed

BOARDS = ("citizens", "reporters", "teams", "districts")
PERIODS = ("day", "week", "month", "all")
ALL_START = date(1970, 1, 1)
# `all` ticks are hours since this instant; the other periods count seconds from their start.
ALL_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# Bits of the tie field: enough ticks for the whole period (a 31-day month is < 2**22 s,
# 2**20 hours ≈ 119 years). What is left of a double's 53 exact bits holds the points:
# 2**36 a day, 2**33 a week, 2**31 a month, 2**33 all time per subject.
TIE_BITS = {"day": 17, "week": 20, "month": 22, "all": 20}
DEFAULT_RETENTION_DAYS = 400


@dataclass(frozen=True)
class BoardKey:
    """One board of one period: (`citizens`, `week`, the Monday it starts)."""

    board: str
    period: str
    start: date


def period_start(period: str, day: date) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return ALL_START


def period_end(period: str, start: date) -> date | None:
    """The first day after the period (None for `all`)."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return None


def is_period_start(period: str, day: date) -> bool:
    return period != "all" and period_start(period, day) == day


def resolve_start(period: str, start: date | None, today: date) -> date:
    """The period to show: the current one, or a past one named by its first day."""
    current = period_start(period, today)
    if start is None:
        return current
    if period == "all":
        raise ValidationFailed(
            "总榜没有往期。", errors=[{"field": "start", "message": "period=all 不带 start"}]
        )
    if not is_period_start(period, start):
        what = {"day": "日期", "week": "周一", "month": "当月 1 日"}[period]
        raise ValidationFailed(
            f"start 须是该周期的第一天（{what}）。",
            errors=[{"field": "start", "message": f"须是{what}"}],
        )
    if start > current:
        raise ValidationFailed(
            "这个周期还没有开始。", errors=[{"field": "start", "message": "不能晚于本期"}]
        )
    return start


def retention_ttl(
    period: str, start: date, *, now: datetime, tz: ZoneInfo, retention_days: int
) -> int | None:
    """Seconds from `now` for which a period's board must still be kept (None: for ever).

    Zero or less means the period is already past its retention."""
    end = period_end(period, start)
    if end is None:
        return None
    keep_until = day_bounds(end, tz)[0] + timedelta(days=retention_days)
    return int((keep_until - now).total_seconds())


def retained(period: str, start: date, *, now: datetime, tz: ZoneInfo, retention_days: int) -> bool:
    ttl = retention_ttl(period, start, now=now, tz=tz, retention_days=retention_days)
    return ttl is None or ttl > 0


def tie_of(period: str, start: date, at: datetime, tz: ZoneInfo) -> int:
    """Larger = the score was reached earlier (the inverted tick inside the period)."""
    if period == "all":
        tick = int((at - ALL_EPOCH).total_seconds() // 3600)
    else:
        tick = int((at - day_bounds(start, tz)[0]).total_seconds())
    top = (1 << TIE_BITS[period]) - 1
    return top - min(max(tick, 0), top)


def local_cutoff(now: datetime, tz: ZoneInfo, retention_days: int) -> date:
    """The local day `retention_days` before today: periods ending by then are past keeping."""
    return now.astimezone(tz).date() - timedelta(days=retention_days)
