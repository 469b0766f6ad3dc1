"""知晓率: how well the city knows each topic, read from the stored answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, case, cast, distinct, func, select

from quiz.extensions import db
from quiz.models import PracticeAnswer, Question
from quiz.services import people_rollups, rollups


@dataclass(frozen=True)
class Report:
    """A report over a range of local days (both inclusive): its rows, grouped `by` a key."""

    date_from: date
    date_to: date
    rows: list
    by: str | None = None


def _rate(correct: int, answers: int) -> float:
    return round(correct / answers, 4) if answers else 0.0


def awareness(
    date_from: date, date_to: date, by: str, *, include_practice: bool = False
) -> list[dict]:
    """Answers, correct answers, rate and participants per category or district.

    The city's figure is the daily quiz's; practice answers (given after reading the 解析)
    count only when `include_practice` asks for them. Answers and right answers come from the
    rollups up to their day and the raw rows after it (`quiz.services.rollups`); participants
    (distinct people over the range) from the people counted on their first day in the range
    (`quiz.services.people_rollups`). Keys in order, no district last.
    """
    key = "category" if by == "category" else "district"
    counts = rollups.awareness_counts(date_from, date_to, key)
    if not include_practice:
        people = people_rollups.counts(date_from, date_to, key, rollups.through())
    else:
        people = _people_with_practice(date_from, date_to, key, counts)
    return [
        {
            "key": value,
            "answers": counts[value][0],
            "correct": counts[value][1],
            "rate": _rate(counts[value][1], counts[value][0]),
            "participants": people.get(value, 0),
        }
        for value in sorted(counts, key=lambda k: (k is None, k or ""))
    ]


def _people_with_practice(date_from: date, date_to: date, key: str, counts: dict) -> dict:
    """Practice answers added to `counts`; the distinct people of both (a union of user ids:
    whole months of the daily quiz's from the monthly lists, the rest raw)."""
    column = getattr(PracticeAnswer, key)
    in_range = (PracticeAnswer.day >= date_from, PracticeAnswer.day <= date_to)
    practice = select(column, func.count(), _right(PracticeAnswer.correct)).where(*in_range)
    for value, n, right in db.session.execute(practice.group_by(column)):
        pair = counts.setdefault(value, [0, 0])
        pair[0], pair[1] = pair[0] + n, pair[1] + int(right or 0)
    people_of = rollups.people_of(date_from, date_to, key)
    people_of.append(select(column.label("key"), PracticeAnswer.user_id).where(*in_range))
    rows_of = rollups.union_of(people_of)
    return dict(
        db.session.execute(
            select(rows_of.c.key, func.count(distinct(rows_of.c.user_id))).group_by(rows_of.c.key)
        ).all()
    )


def _right(column):
    return func.sum(cast(case((column.is_(True), 1), else_=0), Integer))


def question_rates(date_from: date, date_to: date, limit: int = 50) -> list[dict]:
    """Per-question correct rate, lowest first: where a question (or the city) is weak."""
    counts = rollups.question_counts(date_from, date_to)
    about = (
        dict(
            (qid, (stem, category))
            for qid, stem, category in db.session.execute(
                select(Question.id, Question.stem, Question.category).where(
                    Question.id.in_(list(counts))
                )
            )
        )
        if counts
        else {}
    )
    out = [
        {
            "question_id": qid,
            "stem": about[qid][0],
            "category": about[qid][1],
            "answers": n,
            "correct": right,
            "rate": _rate(right, n),
        }
        for qid, (n, right) in counts.items()
        if qid in about
    ]
    out.sort(key=lambda row: (row["rate"], -row["answers"], row["question_id"]))
    return out[:limit]


def participation(date_from: date, date_to: date) -> list[dict]:
    """Per day: people who answered at least once, people who completed, answers given."""
    return [
        {"date": day.isoformat(), "participants": people, "completed": done, "answers": n}
        for day, people, done, n in rollups.participation_days(date_from, date_to)
    ]
