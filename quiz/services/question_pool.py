"""Which questions may be drawn: one pool for the daily draw, campaigns and practice.

A question in the pool is active and not suspended by 纠错 reports. The daily draw also leaves
out what a running campaign holds, and pairs of bundled questions marked exclusive (one's stem
states the other's answer) never share a set. Nothing here commits.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import func, select

import question_bank
from quiz.extensions import db
from quiz.models import Campaign, Question, QuestionReport


def suspended_questions(threshold: int):
    """The ids of questions with at least `threshold` open 纠错 reports (a subquery)."""
    return (
        select(QuestionReport.question_id)
        .where(QuestionReport.status == "open")
        .group_by(QuestionReport.question_id)
        .having(func.count() >= threshold)
    )


def drawable(report_suspend_at: int, *columns):
    """SELECT `columns` (default: the id) of the questions that may be drawn, by id."""
    stmt = select(*(columns or (Question.id,))).where(Question.active.is_(True))
    if report_suspend_at:
        # Enough open 纠错 reports suspend a question until an admin resolves them.
        stmt = stmt.where(Question.id.not_in(suspended_questions(report_suspend_at)))
    return stmt.order_by(Question.id)


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
    """question id → ids among `rows` (id, category, content_hash) it must not share a set with."""
    exclusions = _bundled_exclusions()
    if not exclusions:
        return {}
    id_of = {content_hash: qid for qid, _, content_hash in rows}
    out = {}
    for qid, _, content_hash in rows:
        others = frozenset(id_of[h] for h in exclusions.get(content_hash, ()) if h in id_of)
        if others:
            out[qid] = others
    return out
