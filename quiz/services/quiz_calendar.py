"""The console's view of the quiz calendar (issue 23, defect 9): a month of days with their sets,
which are scheduled by hand and which of those hold fewer questions than a day draws; taking a
future day's schedule back; and the bank's categories with how many questions each holds (the
campaign form's dropdown).

Plain values in, plain values out; flush, never commit; the clock is a parameter."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import DailySet, Question
from quiz.services.draw import ScheduleLocked


@dataclass(frozen=True)
class CalendarQuestion:
    id: int
    stem: str
    active: bool


@dataclass(frozen=True)
class PlannedDay:
    date: date
    status: str  # scheduled | drawn | auto (a future day left to the draw) | none (a past day)
    questions: list[CalendarQuestion]
    short: bool  # scheduled with fewer than the day's count


def month_plan(first: date, *, today: date, daily_count: int) -> list[PlannedDay]:
    """Every day of the month `first` starts, with its set when it has one."""
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    sets = {
        row.day: row
        for row in db.session.scalars(
            select(DailySet).where(DailySet.day >= first, DailySet.day <= last)
        )
    }
    wanted = {qid for row in sets.values() for qid in row.question_ids}
    questions = {
        q.id: CalendarQuestion(q.id, q.stem, q.active)
        for q in db.session.execute(
            select(Question.id, Question.stem, Question.active).where(Question.id.in_(wanted))
        )
    }
    days = []
    for n in range(1, last.day + 1):
        day = first.replace(day=n)
        row = sets.get(day)
        if row is None:
            days.append(PlannedDay(day, "auto" if day >= today else "none", [], False))
            continue
        listed = [questions[qid] for qid in row.question_ids if qid in questions]
        scheduled = row.scheduled_by is not None
        status = "scheduled" if scheduled else "drawn"
        days.append(PlannedDay(day, status, listed, scheduled and len(listed) < daily_count))
    return days


def unschedule(day: date, *, today: date) -> None:
    """Take back a future day's schedule: the day is drawn as any other. Today and past days
    are locked (players may have answered them)."""
    if day <= today:
        raise ScheduleLocked("今天和过去的日期不能取消排期。")
    row = db.session.scalar(
        select(DailySet).where(DailySet.day == day, DailySet.scheduled_by.is_not(None))
    )
    if row is None:
        raise NotFound("这一天没有人工排期。")
    db.session.delete(row)  # through the ORM: the audit trail sees it
    db.session.flush()


@dataclass(frozen=True)
class CategoryCount:
    name: str
    questions: int  # all of them
    active: int  # those a draw or a campaign can use


def category_counts() -> list[CategoryCount]:
    """The bank's categories, most active questions first."""
    active = func.sum(case((Question.active.is_(True), 1), else_=0))
    rows = db.session.execute(
        select(Question.category, func.count(), active)
        .group_by(Question.category)
        .order_by(active.desc(), Question.category)
    )
    return [CategoryCount(name, total, int(on or 0)) for name, total, on in rows]


def first_day() -> date | None:
    """The day the quiz was first served (its first set): weeks before it had no players."""
    return db.session.scalar(select(func.min(DailySet.day)))
