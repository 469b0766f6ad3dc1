"""Teams, join codes, invite codes, families and the admin's team and consent routes."""

from __future__ import annotations

import dataclasses
import re

import pytest

from quiz.extensions import db
from quiz.models import User
from quiz.runtime import runtime_of
from quiz.services.codes import ALPHABET


def make_team(admin_client, name="第一小学小记者站", district="新华区") -> dict:
    response = admin_client.post("/api/v1/admin/teams", json={"name": name, "district": district})
    assert response.status_code == 201
    return response.get_json()


def test_an_admin_creates_a_team_with_a_typable_join_code(app, admin_client):
    team = make_team(admin_client)
    assert team["name"] == "第一小学小记者站" and team["district"] == "新华区"
    assert re.fullmatch(f"[{ALPHABET}]{{8}}", team["join_code"])


def test_join_codes_differ_between_teams(app, admin_client):
    assert make_team(admin_client, "甲")["join_code"] != make_team(admin_client, "乙")["join_code"]


def test_a_team_in_an_unknown_district_is_refused(app, admin_client):
    response = admin_client.post("/api/v1/admin/teams", json={"name": "x", "district": "火星区"})
    assert response.status_code == 422


def test_only_admins_create_teams(app, citizen_client):
    response = citizen_client.post("/api/v1/admin/teams", json={"name": "x"})
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_joining_with_the_code_makes_a_reporter_with_an_invite_code(
    app, admin_client, citizen_client
):
    team = make_team(admin_client)
    response = citizen_client.post("/api/v1/me/team", json={"join_code": team["join_code"]})
    user = response.get_json()
    assert response.status_code == 200 and user["role"] == "reporter"
    assert user["team"] == {"id": team["id"], "name": team["name"]}
    assert re.fullmatch(f"[{ALPHABET}]{{8}}", user["invite_code"])


def test_a_join_code_is_forgiving_of_case_spaces_and_dashes(app, admin_client, citizen_client):
    code = make_team(admin_client)["join_code"]
    typed = f"{code[:4].lower()}-{code[4:]} "
    assert citizen_client.post("/api/v1/me/team", json={"join_code": typed}).status_code == 200


def test_an_unknown_join_code_is_not_found(app, citizen_client):
    response = citizen_client.post("/api/v1/me/team", json={"join_code": "ZZZZZZZZ"})
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_join_code"


def test_an_admin_cannot_become_a_reporter(app, admin_client):
    code = make_team(admin_client)["join_code"]
    response = admin_client.post("/api/v1/me/team", json={"join_code": code})
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_joining_another_team_moves_the_reporter_and_keeps_the_invite_code(
    app, admin_client, citizen_client
):
    first, second = make_team(admin_client, "甲"), make_team(admin_client, "乙")
    before = citizen_client.post(
        "/api/v1/me/team", json={"join_code": first["join_code"]}
    ).get_json()
    after = citizen_client.post(
        "/api/v1/me/team", json={"join_code": second["join_code"]}
    ).get_json()
    assert after["team"]["id"] == second["id"] and after["invite_code"] == before["invite_code"]


def test_a_rotated_code_replaces_the_old_one(app, admin_client, citizen_client):
    team = make_team(admin_client)
    rotated = admin_client.post(f"/api/v1/admin/teams/{team['id']}/join-code").get_json()
    assert rotated["join_code"] != team["join_code"]
    assert (
        citizen_client.post("/api/v1/me/team", json={"join_code": team["join_code"]}).status_code
        == 404
    )
    assert (
        citizen_client.post("/api/v1/me/team", json={"join_code": rotated["join_code"]}).status_code
        == 200
    )


def test_admins_list_teams_with_member_counts(app, admin_client, citizen_client):
    team = make_team(admin_client, "甲")
    make_team(admin_client, "乙")
    citizen_client.post("/api/v1/me/team", json={"join_code": team["join_code"]})
    body = admin_client.get("/api/v1/admin/teams?limit=1").get_json()
    assert [(t["name"], t["members"]) for t in body["items"]] == [("甲", 1)]
    rest = admin_client.get(f"/api/v1/admin/teams?cursor={body['next_cursor']}").get_json()
    assert [(t["name"], t["members"]) for t in rest["items"]] == [("乙", 0)]
    assert rest["next_cursor"] is None


def test_an_admin_moves_a_member_into_a_team(app, admin_client, factory):
    team = make_team(admin_client)
    kid = factory.user()
    response = admin_client.put(f"/api/v1/admin/teams/{team['id']}/members/{kid.id}")
    assert response.status_code == 200 and response.get_json()["role"] == "reporter"
    assert response.get_json()["team"]["id"] == team["id"]


def test_staff_cannot_be_moved_into_a_team(app, admin_client, factory):
    team = make_team(admin_client)
    clerk = factory.user(role="clerk")
    response = admin_client.put(f"/api/v1/admin/teams/{team['id']}/members/{clerk.id}")
    assert response.status_code == 409 and response.get_json()["code"] == "not_a_participant"


def test_an_admin_removes_a_member_who_becomes_a_citizen(app, admin_client, factory):
    team = make_team(admin_client)
    kid = factory.user()
    admin_client.put(f"/api/v1/admin/teams/{team['id']}/members/{kid.id}")
    response = admin_client.delete(f"/api/v1/admin/teams/{team['id']}/members/{kid.id}")
    body = response.get_json()
    assert response.status_code == 200 and body["role"] == "citizen" and body["team"] is None


def test_removing_someone_not_in_the_team_is_not_found(app, admin_client, factory):
    team = make_team(admin_client)
    response = admin_client.delete(f"/api/v1/admin/teams/{team['id']}/members/{factory.user().id}")
    assert response.status_code == 404


def test_moving_into_an_unknown_team_is_not_found(app, admin_client, factory):
    response = admin_client.put(f"/api/v1/admin/teams/999/members/{factory.user().id}")
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_team"


def register(client, username, invite_code=None):
    return client.post(
        "/api/v1/auth/register",
        json={
            "username": username,
            "password": "a-long-password",
            "display_name": username,
            "invite_code": invite_code,
        },
    )


def reporter_with_code(admin_client, as_user, factory) -> tuple:
    kid = factory.user(display_name="小明")
    code = make_team(admin_client)["join_code"]
    invite = (
        as_user(kid).post("/api/v1/me/team", json={"join_code": code}).get_json()["invite_code"]
    )
    return kid, invite


def test_registering_with_an_invite_code_links_the_family_member(
    app, admin_client, as_user, factory
):
    kid, invite = reporter_with_code(admin_client, as_user, factory)
    response = register(app.test_client(), "mum_of_ming", invite.lower())
    assert response.status_code == 201
    assert db.session.get(User, response.get_json()["id"]).family_reporter_id == kid.id


def test_an_unknown_invite_code_is_not_found(app):
    response = register(app.test_client(), "stranger", "NOPE2345")
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_invite_code"


def test_a_full_family_refuses_another_member(app, admin_client, as_user, factory):
    rules = runtime_of(app).rules
    runtime_of(app).rules = dataclasses.replace(rules, family_max=2)
    _, invite = reporter_with_code(admin_client, as_user, factory)
    assert register(app.test_client(), "relative_1", invite).status_code == 201
    assert register(app.test_client(), "relative_2", invite).status_code == 201
    response = register(app.test_client(), "relative_3", invite)
    assert response.status_code == 409 and response.get_json()["code"] == "family_full"


def test_a_reporter_sees_their_family(app, admin_client, as_user, factory):
    kid, invite = reporter_with_code(admin_client, as_user, factory)
    register(app.test_client(), "grandma_li", invite)
    body = as_user(kid).get("/api/v1/me/family").get_json()
    assert body["invite_code"] == invite and body["max_members"] == 6
    assert [(m["display_name"], m["completed_today"]) for m in body["members"]] == [
        ("grandma_li", False)
    ]


def test_the_family_view_is_for_reporters_only(app, citizen_client):
    response = citizen_client.get("/api/v1/me/family")
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_an_admin_records_guardian_consent(app, admin_client, factory):
    kid = factory.user(role="reporter")
    response = admin_client.patch(f"/api/v1/admin/users/{kid.id}", json={"show_full_name": True})
    assert response.status_code == 200 and response.get_json()["show_full_name"] is True
    assert admin_client.get(f"/api/v1/admin/users/{kid.id}").get_json()["show_full_name"] is True


def test_only_admins_record_consent(app, citizen_client, factory):
    kid = factory.user(role="reporter")
    response = citizen_client.patch(f"/api/v1/admin/users/{kid.id}", json={"show_full_name": True})
    assert response.status_code == 403


def test_consent_for_an_unknown_user_is_not_found(app, admin_client):
    response = admin_client.patch("/api/v1/admin/users/999", json={"show_full_name": True})
    assert response.status_code == 404


def test_an_id_beyond_the_column_is_not_found(app, admin_client):
    response = admin_client.put("/api/v1/admin/teams/99999999999999999999/members/1")
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_team"


def test_a_cursor_beyond_the_column_is_refused_like_any_forged_cursor(app, admin_client):
    from quiz.schemas.common import encode_cursor

    response = admin_client.get(f"/api/v1/admin/teams?cursor={encode_cursor(10**30)}")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("app_config", [{"QUIZ_REGISTRATION": "invite"}])
def test_an_invited_family_member_who_joins_a_team_gets_no_invite_code_of_their_own(
    app, admin_client, as_user, factory
):
    kid, invite = reporter_with_code(admin_client, as_user, factory)
    client = app.test_client()
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    assert register(client, "mum_of_ming", invite).status_code == 201
    code = make_team(admin_client, name="第二小学小记者站")["join_code"]
    joined = client.post("/api/v1/me/team", json={"join_code": code})
    assert joined.status_code == 200 and joined.get_json()["role"] == "reporter"
    # No code of her own to hand out: invited accounts cannot multiply.
    assert joined.get_json()["invite_code"] is None
