"""Past periods: final standings stay readable for the retention, on both board backends,
whatever the distance between the service's clock and the real one (or Redis's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models.board import BoardScore
from quiz.runtime import runtime_of
from quiz.services import leaderboards
from tests.board_helpers import REDIS_URL, app_config, board_backend, earn  # noqa: F401

TZ = ZoneInfo("Asia/Shanghai")
LAST_MONDAY = date(2026, 11, 16)
LAST_WEEK_WEDNESDAY = datetime(2026, 11, 18, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
MONDAY_AFTER = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00
SUNDAY_WEEK_LATER = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # Sunday 23:00


def show(app, viewer, *, at, period="week", start=None, **kwargs):
    kwargs.setdefault("limit", 20)
    return leaderboards.standing(
        store(app), "citizens", period, viewer, now=at, start=start, **kwargs
    )


def store(app):
    return runtime_of(app).board_store


def ranks(standing) -> list[tuple]:
    return [(e["rank"], e["id"], e["score"]) for e in standing.entries]


def last_week_history(factory):
    winner, second = factory.user(), factory.user()
    earn(second, 20, LAST_WEEK_WEDNESDAY)
    earn(winner, 30, LAST_WEEK_WEDNESDAY + timedelta(hours=1))
    return winner, second


def test_last_weeks_final_board_is_readable_on_the_monday_after(app, factory):
    winner, second = last_week_history(factory)
    earn(second, 50, MONDAY_AFTER)  # this week's points do not change last week's result
    past = show(app, second, at=MONDAY_AFTER, start=LAST_MONDAY)
    assert past.start == LAST_MONDAY
    assert ranks(past) == [(1, winner.id, 30), (2, second.id, 20)]
    assert past.me == {"rank": 2, "score": 20}


def test_last_weeks_final_board_is_still_readable_a_sunday_later(app, factory):
    winner, second = last_week_history(factory)
    past = show(app, winner, at=SUNDAY_WEEK_LATER, start=LAST_MONDAY)
    assert ranks(past) == [(1, winner.id, 30), (2, second.id, 20)]


def test_a_past_period_is_readable_until_the_end_of_its_retention(app, factory):
    store(app).retention_days = 400
    winner, second = last_week_history(factory)
    # Last week ends at Monday 2026-11-23 00:00 Shanghai; 399 days later it is still kept.
    later = datetime(2027, 12, 26, 16, 0, tzinfo=UTC)
    assert ranks(show(app, winner, at=later, start=LAST_MONDAY)) == [
        (1, winner.id, 30),
        (2, second.id, 20),
    ]


@pytest.mark.parametrize(
    "when",
    [
        datetime(2001, 3, 7, 4, 0, tzinfo=UTC),  # long before the real date
        datetime(2096, 9, 12, 4, 0, tzinfo=UTC),  # long after it
    ],
    ids=["far-past", "far-future"],
)
def test_a_frozen_clock_far_from_real_time_still_sees_its_boards(app, factory, when):
    user = factory.user()
    earn(user, 10, when)
    for period in ("day", "week", "month", "all"):
        assert show(app, user, at=when, period=period).me == {"rank": 1, "score": 10}


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set")
@pytest.mark.parametrize("board_backend", ["redis"], indirect=True)
def test_a_redis_board_key_lives_for_the_retention_counted_from_the_services_clock(app, factory):
    import redis

    store(app).retention_days = 10
    at = datetime(2001, 3, 7, 4, 0, tzinfo=UTC)  # Wednesday 12:00 in Shanghai
    earn(factory.user(), 10, at)
    client = redis.Redis.from_url(REDIS_URL)
    week_ends = datetime(2001, 3, 11, 16, 0, tzinfo=UTC)  # Monday 2001-03-12 00:00 Shanghai
    expected = (week_ends + timedelta(days=10) - at).total_seconds()
    ttl = client.ttl(leaderboards.redis_key("citizens", "week", date(2001, 3, 5)))
    assert expected - 60 <= ttl <= expected
    assert client.ttl(leaderboards.redis_key("citizens", "all", leaderboards.ALL_START)) == -1


@pytest.mark.parametrize(
    "period, start",
    [
        ("week", date(2026, 11, 17)),  # a Tuesday
        ("month", date(2026, 10, 2)),
        ("all", date(2026, 11, 16)),
        ("week", date(2026, 11, 30)),  # next week has not begun
        ("day", date(2026, 11, 24)),
    ],
)
def test_a_start_that_is_not_a_begun_period_start_is_refused(app, factory, period, start):
    with pytest.raises(ValidationFailed):
        show(app, factory.user(), at=MONDAY_AFTER, period=period, start=start)


def test_the_current_periods_start_shows_the_current_board(app, factory):
    user = factory.user()
    earn(user, 10, MONDAY_AFTER)
    assert show(app, user, at=MONDAY_AFTER, start=date(2026, 11, 23)).me == {"rank": 1, "score": 10}


@pytest.mark.parametrize("board_backend", ["sql"], indirect=True)
def test_pruning_removes_sql_rows_of_periods_past_the_retention_only(app, factory):
    user = factory.user()
    earn(user, 10, LAST_WEEK_WEDNESDAY)  # day 11-18, week 11-16, month 11-01
    # 30 days' retention, today 2026-12-27: the day (ended 11-19) and the week (ended 11-23)
    # are pruned; the month (ended 12-01, 26 days ago) and all-time stay.
    now = datetime(2026, 12, 27, 4, 0, tzinfo=UTC)
    store(app).retention_days = 30
    deleted = leaderboards.prune(store(app), now=now)
    db.session.commit()
    kept = sorted(db.session.scalars(db.select(BoardScore.period).distinct()))
    assert kept == ["all", "month"]
    assert deleted == 2


@pytest.mark.parametrize("board_backend", ["sql"], indirect=True)
def test_pruning_keeps_a_week_that_ended_exactly_within_the_retention(app, factory):
    user = factory.user()
    earn(user, 10, LAST_WEEK_WEDNESDAY)  # week ends 2026-11-23
    now = datetime(2026, 12, 22, 4, 0, tzinfo=UTC)  # 29 days after the week ended
    store(app).retention_days = 30
    leaderboards.prune(store(app), now=now)
    db.session.commit()
    assert ranks(show(app, user, at=now, start=LAST_MONDAY)) == [(1, user.id, 10)]


def test_a_rebuild_keeps_past_periods_within_the_retention(app, factory):
    winner, second = last_week_history(factory)
    leaderboards.rebuild(store(app), now=SUNDAY_WEEK_LATER)
    db.session.commit()
    assert ranks(show(app, winner, at=SUNDAY_WEEK_LATER, start=LAST_MONDAY)) == [
        (1, winner.id, 30),
        (2, second.id, 20),
    ]
