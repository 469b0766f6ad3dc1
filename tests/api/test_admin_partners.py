"""Admin: registering partners, their secret shown once, rotation, suspension, the day's report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from quiz.extensions import db
from quiz.models.partner import Partner
from quiz.runtime import runtime_of
from tests.partner_sim import PartnerSim, news_user

PARTNERS = "/api/v1/admin/partners"


def _register(admin_client, **fields):
    body = {"name": "平观新闻商城", "scopes": ["balance", "debit", "refund"]} | fields
    return admin_client.post(PARTNERS, json=body)


def test_registering_a_partner_answers_201_with_its_secret(admin_client):
    response = _register(admin_client, allowed_ips=["10.0.0.0/8"], daily_debit_limit=5000)
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "平观新闻商城" and body["scopes"] == ["balance", "debit", "refund"]
    assert len(body["secret"]) == 64 and isinstance(body["id"], int)
    assert body["allowed_ips"] == ["10.0.0.0/8"] and body["daily_debit_limit"] == 5000


def test_the_secret_is_stored_nowhere_in_the_database(app, admin_client):
    secret = _register(admin_client).get_json()["secret"]
    row = db.session.scalars(select(Partner)).one()
    stored = json.dumps({c.name: str(getattr(row, c.key)) for c in Partner.__table__.columns})
    assert secret not in stored


def test_the_secret_signs_requests_at_once(app, factory, admin_client, bare_client):
    body = _register(admin_client).get_json()
    news_user(app, factory, "u1", points=7)
    sim = PartnerSim(bare_client, body["id"], body["secret"], runtime_of(app).clock)
    assert sim.balance("u1").body == {"uid": "u1", "balance": 7}


def test_the_list_never_shows_a_secret(admin_client):
    secret = _register(admin_client).get_json()["secret"]
    response = admin_client.get(PARTNERS)
    assert response.status_code == 200
    body = response.get_json()
    assert [p["status"] for p in body["items"]] == ["active"] and body["next_cursor"] is None
    text = response.get_data(as_text=True)
    assert secret not in text and "secret" not in text and "salt" not in text


def test_rotating_gives_a_new_secret_and_keeps_the_old_one_for_the_overlap(
    app, factory, admin_client, bare_client
):
    first = _register(admin_client).get_json()
    news_user(app, factory, "u1")
    response = admin_client.post(f"{PARTNERS}/{first['id']}/rotate")
    assert response.status_code == 200
    second = response.get_json()["secret"]
    assert second != first["secret"]
    for secret in (first["secret"], second):
        assert (
            PartnerSim(bare_client, first["id"], secret, runtime_of(app).clock).balance("u1").status
            == 200
        )
    runtime_of(app).clock.advance(seconds=86401)  # QUIZ_PARTNER_ROTATION_OVERLAP_S, default a day
    old = PartnerSim(bare_client, first["id"], first["secret"], runtime_of(app).clock).balance("u1")
    assert old.code == "invalid_signature"


def test_suspending_and_resuming_answer_the_partner(admin_client):
    partner_id = _register(admin_client).get_json()["id"]
    suspended = admin_client.post(f"{PARTNERS}/{partner_id}/suspend")
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    resumed = admin_client.post(f"{PARTNERS}/{partner_id}/resume")
    assert resumed.get_json()["status"] == "active"


def test_an_unknown_partner_is_unknown_partner(admin_client):
    for path in ("/999/rotate", "/999/suspend", "/99999999999999/resume"):
        response = admin_client.post(PARTNERS + path)
        assert (response.status_code, response.get_json()["code"]) == (404, "unknown_partner")


@pytest.mark.parametrize(
    "fields",
    [
        {"scopes": []},
        {"scopes": ["everything"]},
        {"allowed_ips": ["not-an-address"]},
        {"daily_debit_limit": 0},
        {"name": ""},
        {"name": "商城\u202e"},
    ],
)
def test_a_registration_breaking_a_rule_is_422(admin_client, fields):
    response = _register(admin_client, **fields)
    assert (response.status_code, response.get_json()["code"]) == (422, "validation_error")


def test_a_second_partner_with_the_same_name_is_refused(admin_client):
    _register(admin_client)
    response = _register(admin_client)
    assert (response.status_code, response.get_json()["code"]) == (409, "partner_name_taken")


def test_only_admins_manage_partners(factory, as_user, client):
    citizen = as_user(factory.user())
    assert citizen.get(PARTNERS).get_json()["code"] == "forbidden"
    assert _register(citizen).status_code == 403
    assert client.get(PARTNERS).status_code == 401


def test_the_report_shows_each_partners_day_beside_the_ledger(
    app, factory, admin_client, bare_client
):
    body = _register(admin_client).get_json()
    news_user(app, factory, "u1", points=100)
    sim = PartnerSim(bare_client, body["id"], body["secret"], runtime_of(app).clock)
    debit_id = sim.debit("u1", 40, "O-1").body["debit_id"]
    sim.refund(debit_id, 15, "R-1")
    report = admin_client.get(f"{PARTNERS}/report?date=2026-11-23").get_json()
    assert report["date"] == "2026-11-23"
    (row,) = report["rows"]
    assert (row["debits"], row["debited"], row["refunds"], row["refunded"]) == (1, 40, 1, 15)
    assert (row["ledger_debited"], row["ledger_refunded"], row["agrees"]) == (40, 15, True)
