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
