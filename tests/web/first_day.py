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

MOST_TAPS = 20
REGISTER_TAPS = 0
REDEEM_TAPS = 2


def first_day_taps(right_options: list[int]) -> int:
    """The taps of a first day whose questions have these numbers of right options."""
    answering = sum(right + 1 for right in right_options) + len(right_options) - 1
    return REGISTER_TAPS + answering + REDEEM_TAPS
