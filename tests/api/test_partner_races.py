"""Partner requests racing with real threads on real databases: one debit per order, never an
overdraft, a debit and a shop redemption never both spend the same points.

Each thread has its own test client, so each request runs in its own app context with its own
session and connections, as in a multi-threaded or multi-process server.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.models.partner import PartnerDebit
from quiz.runtime import runtime_of
from quiz.services import ledger
from tests.api.test_shop import make_prize
from tests.partner_sim import PartnerSim, balance_of, make_partner, news_user
from tests.services.test_shop_races import post_redemption, race, signed_in


def _sims(app, partner_id, secret, n):
    return [
        PartnerSim(app.test_client(), partner_id, secret, runtime_of(app).clock) for _ in range(n)
    ]


def _codes(answers) -> Counter:
    return Counter(a.status if a.status < 400 else a.code for a in answers)


def _entries(kind: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == kind)
    )


def test_20_concurrent_debits_with_one_order_id_make_one_debit(app, factory):
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "u1", points=1000)
    sims = _sims(app, partner_id, secret, 20)
    answers = race([lambda s=s: s.debit("u1", 30, "ORDER-1", memo="保温杯") for s in sims])
    assert _codes(answers) == Counter({201: 1, 200: 19})
    assert len({a.body["debit_id"] for a in answers}) == 1
    assert {a.body["balance"] for a in answers} == {970}
    assert _entries("partner_debit") == 1
    assert balance_of(user_id) == 970
    assert ledger.mismatches() == []


def test_20_debits_against_a_balance_covering_5_succeed_exactly_5_times(app, factory):
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "u1", points=50)
    sims = _sims(app, partner_id, secret, 20)
    answers = race([lambda s=s, i=i: s.debit("u1", 10, f"ORDER-{i}") for i, s in enumerate(sims)])
    assert _codes(answers) == Counter({201: 5, "insufficient_points": 15})
    assert balance_of(user_id) == 0
    assert _entries("partner_debit") == 5
    assert ledger.mismatches() == []


def test_one_order_id_raced_for_two_different_users_debits_only_one(app, factory):
    partner_id, secret = make_partner(app)
    first = news_user(app, factory, "u1", points=100)
    second = news_user(app, factory, "u2", points=100)
    sims = _sims(app, partner_id, secret, 10)
    answers = race(
        [
            lambda s=s, i=i: s.debit("u1" if i % 2 else "u2", 10, "SHARED")
            for i, s in enumerate(sims)
        ]
    )
    codes = _codes(answers)
    assert codes[201] == 1 and codes["order_id_reused"] >= 4
    assert sorted([balance_of(first), balance_of(second)]) == [90, 100]
    assert db.session.scalar(select(func.count()).select_from(PartnerDebit)) == 1


def test_a_debit_racing_a_shop_redemption_never_overdraws(app, factory):
    partner_id, secret = make_partner(app)
    prize_id = make_prize(app, cost=100, stock=50).id
    for round_ in range(5):
        uid = f"racer-{round_}"
        user_id = news_user(app, factory, uid, points=100)
        sim = PartnerSim(app.test_client(), partner_id, secret, runtime_of(app).clock)
        shopper = signed_in(app, user_id)
        results = race(
            [
                lambda sim=sim, uid=uid: sim.debit(uid, 100, f"O-{uid}"),
                lambda shopper=shopper, uid=uid: post_redemption(shopper, prize_id, f"k-{uid}"),
            ]
        )
        debit, (redeem_status, _) = results
        won = [debit.status == 201, redeem_status == 201]
        assert won.count(True) == 1, (debit.status, debit.body, redeem_status)
        assert db.session.get(User, user_id).balance == 0
    assert ledger.mismatches() == []


def test_ten_debits_and_ten_redemptions_racing_spend_at_most_the_balance(app, factory):
    partner_id, secret = make_partner(app)
    prize_id = make_prize(app, cost=10, stock=100).id
    user_id = news_user(app, factory, "u1", points=50)
    sims = _sims(app, partner_id, secret, 10)
    shoppers = [signed_in(app, user_id) for _ in range(10)]
    calls = [lambda s=s, i=i: s.debit("u1", 10, f"O-{i}") for i, s in enumerate(sims)]
    calls += [
        lambda c=c, i=i: post_redemption(c, prize_id, f"k-{i}") for i, c in enumerate(shoppers)
    ]
    results = race(calls)
    debits = sum(1 for r in results[:10] if r.status == 201)
    redemptions = sum(1 for status, _ in results[10:] if status == 201)
    assert debits + redemptions == 5
    assert balance_of(user_id) == 0
    assert ledger.mismatches() == []


def test_refunds_racing_on_one_debit_never_give_back_more_than_it_took(app, factory):
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = (
        PartnerSim(app.test_client(), partner_id, secret, runtime_of(app).clock)
        .debit("u1", 50, "O-1")
        .body["debit_id"]
    )
    sims = _sims(app, partner_id, secret, 12)
    answers = race([lambda s=s, i=i: s.refund(debit_id, 10, f"R-{i}") for i, s in enumerate(sims)])
    assert _codes(answers) == Counter({201: 5, "refund_exceeds_debit": 7})
    assert balance_of(user_id) == 100
    assert ledger.mismatches() == []


def test_one_nonce_fired_10_times_at_once_passes_once(app, factory):
    partner_id, secret = make_partner(app)
    news_user(app, factory, "u1", points=100)
    sims = _sims(app, partner_id, secret, 10)
    answers = race(
        [
            lambda s=s: s.call("GET", "/api/v1/partner/users/u1/balance", nonce="one-nonce-only")
            for s in sims
        ]
    )
    assert _codes(answers) == Counter({200: 1, "nonce_reused": 9})


def test_the_daily_ceiling_holds_when_debits_race(app, factory):
    partner_id, secret = make_partner(app, daily_debit_limit=50)
    for i in range(12):
        news_user(app, factory, f"u{i}", points=100)
    sims = _sims(app, partner_id, secret, 12)
    answers = race([lambda s=s, i=i: s.debit(f"u{i}", 10, f"O-{i}") for i, s in enumerate(sims)])
    assert _codes(answers) == Counter({201: 5, "daily_limit_reached": 7})
