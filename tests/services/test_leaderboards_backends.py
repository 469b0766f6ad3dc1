"""The Redis backend equals the SQL backend, and both equal a rebuild from the ledger."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quiz.extensions import db
from quiz.models import Team
from quiz.models.board import BoardScore
from quiz.services import leaderboards
from quiz.services.ledger import post_entry
from tests.board_helpers import REDIS_URL

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)

TZ = ZoneInfo("Asia/Shanghai")
# 12 days from here cross weeks and a month end.
START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
DISTRICTS = ["新华区", "卫东区", None]
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set")


@pytest.fixture
def app_config():
    return {"REDIS_URL": None}


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    client.flushdb()
    return client


def random_history(factory, seed: int, *, mirror_to_redis: bool, app) -> tuple[list, datetime]:
    """40 participants (teams, districts, staff), 300 earnings over 12 days, some spending."""
    rng = random.Random(seed)
    teams = [
        Team(name=f"队{i}", district="新华区", join_code=f"TEAM{i}", created_at=START)
        for i in range(3)
    ]
    db.session.add_all(teams)
    db.session.commit()
    users = []
    for i in range(40):
        role = rng.choice(["citizen", "citizen", "reporter", "reporter", "admin"])
        team = rng.choice(teams + [None]) if role == "reporter" else None
        users.append(
            factory.user(
                role=role,
                district=rng.choice(DISTRICTS),
                team_id=team.id if team else None,
                display_name=rng.choice(["张三明", "李四", "王"]) + str(i),
            )
        )
    at = START
    for n in range(300):
        at += timedelta(seconds=rng.choice([1, 7, 600, 3600, 20000]))
        user = rng.choice(users)
        points = rng.choice([5, 10, 10, 20])
        kind = rng.choice(["quiz_correct", "quiz_bonus", "family_bonus"])
        posted = post_entry(user.id, points, kind, key=f"rand:{n}", now=at)
        if rng.random() < 0.1:
            post_entry(user.id, -min(5, posted.balance), "redeem", key=f"spend:{n}", now=at)
        if mirror_to_redis:
            # The app's SQL store took it through the ledger; stage the same entry on Redis too.
            leaderboards.record_earning(redis_store(), posted.entry)
        db.session.commit()
    return users, at


def redis_store():
    return leaderboards.RedisBoardStore(REDIS_URL, tz=TZ, retention_days=400, clock=lambda: START)


def sql_store():
    return leaderboards.SqlBoardStore(tz=TZ, retention_days=400)


def every_view(users, at, store):
    out = []
    for board in leaderboards.BOARDS:
        for period in leaderboards.PERIODS:
            for viewer in users[:12]:
                for kwargs in ({"limit": 100}, {"radius": 3}):
                    s = leaderboards.standing(store, board, period, viewer, now=at, **kwargs)
                    out.append((board, period, viewer.id, str(kwargs), s.start, s.entries, s.me))
    return out


@needs_redis
def test_the_redis_backend_ranks_a_random_history_as_the_sql_backend_does(app, factory, redis_db):
    users, end = random_history(factory, seed=7, mirror_to_redis=True, app=app)
    assert every_view(users, end, sql_store()) == every_view(users, end, redis_store())


def snapshot_sql():
    return sorted(
        db.session.execute(
            db.select(
                BoardScore.board,
                BoardScore.period,
                BoardScore.period_start,
                BoardScore.subject,
                BoardScore.score,
                BoardScore.tie,
            )
        ).all()
    )


def test_a_sql_rebuild_reproduces_the_boards_kept_as_points_were_earned(app, factory):
    _, end = random_history(factory, seed=11, mirror_to_redis=False, app=app)
    before = snapshot_sql()
    leaderboards.rebuild(sql_store(), now=end)
    db.session.commit()
    assert snapshot_sql() == before and before


def test_sql_ranks_match_an_oracle_computed_from_the_ledger(app, factory):
    users, end = random_history(factory, seed=3, mirror_to_redis=False, app=app)
    totals = leaderboards.recompute(TZ)
    week = leaderboards.period_start("week", end.astimezone(TZ).date())
    rows = [
        (subject, points, tie)
        for (board, period, start, subject), (points, tie) in totals.items()
        if board == "citizens" and period == "week" and start == week
    ]
    expected = [int(s) for s, _, _ in sorted(rows, key=lambda r: (r[1], r[2], r[0]), reverse=True)]
    viewer = users[0]
    standing = leaderboards.standing(sql_store(), "citizens", "week", viewer, now=end, limit=100)
    assert [e["id"] for e in standing.entries] == expected


def snapshot_redis(client):
    """Every board key: its members with encoded scores, and whether it will expire."""
    return {
        key: (client.zrange(key, 0, -1, withscores=True), client.ttl(key) != -1)
        for key in client.scan_iter(match=f"{leaderboards.REDIS_PREFIX}:*")
    }


@needs_redis
def test_a_rebuild_after_flushing_redis_restores_identical_boards(app, factory, redis_db):
    users, end = random_history(factory, seed=5, mirror_to_redis=True, app=app)
    views = every_view(users, end, redis_store())
    live = snapshot_redis(redis_db)
    redis_db.flushdb()
    leaderboards.rebuild(redis_store(), now=end)
    assert live and snapshot_redis(redis_db) == live
    assert every_view(users, end, redis_store()) == views


@needs_redis
def test_redis_keys_of_past_periods_expire_and_all_time_keys_do_not(app, factory, redis_db):
    user = factory.user()
    posted = post_entry(user.id, 10, "quiz_correct", key="one", now=START)
    leaderboards.record_earning(redis_store(), posted.entry)
    db.session.commit()
    day_key = leaderboards.redis_key("citizens", "day", START.astimezone(TZ).date())
    all_key = leaderboards.redis_key("citizens", "all", leaderboards.ALL_START)
    assert redis_db.ttl(day_key) > 0 and redis_db.ttl(all_key) == -1
