"""The first day's taps on every day the bank `make run` seeds can draw, not only on the day the
suite runs: the worst day the draw's rules allow, and a season of days the draw really makes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quiz.clock import local_day
from quiz.extensions import db
from quiz.models import Question
from quiz.runtime import runtime_of
from quiz.services import draw
from tests.web.first_day import MOST_TAPS, first_day_taps, seeded_like_make_run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """An app on exactly what `make run` loads into an empty database, and its rules."""
    with seeded_like_make_run(tmp_path_factory.mktemp("seeded")) as app:
        yield app, runtime_of(app).rules


def right_options(question) -> int:
    return len(question.answer)


def test_the_worst_day_the_seeded_bank_can_draw_takes_at_most_20_taps(seeded):
    _, rules = seeded
    questions = db.session.scalars(select(Question).where(Question.active)).all()
    multiple = sorted((right_options(q) for q in questions if q.type == "multiple"), reverse=True)
    others = sorted((right_options(q) for q in questions if q.type != "multiple"), reverse=True)
    assert multiple[0] == 4  # the bank's most: a question with four right options
    # The draw's limit on multiple-choice questions, each with the most right options; the
    # rest of the day the other questions with the most.
    worst = multiple[: draw.MULTIPLE_PER_DAY]
    worst += others[: rules.daily_count - len(worst)]
    taps = first_day_taps(worst)
    assert taps <= MOST_TAPS, f"{taps} taps on a day of {worst} right options"


def test_every_day_of_a_season_the_seeded_bank_draws_takes_at_most_20_taps(seeded):
    app, rules = seeded
    first = local_day(runtime_of(app).clock.now(), rules.tz)
    for offset in range(120):  # stored, so the no-repeat window and stale reuse take part
        day = first + timedelta(days=offset)
        day_set = draw.daily_set(day, rules, now=runtime_of(app).clock.now())
        questions = draw.questions_of(day_set)
        assert len(questions) == rules.daily_count
        taps = first_day_taps([right_options(q) for q in questions])
        assert taps <= MOST_TAPS, f"{day}: {taps} taps"
