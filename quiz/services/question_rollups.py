"""The question statistics' rollups: picks per choice and the discrimination index's score
blocks, summed per finished day (by `quiz.services.rollups.refresh`) and read with the raw rows
of the days after `held` (the last day summed), so the figures are the raw rows' exactly."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Integer, and_, case, cast, func, insert, select, text

from quiz.extensions import db
from quiz.models import Answer, QuestionDay, QuestionPicks, QuestionScores, QuizDay


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
    return Answer.day > held if held else Answer.day.is_not(None)


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


def medians(question_ids: list[int] | None, held: date | None) -> dict[int, float]:
    """question id → the median of its answers' `interval_ms` (the mean of the two middle
    values when even): each question's count of timed answers, then its middle one or two read
    from the (question_id, interval_ms) index — half an index range, not a sort of every answer."""
    timed: dict[int, int] = {}
    parts = [
        _limit(
            select(Answer.question_id, func.count(Answer.interval_ms)),
            Answer.question_id,
            question_ids,
        )
        .where(_after(held))
        .group_by(Answer.question_id)
    ]
    if held:
        parts.append(
            _limit(
                select(QuestionDay.question_id, func.sum(QuestionDay.timed)),
                QuestionDay.question_id,
                question_ids,
            )
            .where(QuestionDay.day <= held)
            .group_by(QuestionDay.question_id)
        )
    for stmt in parts:
        for qid, n in db.session.execute(stmt):
            timed[qid] = timed.get(qid, 0) + int(n or 0)
    middles: dict[int, list[int]] = {}
    wanted = [(qid, n) for qid, n in sorted(timed.items()) if n]
    for start in range(0, len(wanted), MEDIANS_PER_STATEMENT):
        chunk = wanted[start : start + MEDIANS_PER_STATEMENT]
        params = {}
        for k, (qid, n) in enumerate(chunk):
            params |= {f"q{k}": qid, f"o{k}": (n - 1) // 2, f"l{k}": 2 - n % 2}
        for qid, ms in db.session.execute(_middles_sql(len(chunk)), params):
            middles.setdefault(qid, []).append(ms)
    return {qid: sum(values) / len(values) for qid, values in middles.items()}


# One statement reads the middles of this many questions (a UNION ALL of index range reads).
MEDIANS_PER_STATEMENT = 100


@cache
def _middles_sql(arms: int):
    """The middle one (odd) or two (even) of each question's timed answers, by interval: plain
    SQL, as building a hundred SQLAlchemy selects costs more than running them."""
    return text(
        " UNION ALL ".join(
            f"SELECT CAST(:q{k} AS INTEGER) AS qid, m{k}.interval_ms FROM (SELECT interval_ms "
            f"FROM answers WHERE question_id = :q{k} AND interval_ms IS NOT NULL "
            f"ORDER BY interval_ms LIMIT :l{k} OFFSET :o{k}) AS m{k}"
            for k in range(arms)
        )
    )


ALL_DAYS = (date(1, 1, 1), date(9999, 12, 31))
