"""The ledger: Σ entries = balance, never negative, every event credited once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from quiz.errors import InsufficientPoints
from quiz.extensions import db
from quiz.models import User
from quiz.services import ledger

operations = st.lists(
    st.tuples(st.integers(0, 2), st.integers(-60, 60).filter(bool), st.integers(0, 15)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_any_sequence_of_postings_keeps_every_balance_equal_to_its_entries(
    app, factory, clock, ops
):
    users = [factory.user() for _ in range(3)]
    expected = {u.id: 0 for u in users}
    seen_keys: dict[str, int] = {}
    for who, delta, key_no in ops:
        user_id = users[who].id
        key = f"prop:{users[0].id}:{key_no}"
        try:
            posted = ledger.post_entry(user_id, delta, "admin_adjust", key=key, now=clock.now())
            db.session.commit()
        except InsufficientPoints:
            db.session.rollback()
            assert expected[user_id] + delta < 0
            continue
        if key in seen_keys:
            assert not posted.created  # the same event again changes nothing
        else:
            seen_keys[key] = user_id
            expected[user_id] += delta
    for user in users:
        db.session.refresh(user)
        assert user.balance == expected[user.id] >= 0
    assert ledger.mismatches() == []


def test_a_debit_below_zero_is_refused_and_leaves_no_entry(factory, clock):
    user = factory.user()
    ledger.post_entry(user.id, 5, "admin_adjust", key="a", now=clock.now())
    db.session.commit()
    with pytest.raises(InsufficientPoints):
        ledger.post_entry(user.id, -6, "redeem", key="b", now=clock.now())
    db.session.rollback()
    assert db.session.get(User, user.id).balance == 5
    assert ledger.mismatches() == []


def test_the_database_refuses_a_negative_balance_even_bypassing_the_service(factory):
    user = factory.user()
    with pytest.raises(Exception, match="(?i)check|constraint"):
        db.session.execute(text("UPDATE users SET balance = -1 WHERE id = :id"), {"id": user.id})
        db.session.flush()
    db.session.rollback()


def test_ledger_verify_passes_on_a_consistent_ledger_and_fails_on_a_tampered_one(
    app, factory, clock
):
    user = factory.user()
    ledger.post_entry(user.id, 30, "admin_adjust", key="k1", now=clock.now())
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    db.session.execute(text("UPDATE users SET balance = 31 WHERE id = :id"), {"id": user.id})
    db.session.commit()
    bad = runner.invoke(args=["ledger", "verify"])
    assert bad.exit_code == 1
    assert f"user {user.id}" in bad.output
