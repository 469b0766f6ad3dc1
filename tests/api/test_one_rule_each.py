"""One rule per concern, the same on every route: the Idempotency-Key, cursors, path ids."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry
from tests.factories import fresh_key

ADJUST = "/api/v1/admin/points/adjust"


def entries_of(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.user_id == user_id)
    )


def test_an_adjustment_without_an_idempotency_key_is_refused_and_posts_nothing(
    admin_client, factory
):
    user = factory.user()
    response = admin_client.post(ADJUST, json={"user_id": user.id, "delta": 5, "memo": "补发"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["Idempotency-Key"]
    assert entries_of(user.id) == 0


@pytest.mark.parametrize("key", ["", " ", "x" * 129, "tab\there"])
def test_the_same_idempotency_key_rule_holds_for_adjustments_and_redemptions(
    admin_client, citizen_client, factory, key
):
    user = factory.user()
    adjust = admin_client.post(
        ADJUST,
        json={"user_id": user.id, "delta": 5, "memo": "补发"},
        headers={"Idempotency-Key": key},
    )
    redeem = citizen_client.post(
        "/api/v1/shop/redemptions", json={"prize_id": 1}, headers={"Idempotency-Key": key}
    )
    for response in (adjust, redeem):
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == ["Idempotency-Key"]
    assert entries_of(user.id) == 0


def test_two_long_keys_that_share_a_prefix_are_two_adjustments(admin_client, factory):
    user = factory.user()
    body = {"user_id": user.id, "delta": 5, "memo": "补发"}
    prefix = "k" * 100
    for suffix in ("-first", "-second"):
        response = admin_client.post(
            ADJUST, json=body, headers={"Idempotency-Key": prefix + suffix}
        )
        assert response.status_code == 200
    assert entries_of(user.id) == 2


def test_a_retried_adjustment_with_its_key_counts_once(admin_client, factory):
    user = factory.user()
    body, headers = {"user_id": user.id, "delta": 5, "memo": "补发"}, fresh_key()
    first = admin_client.post(ADJUST, json=body, headers=headers)
    again = admin_client.post(ADJUST, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    assert entries_of(user.id) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/admin/teams",
        "/api/v1/admin/questions",
        "/api/v1/admin/prizes",
        "/api/v1/quiz/history",
        "/api/v1/me/points",
    ],
)
@pytest.mark.parametrize("cursor", ["%%%", "bm90LWpzb24", "InRleHQi", "LTE"])
def test_a_bad_cursor_is_a_422_on_every_list(admin_client, path, cursor):
    response = admin_client.get(f"{path}?cursor={cursor}")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["cursor"]


@pytest.mark.parametrize("prize_id", ["0", "2147483648", "99999999999999999999"])
def test_an_id_no_row_can_have_is_the_resources_own_404(admin_client, prize_id):
    response = admin_client.get(f"/api/v1/admin/prizes/{prize_id}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unknown_prize"


@pytest.mark.parametrize("prize_id", ["-1", "1.5", "x"])
def test_a_path_id_that_is_not_digits_matches_no_route(admin_client, prize_id):
    response = admin_client.get(f"/api/v1/admin/prizes/{prize_id}")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_path_ids_are_documented_as_bounded_integers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    param = next(
        p
        for p in spec["paths"]["/api/v1/admin/prizes/{prize_id}"]["parameters"]
        if p["name"] == "prize_id"
    )
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
