"""Races against the shop with real threads and real databases: no oversell, no double charge.

Each thread uses its own test client, so each request runs in its own app context with its own
database session and connection, as in a multi-threaded or multi-process server. PostgreSQL
relies on the buyer's row lock and the conditional stock update; SQLite queues writers at BEGIN.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.models.shop import Redemption
from quiz.runtime import runtime_of
from quiz.services import ledger
from tests.api.test_shop import give_points, make_prize, stock_of
from tests.sessions import signed_in_client

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)


def signed_in(app, user_id: int):
    return signed_in_client(app, user_id)


def post_redemption(client, prize_id: int, key: str):
    response = client.post(
        "/api/v1/shop/redemptions", json={"prize_id": prize_id}, headers={"Idempotency-Key": key}
    )
    return response.status_code, response.get_json()


def race(calls, *, workers: int | None = None):
    """Run the calls at once (lined up on a barrier when each has its own thread)."""
    db.session.commit()  # the test's own session must hold no transaction (SQLite's lock)
    db.session.close()
    workers = workers or len(calls)
    barrier = threading.Barrier(len(calls)) if workers >= len(calls) else None

    def run(call):
        if barrier is not None:
            barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def codes(results) -> Counter:
    return Counter(status if status < 400 else body["code"] for status, body in results)


def test_200_buyers_racing_for_20_units_get_exactly_20(app, factory):
    prize_id = make_prize(app, cost=50, stock=20).id
    users = [factory.user() for _ in range(200)]
    for user in users:
        ledger.post_entry(
            user.id, 100, "admin_adjust", key=f"grant:{user.id}", now=runtime_of(app).clock.now()
        )
    db.session.commit()
    clients = [signed_in(app, user.id) for user in users]
    results = race([lambda c=c: post_redemption(c, prize_id, "storm") for c in clients], workers=32)
    assert codes(results) == Counter({201: 20, "out_of_stock": 180})
    assert stock_of(prize_id) == 0
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == 20
    assert db.session.scalar(select(func.sum(User.balance))) == 200 * 100 - 20 * 50
    assert ledger.mismatches() == []


def test_one_user_firing_20_keys_at_a_limit_of_1_gets_exactly_1(app, factory):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 10_000)
    prize_id = make_prize(app, cost=10, stock=100, per_user_limit=1).id
    clients = [signed_in(app, user.id) for _ in range(20)]
    results = race(
        [lambda c=c, i=i: post_redemption(c, prize_id, f"key-{i}") for i, c in enumerate(clients)]
    )
    assert codes(results) == Counter({201: 1, "limit_reached": 19})
    assert stock_of(prize_id) == 99
    assert db.session.get(User, user_id).balance == 10_000 - 10
    assert ledger.mismatches() == []


def test_the_same_key_fired_10_times_makes_one_redemption_and_one_charge(app, factory):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 1000)
    prize_id = make_prize(app, cost=100, stock=50).id
    clients = [signed_in(app, user.id) for _ in range(10)]
    results = race([lambda c=c: post_redemption(c, prize_id, "tap-tap-tap") for c in clients])
    assert codes(results) == Counter({201: 1, 200: 9})
    assert len({body["id"] for _, body in results}) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "redeem")
        )
        == 1
    )
    assert db.session.get(User, user_id).balance == 900 and stock_of(prize_id) == 49


def test_a_balance_covering_one_prize_wins_only_one_of_two_racing(app, factory):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 100)
    first, second = make_prize(app, cost=100).id, make_prize(app, name="other", cost=100).id
    clients = [signed_in(app, user.id) for _ in range(2)]
    results = race(
        [
            lambda: post_redemption(clients[0], first, "a"),
            lambda: post_redemption(clients[1], second, "b"),
        ]
    )
    assert codes(results) == Counter({201: 1, "insufficient_points": 1})
    assert db.session.get(User, user_id).balance == 0
    assert stock_of(first) + stock_of(second) == 19
    assert ledger.mismatches() == []


def test_racing_cancels_refund_once(app, factory):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 100)
    prize_id = make_prize(app, cost=100, stock=1).id
    redemption_id = post_redemption(signed_in(app, user.id), prize_id, "k")[1]["id"]
    clients = [signed_in(app, user.id) for _ in range(8)]
    results = race(
        [
            lambda c=c: (lambda r: (r.status_code, r.get_json()))(
                c.post(f"/api/v1/me/redemptions/{redemption_id}/cancel")
            )
            for c in clients
        ]
    )
    assert codes(results) == Counter({200: 1, "not_pending": 7})
    assert db.session.get(User, user_id).balance == 100 and stock_of(prize_id) == 1
    assert ledger.mismatches() == []


def test_a_cancel_racing_the_hand_over_lets_exactly_one_win(app, factory):
    user, clerk = factory.user(), factory.user(role="clerk")
    user_id = user.id
    give_points(app, user, 100)
    prize_id = make_prize(app, cost=100, stock=1).id
    body = post_redemption(signed_in(app, user.id), prize_id, "k")[1]
    owner, counter = signed_in(app, user.id), signed_in(app, clerk.id)

    def status(response):
        return response.status_code, response.get_json()

    results = race(
        [
            lambda: status(owner.post(f"/api/v1/me/redemptions/{body['id']}/cancel")),
            lambda: status(
                counter.post(f"/api/v1/admin/redemptions/{body['voucher_code']}/fulfil")
            ),
        ]
    )
    assert codes(results) == Counter({200: 1, "not_pending": 1})
    final = db.session.get(Redemption, body["id"]).status
    balance = db.session.get(User, user_id).balance
    assert (final, balance) in {("cancelled", 100), ("fulfilled", 0)}
    assert ledger.mismatches() == []
