"""Recognition: last week's stars from the past-period boards, and certificates (荣誉证书)
issued for a perfect week, verified by code, downloaded as PNG."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from tests.board_helpers import (  # noqa: F401  (fixtures)
    app_config,
    board_backend,
)
from tests.recognition_helpers import LAST_MONDAY, play, team

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)

CITIZENS = [f"市民{n:02d}" for n in range(12)]


@pytest.fixture
def questions(factory):
    return [factory.question(answer="A") for _ in range(5)]


@pytest.fixture
def last_week(app, factory, questions):
    """12 citizens and 3 reporters play Monday of last week. Citizen i gets 5 − i//3 right
    (70, 40, 30 or 20 points) at 09:(7i mod 12); 张三明 all right at 09:12 (70, last of that
    tie), 李四 one right (10), 王五 none (no points, so on no board)."""
    citizens = [factory.user(display_name=name) for name in CITIZENS]
    school = team(app)
    kids = [
        factory.user(role="reporter", team_id=school.id, display_name=name, invite_code=code)
        for name, code in (("张三明", "KIDZHANG"), ("李四", "KIDLISI2"), ("王五", "KIDWANG5"))
    ]
    for i, citizen in enumerate(citizens):
        play(app, citizen, LAST_MONDAY, 5 - i // 3, minute=(7 * i) % 12)
    for kid, (correct, minute) in zip(kids, ((5, 12), (1, 13), (0, 14)), strict=True):
        play(app, kid, LAST_MONDAY, correct, minute=minute)
    return citizens, kids


def test_weekly_stars_are_last_weeks_top_ten_with_minors_masked(last_week, as_user):
    citizens, kids = last_week
    body = as_user(citizens[10]).get("/api/v1/leaderboards/weekly-stars").get_json()
    assert body["start"] == "2026-11-16" and body["end"] == "2026-11-22"
    expected = [
        ("市民00", 70), ("市民02", 70), ("市民01", 70), ("张*明", 70),
        ("市民04", 40), ("市民03", 40), ("市民05", 40),
        ("市民07", 30), ("市民06", 30), ("市民08", 30),
    ]  # fmt: skip
    assert [(e["name"], e["score"]) for e in body["citizens"]] == expected
    assert [e["rank"] for e in body["citizens"]] == list(range(1, 11))
    assert [(e["name"], e["score"]) for e in body["reporters"]] == [("张*明", 70), ("李*", 10)]
    # Rank 13 of 14: outside the ten shown, but the caller still sees their place.
    assert body["me"] == {"citizens": {"rank": 13, "score": 20}, "reporters": None}


def test_a_reporter_sees_their_own_place_on_both_boards(last_week, as_user):
    _citizens, kids = last_week
    body = as_user(kids[0]).get("/api/v1/leaderboards/weekly-stars").get_json()
    assert body["me"] == {
        "citizens": {"rank": 4, "score": 70},
        "reporters": {"rank": 1, "score": 70},
    }


def test_this_weeks_points_are_not_last_weeks_stars(app, last_week, as_user, factory):
    late = factory.user(display_name="本周新人")
    play(app, late, LAST_MONDAY + timedelta(days=7), 5)
    body = as_user(late).get("/api/v1/leaderboards/weekly-stars").get_json()
    assert "本周新人" not in [e["name"] for e in body["citizens"]]
    assert body["me"] == {"citizens": None, "reporters": None}
    # …and they are the stars of this week once it is asked for by its Monday.
    now = as_user(late).get("/api/v1/leaderboards/weekly-stars?start=2026-11-23").get_json()
    assert now["citizens"][0]["name"] == "本周新人"


def test_weekly_stars_need_a_monday_and_a_signed_in_caller(last_week, as_user, client):
    citizens, _kids = last_week
    tuesday = as_user(citizens[0]).get("/api/v1/leaderboards/weekly-stars?start=2026-11-17")
    assert tuesday.status_code == 422 and tuesday.get_json()["code"] == "validation_error"
    assert client.get("/api/v1/leaderboards/weekly-stars").status_code == 401


def test_admin_winners_are_masked_for_publication_and_export_as_csv(last_week, admin_client):
    body = admin_client.get("/api/v1/admin/winners?start=2026-11-16").get_json()
    assert body["citizens"][3]["name"] == "张*明" and body["me"] is None
    csv = admin_client.get("/api/v1/admin/winners?start=2026-11-16&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "board,rank,name,score"
    assert lines[1] == "市民之星,1,市民00,70" and "小记者之星,1,张*明,70" in lines
    assert len(lines) == 1 + 10 + 2


def test_winners_poster_is_a_png_of_the_poster_size(last_week, admin_client):
    response = admin_client.get("/api/v1/admin/winners/poster.png?start=2026-11-16")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1080, 1920)


def test_winners_are_for_admins_only(last_week, as_user):
    citizens, _kids = last_week
    for path in ("/api/v1/admin/winners", "/api/v1/admin/winners/poster.png"):
        response = as_user(citizens[0]).get(path)
        assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
