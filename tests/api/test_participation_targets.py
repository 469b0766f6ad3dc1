"""Participation against targets: participants (completed a day in range), members (non-staff,
today's roster), target and rate per district and team; targets set by admins only."""

from __future__ import annotations

from datetime import date

import pytest

from quiz.models import ParticipationTarget
from tests.recognition_helpers import play, team

TODAY = date(2026, 11, 23)
RANGE = "from=2026-11-16&to=2026-11-23"


@pytest.fixture
def roster(app, factory):
    """新华区: a (completed today), b (answered one of two, unfinished), c (completed only
    before the range), reporter r1 of 实验小学 (completed), reporter r2 (never played);
    卫东区: d (completed); staff in 新华区 who completed (counted nowhere)."""
    for _ in range(2):
        factory.question(answer="A")
    school = team(app)
    people = {
        "a": factory.user(district="新华区"),
        "b": factory.user(district="新华区"),
        "c": factory.user(district="新华区"),
        "r1": factory.user(district="新华区", role="reporter", team_id=school.id),
        "r2": factory.user(district="新华区", role="reporter", team_id=school.id),
        "d": factory.user(district="卫东区"),
        "admin": factory.user(district="新华区", role="admin"),
        "clerk": factory.user(district="新华区", role="clerk"),
    }
    for name in ("a", "r1", "d", "admin", "clerk"):
        play(app, people[name], TODAY, 1)
    play(app, people["b"], TODAY, 1, answers=1)
    play(app, people["c"], date(2026, 11, 1), 2)
    people["team"] = school
    return people


def rows(client, by: str) -> dict:
    body = client.get(f"/api/v1/admin/reports/participation?{RANGE}&by={by}").get_json()
    return {r["key"]: r for r in body["rows"]}


def test_participation_by_district_counts_members_participants_target_and_rate(
    roster, admin_client
):
    put = admin_client.put("/api/v1/admin/targets/district/新华区", json={"target": 4})
    assert put.status_code == 200
    assert put.get_json()["target"] == 4 and put.get_json()["key"] == "新华区"
    by_district = rows(admin_client, "district")
    assert by_district["新华区"] == {
        "key": "新华区",
        "name": "新华区",
        "participants": 2,
        "members": 5,
        "target": 4,
        "rate": 0.5,
    }
    assert by_district["卫东区"]["participants"] == 1 and by_district["卫东区"]["members"] == 1
    assert by_district["卫东区"]["target"] is None and by_district["卫东区"]["rate"] is None
    # Every configured district has a row, even with nobody in it.
    assert by_district["高新区"]["members"] == 0 and by_district["高新区"]["participants"] == 0


def test_participation_by_team_takes_a_target_set_by_the_teams_name(roster, admin_client):
    school = roster["team"]
    put = admin_client.put("/api/v1/admin/targets/team/实验小学", json={"target": 3})
    assert put.get_json() == {
        "by": "team",
        "key": str(school.id),
        "name": "实验小学",
        "target": 3,
        "updated_at": put.get_json()["updated_at"],
    }
    row = rows(admin_client, "team")[str(school.id)]
    assert (row["participants"], row["members"], row["target"]) == (1, 2, 3)
    assert row["rate"] == 0.3333
    # Setting it again by id replaces it; null clears it.
    admin_client.put(f"/api/v1/admin/targets/team/{school.id}", json={"target": 1})
    assert rows(admin_client, "team")[str(school.id)]["rate"] == 1.0
    admin_client.put(f"/api/v1/admin/targets/team/{school.id}", json={"target": None})
    assert rows(admin_client, "team")[str(school.id)]["target"] is None
    assert ParticipationTarget.query.count() == 0


def test_participation_against_targets_downloads_as_csv(roster, admin_client):
    admin_client.put("/api/v1/admin/targets/district/新华区", json={"target": 4})
    response = admin_client.get(
        f"/api/v1/admin/reports/participation?{RANGE}&by=district&format=csv"
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "key,name,participants,members,target,rate"
    assert "新华区,新华区,2,5,4,0.5" in lines and "卫东区,卫东区,1,1,," in lines
    assert "participation-district-" in response.headers["Content-Disposition"]


def test_participation_per_day_stays_the_default(roster, admin_client):
    body = admin_client.get(f"/api/v1/admin/reports/participation?{RANGE}").get_json()
    assert body["by"] == "day"
    assert body["rows"] == [
        {"date": "2026-11-23", "participants": 6, "completed": 5, "answers": 11}
    ]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("district/不存在区", {"target": 5}, 404, "unknown_key"),
        ("team/999", {"target": 5}, 404, "unknown_key"),
        ("team/没有这个队", {"target": 5}, 404, "unknown_key"),
        ("school/新华区", {"target": 5}, 404, "unknown_key"),
        ("district/新华区", {"target": -1}, 422, "validation_error"),
        ("district/新华区", {"target": "many"}, 422, "validation_error"),
        ("district/新华区", {"target": 1.5}, 422, "validation_error"),
        ("district/新华区", {}, 422, "validation_error"),
        ("district/新华区", {"target": 10**12}, 422, "validation_error"),
    ],
)
def test_targets_refuse_unknown_keys_and_bad_numbers(
    roster, admin_client, path, body, status, code
):
    response = admin_client.put(f"/api/v1/admin/targets/{path}", json=body)
    assert response.status_code == status and response.get_json()["code"] == code
    assert ParticipationTarget.query.count() == 0


def test_two_teams_of_one_name_need_the_team_id(app, roster, admin_client):
    team(app, name="实验小学", district="卫东区")
    response = admin_client.put("/api/v1/admin/targets/team/实验小学", json={"target": 5})
    assert response.status_code == 404 and "团队编号" in response.get_json()["detail"]


def test_targets_and_the_report_are_for_admins_only(roster, as_user, client):
    for user in (roster["a"], roster["r1"], roster["clerk"]):
        c = as_user(user)
        put = c.put("/api/v1/admin/targets/district/新华区", json={"target": 5})
        get = c.get(f"/api/v1/admin/reports/participation?{RANGE}&by=district")
        assert put.status_code == get.status_code == 403
        assert put.get_json()["code"] == "forbidden"
    assert (
        client.put("/api/v1/admin/targets/district/新华区", json={"target": 5}).status_code == 401
    )
    assert ParticipationTarget.query.count() == 0
