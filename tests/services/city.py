"""A small simulated city for the year's tests: questions, then `simulate_year` at small N."""

from __future__ import annotations

from datetime import timedelta

from quiz.clock import local_day
from quiz.extensions import db
from quiz.runtime import runtime_of
from quiz.services import simulate

CATEGORIES = ("垃圾分类", "文明交通", "反诈", "消防")


def simulated_city(app, factory, *, players=40, days=21, seed=7, questions=10):
    """Questions in four categories and `days` days of play ending yesterday (committed)."""
    for n in range(questions):
        factory.question(category=CATEGORIES[n % len(CATEGORIES)], points=(n % 3) * 5 or None)
    rules = runtime_of(app).rules
    now = runtime_of(app).clock.now()
    shape = simulate.CityShape.of(
        rules,
        app.config["QUIZ_DISTRICTS"],
        last_day=local_day(now, rules.tz) - timedelta(days=1),
        players=players,
        days=days,
        seed=seed,
    )
    done = simulate.simulate_year(shape, now=now)
    db.session.commit()
    return shape, done
