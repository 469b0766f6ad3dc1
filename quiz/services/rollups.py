"""Rollups of the daily quiz's answers per finished day, and the reports' reads over them.

A past day's answers do not change (an answer is scored once; the bonuses land on the day's
last answer while the day is live), so each finished day is summed once by `refresh` — the
`flask rollups refresh` timer, a few seconds a night — and the answer's hot path pays nothing.
A report over [from, to] reads the rollups up to `through` and the raw rows after it (today,
and any day the timer has not reached yet): the figures are the raw rows' whatever the timer
did. `refresh(since=day)` sums the days from `day` again (after a correction of past answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, case, cast, func, insert, literal, or_, select, union

from quiz.extensions import db
from quiz.models import (
    Answer,
    AwarenessDay,
    ParticipationDay,
    PeopleMonth,
    QuestionDay,
    QuizDay,
    RollupState,
)
from quiz.services import people_rollups, question_rollups

STATE = "answers"


@dataclass(frozen=True)
class Refreshed:
    through: date | None
    days: int


def _right(column):
    return func.sum(cast(case((column.is_(True), 1), else_=0), Integer))


def through() -> date | None:
    """The last day the rollups hold (None: none yet, every report reads the raw rows)."""
    return db.session.scalar(select(RollupState.through).where(RollupState.name == STATE))


def _first_day() -> date | None:
    return db.session.scalar(select(func.min(QuizDay.day)))


def refresh(*, today: date, now: datetime, since: date | None = None) -> Refreshed:
    """Sum every finished day not summed yet (or every day from `since`) into the rollups."""
    held = through()
    last = today - timedelta(days=1)
    start = since or (held + timedelta(days=1) if held else _first_day())
    if start is None or start > last:
        return Refreshed(through=held, days=0)
    in_range = (start, last)
    touched = set(question_rollups.questions_of(*in_range))
    for model in (QuestionDay, AwarenessDay, ParticipationDay):
        db.session.execute(model.__table__.delete().where(model.day.between(*in_range)))
    _sum_questions(*in_range)
    _sum_awareness(*in_range)
    _sum_participation(*in_range)
    people_rollups.list_people(*in_range)
    question_rollups.sum_days(*in_range)
    new_through = max(last, held) if held else last
    touched |= set(question_rollups.questions_of(*in_range))
    question_rollups.sum_medians(sorted(touched), new_through)
    _set_through(new_through, now)
    return Refreshed(through=last, days=(last - start).days + 1)


def _sum_questions(first: date, last: date) -> None:
    timed = func.count(Answer.interval_ms)
    rows = select(
        Answer.day, Answer.question_id, func.count(), _right(Answer.correct), timed
    ).where(Answer.day.between(first, last))
    db.session.execute(
        insert(QuestionDay).from_select(
            ["day", "question_id", "answers", "correct", "timed"],
            rows.group_by(Answer.day, Answer.question_id),
        )
    )


def _sum_awareness(first: date, last: date) -> None:
    district = func.coalesce(Answer.district, literal(""))
    rows = select(Answer.day, district, Answer.category, func.count(), _right(Answer.correct))
    db.session.execute(
        insert(AwarenessDay).from_select(
            ["day", "district", "category", "answers", "correct"],
            rows.where(Answer.day.between(first, last)).group_by(
                Answer.day, district, Answer.category
            ),
        )
    )


def _sum_participation(first: date, last: date) -> None:
    done = func.sum(cast(case((QuizDay.completed_at.is_not(None), 1), else_=0), Integer))
    rows = (
        select(QuizDay.day, func.count(), done, func.sum(QuizDay.answered))
        .where(QuizDay.day.between(first, last), QuizDay.answered > 0)
        .group_by(QuizDay.day)
    )
    db.session.execute(
        insert(ParticipationDay).from_select(["day", "participants", "completed", "answers"], rows)
    )


def people_split(date_from: date, date_to: date) -> tuple[list[date], list[tuple[date, date]]]:
    """(whole months the people rollup answers, the day ranges left to read raw)."""
    held = through()
    months: list[date] = []
    month = people_rollups.month_of(date_from)
    month = month if month == date_from else people_rollups.month_end(month) + timedelta(days=1)
    while held is not None and people_rollups.month_end(month) <= min(date_to, held):
        months.append(month)
        month = people_rollups.month_end(month) + timedelta(days=1)
    if not months:
        return [], [(date_from, date_to)]
    raw = [
        (date_from, months[0] - timedelta(days=1)),
        (people_rollups.month_end(months[-1]) + timedelta(days=1), date_to),
    ]
    return months, [(a, b) for a, b in raw if a <= b]


def people_of(date_from: date, date_to: date, scope: str) -> list:
    """Selects of (key, user_id) to UNION: who took part in [from, to] per category or
    district (scope 'category' / 'district', None for no district), or who completed a day
    (scope 'completed', key '')."""
    months, raw = people_split(date_from, date_to)
    key = PeopleMonth.key
    if scope == "district":
        key = case((PeopleMonth.key == "", None), else_=PeopleMonth.key)
    parts = []
    if months:
        parts.append(
            select(key.label("key"), PeopleMonth.user_id.label("user_id")).where(
                PeopleMonth.scope == scope, PeopleMonth.month.in_(months)
            )
        )
    if raw and scope == "completed":
        days = or_(*(QuizDay.day.between(a, b) for a, b in raw))
        done = QuizDay.completed_at.is_not(None)
        parts.append(select(literal("").label("key"), QuizDay.user_id).where(days, done))
    elif raw:
        days = or_(*(Answer.day.between(a, b) for a, b in raw))
        parts.append(select(getattr(Answer, scope).label("key"), Answer.user_id).where(days))
    return parts


def union_of(parts: list):
    """The rows of every select (a union of one is the select itself), as a subquery."""
    return (union(*parts) if len(parts) > 1 else parts[0]).subquery()


def _set_through(day: date, now: datetime) -> None:
    state = db.session.get(RollupState, STATE)
    if state is None:
        db.session.add(RollupState(name=STATE, through=day, updated_at=now))
    else:
        state.through, state.updated_at = day, now
    db.session.flush()


def split(date_from: date, date_to: date) -> tuple[tuple[date, date] | None, date | None]:
    """([from, to] of the days the rollups answer, or None; the first day read raw, or None)."""
    held = through()
    if held is None or held < date_from:
        return None, date_from
    rolled = (date_from, min(date_to, held))
    live = held + timedelta(days=1)
    return rolled, (live if live <= date_to else None)


def awareness_counts(date_from: date, date_to: date, key: str) -> dict:
    """key (category or district, None for no district) → [answers, correct]."""
    rolled, live_from = split(date_from, date_to)
    out: dict = {}
    if rolled:
        column = getattr(AwarenessDay, key)
        for value, n, right in db.session.execute(
            select(column, func.sum(AwarenessDay.answers), func.sum(AwarenessDay.correct))
            .where(AwarenessDay.day.between(*rolled))
            .group_by(column)
        ):
            _add(out, (value or None) if key == "district" else value, n, right)
    if live_from:
        column = getattr(Answer, key)
        for value, n, right in db.session.execute(
            select(column, func.count(), _right(Answer.correct))
            .where(Answer.day.between(live_from, date_to))
            .group_by(column)
        ):
            _add(out, value, n, right)
    return out


def question_counts(date_from: date, date_to: date) -> dict[int, list[int]]:
    """question id → [answers, correct] over the range."""
    rolled, live_from = split(date_from, date_to)
    out: dict = {}
    if rolled:
        for qid, n, right in db.session.execute(
            select(
                QuestionDay.question_id,
                func.sum(QuestionDay.answers),
                func.sum(QuestionDay.correct),
            )
            .where(QuestionDay.day.between(*rolled))
            .group_by(QuestionDay.question_id)
        ):
            _add(out, qid, n, right)
    if live_from:
        for qid, n, right in db.session.execute(
            select(Answer.question_id, func.count(), _right(Answer.correct))
            .where(Answer.day.between(live_from, date_to))
            .group_by(Answer.question_id)
        ):
            _add(out, qid, n, right)
    return out


def participation_days(date_from: date, date_to: date) -> list[tuple[date, int, int, int]]:
    """(day, participants, completed, answers) per day with any answer, in day order."""
    rolled, live_from = split(date_from, date_to)
    rows: list = []
    if rolled:
        rows += db.session.execute(
            select(
                ParticipationDay.day,
                ParticipationDay.participants,
                ParticipationDay.completed,
                ParticipationDay.answers,
            )
            .where(ParticipationDay.day.between(*rolled))
            .order_by(ParticipationDay.day)
        ).all()
    if live_from:
        done = func.sum(cast(case((QuizDay.completed_at.is_not(None), 1), else_=0), Integer))
        rows += db.session.execute(
            select(QuizDay.day, func.count(), done, func.sum(QuizDay.answered))
            .where(QuizDay.day.between(live_from, date_to), QuizDay.answered > 0)
            .group_by(QuizDay.day)
            .order_by(QuizDay.day)
        ).all()
    return [(day, int(p), int(c or 0), int(n or 0)) for day, p, c, n in rows]


def _add(out: dict, key, n, right) -> None:
    pair = out.setdefault(key, [0, 0])
    pair[0] += int(n or 0)
    pair[1] += int(right or 0)
