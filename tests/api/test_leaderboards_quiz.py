"""Done when: reporters join with the code, families with invite codes, and each answer
shows on the boards at once — end to end through the daily quiz."""

from __future__ import annotations

from tests.board_helpers import (  # noqa: F401  (fixtures)
    app_config,
    board_backend,
)


def test_a_family_completing_the_quiz_lifts_the_reporter_and_the_team_at_once(
    app, factory, as_user, admin_client
):
    for _ in range(5):
        factory.question(answer="A")
    team = admin_client.post(
        "/api/v1/admin/teams", json={"name": "实验小学", "district": "新华区"}
    ).get_json()
    kid = factory.user(display_name="张三明", district="新华区")
    kid_client = as_user(kid)
    invite = kid_client.post("/api/v1/me/team", json={"join_code": team["join_code"]}).get_json()[
        "invite_code"
    ]
    mum_client = app.test_client()
    mum_client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    assert (
        mum_client.post(
            "/api/v1/auth/register",
            json={
                "username": "mum_zhang",
                "password": "a-long-password",
                "display_name": "张妈妈",
                "district": "新华区",
                "invite_code": invite,
            },
        ).status_code
        == 201
    )

    questions = mum_client.get("/api/v1/quiz/today").get_json()["questions"]
    first = mum_client.post(
        "/api/v1/quiz/today/answers", json={"question_id": questions[0]["id"], "choices": ["A"]}
    ).get_json()
    citizens = kid_client.get("/api/v1/leaderboards/citizens?period=day").get_json()
    assert (
        citizens["entries"][0]["name"] == "张妈妈"
        and citizens["entries"][0]["score"] == first["balance"]
    )
    for q in questions[1:]:
        last = mum_client.post(
            "/api/v1/quiz/today/answers", json={"question_id": q["id"], "choices": ["A"]}
        ).get_json()
    assert last["completed"]

    reporters = kid_client.get("/api/v1/leaderboards/reporters?period=day").get_json()
    assert reporters["me"] == {"rank": 1, "score": 5}
    assert reporters["entries"] == [{"rank": 1, "id": kid.id, "name": "张*明", "score": 5}]
    teams = kid_client.get("/api/v1/leaderboards/teams?period=week").get_json()
    assert teams["entries"] == [{"rank": 1, "id": team["id"], "name": "实验小学", "score": 5}]
    districts = kid_client.get("/api/v1/leaderboards/districts?period=month").get_json()
    assert districts["entries"][0]["score"] == last["balance"] + 5
    family = kid_client.get("/api/v1/me/family").get_json()
    assert family["completed_today"] == 1 and family["members"][0]["points_earned"] == 5
