"""Who an earning lifts: the participant, their reporter board, team and district rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from quiz.clock import local_day
from quiz.models.account import Role
from quiz.services.leaderboards.periods import PERIODS, BoardKey, period_start, tie_of

PARTICIPANT_ROLES = (Role.CITIZEN, Role.REPORTER)


def subjects_of(role: str, user_id: int, team_id: int | None, district: str | None) -> list[tuple]:
    """The (board, subject) rows a participant's points count towards (staff: none)."""
    if role not in PARTICIPANT_ROLES:
        return []
    out = [("citizens", str(user_id))]
    if role == Role.REPORTER:
        out.append(("reporters", str(user_id)))
        if team_id is not None:
            out.append(("teams", str(team_id)))
    if district:
        out.append(("districts", district))
    return out


def my_subject(board: str, user) -> str | None:
    """The row of `board` that is the viewer's own (their team's or district's on those)."""
    if user.role not in PARTICIPANT_ROLES:
        return None
    if board == "citizens":
        return str(user.id)
    if board == "reporters":
        return str(user.id) if user.role == Role.REPORTER else None
    if board == "teams":
        return str(user.team_id) if user.role == Role.REPORTER and user.team_id else None
    return user.district or None


@dataclass(frozen=True)
class Increment:
    board: str
    period: str
    start: date
    subject: str
    points: int
    tie: int

    @property
    def key(self) -> BoardKey:
        return BoardKey(self.board, self.period, self.start)


def increments(
    subjects: Iterable[tuple], points: int, at: datetime, tz: ZoneInfo
) -> list[Increment]:
    day = local_day(at, tz)
    out = []
    for period in PERIODS:
        start = period_start(period, day)
        tie = tie_of(period, start, at, tz)
        out.extend(
            Increment(board, period, start, subject, points, tie) for board, subject in subjects
        )
    # A fixed order: two transactions touching the same rows lock them in the same order.
    out.sort(key=lambda inc: (inc.board, inc.period, inc.subject))
    return out


def merge(incs: Iterable[Increment]) -> list[Increment]:
    """One increment per board row: points summed, the latest raise (smallest tie) kept,
    in the fixed row order so concurrent transactions lock shared rows in the same order."""
    merged: dict[tuple, Increment] = {}
    for inc in incs:
        key = (inc.board, inc.period, inc.start, inc.subject)
        seen = merged.get(key)
        merged[key] = (
            inc
            if seen is None
            else Increment(
                inc.board,
                inc.period,
                inc.start,
                inc.subject,
                seen.points + inc.points,
                min(seen.tie, inc.tie),
            )
        )
    return sorted(merged.values(), key=lambda i: (i.board, i.period, i.start, i.subject))
