"""A hold racing redemptions on PostgreSQL: once the hold commits, no redemption completes.

The hold takes the account's row lock, the lock every redemption and hand-over takes first;
a redemption waiting on it reads the committed hold when it gets the row.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text

from quiz.extensions import db
from quiz.models import User
from quiz.models.shop import Redemption
from quiz.runtime import runtime_of
from quiz.services import fairplay, ledger
from tests.api.test_shop import give_points, make_prize
from tests.services.test_shop_races import codes, post_redemption, race, signed_in


@pytest.fixture
def app_config():
    # Room for 20 requests waiting on the lock at once, beside the test's own connection.
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5}}


@pytest.fixture(autouse=True)
def postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every writer at BEGIN")


def _waiting_on_locks(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            )
    finally:
        engine.dispose()


def test_twenty_redemptions_waiting_on_a_hold_all_fail_once_it_commits(app, factory):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 10_000)
    prize_id = make_prize(app, cost=10, stock=100).id
    admin_id = factory.user(role="admin").id
    clients = [signed_in(app, user_id) for _ in range(20)]

    # The hold is in flight: it holds the account's row lock, not yet committed.
    fairplay.hold(user_id, "批量注册", actor_id=admin_id, now=runtime_of(app).clock.now())
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [
            pool.submit(post_redemption, c, prize_id, f"key-{i}") for i, c in enumerate(clients)
        ]
        deadline = time.monotonic() + 20
        while _waiting_on_locks(url) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        queued = _waiting_on_locks(url)
        db.session.commit()  # the hold commits
        results = [f.result(timeout=30) for f in futures]

    assert queued == 20  # every redemption was in flight, queued behind the hold
    assert codes(results) == Counter({"account_on_hold": 20})
    db.session.expire_all()
    assert db.session.get(User, user_id).balance == 10_000
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == 0


def test_a_hold_racing_twenty_redemptions_leaves_none_after_it(app, factory, as_user):
    user = factory.user()
    user_id = user.id
    give_points(app, user, 10_000)
    prize_id = make_prize(app, cost=10, stock=100).id
    admin = as_user(factory.user(role="admin"))
    clients = [signed_in(app, user_id) for _ in range(20)]
    hold_done = threading.Event()
    after_hold = []

    def hold():
        response = admin.post(f"/api/v1/admin/users/{user_id}/hold", json={"memo": "核查"})
        hold_done.set()
        return response.status_code, response.get_json()

    def redeem(client, i):
        result = post_redemption(client, prize_id, f"key-{i}")
        if hold_done.is_set():
            # Sent after the hold had committed: it must be refused.
            after_hold.append(post_redemption(client, prize_id, f"late-{i}"))
        return result

    results = race([hold] + [lambda c=c, i=i: redeem(c, i) for i, c in enumerate(clients)])
    hold_result, redemptions = results[0], results[1:]
    assert hold_result[0] == 200
    assert set(codes(redemptions)) <= {201, "account_on_hold"}
    assert all(body["code"] == "account_on_hold" for _, body in after_hold)
    made = codes(redemptions)[201]
    db.session.expire_all()
    assert db.session.get(User, user_id).balance == 10_000 - 10 * made
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == made
    assert ledger.mismatches() == []
