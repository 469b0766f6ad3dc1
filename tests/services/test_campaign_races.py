"""Best-attempt points under racing finishes, with real threads on both databases: a level of a
campaign is paid once, however many attempts reach it at the same moment."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import CampaignAttempt, LedgerEntry, User
from quiz.services import ledger
from tests.api.test_campaigns import OPENS_AT, answer, new_campaign, pool, start
from tests.services.test_shop_races import race, signed_in


def test_twenty_attempts_finishing_at_once_pay_the_best_level_once(
    app, factory, admin_client, clock
):
    user = factory.user()
    user_id = user.id
    campaign = new_campaign(
        admin_client, pool(factory, 6), questions_per_attempt=2, attempts_allowed=20
    )
    clock.set(OPENS_AT)
    client = signed_in(app, user_id)
    attempts = [start(client, campaign["id"]).get_json() for _ in range(20)]
    for attempt in attempts:  # the first question of each: level 1, paid once
        assert (
            answer(client, campaign["id"], attempt, attempt["questions"][0]["id"]).status_code
            == 200
        )
    clients = [signed_in(app, user_id) for _ in attempts]

    def finish(c, attempt):
        response = answer(c, campaign["id"], attempt, attempt["questions"][1]["id"])
        return response.status_code, response.get_json()

    results = race([lambda c=c, a=a: finish(c, a) for c, a in zip(clients, attempts, strict=True)])
    assert [status for status, _ in results] == [200] * 20
    assert all(body["completed"] and body["score"] == 2 for _, body in results)
    assert sorted(body["points_awarded"] for _, body in results) == [0] * 19 + [10]
    entries = db.session.scalars(
        select(LedgerEntry.idempotency_key).where(LedgerEntry.kind == "campaign_points")
    ).all()
    assert sorted(entries) == [
        f"campaign:{campaign['id']}:{user_id}:1",
        f"campaign:{campaign['id']}:{user_id}:2",
    ]
    assert db.session.get(User, user_id).balance == 20
    assert ledger.mismatches() == []


def test_the_same_answer_sent_twenty_times_at_once_is_scored_once(
    app, factory, admin_client, clock
):
    user = factory.user()
    user_id = user.id
    campaign = new_campaign(admin_client, pool(factory, 3))
    clock.set(OPENS_AT)
    client = signed_in(app, user_id)
    attempt = start(client, campaign["id"]).get_json()
    qid = attempt["questions"][0]["id"]
    clients = [signed_in(app, user_id) for _ in range(20)]

    def send(c):
        response = answer(c, campaign["id"], attempt, qid)
        return response.status_code, response.get_json()

    results = race([lambda c=c: send(c) for c in clients])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 19
    assert {body["code"] for status, body in results if status == 409} == {"already_answered"}
    total = db.session.scalar(
        select(func.sum(LedgerEntry.delta)).where(LedgerEntry.user_id == user_id)
    )
    assert total == 10


def test_ten_starts_at_once_open_only_the_attempts_allowed(app, factory, admin_client, clock):
    user = factory.user()
    user_id = user.id
    campaign = new_campaign(admin_client, pool(factory, 3), attempts_allowed=3)
    clock.set(OPENS_AT)
    clients = [signed_in(app, user_id) for _ in range(10)]

    def begin(c):
        response = start(c, campaign["id"])
        return response.status_code, response.get_json()

    results = race([lambda c=c: begin(c) for c in clients])
    assert Counter(s if s < 400 else body["code"] for s, body in results) == Counter(
        {201: 3, "no_attempts_left": 7}
    )
    numbers = db.session.scalars(
        select(CampaignAttempt.number).where(CampaignAttempt.user_id == user_id)
    ).all()
    assert sorted(numbers) == [1, 2, 3]
