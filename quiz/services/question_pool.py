"""Which questions may be drawn: one pool for the daily draw, campaigns and practice.

A question in the pool is active and not suspended by 纠错 reports. The daily draw also leaves
out what a running campaign holds, and pairs of bundled questions marked exclusive (one's stem
states the other's answer) never share a set. Campaigns and practice never show what the daily
quiz has yet to ask a user: today's set (unless the user answered it) and every stored future
day's (`withheld_ids`). Nothing here commits.

Suspension is guarded against a wave of reports: only reports from accounts at least
`report_min_age_days` old and not on hold count, reporters sharing a registration address count
once, at most `report_suspend_share` of the active bank is suspended (the most reported first),
and the daily draw takes the least reported suspended questions back rather than fall short.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

import question_bank
from quiz.extensions import db
from quiz.models import Answer, Campaign, DailySet, Question, QuestionReport, User
from quiz.models.learning import ReportStatus


@dataclass(frozen=True)
class Suspension:
    """How 纠错 reports suspend questions (from the rulebook)."""

    threshold: int  # counted reports that suspend a question (0: never)
    min_age_days: int = 3  # a reporter's account must be this old when reporting
    share: float = 0.1  # at most this share of the active bank is suspended


def suspension_of(rules) -> Suspension:
    return Suspension(
        rules.report_suspend_at, rules.report_min_age_days, rules.report_suspend_share
    )


def report_counts(suspension: Suspension) -> list[tuple[int, int]]:
    """(question id, counted open reports) of the questions at or over the threshold, most
    reported first: reports of accounts old enough and not on hold, one per registration
    address. Open reports are a short queue: they are counted here, not in SQL date
    arithmetic that differs between the databases."""
    if not suspension.threshold:
        return []
    rows = db.session.execute(
        select(
            QuestionReport.question_id,
            QuestionReport.created_at,
            User.id,
            User.registered_ip,
            User.created_at,
        )
        .join(User, User.id == QuestionReport.user_id)
        .where(QuestionReport.status == ReportStatus.OPEN, User.held_at.is_(None))
    ).all()
    min_age = timedelta(days=suspension.min_age_days)
    reporters: dict[int, set] = {}
    for qid, reported_at, user_id, address, joined_at in rows:
        if reported_at - joined_at >= min_age:
            reporters.setdefault(qid, set()).add(address or f"user:{user_id}")
    counts = [(qid, len(who)) for qid, who in reporters.items() if len(who) >= suspension.threshold]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def suspended_ids(suspension: Suspension) -> list[int]:
    """The suspended questions, most reported first, never more than the share of the bank."""
    counts = report_counts(suspension)
    if not counts:
        return []
    active = db.session.scalar(select(func.count()).where(Question.active.is_(True)))
    cap = math.floor(active * suspension.share)
    return [qid for qid, _ in counts[:cap]]


def drawable(suspended, *columns):
    """SELECT `columns` (default: the id) of the active questions not in `suspended`, by id."""
    stmt = select(*(columns or (Question.id,))).where(Question.active.is_(True))
    if suspended:
        stmt = stmt.where(Question.id.not_in(list(suspended)))
    return stmt.order_by(Question.id)


def withheld_ids(user_id: int, today: date) -> set[int]:
    """Questions no other activity may show this user yet: today's set, except what they have
    answered today, and every stored (scheduled or drawn) future day's set."""
    withheld: set[int] = set()
    answered_today = set(
        db.session.scalars(
            select(Answer.question_id).where(Answer.user_id == user_id, Answer.day == today)
        )
    )
    for day, question_ids in db.session.execute(
        select(DailySet.day, DailySet.question_ids).where(DailySet.day >= today)
    ):
        withheld.update(qid for qid in question_ids if day > today or qid not in answered_today)
    return withheld


def in_stored_sets(question_ids, from_day: date) -> list[int]:
    """Which of these questions a stored set of `from_day` or later holds (sorted)."""
    wanted = set(question_ids)
    found: set[int] = set()
    for ids in db.session.scalars(select(DailySet.question_ids).where(DailySet.day >= from_day)):
        found.update(wanted.intersection(ids))
    return sorted(found)


def held_by_campaigns(start: datetime, end: datetime) -> set[int]:
    """Questions of every campaign whose window overlaps [start, end): the daily draw leaves
    them out so the daily quiz does not give a campaign's questions away."""
    held: set[int] = set()
    categories: set[str] = set()
    for ids, category in db.session.execute(
        select(Campaign.question_ids, Campaign.category).where(
            Campaign.starts_at < end, Campaign.ends_at >= start
        )
    ):
        if ids is not None:
            held.update(ids)
        elif category is not None:
            categories.add(category)
    if categories:
        held.update(
            db.session.scalars(select(Question.id).where(Question.category.in_(categories)))
        )
    return held


@functools.cache
def _bundled_exclusions() -> dict[str, frozenset[str]]:
    return question_bank.bundled_exclusions()


def clashes(rows) -> dict[int, frozenset[int]]:
    """question id → ids among `rows` (id, category, content_hash, …) it must not share a set
    with."""
    exclusions = _bundled_exclusions()
    if not exclusions:
        return {}
    id_of = {content_hash: qid for qid, _, content_hash, *_ in rows}
    out = {}
    for qid, _, content_hash, *_ in rows:
        others = frozenset(id_of[h] for h in exclusions.get(content_hash, ()) if h in id_of)
        if others:
            out[qid] = others
    return out
