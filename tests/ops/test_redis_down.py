"""Redis stopped or frozen: only the boards that live in Redis answer 503; they catch up."""

from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from quiz import redis_link
from quiz.config import redis_options
from quiz.extensions import db
from quiz.models.board import BoardOutbox
from quiz.services import leaderboards
from tests.board_helpers import earn
from tests.factories import PASSWORD


@pytest.fixture
def app_config(redis_server) -> dict:
    return {
        "REDIS_URL": redis_server.url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_server.url,
        "RATELIMIT_STORAGE_OPTIONS": redis_options(200),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    }


@pytest.fixture
def bank(factory):
    return [factory.question(answer="A") for _ in range(6)]


def _board_of(client):
    return client.get("/api/v1/leaderboards/citizens?period=day")


def _redis_board(app, clock):
    tz = ZoneInfo(app.config["QUIZ_TIMEZONE"])
    start = leaderboards.period_start("day", clock.now().astimezone(tz).date())
    client = leaderboards.redis_client(app.config["REDIS_URL"])
    key = leaderboards.redis_key("citizens", "day", start)
    return {m: int(s) for m, s in client.zrange(key, 0, -1, withscores=True)}


def _rebuilt_board(app, clock):
    tz = ZoneInfo(app.config["QUIZ_TIMEZONE"])
    start = leaderboards.period_start("day", clock.now().astimezone(tz).date())
    totals = leaderboards.recompute(tz)
    return {
        subject: (points << leaderboards.TIE_BITS["day"]) | tie
        for (board, period, s, subject), (points, tie) in totals.items()
        if board == "citizens" and period == "day" and s == start
    }


def test_with_redis_stopped_the_quiz_points_and_shop_keep_working_and_boards_answer_503(
    app, bare_client, factory, bank, redis_server
):
    factory.user(username="ann")
    redis_server.stop()
    client = bare_client
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "ann", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/me").status_code == 200
    questions = client.get("/api/v1/quiz/today").get_json()["questions"]
    result = client.post(
        "/api/v1/quiz/today/answers", json={"question_id": questions[0]["id"], "choices": ["A"]}
    )
    assert result.status_code == 200 and result.get_json()["points_awarded"] == 10
    assert client.get("/api/v1/me/points").status_code == 200
    assert client.get("/api/v1/shop/prizes").status_code == 200
    assert client.get("/app/").status_code == 200
    board = _board_of(client)
    assert board.status_code == 503
    assert board.get_json()["code"] == "boards_unavailable" and board.headers["Retry-After"]
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "down"},
    }


def test_healthz_is_ok_with_database_and_redis_up(app, client, redis_server):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_with_redis_frozen_a_request_waits_at_most_the_redis_timeout(
    app, citizen_client, bank, redis_server
):
    redis_server.freeze()
    try:
        started = time.monotonic()
        assert citizen_client.get("/api/v1/quiz/today").status_code == 200
        assert _board_of(citizen_client).status_code == 503
        assert citizen_client.get("/healthz").get_json()["status"] == "degraded"
        # The limiter's first call and the board's first call each wait ≤ 200 ms; after that
        # both know Redis is down and skip it.
        assert time.monotonic() - started < 1.5
    finally:
        redis_server.thaw()


def test_board_updates_made_while_redis_was_stopped_reach_it_by_themselves_once_it_is_back(
    app, clock, factory, citizen_client, redis_server
):
    ann, bob = factory.user(username="ann2"), factory.user(username="bob2")
    earn(ann, 10, clock.now())
    redis_server.stop()
    earn(ann, 20, clock.now() + timedelta(seconds=5))
    earn(bob, 15, clock.now() + timedelta(seconds=9))
    assert db.session.query(BoardOutbox).count() == 2
    redis_server.start()
    redis_link._open_until.clear()  # the breaker's 2 s, skipped

    board = _board_of(citizen_client)
    assert board.status_code == 200
    assert [(e["id"], e["score"]) for e in board.get_json()["entries"]] == [
        (ann.id, 30),
        (bob.id, 15),
    ]
    assert db.session.query(BoardOutbox).count() == 0
    assert _redis_board(app, clock) == _rebuilt_board(app, clock)


def test_an_outbox_row_already_applied_is_not_applied_twice(app, clock, factory, redis_server):
    ann = factory.user(username="ann3")
    redis_server.stop()
    earn(ann, 10, clock.now())
    redis_server.start()
    redis_link._open_until.clear()
    row_id, payload = db.session.query(BoardOutbox.id, BoardOutbox.payload).one()
    db.session.commit()
    tz = ZoneInfo(app.config["QUIZ_TIMEZONE"])
    assert (
        leaderboards.drain(app.config["REDIS_URL"], now=clock.now(), tz=tz, retention_days=400) == 1
    )
    # A crash between applying and deleting leaves the row: draining it again changes nothing.
    db.session.execute(BoardOutbox.__table__.insert(), {"id": row_id, "payload": payload})
    db.session.commit()
    leaderboards.drain(app.config["REDIS_URL"], now=clock.now(), tz=tz, retention_days=400)
    assert _redis_board(app, clock) == _rebuilt_board(app, clock)
