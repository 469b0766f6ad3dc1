"""The partner points API as the news app's mall uses it: balance, debit, replay, refunds,
statements — each answer as API.md (Additions v1.2) fixes it, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.runtime import runtime_of
from quiz.services import ledger, partners, privacy
from tests.partner_sim import PartnerSim, balance_of, entry_count, make_partner, news_user


@pytest.fixture
def mall(app, bare_client):
    partner_id, secret = make_partner(app)
    return PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)


def test_the_balance_is_read_by_the_news_apps_uid(app, factory, mall):
    news_user(app, factory, "pg-1001", points=120)
    answer = mall.balance("pg-1001")
    assert answer.status == 200
    assert answer.body == {"uid": "pg-1001", "balance": 120}


def test_a_uid_nobody_signed_in_with_is_unknown_user(mall):
    answer = mall.balance("never-seen")
    assert (answer.status, answer.code) == (404, "unknown_user")


def test_a_uid_in_chinese_characters_is_read_as_sent(app, factory, mall):
    news_user(app, factory, "用户-7", points=5)
    assert mall.balance("用户-7").body == {"uid": "用户-7", "balance": 5}


def test_a_debit_takes_the_points_and_answers_201_with_the_new_balance(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    answer = mall.debit("u1", 30, "ORDER-1", memo="保温杯")
    assert answer.status == 201
    body = answer.body
    assert {k: body[k] for k in ("uid", "points", "balance", "order_id")} == {
        "uid": "u1",
        "points": 30,
        "balance": 70,
        "order_id": "ORDER-1",
    }
    assert isinstance(body["debit_id"], int) and body["created_at"].endswith("+08:00")
    assert balance_of(user_id) == 70
    assert ledger.mismatches() == []


def test_the_same_order_and_body_again_answers_200_with_the_same_answer_and_no_second_debit(
    app, factory, mall
):
    user_id = news_user(app, factory, "u1", points=100)
    first = mall.debit("u1", 30, "ORDER-1", memo="保温杯")
    runtime_of(app).clock.advance(seconds=5)
    again = mall.debit("u1", 30, "ORDER-1", memo="保温杯")
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    assert balance_of(user_id) == 70


def test_the_same_order_with_another_body_is_order_id_reused(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    mall.debit("u1", 30, "ORDER-1")
    answer = mall.debit("u1", 31, "ORDER-1")
    assert (answer.status, answer.code) == (409, "order_id_reused")
    assert balance_of(user_id) == 70


def test_a_debit_beyond_the_balance_is_insufficient_points_and_takes_nothing(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=10)
    before = entry_count()
    answer = mall.debit("u1", 11, "ORDER-1")
    assert (answer.status, answer.code) == (409, "insufficient_points")
    assert balance_of(user_id) == 10 and entry_count() == before


def test_an_account_on_hold_cannot_spend_in_the_mall(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100, held_at=runtime_of(app).clock.now())
    answer = mall.debit("u1", 10, "ORDER-1")
    assert (answer.status, answer.code) == (409, "account_on_hold")
    assert balance_of(user_id) == 100


def test_a_staff_account_is_forbidden_as_in_the_shop(app, factory, mall):
    news_user(app, factory, "editor-1", role="admin")
    answer = mall.debit("editor-1", 1, "ORDER-1")
    assert (answer.status, answer.code) == (403, "forbidden")


def test_a_reporter_child_spends_as_in_the_shop_once_a_guardian_consented(app, factory, mall):
    user_id = news_user(app, factory, "kid-1", points=50, role="reporter")
    answer = mall.debit("kid-1", 50, "ORDER-1")
    assert (answer.status, answer.code) == (403, "guardian_consent_required")
    privacy.record_paper_form(
        db.session.get(User, user_id),
        staff_id=factory.user(role="admin").id,
        guardian_name="家长",
        version="2026-12",
        now=runtime_of(app).clock.now(),
    )
    db.session.commit()
    assert mall.debit("kid-1", 50, "ORDER-1").status == 201
    assert balance_of(user_id) == 0


def test_a_debit_for_an_unknown_uid_is_unknown_user(mall):
    answer = mall.debit("nobody", 1, "ORDER-1")
    assert (answer.status, answer.code) == (404, "unknown_user")


@pytest.mark.parametrize(
    "payload",
    [
        {"uid": "u1", "points": 0, "order_id": "A"},
        {"uid": "u1", "points": "5", "order_id": "A"},
        {"uid": "u1", "points": 1.5, "order_id": "A"},
        {"uid": "u1", "points": 5, "order_id": ""},
        {"uid": "u1", "points": 5, "order_id": "x" * 65},
        {"uid": "u1", "points": 5, "order_id": "A\nB"},
        {"uid": "u1", "points": 5},
        {"uid": "", "points": 5, "order_id": "A"},
    ],
)
def test_a_debit_body_breaking_a_rule_is_422_and_takes_nothing(app, factory, mall, payload):
    user_id = news_user(app, factory, "u1", points=100)
    answer = mall.call("POST", "/api/v1/partner/debits", payload)
    assert (answer.status, answer.code) == (422, "validation_error")
    assert balance_of(user_id) == 100


def test_the_points_page_shows_mall_spending_with_the_partners_name(app, factory, mall, as_user):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 40, "ORDER-1", memo="保温杯").body["debit_id"]
    mall.refund(debit_id, 15, "R-1")
    entries = as_user(db.session.get(User, user_id)).get("/api/v1/me/points").get_json()["entries"]
    kinds = [(e["kind"], e["delta"]) for e in entries[:2]]
    assert kinds == [("partner_refund", 15), ("partner_debit", -40)]
    assert entries[1]["memo"] == "平观新闻商城：保温杯"
    assert "平观新闻商城" in entries[0]["memo"]


# ---------------------------------------------------------------- refunds


def test_a_partial_refund_gives_back_part_and_answers_201(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    answer = mall.refund(debit_id, 20, "R-1")
    assert answer.status == 201
    assert answer.body == {"refund_id": "R-1", "debit_id": debit_id, "points": 20, "balance": 60}
    assert balance_of(user_id) == 60
    assert ledger.mismatches() == []


def test_refunds_add_up_to_the_whole_debit_and_no_further(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    assert mall.refund(debit_id, 20, "R-1").status == 201
    assert mall.refund(debit_id, 40, "R-2").status == 201
    answer = mall.refund(debit_id, 1, "R-3")
    assert (answer.status, answer.code) == (409, "refund_exceeds_debit")
    assert balance_of(user_id) == 100


def test_a_refund_larger_than_the_debit_is_refused_whole(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    answer = mall.refund(debit_id, 61, "R-1")
    assert (answer.status, answer.code) == (409, "refund_exceeds_debit")
    assert balance_of(user_id) == 40


def test_a_refund_replayed_answers_200_the_same_and_gives_back_once(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    first = mall.refund(debit_id, 20, "R-1")
    again = mall.refund(debit_id, 20, "R-1")
    assert (first.status, again.status) == (201, 200) and again.body == first.body
    assert balance_of(user_id) == 60


def test_a_refund_id_used_for_another_refund_is_refund_id_reused(app, factory, mall):
    news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    mall.refund(debit_id, 20, "R-1")
    answer = mall.refund(debit_id, 21, "R-1")
    assert (answer.status, answer.code) == (409, "refund_id_reused")


def test_a_refund_of_a_debit_that_does_not_exist_is_unknown_debit(mall):
    for debit_id in (999, 10**30):
        answer = mall.refund(debit_id, 1, "R-1")
        assert (answer.status, answer.code) == (404, "unknown_debit")


def test_another_partners_debit_is_unknown_debit(app, factory, mall, bare_client):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    other_id, other_secret = make_partner(app, name="别家商城")
    other = PartnerSim(bare_client, other_id, other_secret, runtime_of(app).clock)
    answer = other.refund(debit_id, 10, "R-1")
    assert (answer.status, answer.code) == (404, "unknown_debit")
    assert balance_of(user_id) == 40


def test_a_held_account_still_gets_its_refund(app, factory, mall):
    user_id = news_user(app, factory, "u1", points=100)
    debit_id = mall.debit("u1", 60, "ORDER-1").body["debit_id"]
    db.session.get(User, user_id).held_at = runtime_of(app).clock.now()
    db.session.commit()
    assert mall.refund(debit_id, 60, "R-1").status == 201
    assert balance_of(user_id) == 100


# ---------------------------------------------------------------- statements


def _day_of_trading(app, factory, mall):
    news_user(app, factory, "u1", points=500)
    news_user(app, factory, "u2", points=500)
    first = mall.debit("u1", 100, "O-1").body["debit_id"]
    mall.debit("u2", 50, "O-2")
    mall.refund(first, 30, "R-1")
    return first


def test_the_statement_lists_the_days_debits_and_refunds_with_totals(app, factory, mall):
    first = _day_of_trading(app, factory, mall)
    answer = mall.statement("2026-11-23")
    assert answer.status == 200
    body = answer.body
    assert body["date"] == "2026-11-23" and body["partner"] == "平观新闻商城"
    assert [(d["order_id"], d["uid"], d["points"]) for d in body["debits"]] == [
        ("O-1", "u1", 100),
        ("O-2", "u2", 50),
    ]
    assert [(r["refund_id"], r["debit_id"], r["points"]) for r in body["refunds"]] == [
        ("R-1", first, 30)
    ]
    assert body["totals"]["debited"] == 150 and body["totals"]["refunded"] == 30


def test_the_statement_equals_the_ledgers_entries_for_that_partner(app, factory, mall):
    _day_of_trading(app, factory, mall)
    body = mall.statement("2026-11-23").body
    entries = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.kind.in_(("partner_debit", "partner_refund")))
    ).all()
    assert sum(-e.delta for e in entries if e.kind == "partner_debit") == body["totals"]["debited"]
    assert sum(e.delta for e in entries if e.kind == "partner_refund") == body["totals"]["refunded"]


def test_the_statement_is_the_same_on_every_call_and_holds_only_that_day(app, factory, mall):
    _day_of_trading(app, factory, mall)
    first = mall.statement("2026-11-23")
    runtime_of(app).clock.advance(days=1)
    mall.debit("u1", 1, "O-next-day")
    assert mall.statement("2026-11-23").body == first.body
    assert [d["order_id"] for d in mall.statement("2026-11-24").body["debits"]] == ["O-next-day"]


def test_the_statement_follows_the_local_day_not_utc(app, factory, mall):
    news_user(app, factory, "u1", points=10)
    # 23:30 in Shanghai on the 23rd is 15:30 UTC: still the 23rd's statement.
    runtime_of(app).clock.set(runtime_of(app).clock.now().replace(hour=15, minute=30))
    mall.debit("u1", 1, "late")
    runtime_of(app).clock.advance(minutes=40)  # 00:10 on the 24th, local
    mall.debit("u1", 1, "after-midnight")
    assert [d["order_id"] for d in mall.statement("2026-11-23").body["debits"]] == ["late"]
    assert [d["order_id"] for d in mall.statement("2026-11-24").body["debits"]] == [
        "after-midnight"
    ]


def test_the_statement_as_csv_has_one_row_per_debit_and_refund(app, factory, mall):
    _day_of_trading(app, factory, mall)
    answer = mall.statement("2026-11-23", "csv")
    assert answer.status == 200 and answer.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert [(r["type"], r["order_id"], r["refund_id"], r["points"]) for r in rows] == [
        ("debit", "O-1", "", "100"),
        ("debit", "O-2", "", "50"),
        ("refund", "O-1", "R-1", "30"),
    ]


def test_a_statement_without_a_date_is_422(mall):
    answer = mall.call("GET", "/api/v1/partner/statements", query="")
    assert (answer.status, answer.code) == (422, "validation_error")


def test_another_partners_debits_are_not_in_the_statement(app, factory, mall, bare_client):
    _day_of_trading(app, factory, mall)
    other_id, secret = make_partner(app, name="别家商城")
    other = PartnerSim(bare_client, other_id, secret, runtime_of(app).clock)
    body = other.statement("2026-11-23").body
    assert body["debits"] == [] and body["refunds"] == []


# ---------------------------------------------------------------- partner limits


def test_the_daily_ceiling_refuses_the_debit_that_would_pass_it(app, factory, bare_client):
    partner_id, secret = make_partner(app, daily_debit_limit=100)
    mall = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)
    user_id = news_user(app, factory, "u1", points=500)
    assert mall.debit("u1", 60, "O-1").status == 201
    answer = mall.debit("u1", 41, "O-2")
    assert (answer.status, answer.code) == (409, "daily_limit_reached")
    assert mall.debit("u1", 40, "O-3").status == 201
    runtime_of(app).clock.advance(days=1)
    assert mall.debit("u1", 100, "O-4").status == 201
    assert balance_of(user_id) == 300


def test_requests_past_the_partners_rate_are_429_and_change_nothing(app, factory, bare_client):
    partner_id, secret = make_partner(app, requests_per_minute=3)
    mall = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)
    user_id = news_user(app, factory, "u1", points=100)
    for i in range(3):
        assert mall.debit("u1", 1, f"O-{i}").status == 201
    answer = mall.debit("u1", 1, "O-3")
    assert (answer.status, answer.code) == (429, "rate_limited")
    assert balance_of(user_id) == 97
    runtime_of(app).clock.advance(seconds=60)
    assert mall.debit("u1", 1, "O-3").status == 201


def test_after_a_rotation_both_secrets_work_until_the_overlap_ends(app, factory, bare_client):
    partner_id, old = make_partner(app)
    news_user(app, factory, "u1", points=10)
    new = partners.rotate_secret(
        partner_id,
        key=app.config["QUIZ_PARTNER_KEY"],
        now=runtime_of(app).clock.now(),
        overlap_s=3600,
    ).secret
    db.session.commit()
    assert new != old
    assert (
        PartnerSim(bare_client, partner_id, old, runtime_of(app).clock).balance("u1").status == 200
    )
    assert (
        PartnerSim(bare_client, partner_id, new, runtime_of(app).clock).balance("u1").status == 200
    )
    runtime_of(app).clock.advance(seconds=3601)
    answer = PartnerSim(bare_client, partner_id, old, runtime_of(app).clock).balance("u1")
    assert (answer.status, answer.code) == (401, "invalid_signature")
    assert (
        PartnerSim(bare_client, partner_id, new, runtime_of(app).clock).balance("u1").status == 200
    )


def test_the_partner_routes_have_their_own_tag_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/partner/users/{uid}/balance",
        "/api/v1/partner/debits",
        "/api/v1/partner/debits/{debit_id}/refunds",
        "/api/v1/partner/statements",
        "/api/v1/admin/partners",
    ):
        assert path in spec["paths"], path
    assert spec["paths"]["/api/v1/partner/debits"]["post"]["tags"] == ["partner"]
    assert "partner" in {tag["name"] for tag in spec["tags"]}


def test_a_day_long_ago_and_a_day_far_ahead_both_answer_empty_statements(mall):
    for day in ("2020-01-01", "2099-12-31"):
        body = mall.statement(day).body
        assert body["totals"]["debited"] == 0


def test_the_ledger_sum_still_equals_every_balance_after_a_busy_day(app, factory, mall):
    _day_of_trading(app, factory, mall)
    assert ledger.mismatches() == []
