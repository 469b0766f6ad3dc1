"""GET /api/v1/leaderboards/{board}[/around-me]: the contract's shape, guards and validation."""

from __future__ import annotations

from datetime import timedelta

from quiz.extensions import db
from tests.board_helpers import (  # noqa: F401  (fixtures)
    app_config,
    board_backend,
    earn,
)


def test_a_board_lists_the_top_and_the_callers_row(app, factory, as_user, clock):
    me = factory.user(display_name="王五")
    other = factory.user(display_name="赵六")
    earn(other, 30, clock.now())
    earn(me, 20, clock.now())
    body = as_user(me).get("/api/v1/leaderboards/citizens?period=day&limit=10").get_json()
    assert body == {
        "board": "citizens",
        "period": "day",
        "start": "2026-11-23",
        "entries": [
            {"rank": 1, "id": other.id, "name": "赵六", "score": 30},
            {"rank": 2, "id": me.id, "name": "王五", "score": 20},
        ],
        "me": {"rank": 2, "score": 20},
    }


def test_the_limit_cuts_the_list(app, factory, as_user, clock):
    users = [factory.user() for _ in range(3)]
    for i, user in enumerate(users):
        earn(user, 10 + i, clock.now())
    body = as_user(users[0]).get("/api/v1/leaderboards/citizens?limit=2").get_json()
    assert [e["rank"] for e in body["entries"]] == [1, 2] and body["me"]["rank"] == 3


def test_the_all_time_board_has_no_start(app, citizen_client):
    body = citizen_client.get("/api/v1/leaderboards/citizens?period=all").get_json()
    assert body["start"] is None and body["entries"] == [] and body["me"] is None


def test_the_week_is_the_default_period(app, citizen_client):
    body = citizen_client.get("/api/v1/leaderboards/districts").get_json()
    assert body["period"] == "week" and body["start"] == "2026-11-23"


def test_around_me_lists_the_neighbours(app, factory, as_user, clock):
    users = [factory.user() for _ in range(6)]
    for i, user in enumerate(users):
        earn(user, 60 - i * 10, clock.now())
    body = as_user(users[3]).get("/api/v1/leaderboards/citizens/around-me?radius=1").get_json()
    assert [(e["rank"], e["id"]) for e in body["entries"]] == [
        (3, users[2].id),
        (4, users[3].id),
        (5, users[4].id),
    ]
    assert body["me"] == {"rank": 4, "score": 30}


def test_a_district_entry_is_named_by_the_district(app, factory, as_user, clock):
    user = factory.user(district="湛河区")
    earn(user, 10, clock.now())
    body = as_user(user).get("/api/v1/leaderboards/districts?period=day").get_json()
    assert body["entries"] == [{"rank": 1, "id": "湛河区", "name": "湛河区", "score": 10}]


def test_a_minors_name_is_masked_but_an_admin_sees_it(app, factory, as_user, admin_client, clock):
    kid = factory.user(role="reporter", display_name="张三明")
    earn(kid, 10, clock.now())
    public = as_user(factory.user()).get("/api/v1/leaderboards/reporters").get_json()
    admin = admin_client.get("/api/v1/leaderboards/reporters").get_json()
    assert public["entries"][0]["name"] == "张*明" and admin["entries"][0]["name"] == "张三明"


def test_boards_need_a_signed_in_user(app, client):
    response = client.get("/api/v1/leaderboards/citizens")
    assert response.status_code == 401 and response.get_json()["code"] == "login_required"


def test_an_unknown_board_is_not_found(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/schools")
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_board"


def test_an_unknown_period_is_a_validation_error(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/citizens?period=year")
    assert response.status_code == 422 and response.get_json()["code"] == "validation_error"


def test_a_limit_over_100_is_a_validation_error(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/citizens?limit=101")
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "limit"


def test_a_negative_radius_is_a_validation_error(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/teams/around-me?radius=-1")
    assert response.status_code == 422


def test_an_answer_shows_on_the_board_at_once(app, factory, as_user, clock):
    """The write happens in the request that earns: the next read already ranks it."""
    user = factory.user()
    client = as_user(user)
    assert client.get("/api/v1/leaderboards/citizens?period=day").get_json()["me"] is None
    earn(user, 10, clock.now())
    assert client.get("/api/v1/leaderboards/citizens?period=day").get_json()["me"] == {
        "rank": 1,
        "score": 10,
    }


def test_a_reporter_who_left_their_team_stays_masked(app, factory, as_user, clock):
    kid = factory.user(role="reporter", display_name="王小明", invite_code="KIDCODE2")
    earn(kid, 10, clock.now())
    kid.role = "citizen"  # removed from the team by an admin
    db.session.commit()
    public = as_user(factory.user()).get("/api/v1/leaderboards/citizens").get_json()
    assert public["entries"][0]["name"] == "王*明"


def test_last_weeks_board_is_read_with_its_start(app, factory, as_user, clock):
    winner = factory.user(display_name="王五")
    earn(winner, 30, clock.now() - timedelta(days=3))  # Friday of last week
    clock.advance(days=6)  # Sunday of this week
    body = (
        as_user(winner).get("/api/v1/leaderboards/citizens?period=week&start=2026-11-16").get_json()
    )
    assert body == {
        "board": "citizens",
        "period": "week",
        "start": "2026-11-16",
        "entries": [{"rank": 1, "id": winner.id, "name": "王五", "score": 30}],
        "me": {"rank": 1, "score": 30},
    }


def test_around_me_takes_a_past_start_too(app, factory, as_user, clock):
    user = factory.user()
    earn(user, 30, clock.now() - timedelta(days=3))
    body = (
        as_user(user)
        .get("/api/v1/leaderboards/citizens/around-me?period=week&start=2026-11-16")
        .get_json()
    )
    assert body["me"] == {"rank": 1, "score": 30} and body["start"] == "2026-11-16"


def test_a_start_that_is_not_a_monday_is_422(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/citizens?period=week&start=2026-11-17")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "start"


def test_a_month_start_must_be_the_first(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/teams?period=month&start=2026-10-15")
    assert response.status_code == 422


def test_a_start_on_the_all_time_board_is_422(app, citizen_client):
    response = citizen_client.get("/api/v1/leaderboards/citizens?period=all&start=2026-11-16")
    assert response.status_code == 422


def test_a_malformed_start_is_422(app, citizen_client):
    for bad in ("16-11-2026", "2026-02-30", "9999-01-01", "x" * 300):
        response = citizen_client.get(f"/api/v1/leaderboards/citizens?period=week&start={bad}")
        assert response.status_code == 422, bad
