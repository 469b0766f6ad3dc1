"""Redemption attempts are rate-limited per account (QUIZ_REDEEM_LIMIT_USER)."""

from __future__ import annotations

import pytest

from tests.api.test_shop import give_points, make_prize, redeem  # noqa: F401


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "QUIZ_REDEEM_LIMIT_USER": "3 per minute"}


def test_redemption_attempts_beyond_the_per_account_limit_get_429(app, factory, as_user):
    user, neighbour = factory.user(), factory.user()
    give_points(app, user, 10_000)
    give_points(app, neighbour, 100)
    prize = make_prize(app, cost=1, stock=100)
    client = as_user(user)
    codes = [redeem(client, prize.id).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert redeem(client, prize.id).get_json()["code"] == "rate_limited"
    assert redeem(as_user(neighbour), prize.id).status_code == 201
