"""Boards and periods on fixtures with known ranks, on both board backends (SQL and Redis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quiz.extensions import db
from quiz.models import Team
from quiz.runtime import runtime_of
from quiz.services import leaderboards
from quiz.services.ledger import post_entry
from tests.board_helpers import app_config, board_backend, earn  # noqa: F401  (fixtures)
from tests.conftest import START

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SUNDAY_2359 = datetime(2026, 11, 22, 15, 59, tzinfo=UTC)  # Sunday 23:59 in Shanghai
MONDAY_0000 = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 00:00 in Shanghai


def show(app, viewer, board="citizens", period="week", at=MONDAY_10, **kwargs):
    if "radius" not in kwargs:
        kwargs.setdefault("limit", 20)
    return leaderboards.standing(
        runtime_of(app).board_store, board, period, viewer, now=at, **kwargs
    )


def ranks(standing) -> list[tuple]:
    return [(e["rank"], e["id"], e["score"]) for e in standing.entries]


def test_higher_scores_rank_first(app, factory):
    a, b, c = factory.user(), factory.user(), factory.user()
    earn(a, 10, MONDAY_10)
    earn(b, 30, MONDAY_10)
    earn(c, 20, MONDAY_10)
    assert ranks(show(app, a)) == [(1, b.id, 30), (2, c.id, 20), (3, a.id, 10)]


def test_a_tie_goes_to_whoever_reached_the_score_first(app, factory):
    early, late = factory.user(), factory.user()
    earn(late, 10, MONDAY_10)
    earn(early, 20, MONDAY_10 + timedelta(minutes=1))
    earn(late, 10, MONDAY_10 + timedelta(minutes=2))
    assert ranks(show(app, early)) == [(1, early.id, 20), (2, late.id, 20)]


def test_ranks_have_no_gaps_after_ties(app, factory):
    users = [factory.user() for _ in range(4)]
    for i, user in enumerate(users):
        earn(user, 50 if i < 3 else 40, MONDAY_10 + timedelta(seconds=i))
    assert [e["rank"] for e in show(app, users[0]).entries] == [1, 2, 3, 4]


def test_spending_does_not_lower_a_score(app, factory):
    user = factory.user()
    earn(user, 30, MONDAY_10)
    post_entry(user.id, -20, "redeem", key="spend", now=MONDAY_10)
    db.session.commit()
    assert show(app, user).me == {"rank": 1, "score": 30}


def test_an_admin_adjustment_is_not_a_score(app, factory):
    user = factory.user()
    post_entry(user.id, 100, "admin_adjust", key="gift", now=MONDAY_10)
    db.session.commit()
    assert show(app, user).me is None


def test_every_earning_kind_counts(app, factory):
    user = factory.user()
    earn(user, 10, MONDAY_10, kind="quiz_correct")
    earn(user, 20, MONDAY_10, kind="quiz_bonus")
    earn(user, 5, MONDAY_10, kind="family_bonus")
    assert show(app, user).me == {"rank": 1, "score": 35}


def test_sunday_2359_is_last_week_and_monday_0000_this_week(app, factory):
    sunday, monday = factory.user(), factory.user()
    earn(sunday, 10, SUNDAY_2359)
    earn(monday, 5, MONDAY_0000)
    this_week = show(app, monday, period="week", at=MONDAY_10)
    last_week = show(app, sunday, period="week", at=SUNDAY_2359)
    assert ranks(this_week) == [(1, monday.id, 5)]
    assert ranks(last_week) == [(1, sunday.id, 10)]
    assert this_week.start == date(2026, 11, 23) and last_week.start == date(2026, 11, 16)


def test_the_day_board_starts_at_local_midnight(app, factory):
    user = factory.user()
    earn(user, 10, SUNDAY_2359)
    earn(user, 5, MONDAY_0000)
    assert show(app, user, period="day", at=MONDAY_10).me == {"rank": 1, "score": 5}


def test_the_month_board_spans_weeks_and_resets_on_the_first(app, factory):
    user = factory.user()
    earn(user, 10, datetime(2026, 11, 1, 0, 0, tzinfo=TZ))
    earn(user, 5, MONDAY_10)
    earn(user, 7, datetime(2026, 12, 1, 0, 0, tzinfo=TZ))
    assert show(app, user, period="month", at=MONDAY_10).me["score"] == 15
    december = show(app, user, period="month", at=datetime(2026, 12, 1, 9, 0, tzinfo=TZ))
    assert december.me["score"] == 7 and december.start == date(2026, 12, 1)


def test_the_all_time_board_sums_every_period(app, factory):
    user = factory.user()
    earn(user, 10, datetime(2026, 1, 5, 12, 0, tzinfo=TZ))
    earn(user, 5, MONDAY_10)
    standing = show(app, user, period="all")
    assert standing.me["score"] == 15 and standing.start is None


def test_citizens_board_holds_citizens_and_reporters_but_no_staff(app, factory):
    citizen, reporter = factory.user(), factory.user(role="reporter")
    admin, clerk = factory.user(role="admin"), factory.user(role="clerk")
    for i, user in enumerate((citizen, reporter, admin, clerk)):
        earn(user, 10 + i, MONDAY_10)
    assert {e["id"] for e in show(app, citizen).entries} == {citizen.id, reporter.id}


def test_reporters_board_holds_only_reporters(app, factory):
    citizen, reporter = factory.user(), factory.user(role="reporter")
    earn(citizen, 50, MONDAY_10)
    earn(reporter, 10, MONDAY_10)
    standing = show(app, citizen, board="reporters")
    assert ranks(standing) == [(1, reporter.id, 10)] and standing.me is None


def _team(name="第一小学"):
    team = Team(name=name, district="新华区", join_code=f"CODE{name[-2:]}", created_at=START)
    db.session.add(team)
    db.session.commit()
    return team


def test_a_team_scores_the_sum_of_its_members(app, factory):
    one, two = _team("甲校"), _team("乙校")
    a = factory.user(role="reporter", team_id=one.id)
    b = factory.user(role="reporter", team_id=one.id)
    c = factory.user(role="reporter", team_id=two.id)
    earn(a, 10, MONDAY_10)
    earn(b, 15, MONDAY_10)
    earn(c, 20, MONDAY_10 + timedelta(seconds=1))
    standing = show(app, c, board="teams")
    assert [(e["rank"], e["id"], e["name"], e["score"]) for e in standing.entries] == [
        (1, one.id, "甲校", 25),
        (2, two.id, "乙校", 20),
    ]
    assert standing.me == {"rank": 2, "score": 20}


def test_reporters_without_a_team_are_on_no_team_row(app, factory):
    loner = factory.user(role="reporter")
    earn(loner, 10, MONDAY_10)
    standing = show(app, loner, board="teams")
    assert standing.entries == [] and standing.me is None


def test_a_district_scores_the_sum_of_its_residents(app, factory):
    a = factory.user(district="新华区")
    b = factory.user(district="新华区")
    c = factory.user(district="卫东区")
    nowhere = factory.user()
    earn(a, 10, MONDAY_10)
    earn(b, 10, MONDAY_10)
    earn(c, 15, MONDAY_10)
    earn(nowhere, 99, MONDAY_10)
    standing = show(app, c, board="districts")
    assert ranks(standing) == [(1, "新华区", 20), (2, "卫东区", 15)]
    assert standing.me == {"rank": 2, "score": 15}
    assert show(app, nowhere, board="districts").me is None


def test_me_is_the_callers_row_even_outside_the_top(app, factory):
    users = [factory.user() for _ in range(5)]
    for i, user in enumerate(users):
        earn(user, 100 - i * 10, MONDAY_10)
    standing = show(app, users[4], limit=2)
    assert len(standing.entries) == 2 and standing.me == {"rank": 5, "score": 60}


def test_me_is_null_for_someone_who_has_not_scored(app, factory):
    earn(factory.user(), 10, MONDAY_10)
    assert show(app, factory.user()).me is None


@pytest.fixture
def ten(factory):
    """Ten citizens with scores 100, 90, … 10 (rank i+1 for users[i])."""
    users = [factory.user() for _ in range(10)]
    for i, user in enumerate(users):
        earn(user, 100 - i * 10, MONDAY_10)
    return users


def test_around_me_returns_radius_rows_either_side(app, ten):
    standing = show(app, ten[4], radius=2)
    assert [e["rank"] for e in standing.entries] == [3, 4, 5, 6, 7]
    assert standing.entries[2]["id"] == ten[4].id and standing.me == {"rank": 5, "score": 60}


def test_around_me_at_the_top_starts_at_rank_one(app, ten):
    standing = show(app, ten[0], radius=3)
    assert [e["rank"] for e in standing.entries] == [1, 2, 3, 4]


def test_around_me_at_the_bottom_stops_at_the_last_rank(app, ten):
    standing = show(app, ten[9], radius=3)
    assert [(e["rank"], e["score"]) for e in standing.entries] == [
        (7, 40),
        (8, 30),
        (9, 20),
        (10, 10),
    ]


def test_around_me_for_the_unranked_is_empty(app, ten, factory):
    standing = show(app, factory.user(), radius=3)
    assert standing.entries == [] and standing.me is None


def test_a_reporters_name_is_masked_for_other_viewers(app, factory):
    kid = factory.user(role="reporter", display_name="张三明")
    earn(kid, 10, MONDAY_10)
    assert show(app, factory.user()).entries[0]["name"] == "张*明"


def test_guardian_consent_shows_the_full_name(app, factory):
    kid = factory.user(role="reporter", display_name="张三明", show_full_name=True)
    earn(kid, 10, MONDAY_10)
    assert show(app, factory.user()).entries[0]["name"] == "张三明"


def test_admins_always_see_full_names(app, factory):
    kid = factory.user(role="reporter", display_name="李四")
    earn(kid, 10, MONDAY_10)
    assert show(app, factory.user(role="admin")).entries[0]["name"] == "李四"


def test_a_citizens_name_is_not_masked(app, factory):
    adult = factory.user(display_name="王五六")
    earn(adult, 10, MONDAY_10)
    assert show(app, factory.user()).entries[0]["name"] == "王五六"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三明", "张*明"), ("张三", "张*"), ("张", "张"), ("欧阳小明", "欧*明"), ("", "")],
)
def test_mask_keeps_the_first_and_last_character(name, masked):
    assert leaderboards.mask_name(name) == masked


def test_a_rolled_back_earning_never_reaches_a_board(app, factory):
    user = factory.user()
    post_entry(user.id, 10, "quiz_correct", key="rolled-back", now=MONDAY_10)
    db.session.rollback()
    assert show(app, user).me is None


@pytest.mark.parametrize("board_backend", ["sql"], indirect=True)
def test_sql_board_rows_are_written_at_commit_and_dropped_on_rollback(app, factory, clock):
    from quiz.models.board import BoardScore
    from quiz.services import ledger

    user = factory.user()
    ledger.post_entry(user.id, 10, "quiz_correct", key="rolled-back", now=clock.now())
    db.session.rollback()
    assert db.session.query(BoardScore).count() == 0
    ledger.post_entry(user.id, 10, "quiz_correct", key="first", now=clock.now())
    ledger.post_entry(user.id, 5, "quiz_bonus", key="second", now=clock.now())
    db.session.commit()
    scores = {(row.board, row.period): row.score for row in db.session.query(BoardScore)}
    assert scores[("citizens", "day")] == 15 and scores[("citizens", "all")] == 15


def test_merging_increments_sums_points_and_keeps_the_latest_raise():

    from quiz.services.leaderboards import Increment, merge

    start = date(2026, 11, 23)
    merged = merge(
        [
            Increment("teams", "day", start, "7", 10, 900),
            Increment("citizens", "day", start, "1", 10, 900),
            Increment("teams", "day", start, "7", 5, 800),
        ]
    )
    assert merged == [
        Increment("citizens", "day", start, "1", 10, 900),
        Increment("teams", "day", start, "7", 15, 800),
    ]
