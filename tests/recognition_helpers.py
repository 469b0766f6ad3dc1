"""Shared by the recognition tests: playing a past day through the real daily-quiz service."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from quiz.extensions import db
from quiz.models import Question, Team
from quiz.runtime import runtime_of
from quiz.services import daily_quiz, draw
from quiz.services.codes import new_code

TZ = ZoneInfo("Asia/Shanghai")
LAST_MONDAY = date(2026, 11, 16)  # the week before the tests' frozen Monday 2026-11-23


def play(app, user, day: date, correct: int, *, minute: int = 0, answers: int | None = None):
    """`user` answers `day`'s set at 09:mm local time: the first `correct` answers right, the
    rest wrong; `answers` stops early (the day left unfinished)."""
    rules = runtime_of(app).rules
    at = datetime.combine(day, time(9, minute), tzinfo=TZ)
    ids = draw.daily_set(day, rules, now=at).question_ids
    for i, qid in enumerate(ids[:answers]):
        answer = db.session.get(Question, qid).answer
        choices = list(answer) if i < correct else (["B"] if answer == "A" else ["A"])
        daily_quiz.submit_answer(user, qid, choices, rules, now=at)
    db.session.commit()


def team(app, name: str = "实验小学", district: str = "新华区") -> Team:
    made = Team(
        name=name, district=district, join_code=new_code(8), created_at=runtime_of(app).clock.now()
    )
    db.session.add(made)
    db.session.commit()
    return made
