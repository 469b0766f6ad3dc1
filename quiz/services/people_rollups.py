"""Distinct people over a range of days, from the rollups, without a union of user ids.

A person took part in [a, b] (in a category, a district, or by completing a day) exactly once
*first*: on their first day in the range, the one day in it whose previous day of taking part
(`prev`) is before `a`. So:

- per category / district, `PeopleDay` holds, per day and key, how many people took part by
  their previous day: the distinct people of [a, b] are Σ people over its days with prev < a —
  a few dozen rows a day, however many people play;
- who completed a day is counted against today's roster (a person's district or team now), so
  it stays per person: `PeopleMonth` (scope 'completed') holds each person's first and last day
  of the month and their last day before it; over several months a person counts in the range's
  first month if their last day there is ≥ a, else in the first later month whose `before` < a
  (and, in the last month, whose first day is ≤ b). A range inside one month reads the raw days.

The days after the rollups' `through` (today) are read raw: a person counts there if their last
day up to `through` (from `PeopleMonth`) is before `a`. Exact, like every rollup here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, insert, literal, select, text, union_all

from quiz.extensions import db
from quiz.models import Answer, PeopleDay, PeopleMonth, QuizDay
from quiz.models.rollup import NEVER


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _acts(first: date, last: date):
    """(day, scope, key, user_id) of every day a person took part, once each."""
    days = Answer.day.between(first, last)
    district = func.coalesce(Answer.district, literal(""))
    return (
        select(
            Answer.day,
            literal("category").label("scope"),
            Answer.category.label("key"),
            Answer.user_id,
        )
        .where(days)
        .distinct(),
        select(Answer.day, literal("district"), district, Answer.user_id).where(days).distinct(),
        select(QuizDay.day, literal("completed"), literal(""), QuizDay.user_id).where(
            QuizDay.day.between(first, last), QuizDay.completed_at.is_not(None)
        ),
    )


def list_people(first: date, last: date) -> None:
    """Rebuild each month the range touches, from its first day through `last`, in order (a
    month's `before` reads the months before it)."""
    month = month_of(first)
    while month <= last:
        end = min(month_end(month), last)
        db.session.execute(PeopleMonth.__table__.delete().where(PeopleMonth.month == month))
        db.session.execute(PeopleDay.__table__.delete().where(PeopleDay.day.between(month, end)))
        _list_month(month, end)
        _refresh_statistics()
        _count_days(month, end)
        month = month_end(month) + timedelta(days=1)


def _refresh_statistics() -> None:
    """PostgreSQL plans `_count_days`'s join on the statistics of `PeopleMonth`: for a month
    they have never seen (every 1st of the month) they promise one row, and the join ran as a
    nested loop over the month's people × their days — at 20 k players a day, a three-day month
    ran for over 20 minutes. ANALYZE (it sees this transaction's own rows) costs well under a
    second; SQLite plans without statistics unless asked to keep them."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {PeopleMonth.__tablename__}"))


def _list_month(month: date, end: date) -> None:
    acts = union_all(*_acts(month, end)).subquery()
    month_rows = (
        select(
            acts.c.scope,
            acts.c.key,
            acts.c.user_id,
            func.min(acts.c.day).label("first_day"),
            func.max(acts.c.day).label("last_day"),
        )
        .group_by(acts.c.scope, acts.c.key, acts.c.user_id)
        .subquery()
    )
    # Each person's last day before the month: the earlier months read once, hashed (a
    # subquery per person would scan the rows this statement inserts, once per person).
    earlier = (
        select(
            PeopleMonth.scope,
            PeopleMonth.key,
            PeopleMonth.user_id,
            func.max(PeopleMonth.last_day).label("last_day"),
        )
        .where(PeopleMonth.month < month)
        .group_by(PeopleMonth.scope, PeopleMonth.key, PeopleMonth.user_id)
        .subquery()
    )
    rows = select(
        literal(month),
        month_rows.c.scope,
        month_rows.c.key,
        month_rows.c.user_id,
        month_rows.c.first_day,
        month_rows.c.last_day,
        func.coalesce(earlier.c.last_day, literal(NEVER)),
    ).outerjoin(
        earlier,
        and_(
            earlier.c.scope == month_rows.c.scope,
            earlier.c.key == month_rows.c.key,
            earlier.c.user_id == month_rows.c.user_id,
        ),
    )
    db.session.execute(
        insert(PeopleMonth).from_select(
            ["month", "scope", "key", "user_id", "first_day", "last_day", "before"], rows
        )
    )


def _count_days(month: date, end: date) -> None:
    """`PeopleDay` of the month's days: each person's previous day within the month, or their
    `before` for their first day in it."""
    acts = union_all(*_acts(month, end)[:2]).subquery()
    scope, key, user = acts.c.scope, acts.c.key, acts.c.user_id
    prev = func.coalesce(
        func.lag(acts.c.day).over(partition_by=(scope, key, user), order_by=acts.c.day),
        PeopleMonth.before,
    )
    seq = (
        select(acts.c.day, scope, key.label("key"), prev.label("prev"))
        .join(
            PeopleMonth,
            and_(
                PeopleMonth.month == month,
                PeopleMonth.scope == scope,
                PeopleMonth.key == key,
                PeopleMonth.user_id == user,
            ),
        )
        .subquery()
    )
    db.session.execute(
        insert(PeopleDay).from_select(
            ["day", "scope", "key", "prev", "people"],
            select(seq.c.day, seq.c.scope, seq.c.key, seq.c.prev, func.count()).group_by(
                seq.c.day, seq.c.scope, seq.c.key, seq.c.prev
            ),
        )
    )


def _last_until_held(scope: str, key, user):
    """A person's last day of taking part (scope, key) up to the rollups' `through`."""
    return func.coalesce(
        select(func.max(PeopleMonth.last_day))
        .where(PeopleMonth.scope == scope, PeopleMonth.key == key, PeopleMonth.user_id == user)
        .scalar_subquery(),
        literal(NEVER),
    )


def counts(date_from: date, date_to: date, scope: str, held: date | None) -> dict:
    """key → distinct people who took part in [from, to] per category or district (scope
    'category' / 'district'; None for no district)."""
    out: dict = {}
    live_from = date_from
    if held is not None and held >= date_from:
        for key, people in db.session.execute(
            select(PeopleDay.key, func.sum(PeopleDay.people))
            .where(
                PeopleDay.scope == scope,
                PeopleDay.day.between(date_from, min(date_to, held)),
                PeopleDay.prev < date_from,
            )
            .group_by(PeopleDay.key)
        ):
            out[key] = int(people)
        live_from = held + timedelta(days=1)
    if live_from <= date_to:
        column = func.coalesce(getattr(Answer, scope), literal(""))
        live = (
            select(column.label("key"), Answer.user_id)
            .where(Answer.day.between(live_from, date_to))
            .distinct()
            .subquery()
        )
        stmt = select(live.c.key, func.count()).group_by(live.c.key)
        if live_from > date_from:  # the rolled days counted these people already
            stmt = stmt.where(_last_until_held(scope, live.c.key, live.c.user_id) < date_from)
        for key, people in db.session.execute(stmt):
            out[key] = out.get(key, 0) + int(people)
    if scope == "district":
        return {(key or None): n for key, n in out.items()}
    return out


def completers(date_from: date, date_to: date, held: date | None):
    """A subquery of `user_id`, each once: the people who completed a day in [from, to]."""
    parts = []
    live_from = date_from
    if held is not None and held >= date_from:
        parts += _completers_rolled(date_from, min(date_to, held))
        live_from = held + timedelta(days=1)
    if live_from <= date_to:
        live = select(QuizDay.user_id).where(
            QuizDay.day.between(live_from, date_to), QuizDay.completed_at.is_not(None)
        )
        if live_from > date_from:
            live = live.where(_last_until_held("completed", "", QuizDay.user_id) < date_from)
        parts.append(live.distinct())
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def _completers_rolled(a: date, b: date) -> list:
    first, last = month_of(a), month_of(b)
    if first == last and (a, b) != (first, month_end(first)):
        return [
            select(QuizDay.user_id)
            .where(QuizDay.day.between(a, b), QuizDay.completed_at.is_not(None))
            .distinct()
        ]
    rows = select(PeopleMonth.user_id).where(PeopleMonth.scope == "completed")
    if first == last:
        return [rows.where(PeopleMonth.month == first)]
    between, month = [], month_end(first) + timedelta(days=1)
    while month < last:
        between.append(month)
        month = month_end(month) + timedelta(days=1)
    # Listed months, not a range: each is one seek to `before` < a in the (scope, month,
    # before, …) index, which then reads only the people it counts.
    parts = [
        rows.where(PeopleMonth.month == first, PeopleMonth.last_day >= a),
        rows.where(PeopleMonth.month == last, PeopleMonth.before < a, PeopleMonth.first_day <= b),
    ]
    if between:
        parts.append(rows.where(PeopleMonth.month.in_(between), PeopleMonth.before < a))
    return parts
