"""The question statistics' rollups: picks per choice and the discrimination index's score
blocks, summed per finished day (by `quiz.services.rollups.refresh`) and read with the raw rows
of the days after `held` (the last day summed), so the figures are the raw rows' exactly."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Integer, and_, case, cast, func, insert, select, text

from quiz.extensions import db
from quiz.models import (
    Answer,
    QuestionDay,
    QuestionMedian,
    QuestionPicks,
    QuestionScores,
    QuizDay,
)


def _right():
    return cast(case((Answer.correct.is_(True), 1), else_=0), Integer)


def _rest():
    return (QuizDay.correct - _right()).label("rest")


def _limit(stmt, column, question_ids):
    return stmt if question_ids is None else stmt.where(column.in_(question_ids))


def sum_days(first: date, last: date) -> None:
    """Sum [first, last] into both tables (their rows of those days deleted first)."""
    for model in (QuestionPicks, QuestionScores):
        db.session.execute(model.__table__.delete().where(model.day.between(first, last)))
    days = Answer.day.between(first, last)
    db.session.execute(
        insert(QuestionPicks).from_select(
            ["day", "question_id", "choices", "answers"],
            select(Answer.day, Answer.question_id, Answer.choices, func.count())
            .where(days)
            .group_by(Answer.day, Answer.question_id, Answer.choices),
        )
    )
    rest = _rest()
    db.session.execute(
        insert(QuestionScores).from_select(
            ["day", "question_id", "rest", "answers", "correct"],
            select(Answer.day, Answer.question_id, rest, func.count(), func.sum(_right()))
            .join(QuizDay, and_(QuizDay.user_id == Answer.user_id, QuizDay.day == Answer.day))
            .where(days)
            .group_by(Answer.day, Answer.question_id, rest),
        )
    )


def _after(held: date | None):
    """The answers of the days after `held` (all without it). A closed range, as SQLite with
    no statistics then reads them by a day index (for `day > held` it scans the whole
    (question_id, day) index to save the GROUP BY's sort)."""
    if held is None:
        return Answer.day.is_not(None)
    return Answer.day.between(held + timedelta(days=1), ALL_DAYS[1])


def picks(question_ids: list[int] | None, held: date | None) -> dict[tuple[int, str], int]:
    """(question id, choices) → answers, over every day."""
    out: dict[tuple[int, str], int] = {}
    parts = [
        _limit(
            select(Answer.question_id, Answer.choices, func.count()),
            Answer.question_id,
            question_ids,
        )
        .where(_after(held))
        .group_by(Answer.question_id, Answer.choices)
    ]
    if held:
        parts.append(
            _limit(
                select(
                    QuestionPicks.question_id,
                    QuestionPicks.choices,
                    func.sum(QuestionPicks.answers),
                ),
                QuestionPicks.question_id,
                question_ids,
            )
            .where(QuestionPicks.day <= held)
            .group_by(QuestionPicks.question_id, QuestionPicks.choices)
        )
    for stmt in parts:
        for qid, choices, n in db.session.execute(stmt):
            out[(qid, choices)] = out.get((qid, choices), 0) + int(n)
    return out


def blocks(question_ids: list[int] | None, held: date | None) -> dict[int, dict[int, list[int]]]:
    """question id → rest score → [answers, right], over every day."""
    out: dict[int, dict[int, list[int]]] = {}
    rest = _rest()
    parts = [
        _limit(
            select(Answer.question_id, rest, func.count(), func.sum(_right()))
            .join(QuizDay, and_(QuizDay.user_id == Answer.user_id, QuizDay.day == Answer.day))
            .where(_after(held))
            .group_by(Answer.question_id, rest),
            Answer.question_id,
            question_ids,
        )
    ]
    if held:
        parts.append(
            _limit(
                select(
                    QuestionScores.question_id,
                    QuestionScores.rest,
                    func.sum(QuestionScores.answers),
                    func.sum(QuestionScores.correct),
                ),
                QuestionScores.question_id,
                question_ids,
            )
            .where(QuestionScores.day <= held)
            .group_by(QuestionScores.question_id, QuestionScores.rest)
        )
    for stmt in parts:
        for qid, score, n, right in db.session.execute(stmt):
            pair = out.setdefault(qid, {}).setdefault(int(score), [0, 0])
            pair[0] += int(n)
            pair[1] += int(right or 0)
    return out


def questions_of(first: date, last: date) -> list[int]:
    """The questions the rollups hold answers of in [first, last]."""
    return list(
        db.session.scalars(
            select(QuestionDay.question_id).where(QuestionDay.day.between(first, last)).distinct()
        )
    )


def sum_medians(question_ids: list[int], through: date) -> None:
    """Store (or drop) the middle of these questions' timed answers of the days ≤ `through`:
    their count (from the day rollups), the values at ranks (n−1)//2 and n//2, and how many
    are below the first — read from the (question_id, interval_ms) index."""
    if not question_ids:
        return
    db.session.execute(
        QuestionMedian.__table__.delete().where(QuestionMedian.question_id.in_(question_ids))
    )
    timed = dict(
        db.session.execute(
            select(QuestionDay.question_id, func.sum(QuestionDay.timed))
            .where(QuestionDay.question_id.in_(question_ids), QuestionDay.day <= through)
            .group_by(QuestionDay.question_id)
        ).all()
    )
    rows = []
    for qid, n in sorted(timed.items()):
        n = int(n or 0)
        if not n:
            continue
        finished = (
            Answer.question_id == qid,
            Answer.interval_ms.is_not(None),
            Answer.day <= through,
        )
        middle = db.session.scalars(
            select(Answer.interval_ms)
            .where(*finished)
            .order_by(Answer.interval_ms)
            .offset((n - 1) // 2)
            .limit(2 - n % 2)
        ).all()
        low, high = middle[0], middle[-1]
        below = db.session.scalar(select(func.count()).where(*finished, Answer.interval_ms < low))
        rows.append({"question_id": qid, "timed": n, "low": low, "high": high, "below": below})
    if rows:
        db.session.execute(insert(QuestionMedian), rows)


def medians(question_ids: list[int] | None, held: date | None) -> dict[int, float]:
    """question id → the median of its answers' `interval_ms` (the mean of the two middle
    values when even). With the rollups held: the stored middle of the finished days, moved by
    the answers after them (today's) — the index entries read from the stored `low` on are at
    most as many as those answers. Without: each question's middle one or two read from the
    (question_id, interval_ms) index at their offset."""
    m = QuestionMedian
    stored = (
        {
            qid: (timed, low, high, below)
            for qid, timed, low, high, below in db.session.execute(
                _limit(
                    select(m.question_id, m.timed, m.low, m.high, m.below),
                    m.question_id,
                    question_ids,
                )
            )
        }
        if held
        else {}
    )
    live = _live_timed(question_ids, held)
    out: dict[int, float] = {}
    arms: list[tuple] = []
    for qid in sorted(set(stored) | set(live)):
        n_f, low, high, below = stored.get(qid, (0, None, None, 0))
        n_l, live_below = live.get(qid, (0, 0))
        n = n_f + n_l
        r1, r2 = (n - 1) // 2, n // 2
        if not n:
            continue
        if not n_l:
            out[qid] = (low + high) / 2
        elif not n_f:
            arms.append((qid, None, r1, r2 - r1 + 1))
        else:
            c = below + live_below  # answers below `low`, finished or not
            if r1 >= c:
                arms.append((qid, (">=", low), r1 - c, r2 - r1 + 1))
            elif r2 < c:
                arms.append((qid, ("<", low), c - 1 - r2, r2 - r1 + 1))
            else:
                arms += [(qid, ("<", low), 0, 1), (qid, (">=", low), 0, 1)]
    middles: dict[int, list[int]] = {}
    for start in range(0, len(arms), MEDIANS_PER_STATEMENT):
        chunk = arms[start : start + MEDIANS_PER_STATEMENT]
        params = {}
        for k, (qid, bound, offset, limit) in enumerate(chunk):
            params |= {f"q{k}": qid, f"o{k}": offset, f"l{k}": limit}
            if bound:
                params[f"v{k}"] = bound[1]
        shapes = tuple(bound and bound[0] for _, bound, _, _ in chunk)
        for qid, ms in db.session.execute(_middles_sql(shapes), params):
            middles.setdefault(qid, []).append(ms)
    out |= {qid: sum(values) / len(values) for qid, values in middles.items()}
    return out


def _live_timed(question_ids: list[int] | None, held: date | None) -> dict[int, tuple[int, int]]:
    """question id → (timed answers after `held`, how many of them are below the stored
    `low`)."""
    below = func.sum(cast(case((Answer.interval_ms < QuestionMedian.low, 1), else_=0), Integer))
    stmt = (
        select(Answer.question_id, func.count(Answer.interval_ms), below)
        .outerjoin(QuestionMedian, QuestionMedian.question_id == Answer.question_id)
        .where(_after(held))
        .group_by(Answer.question_id)
    )
    return {
        qid: (int(n), int(b or 0))
        for qid, n, b in db.session.execute(_limit(stmt, Answer.question_id, question_ids))
        if n
    }


# One statement reads the middles of this many questions (a UNION ALL of index range reads).
MEDIANS_PER_STATEMENT = 100


@lru_cache(maxsize=64)
def _middles_sql(shapes: tuple):
    """Per arm k, from question :qk's timed answers in interval order, :lk values at offset :ok
    — all of them (shape None), from :vk up (">="), or down from below :vk ("<"). Plain SQL,
    as building a hundred SQLAlchemy selects costs more than running them."""
    arms = []
    for k, shape in enumerate(shapes):
        where, order = "", "interval_ms"
        if shape == ">=":
            where = f" AND interval_ms >= :v{k}"
        elif shape == "<":
            where, order = f" AND interval_ms < :v{k}", "interval_ms DESC"
        arms.append(
            f"SELECT CAST(:q{k} AS INTEGER) AS qid, m{k}.interval_ms FROM (SELECT interval_ms "
            f"FROM answers WHERE question_id = :q{k} AND interval_ms IS NOT NULL{where} "
            f"ORDER BY {order} LIMIT :l{k} OFFSET :o{k}) AS m{k}"
        )
    return text(" UNION ALL ".join(arms))


ALL_DAYS = (date(1, 1, 1), date(9999, 12, 31))
