"""Shared by the leaderboard tests: the board backend fixture and earning helpers."""

from __future__ import annotations

import itertools
import os

import pytest

from quiz.extensions import db
from quiz.services.ledger import post_entry

REDIS_URL = os.environ.get("TEST_REDIS_URL")
_keys = itertools.count(1)


@pytest.fixture(
    params=[
        "sql",
        pytest.param(
            "redis", marks=pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set")
        ),
    ]
)
def board_backend(request) -> str:
    if request.param == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    return request.param


@pytest.fixture
def app_config(board_backend) -> dict:
    return {"REDIS_URL": REDIS_URL} if board_backend == "redis" else {"REDIS_URL": None}


def earn(user, points: int, at, kind: str = "quiz_correct"):
    """Post an earning entry at `at` and commit it, as a request would."""
    posted = post_entry(user.id, points, kind, key=f"test-earn:{next(_keys)}", now=at)
    db.session.commit()
    return posted


@pytest.fixture(autouse=True)
def fresh_login_per_request(request):
    """The `app` fixture holds one app context for the whole test, so Flask-Login's cached
    `g._login_user` would leak from one client's request into another's; forget it per request."""
    if "app" not in request.fixturenames:
        return
    from flask import g

    def forget_user() -> None:
        g.pop("_login_user", None)

    app = request.getfixturevalue("app")
    app.before_request_funcs.setdefault(None, []).insert(0, forget_user)
