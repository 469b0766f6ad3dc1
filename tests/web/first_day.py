"""A new user's first day counted in taps, the way tests/web/test_first_day.py counts it in a
browser (docs/players.md, "A new user's first day in ≤ 20 taps"):

- registering: none. The page focuses 用户名; the keyboard's 下一项 moves to 密码 and its 前往
  sends the form (keys on the keyboard are typing, like the letters); the new user lands on
  today's quiz.
- each question: a tap per right option, 提交答案, and 下一题 after all but the last (the day's
  result opens under the last verdict);
- the result's 兑换「…」 and the confirmation's 确认兑换.
"""

from __future__ import annotations

from contextlib import contextmanager

from quiz.extensions import db
from quiz.runtime import runtime_of
from quiz.services.seed import seed_empty_database
from tests.conftest import make_app

MOST_TAPS = 20
REGISTER_TAPS = 0
REDEEM_TAPS = 2


def first_day_taps(right_options: list[int]) -> int:
    """The taps of a first day whose questions have these numbers of right options."""
    answering = sum(right + 1 for right in right_options) + len(right_options) - 1
    return REGISTER_TAPS + answering + REDEEM_TAPS


@contextmanager
def seeded_like_make_run(directory):
    """An app on exactly what `make run` loads into an empty database, inside its app context."""
    app = make_app("sqlite", directory, QUIZ_DAILY_COUNT=5)
    with app.app_context():
        db.create_all()
        list(seed_empty_database(now=runtime_of(app).clock.now()))
        db.session.commit()
        yield app
        db.session.remove()
