"""Rollups: the daily quiz's answers summed per past day, so reports over a year read a few
thousand rows instead of millions. Kept by `quiz.services.rollups` (a maintenance command
sums each finished day once); `RollupState.through` says up to which day they hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class QuestionDay(db.Model):
    """Answers, right answers and timed answers (with an interval) of one question on one day."""

    __tablename__ = "rollup_question_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    timed: Mapped[int] = mapped_column(Integer)


class AwarenessDay(db.Model):
    """Answers and right answers per day, district and category (the answer's own copies of
    them; an answer without a district is kept under '')."""

    __tablename__ = "rollup_awareness_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    district: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)


class ParticipationDay(db.Model):
    """Per day: people who answered at least once, people who completed, answers given."""

    __tablename__ = "rollup_participation_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    participants: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)


class RollupState(db.Model):
    """The last day the rollups hold (every day up to it is summed; later days read raw)."""

    __tablename__ = "rollup_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    through: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# `before` / `prev` of a person's first day of taking part (there was no day before it).
NEVER = date(1, 1, 1)


class PeopleMonth(db.Model):
    """Who took part in a month: per category and district they answered in (the answer's
    copies; '' for no district), and who completed a day (`scope` 'completed', key ''), with
    their first and last day of it in the month and their last day of it before the month
    (`before`, NEVER if none). Counts each person once over a range of several months: in
    the first month of the range if `last_day` ≥ its first day, else in the first later month
    whose `before` is earlier than the range."""

    __tablename__ = "rollup_people_months"
    __table_args__ = (
        # A person's last day before a month (the refresh's `before`), and the completers of
        # listed months by `before` (an index-only read of the people counted).
        Index(
            "ix_rollup_people_months_scope_key_user_id_month", "scope", "key", "user_id", "month"
        ),
        Index(
            "ix_rollup_people_months_scope_month_before",
            "scope",
            "month",
            "before",
            "first_day",
            "user_id",
        ),
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    before: Mapped[date] = mapped_column(Date)


class PeopleDay(db.Model):
    """People who took part on a day per category or district ('' for no district), by the
    day each of them had last taken part in it (`prev`, NEVER for a first time). The distinct
    people of [from, to] are the sum over its days of those whose `prev` is before `from`: each
    person is counted on their first day in the range, so no list of ids is read."""

    __tablename__ = "rollup_people_days"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    prev: Mapped[date] = mapped_column(Date, primary_key=True)
    people: Mapped[int] = mapped_column(Integer)


class QuestionMedian(db.Model):
    """A question's timed answers (with an interval) of the days the rollups hold: how many,
    the values at the middle ranks (n−1)//2 (`low`) and n//2 (`high`), and how many are below
    `low`. The median with today's answers reads at most as many index entries as today's
    answers to the question from `low` on; with none, it is (low + high) / 2."""

    __tablename__ = "rollup_question_medians"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    timed: Mapped[int] = mapped_column(Integer)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    below: Mapped[int] = mapped_column(Integer)


class QuestionPicks(db.Model):
    """Answers per day, question and stored choices (in the question's own keys)."""

    __tablename__ = "rollup_question_picks"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    choices: Mapped[str] = mapped_column(String(8), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)


class QuestionScores(db.Model):
    """Answers and right answers per day, question and rest score (the user's right answers
    that day without this question): the blocks the discrimination index is made of."""

    __tablename__ = "rollup_question_scores"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    rest: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
