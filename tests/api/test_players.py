"""签到日历, the reminder opt-in, the 纠错 reply badge and 忘记密码 (issue 23)."""

from __future__ import annotations

import pytest

from quiz.extensions import db
from quiz.models.players import PlayerSettings
from quiz.services import prizes
from tests.factories import PASSWORD


@pytest.fixture
def bank(factory):
    return [factory.question(category="垃圾分类") for _ in range(5)]


def play(client, wrong: int = 0, count: int = 5) -> None:
    day = client.get("/api/v1/quiz/today").get_json()
    for n, q in enumerate(day["questions"][:count]):
        choices = ["B"] if n < wrong else ["A"]
        response = client.post(
            "/api/v1/quiz/today/answers", json={"question_id": q["id"], "choices": choices}
        )
        assert response.status_code == 200, response.get_json()


# ------------------------------------------------------------------ 签到日历
def test_the_calendar_marks_perfect_completed_partial_missed_and_future_days(
    app, clock, bank, factory, as_user
):
    user = factory.user(username="cal")
    client = as_user(user)
    clock.advance(days=-2)  # Saturday 2026-11-21: all right
    play(client)
    clock.advance(days=1)  # Sunday: one wrong
    play(client, wrong=1)
    clock.advance(days=1)  # Monday 2026-11-23 (today): two of five
    play(client, count=2)
    body = client.get("/api/v1/me/calendar?month=2026-11").get_json()
    assert body["month"] == "2026-11"
    days = {d["date"]: d for d in body["days"]}
    assert len(days) == 30
    assert days["2026-11-21"] == {"date": "2026-11-21", "status": "perfect", "points": 70}
    assert days["2026-11-22"]["status"] == "completed"
    assert days["2026-11-23"]["status"] == "partial"
    assert days["2026-11-20"]["status"] == "missed"
    assert days["2026-11-24"]["status"] == "future"
    assert body["streak"] == 2


def test_the_calendar_defaults_to_this_month_and_refuses_a_malformed_one(client, as_user, factory):
    client = as_user(factory.user(username="cal2"))
    assert client.get("/api/v1/me/calendar").get_json()["month"] == "2026-11"
    response = client.get("/api/v1/me/calendar?month=2026-13")
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"


def test_the_calendar_needs_a_signed_in_user(client):
    assert client.get("/api/v1/me/calendar").get_json()["code"] == "login_required"


# ------------------------------------------------------------------ reminders
def test_a_player_opts_in_to_a_reminder_and_the_feed_data_is_kept(app, as_user, factory):
    user = factory.user(username="remind")
    client = as_user(user)
    assert client.get("/api/v1/me/reminders").get_json() == {"enabled": False, "time": "20:00"}
    response = client.put("/api/v1/me/reminders", json={"enabled": True, "time": "19:30"})
    assert response.status_code == 200
    assert response.get_json() == {"enabled": True, "time": "19:30"}
    row = db.session.get(PlayerSettings, user.id)
    assert (row.reminder_enabled, row.reminder_time) == (True, "19:30")
    assert (
        client.put("/api/v1/me/reminders", json={"enabled": False, "time": "19:30"}).get_json()[
            "enabled"
        ]
        is False
    )


@pytest.mark.parametrize("time", ["7:30", "24:00", "19:60", "23:30"])
def test_a_reminder_time_must_be_hh_mm_and_not_after_the_latest(as_user, factory, time):
    client = as_user(factory.user(username="late"))
    response = client.put("/api/v1/me/reminders", json={"enabled": True, "time": time})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "time"


# ------------------------------------------------------------------ the 纠错 reply badge
def test_a_reply_to_a_report_shows_a_badge_until_read(
    app, clock, bank, factory, as_user, admin_client
):
    user = factory.user(username="reporter1")
    client = as_user(user)
    play(client)
    qid = client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    report = client.post(
        f"/api/v1/questions/{qid}/reports", json={"reason": "answer", "message": "答案不对"}
    ).get_json()
    assert client.get("/api/v1/me/badges").get_json() == {"report_replies": 0}
    clock.advance(minutes=5)
    resolved = admin_client.post(
        f"/api/v1/admin/question-reports/{report['id']}/resolve",
        json={"resolution": "rejected", "note": "答案无误，依据见解析。"},
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert client.get("/api/v1/me/badges").get_json() == {"report_replies": 1}
    clock.advance(minutes=1)
    assert client.post("/api/v1/me/question-reports/read").status_code == 204
    assert client.get("/api/v1/me/badges").get_json() == {"report_replies": 0}


# ------------------------------------------------------------------ 忘记密码
def test_an_admin_issued_code_sets_a_new_password_once_and_ends_old_sessions(
    app, client, factory, as_user, admin_client
):
    user = factory.user(username="forgot")
    old_session = as_user(user)
    issued = admin_client.post("/api/v1/admin/password-resets", json={"username": "Forgot"})
    assert issued.status_code == 201, issued.get_json()
    code = issued.get_json()["code"]
    assert len(code) == 9 and code[4] == "-"
    body = {"username": "forgot", "code": code.lower(), "new_password": "brand-new-pass"}
    assert client.post("/api/v1/auth/password-reset", json=body).status_code == 204
    assert client.post("/api/v1/auth/password-reset", json=body).get_json()["code"] == (
        "invalid_reset_code"
    )
    assert old_session.get("/api/v1/me").status_code == 401
    login = client.post(
        "/api/v1/auth/login", json={"username": "forgot", "password": "brand-new-pass"}
    )
    assert login.status_code == 200
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "forgot", "password": PASSWORD}
        ).status_code
        == 401
    )


def test_a_reset_code_expires_and_works_only_for_its_own_user(
    app, clock, client, factory, admin_client
):
    factory.user(username="one")
    factory.user(username="two")
    code = admin_client.post("/api/v1/admin/password-resets", json={"username": "one"}).get_json()[
        "code"
    ]
    body = {"username": "two", "code": code, "new_password": "brand-new-pass"}
    assert client.post("/api/v1/auth/password-reset", json=body).status_code == 400
    clock.advance(minutes=31)
    body["username"] = "one"
    assert client.post("/api/v1/auth/password-reset", json=body).get_json()["code"] == (
        "invalid_reset_code"
    )


def test_only_admins_issue_reset_codes(as_user, factory):
    client = as_user(factory.user(username="nosy"))
    response = client.post("/api/v1/admin/password-resets", json={"username": "nosy"})
    assert response.status_code == 403


def test_the_demo_prizes_include_one_a_perfect_first_day_affords(app, clock):

    assert prizes.seed_demo_prizes(clock.now()) == len(prizes.DEMO_PRIZES)
    config = app.config
    perfect_day = (
        config["QUIZ_DAILY_COUNT"] * config["QUIZ_POINTS_CORRECT"] + config["QUIZ_BONUS_PERFECT"]
    )
    assert min(cost for _, _, cost, _, _ in prizes.DEMO_PRIZES) <= perfect_day


# ------------------------------------------------------------------ the share card
def test_the_share_card_is_refused_before_the_days_last_answer(bank, as_user, factory):
    client = as_user(factory.user(username="early"))
    play(client, count=4)
    response = client.get("/api/v1/quiz/today/share.png")
    assert response.status_code == 409
    assert response.get_json()["code"] == "not_completed"


def test_the_share_card_is_a_1080_by_1440_png_with_a_masked_minor_name(bank, as_user, factory):
    from io import BytesIO

    from PIL import Image

    from quiz.services import posters

    if not posters.find_font(None):
        pytest.skip("no CJK font installed")
    reporter = factory.user(username="kid", role="reporter", display_name="王小明")
    client = as_user(reporter)
    play(client)
    response = client.get("/api/v1/quiz/today/share.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert Image.open(BytesIO(response.data)).size == (1080, 1440)


def test_the_share_card_names_a_minor_masked_and_links_the_family_invite(
    app, bank, as_user, factory, monkeypatch
):
    from quiz.services import share_cards

    seen = {}
    monkeypatch.setattr(share_cards, "daily_card_png", lambda **kw: seen.update(kw) or b"\\x89PNG")
    reporter = factory.user(
        username="kid2", role="reporter", display_name="王小明", invite_code="KID2CODE"
    )
    client = as_user(reporter)
    play(client)
    assert client.get("/api/v1/quiz/today/share.png").status_code == 200
    assert seen["name"] == "王*明"
    assert seen["link"].endswith(f"/app/register?invite={reporter.invite_code}")
    assert seen["result"].correct == 5 and seen["streak"] == 1 and seen["week_rank"] == 1
