"""Stock moves like money: relative, recorded, never below zero — also while an admin edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quiz.extensions import db
from quiz.models.ledger import LedgerEntry
from quiz.models.shop import StockMovement
from tests.api.test_shop import (  # noqa: F401
    give_points,
    make_prize,
    redeem,
    stock_of,
)


def movements_of(prize_id: int) -> list[StockMovement]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(StockMovement)
            .where(StockMovement.prize_id == prize_id)
            .order_by(StockMovement.id)
        )
    )


def buyer(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 1000)
    return as_user(user)


def test_units_sold_while_an_admin_edits_the_stock_stay_sold(app, factory, as_user, admin_client):
    prize = make_prize(app, stock=10)
    seen = admin_client.get(f"/api/v1/admin/prizes/{prize.id}").get_json()["stock"]
    for _ in range(3):
        assert redeem(buyer(app, factory, as_user), prize.id).status_code == 201
    # The admin found five more units in the store room and types 10 + 5 into the form.
    response = admin_client.patch(
        f"/api/v1/admin/prizes/{prize.id}", json={"stock": seen + 5, "stock_seen": seen}
    )
    assert response.status_code == 200
    assert response.get_json()["stock"] == 12
    assert stock_of(prize.id) == 12


def test_a_stock_edit_without_what_was_seen_sets_the_shelf_count_and_records_the_difference(
    app, admin_client
):
    prize = make_prize(app, stock=10)
    assert (
        admin_client.patch(f"/api/v1/admin/prizes/{prize.id}", json={"stock": 4}).status_code == 200
    )
    assert stock_of(prize.id) == 4
    assert [(m.reason, m.delta, m.stock_after) for m in movements_of(prize.id)] == [
        ("initial", 10, 10),
        ("restock", -6, 4),
    ]


def test_every_change_to_stock_leaves_a_movement_that_adds_up_to_the_stock(
    app, factory, as_user, admin_client
):
    prize = make_prize(app, stock=5)
    client = buyer(app, factory, as_user)
    voucher = redeem(client, prize.id).get_json()
    assert client.post(f"/api/v1/me/redemptions/{voucher['id']}/cancel").status_code == 200
    added = admin_client.post(
        f"/api/v1/admin/prizes/{prize.id}/stock", json={"delta": 7, "memo": "补货"}
    )
    assert added.status_code == 201
    assert added.get_json()["stock_after"] == 12
    moves = movements_of(prize.id)
    assert [(m.reason, m.delta) for m in moves] == [
        ("initial", 5),
        ("redeem", -1),
        ("cancel", 1),
        ("restock", 7),
    ]
    assert moves[1].ref == moves[2].ref == f"redemption:{voucher['id']}"
    assert sum(m.delta for m in moves) == stock_of(prize.id) == 12


def test_a_write_off_below_zero_is_refused_and_changes_nothing(app, admin_client):
    prize = make_prize(app, stock=2)
    response = admin_client.post(
        f"/api/v1/admin/prizes/{prize.id}/stock", json={"delta": -3, "memo": "损坏"}
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "out_of_stock"
    assert stock_of(prize.id) == 2
    assert len(movements_of(prize.id)) == 1


def test_a_stock_edit_that_would_go_below_zero_after_sales_is_refused(
    app, factory, as_user, admin_client
):
    prize = make_prize(app, stock=2)
    for _ in range(2):
        assert redeem(buyer(app, factory, as_user), prize.id).status_code == 201
    # The admin saw 2 and writes one off: but both have sold meanwhile.
    response = admin_client.patch(
        f"/api/v1/admin/prizes/{prize.id}", json={"stock": 1, "stock_seen": 2}
    )
    assert response.status_code == 409
    assert stock_of(prize.id) == 0


def test_a_zero_or_missing_delta_is_a_field_error(app, admin_client):
    prize = make_prize(app, stock=2)
    for body in ({"delta": 0, "memo": "x"}, {"memo": "x"}, {"delta": "1", "memo": "x"}):
        response = admin_client.post(f"/api/v1/admin/prizes/{prize.id}/stock", json=body)
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == ["delta"]


def test_only_admins_move_stock_or_read_the_movements(app, factory, as_user):
    prize = make_prize(app, stock=2)
    client = as_user(factory.user())
    url = f"/api/v1/admin/prizes/{prize.id}/stock"
    assert client.post(url, json={"delta": 5, "memo": "x"}).status_code == 403
    assert client.get(url + "-movements").status_code == 403
    assert stock_of(prize.id) == 2


def test_the_movements_list_is_newest_first_and_paged(app, admin_client):
    prize = make_prize(app, stock=1)
    for delta in (1, 2, 3):
        admin_client.post(
            f"/api/v1/admin/prizes/{prize.id}/stock", json={"delta": delta, "memo": "补货"}
        )
    first = admin_client.get(f"/api/v1/admin/prizes/{prize.id}/stock-movements?limit=2").get_json()
    assert [m["delta"] for m in first["items"]] == [3, 2]
    rest = admin_client.get(
        f"/api/v1/admin/prizes/{prize.id}/stock-movements?limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert [m["delta"] for m in rest["items"]] == [1, 1]
    assert rest["next_cursor"] is None


def test_a_row_written_without_its_timestamp_fails_loudly(app, factory):
    user = factory.user()
    db.session.add(
        LedgerEntry(user_id=user.id, delta=1, kind="admin_adjust", idempotency_key="no-clock")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
