"""A campaign never gives away what the daily quiz has yet to ask (today's set, future days')."""

from __future__ import annotations

from datetime import timedelta

from quiz.clock import local_day
from quiz.runtime import runtime_of
from tests.api.test_campaigns import answer, new_campaign, start

OPENS_NOW = "2026-11-23T09:00:00+08:00"


def _today(client) -> list[int]:
    return [q["id"] for q in client.get("/api/v1/quiz/today").get_json()["questions"]]


def test_an_attempt_never_draws_todays_questions_the_user_has_not_answered(
    app, admin_client, factory, as_user
):
    for _ in range(10):
        factory.question(category="创文")
    player = as_user(factory.user())
    todays = _today(player)
    # Created after the day was drawn, on the same category: its pool holds today's questions.
    campaign = new_campaign(
        admin_client,
        None,
        category="创文",
        starts_at=OPENS_NOW,
        questions_per_attempt=5,
        attempts_allowed=10,
    )
    assert sorted(campaign["overlapping_question_ids"]) == sorted(todays)
    for _ in range(4):
        attempt = start(player, campaign["id"]).get_json()
        assert not set(q["id"] for q in attempt["questions"]) & set(todays)


def test_a_question_scheduled_after_the_attempt_began_is_refused_in_the_campaign(
    app, admin_client, factory, as_user, clock
):
    ids = [factory.question().id for _ in range(5)]
    campaign = new_campaign(
        admin_client, ids, starts_at=OPENS_NOW, questions_per_attempt=5, attempts_allowed=1
    )
    player = as_user(factory.user())
    attempt = start(player, campaign["id"]).get_json()
    drawn = attempt["questions"][0]["id"]
    tomorrow = local_day(clock.now(), runtime_of(app).rules.tz) + timedelta(1)
    scheduled = admin_client.put(
        f"/api/v1/admin/quiz/schedule/{tomorrow.isoformat()}", json={"question_ids": [drawn]}
    )
    assert scheduled.status_code == 200
    assert scheduled.get_json()["overlapping_question_ids"] == [drawn]
    refused = answer(player, campaign["id"], attempt, drawn, ["B"])
    assert refused.status_code == 409 and refused.get_json()["code"] == "question_withheld"
    assert "correct_choices" not in refused.get_json()
    other = attempt["questions"][1]["id"]
    assert answer(player, campaign["id"], attempt, other).status_code == 200
