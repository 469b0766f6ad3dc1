"""Hostile partner requests: every signature fault, an altered body, a huge body, control
characters in a uid — each refused with its documented code, and nothing changes."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models.partner import PartnerNonce, PartnerRequestCount
from quiz.runtime import runtime_of
from quiz.services import partners
from tests.partner_sim import PartnerSim, balance_of, entry_count, make_partner, news_user

DEBITS = "/api/v1/partner/debits"


@pytest.fixture
def mall(app, bare_client):
    partner_id, secret = make_partner(app)
    return PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)


@pytest.fixture
def holder(app, factory):
    return news_user(app, factory, "u1", points=100)


def _body(order_id="O-1", points=10, uid="u1") -> bytes:
    return json.dumps({"uid": uid, "points": points, "order_id": order_id}).encode()


def _nonces() -> int:
    return db.session.scalar(select(func.count()).select_from(PartnerNonce))


def _requests_counted() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(PartnerRequestCount.count), 0)))


def assert_refused_and_nothing_changed(answer, status, code, holder_id, entries_before):
    assert (answer.status, answer.code) == (status, code)
    assert answer.content_type == "application/problem+json"
    assert balance_of(holder_id) == 100
    assert entry_count() == entries_before


def _auth(partner_id, ts, nonce, sig) -> dict:
    return {
        "Authorization": f"QUIZ-HMAC-SHA256 partner={partner_id}, ts={ts}, nonce={nonce}, sig={sig}"
    }


def _forged_headers(mall, case: str, body: bytes) -> dict:
    """Headers for a debit of `body`, broken in the way `case` names."""
    now = int(mall.clock.now().timestamp())
    good = mall.headers("POST", DEBITS, "", body)
    sig = good["Authorization"].rsplit("sig=", 1)[1]
    return {
        "missing": {},
        "other scheme": {"Authorization": "Bearer " + sig},
        "no sig": {
            "Authorization": f"QUIZ-HMAC-SHA256 partner={mall.partner_id}, ts={now}, nonce=abcdefgh"
        },
        "a field twice": {"Authorization": good["Authorization"] + f", ts={now}"},
        "an extra field": {"Authorization": good["Authorization"] + ", x=1"},
        "garbage": {"Authorization": "QUIZ-HMAC-SHA256 ,,,,==="},
        "upper-case hex": _auth(mall.partner_id, now, "abcdefgh", "A" * 64),
        "short sig": _auth(mall.partner_id, now, "abcdefgh", "ab"),
        "unknown partner": _auth(9999, now, "abcdefgh", sig),
        "partner id zero": _auth(0, now, "abcdefgh", sig),
        "partner id huge": _auth(10**12, now, "abcdefgh", sig),
        "wrong secret": mall.headers("POST", DEBITS, "", body, secret="not-the-secret"),
        "signed for another path": mall.headers("POST", DEBITS + "/", "", body),
        "signed for another method": mall.headers("PUT", DEBITS, "", body),
        "signed with a query": mall.headers("POST", DEBITS, "x=1", body),
        "signed for another time": _auth(
            mall.partner_id,
            now - 1,
            "abcdefgh",
            mall.headers("POST", DEBITS, "", body, ts=now, nonce="abcdefgh")[
                "Authorization"
            ].rsplit("sig=", 1)[1],
        ),
        "nonce too short": mall.headers("POST", DEBITS, "", body, nonce="abc"),
        "nonce with a space": mall.headers("POST", DEBITS, "", body, nonce="abc defgh"),
        "nonce too long": mall.headers("POST", DEBITS, "", body, nonce="n" * 65),
        "ts not a number": _auth(mall.partner_id, "soon", "abcdefgh", sig),
    }[case]


SIGNATURE_FAULTS = [
    "missing",
    "other scheme",
    "no sig",
    "a field twice",
    "an extra field",
    "garbage",
    "upper-case hex",
    "short sig",
    "unknown partner",
    "partner id zero",
    "partner id huge",
    "wrong secret",
    "signed for another path",
    "signed for another method",
    "signed with a query",
    "signed for another time",
    "nonce too short",
    "nonce with a space",
    "nonce too long",
    "ts not a number",
]


@pytest.mark.parametrize("case", SIGNATURE_FAULTS)
def test_a_signature_fault_is_401_invalid_signature_and_writes_nothing(mall, holder, case):
    before, nonces = entry_count(), _nonces()
    body = _body()
    answer = mall.send("POST", DEBITS, body=body, headers=_forged_headers(mall, case, body))
    assert_refused_and_nothing_changed(answer, 401, "invalid_signature", holder, before)
    assert _nonces() == nonces and _requests_counted() == 0


def test_a_body_altered_after_signing_is_invalid_signature(mall, holder):
    before = entry_count()
    headers = mall.headers("POST", DEBITS, "", _body(points=1))
    answer = mall.send("POST", DEBITS, body=_body(points=100), headers=headers)
    assert_refused_and_nothing_changed(answer, 401, "invalid_signature", holder, before)


def test_a_body_with_one_space_added_after_signing_is_invalid_signature(mall, holder):
    before = entry_count()
    body = _body()
    headers = mall.headers("POST", DEBITS, "", body)
    answer = mall.send("POST", DEBITS, body=body + b" ", headers=headers)
    assert_refused_and_nothing_changed(answer, 401, "invalid_signature", holder, before)


def test_a_query_added_after_signing_is_invalid_signature(app, factory, mall):
    news_user(app, factory, "u2", points=1)
    headers = mall.headers("GET", "/api/v1/partner/statements", "date=2026-11-23", b"")
    answer = mall.send(
        "GET", "/api/v1/partner/statements", query="date=2026-11-22", headers=headers
    )
    assert (answer.status, answer.code) == (401, "invalid_signature")


@pytest.mark.parametrize("skew", [-301, 301, -10_000_000])
def test_a_timestamp_more_than_300_s_off_is_stale_request(mall, holder, skew):
    before = entry_count()
    body = _body()
    ts = int(mall.clock.now().timestamp()) + skew
    answer = mall.send(
        "POST", DEBITS, body=body, headers=mall.headers("POST", DEBITS, "", body, ts=ts)
    )
    assert_refused_and_nothing_changed(answer, 401, "stale_request", holder, before)


@pytest.mark.parametrize("skew", [-300, 300])
def test_a_timestamp_300_s_off_is_still_fresh(mall, holder, skew):
    body = _body()
    ts = int(mall.clock.now().timestamp()) + skew
    answer = mall.send(
        "POST", DEBITS, body=body, headers=mall.headers("POST", DEBITS, "", body, ts=ts)
    )
    assert answer.status == 201


def test_a_replayed_request_is_nonce_reused(mall, holder):
    body = _body()
    headers = mall.headers("POST", DEBITS, "", body, nonce="replay-me-1")
    assert mall.send("POST", DEBITS, body=body, headers=headers).status == 201
    before = entry_count()
    again = mall.send("POST", DEBITS, body=body, headers=headers)
    assert (again.status, again.code) == (401, "nonce_reused")
    assert entry_count() == before and balance_of(holder) == 90


def test_a_nonce_stays_spent_even_when_its_request_was_refused_for_its_content(mall, holder):
    body = _body(points=1000)  # more than the balance: 409
    headers = mall.headers("POST", DEBITS, "", body, nonce="spent-on-409")
    assert mall.send("POST", DEBITS, body=body, headers=headers).code == "insufficient_points"
    again = mall.send("POST", DEBITS, body=body, headers=headers)
    assert again.code == "nonce_reused"


def test_a_nonce_used_on_another_request_is_nonce_reused(mall, holder):
    first = mall.call("GET", "/api/v1/partner/users/u1/balance", nonce="shared-nonce")
    assert first.status == 200
    body = _body()
    answer = mall.send(
        "POST",
        DEBITS,
        body=body,
        headers=mall.headers("POST", DEBITS, "", body, nonce="shared-nonce"),
    )
    assert (answer.status, answer.code) == (401, "nonce_reused")
    assert balance_of(holder) == 100


def test_a_nonce_may_come_back_once_its_window_has_passed(app, mall, holder):
    assert mall.call("GET", "/api/v1/partner/users/u1/balance", nonce="old-nonce-1").status == 200
    runtime_of(app).clock.advance(seconds=700)
    assert mall.call("GET", "/api/v1/partner/users/u1/balance", nonce="old-nonce-1").status == 200


def test_a_suspended_partner_is_refused_until_resumed(app, mall, holder):
    partners.set_status(mall.partner_id, "suspended")
    db.session.commit()
    before = entry_count()
    assert_refused_and_nothing_changed(
        mall.debit("u1", 10, "O-1"), 403, "partner_suspended", holder, before
    )
    partners.set_status(mall.partner_id, "active")
    db.session.commit()
    assert mall.debit("u1", 10, "O-1").status == 201


def test_a_suspended_partner_with_a_wrong_signature_learns_only_invalid_signature(
    app, mall, holder
):
    partners.set_status(mall.partner_id, "suspended")
    db.session.commit()
    body = _body()
    answer = mall.send(
        "POST", DEBITS, body=body, headers=mall.headers("POST", DEBITS, "", body, secret="x")
    )
    assert answer.code == "invalid_signature"


def test_a_route_outside_the_partners_scopes_is_scope_denied(app, bare_client, holder):
    partner_id, secret = make_partner(app, name="只读", scopes=("balance",))
    reader = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)
    before = entry_count()
    assert_refused_and_nothing_changed(
        reader.debit("u1", 10, "O-1"), 403, "scope_denied", holder, before
    )
    assert reader.statement("2026-11-23").code == "scope_denied"
    assert reader.balance("u1").status == 200


def test_a_call_from_outside_the_allowed_addresses_is_address_denied(app, bare_client, holder):
    partner_id, secret = make_partner(app, name="限地址", allowed_ips=["10.8.0.0/16"])
    outside = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)
    before = entry_count()
    assert_refused_and_nothing_changed(
        outside.debit("u1", 10, "O-1"), 403, "address_denied", holder, before
    )
    inside_client = app.test_client()
    inside_client.environ_base["REMOTE_ADDR"] = "10.8.3.4"
    inside = PartnerSim(inside_client, partner_id, secret, runtime_of(app).clock)
    assert inside.debit("u1", 10, "O-1").status == 201


def test_a_10_mb_body_is_413_and_changes_nothing(mall, holder):
    before, nonces = entry_count(), _nonces()
    padding = "x" * (10 * 1024 * 1024)
    body = json.dumps({"uid": "u1", "points": 10, "order_id": "O-1", "memo": padding}).encode()
    answer = mall.send("POST", DEBITS, body=body, headers=mall.headers("POST", DEBITS, "", body))
    assert_refused_and_nothing_changed(answer, 413, "payload_too_large", holder, before)
    assert _nonces() == nonces


@pytest.mark.parametrize("uid", ["u1\x00", "u1\n", "\x1b[31mu1", "u\u202e1", "\u200b"])
def test_a_uid_with_control_characters_in_a_debit_is_422(mall, holder, uid):
    before = entry_count()
    assert_refused_and_nothing_changed(
        mall.debit(uid, 10, "O-1"), 422, "validation_error", holder, before
    )


@pytest.mark.parametrize("uid", ["u1\x00", "u1\n", "\x1b[31mu1", "x" * 65])
def test_a_uid_with_control_characters_in_the_balance_path_is_422(mall, holder, uid):
    answer = mall.balance(uid)
    assert (answer.status, answer.code) == (422, "validation_error")


def test_a_body_that_is_not_json_is_refused_after_the_signature_without_a_change(mall, holder):
    before = entry_count()
    body = b"{not json"
    answer = mall.send("POST", DEBITS, body=body, headers=mall.headers("POST", DEBITS, "", body))
    assert_refused_and_nothing_changed(answer, 400, "malformed_json", holder, before)


def test_neither_the_signature_nor_the_secret_reaches_the_log(app, mall, holder, caplog):
    caplog.set_level(logging.DEBUG)
    body = _body()
    headers = mall.headers("POST", DEBITS, "", body)
    sig = headers["Authorization"].rsplit("sig=", 1)[1]
    mall.send("POST", DEBITS, body=body, headers=headers)
    mall.send("POST", DEBITS, body=body, headers=headers)  # a replay: a refusal is logged too
    logged = "\n".join(r.getMessage() + str(getattr(r, "__dict__", "")) for r in caplog.records)
    assert sig not in logged and mall.secret not in logged
