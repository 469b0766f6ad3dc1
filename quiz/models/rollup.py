"""Rollups: the daily quiz's answers summed per past day, so reports over a year read a few
thousand rows instead of millions. Kept by `quiz.services.rollups` (a maintenance command
sums each finished day once); `RollupState.through` says up to which day they hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
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


class PeopleMonth(db.Model):
    """Who took part in a month: per category and district they answered in (the answer's
    copies; '' for no district), and who completed a day (`scope` 'completed', key ''). Lets a
    report count distinct people over whole months without reading their answers."""

    __tablename__ = "rollup_people_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


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
