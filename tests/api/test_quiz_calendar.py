"""The console's quiz calendar (issue 23, defect 9): a month of scheduled and drawn days with a
warning for short schedules, taking a schedule back, and the categories with their counts.
The clock stands at Monday 2026-11-23, 10:00 in Shanghai."""

from __future__ import annotations

import pytest


@pytest.fixture
def bank(factory):
    return [factory.question(category="垃圾分类") for _ in range(6)]


def _day(body, iso):
    return next(d for d in body["days"] if d["date"] == iso)


def test_the_calendar_shows_scheduled_days_and_warns_when_one_is_short(admin_client, bank, app):
    ids = [q.id for q in bank]
    assert (
        admin_client.put(
            "/api/v1/admin/quiz/schedule/2026-11-25", json={"question_ids": ids[:5]}
        ).status_code
        == 200
    )
    assert (
        admin_client.put(
            "/api/v1/admin/quiz/schedule/2026-11-26", json={"question_ids": ids[:2]}
        ).status_code
        == 200
    )
    body = admin_client.get("/api/v1/admin/quiz/calendar?month=2026-11").get_json()
    assert body["month"] == "2026-11" and body["daily_count"] == 5 and len(body["days"]) == 30
    full, short = _day(body, "2026-11-25"), _day(body, "2026-11-26")
    assert (full["status"], full["short"], len(full["questions"])) == ("scheduled", False, 5)
    assert (short["status"], short["short"]) == ("scheduled", True)
    assert [q["id"] for q in short["questions"]] == ids[:2]
    assert _day(body, "2026-11-27")["status"] == "auto"
    assert _day(body, "2026-11-02")["status"] == "none"


def test_a_day_the_service_drew_is_shown_as_drawn(admin_client, bank, as_user, factory):
    as_user(factory.user()).get("/api/v1/quiz/today")
    body = admin_client.get("/api/v1/admin/quiz/calendar").get_json()
    assert body["month"] == "2026-11"
    assert _day(body, "2026-11-23")["status"] == "drawn"


def test_a_future_schedule_is_taken_back_and_the_day_is_drawn_again(admin_client, bank):
    ids = [q.id for q in bank[:3]]
    admin_client.put("/api/v1/admin/quiz/schedule/2026-11-25", json={"question_ids": ids})
    response = admin_client.delete("/api/v1/admin/quiz/schedule/2026-11-25")
    assert response.status_code == 204
    body = admin_client.get("/api/v1/admin/quiz/calendar?month=2026-11").get_json()
    assert _day(body, "2026-11-25")["status"] == "auto"
    again = admin_client.delete("/api/v1/admin/quiz/schedule/2026-11-25")
    assert (again.status_code, again.get_json()["code"]) == (404, "not_found")


def test_today_and_past_days_cannot_be_unscheduled(admin_client, bank):
    for day in ("2026-11-23", "2026-11-20"):
        response = admin_client.delete(f"/api/v1/admin/quiz/schedule/{day}")
        assert (response.status_code, response.get_json()["code"]) == (409, "schedule_locked")


@pytest.mark.parametrize("month", ["2026-13", "0000-01", "2026-1", "x"])
def test_a_malformed_month_is_422(admin_client, month):
    response = admin_client.get(f"/api/v1/admin/quiz/calendar?month={month}")
    assert (response.status_code, response.get_json()["code"]) == (422, "validation_error")


def test_categories_come_with_their_counts_most_active_first(admin_client, factory):
    for _ in range(3):
        factory.question(category="垃圾分类")
    factory.question(category="交通文明")
    factory.question(category="交通文明", active=False)
    body = admin_client.get("/api/v1/admin/quiz/categories").get_json()
    assert body["items"] == [
        {"name": "垃圾分类", "questions": 3, "active": 3},
        {"name": "交通文明", "questions": 2, "active": 1},
    ]


def test_citizens_cannot_read_the_calendar_or_unschedule(as_user, factory):
    client = as_user(factory.user())
    assert client.get("/api/v1/admin/quiz/calendar").status_code == 403
    assert client.get("/api/v1/admin/quiz/categories").status_code == 403
    assert client.delete("/api/v1/admin/quiz/schedule/2026-11-25").status_code == 403


def test_the_first_day_is_the_day_the_quiz_was_first_served(admin_client, bank, as_user, factory):
    assert admin_client.get("/api/v1/admin/quiz/first-day").get_json() == {"date": None}
    as_user(factory.user()).get("/api/v1/quiz/today")
    assert admin_client.get("/api/v1/admin/quiz/first-day").get_json() == {"date": "2026-11-23"}
