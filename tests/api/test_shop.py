"""The citizen's shop over HTTP: prizes on sale, redeeming, vouchers, QR codes, cancelling."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

from PIL import Image

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.models.shop import Prize, Redemption
from quiz.runtime import runtime_of
from quiz.services import ledger, prizes, shop
from quiz.services.codes import ALPHABET

_keys = itertools.count(1)


def make_prize(app, **fields) -> Prize:
    values = {
        "name": "环保帆布袋",
        "description": "一只袋子",
        "cost": 100,
        "stock": 10,
        "per_user_limit": None,
        "on_sale": True,
    }
    values.update(fields)
    prize = prizes.create_prize(values, now=runtime_of(app).clock.now())
    db.session.commit()
    return prize


def give_points(app, user, amount: int) -> None:
    ledger.post_entry(
        user.id,
        amount,
        "admin_adjust",
        key=f"test-grant:{user.id}:{next(_keys)}",
        now=runtime_of(app).clock.now(),
    )
    db.session.commit()


def redeem(client, prize_id, key=None):
    return client.post(
        "/api/v1/shop/redemptions",
        json={"prize_id": prize_id},
        headers={"Idempotency-Key": key or f"k-{next(_keys)}"},
    )


def balance_of(user_id: int) -> int:
    db.session.expire_all()
    return db.session.get(User, user_id).balance


def stock_of(prize_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Prize, prize_id).stock


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


# ---------------------------------------------------------------- the prize list


def test_the_shop_lists_prizes_on_sale_in_sort_order(app, client):
    make_prize(app, name="second", sort_order=2)
    make_prize(app, name="first", sort_order=1)
    body = client.get("/api/v1/shop/prizes").get_json()
    assert [p["name"] for p in body] == ["first", "second"]
    assert set(body[0]) >= {
        "id",
        "name",
        "description",
        "cost",
        "stock",
        "per_user_limit",
        "image_url",
    }


def test_the_shop_hides_prizes_off_sale_retired_or_outside_their_window(app, client, clock):
    now = clock.now()
    make_prize(app, name="draft", on_sale=False)
    make_prize(app, name="later", sale_starts_at=now + timedelta(days=1))
    make_prize(app, name="over", sale_ends_at=now - timedelta(seconds=1))
    make_prize(
        app,
        name="now",
        sale_starts_at=now - timedelta(days=1),
        sale_ends_at=now + timedelta(days=1),
    )
    assert [p["name"] for p in client.get("/api/v1/shop/prizes").get_json()] == ["now"]


def test_a_prize_comes_on_sale_when_its_window_opens(app, client, clock):
    make_prize(app, name="later", sale_starts_at=clock.now() + timedelta(hours=1))
    assert client.get("/api/v1/shop/prizes").get_json() == []
    clock.advance(hours=1)
    assert [p["name"] for p in client.get("/api/v1/shop/prizes").get_json()] == ["later"]


# ---------------------------------------------------------------- redeeming


def test_redeeming_charges_the_cost_takes_one_unit_and_returns_a_voucher(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 250)
    prize = make_prize(app, cost=100, stock=3)
    response = redeem(as_user(user), prize.id)
    assert response.status_code == 201
    body = response.get_json()
    assert body["prize"] == {"id": prize.id, "name": "环保帆布袋"}
    assert body["cost"] == 100 and body["status"] == "pending"
    assert len(body["voucher_code"]) >= 10 and set(body["voucher_code"]) <= set(ALPHABET)
    assert balance_of(user.id) == 150 and stock_of(prize.id) == 2
    entry = db.session.query(LedgerEntry).filter_by(user_id=user.id, kind="redeem").one()
    assert entry.delta == -100


def test_a_second_redemption_with_the_same_key_charges_nothing(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 300)
    prize = make_prize(app)
    client = as_user(user)
    first = redeem(client, prize.id, key="same-key")
    again = redeem(client, prize.id, key="same-key")
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert balance_of(user.id) == 200 and stock_of(prize.id) == 9
    assert db.session.query(Redemption).count() == 1


def test_a_key_reused_for_another_prize_is_refused(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 300)
    one, other = make_prize(app), make_prize(app, name="other")
    client = as_user(user)
    redeem(client, one.id, key="k")
    response = redeem(client, other.id, key="k")
    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"
    assert balance_of(user.id) == 200 and stock_of(other.id) == 10


def test_two_users_may_use_the_same_key_independently(app, factory, as_user):
    prize = make_prize(app)
    for user in (factory.user(), factory.user()):
        give_points(app, user, 100)
        assert redeem(as_user(user), prize.id, key="shared").status_code == 201
    assert stock_of(prize.id) == 8


def test_redeeming_without_an_idempotency_key_is_refused(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 100)
    prize = make_prize(app)
    response = as_user(user).post("/api/v1/shop/redemptions", json={"prize_id": prize.id})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert balance_of(user.id) == 100


def test_redeeming_with_too_few_points_changes_nothing(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 99)
    prize = make_prize(app, cost=100, stock=1)
    response = redeem(as_user(user), prize.id)
    assert response.status_code == 409 and response.get_json()["code"] == "insufficient_points"
    assert balance_of(user.id) == 99 and stock_of(prize.id) == 1
    assert db.session.query(Redemption).count() == 0


def test_redeeming_a_sold_out_prize_is_out_of_stock(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, stock=0)
    response = redeem(as_user(user), prize.id)
    assert response.status_code == 409 and response.get_json()["code"] == "out_of_stock"
    assert balance_of(user.id) == 500


def test_redeeming_past_the_per_user_limit_is_refused(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, per_user_limit=2)
    client = as_user(user)
    assert [redeem(client, prize.id).status_code for _ in range(2)] == [201, 201]
    response = redeem(client, prize.id)
    assert response.status_code == 409 and response.get_json()["code"] == "limit_reached"
    assert balance_of(user.id) == 300 and stock_of(prize.id) == 8


def test_a_cancelled_redemption_does_not_count_against_the_limit(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, per_user_limit=1)
    client = as_user(user)
    first = redeem(client, prize.id).get_json()
    client.post(f"/api/v1/me/redemptions/{first['id']}/cancel")
    assert redeem(client, prize.id).status_code == 201


def test_redeeming_an_unknown_prize_is_unknown_prize(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    response = redeem(as_user(user), 424242)
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_prize"


def test_redeeming_a_prize_outside_its_window_is_unknown_prize(app, factory, as_user, clock):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, sale_ends_at=clock.now() + timedelta(minutes=5))
    clock.advance(minutes=5)
    response = redeem(as_user(user), prize.id)
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_prize"
    assert balance_of(user.id) == 500 and stock_of(prize.id) == 10


def test_redeeming_requires_sign_in(app, client):
    prize = make_prize(app)
    response = redeem(client, prize.id)
    assert response.status_code == 401 and response.get_json()["code"] == "login_required"


def test_redeeming_without_the_csrf_header_is_refused(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app)
    client = as_user(user)
    client.environ_base.pop("HTTP_X_REQUESTED_WITH")
    response = redeem(client, prize.id)
    assert response.status_code == 403 and response.get_json()["code"] == "csrf_required"


# ---------------------------------------------------------------- my vouchers


def test_my_redemptions_list_newest_first_and_page(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 1000)
    prize = make_prize(app)
    client = as_user(user)
    ids = [redeem(client, prize.id).get_json()["id"] for _ in range(3)]
    first = client.get("/api/v1/me/redemptions?limit=2").get_json()
    assert [r["id"] for r in first["items"]] == ids[::-1][:2]
    second = client.get(f"/api/v1/me/redemptions?limit=2&cursor={first['next_cursor']}").get_json()
    assert [r["id"] for r in second["items"]] == [ids[0]] and second["next_cursor"] is None


def test_nobody_sees_another_users_redemptions(app, factory, as_user):
    owner, other = factory.user(), factory.user()
    give_points(app, owner, 100)
    prize = make_prize(app)
    redemption = redeem(as_user(owner), prize.id).get_json()
    snoop = as_user(other)
    assert snoop.get("/api/v1/me/redemptions").get_json()["items"] == []
    assert snoop.get(f"/api/v1/me/redemptions/{redemption['id']}").status_code == 404
    assert snoop.get(f"/api/v1/me/redemptions/{redemption['id']}/qr.png").status_code == 404
    assert snoop.post(f"/api/v1/me/redemptions/{redemption['id']}/cancel").status_code == 404
    assert balance_of(owner.id) == 0


def test_a_voucher_has_a_qr_code_image(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 100)
    prize = make_prize(app)
    client = as_user(user)
    redemption = redeem(client, prize.id).get_json()
    response = client.get(f"/api/v1/me/redemptions/{redemption['id']}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.data)).format == "PNG"


def test_a_mangled_cursor_is_a_validation_error(citizen_client):
    for cursor in ("%%%", "eyJ4IjoxfQ", "ImFiYyI"):
        response = citizen_client.get(f"/api/v1/me/redemptions?cursor={cursor}")
        assert response.status_code == 422, cursor


# ---------------------------------------------------------------- cancelling


def test_cancelling_a_pending_redemption_refunds_and_restocks(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 100)
    prize = make_prize(app, stock=1)
    client = as_user(user)
    redemption = redeem(client, prize.id).get_json()
    response = client.post(f"/api/v1/me/redemptions/{redemption['id']}/cancel")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert balance_of(user.id) == 100 and stock_of(prize.id) == 1
    refund = db.session.query(LedgerEntry).filter_by(user_id=user.id, kind="refund").one()
    assert refund.delta == 100


def test_cancelling_twice_refunds_once(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 100)
    prize = make_prize(app)
    client = as_user(user)
    redemption = redeem(client, prize.id).get_json()
    client.post(f"/api/v1/me/redemptions/{redemption['id']}/cancel")
    again = client.post(f"/api/v1/me/redemptions/{redemption['id']}/cancel")
    assert again.status_code == 409 and again.get_json()["code"] == "not_pending"
    assert balance_of(user.id) == 100 and stock_of(prize.id) == 10
    assert ledger.mismatches() == []


def test_a_fulfilled_redemption_cannot_be_cancelled(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 100)
    prize = make_prize(app)
    client = as_user(user)
    redemption = redeem(client, prize.id).get_json()
    clerk = factory.user(role="clerk")
    shop.fulfil(redemption["voucher_code"], actor_id=clerk.id, now=runtime_of(app).clock.now())
    db.session.commit()
    response = client.post(f"/api/v1/me/redemptions/{redemption['id']}/cancel")
    assert response.status_code == 409 and response.get_json()["code"] == "not_pending"
    assert balance_of(user.id) == 0


# ---------------------------------------------------------------- images


def test_an_uploaded_image_is_served_with_its_type_and_nosniff(app, client, admin_client):
    prize = make_prize(app)
    upload = admin_client.post(
        f"/api/v1/admin/prizes/{prize.id}/image",
        data={"file": (io.BytesIO(png_bytes()), "p.png")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    url = client.get("/api/v1/shop/prizes").get_json()[0]["image_url"]
    assert url.startswith(f"/api/v1/shop/prizes/{prize.id}/image")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.data)).size == (8, 8)


def test_a_prize_without_an_uploaded_image_has_no_image_to_serve(app, client):
    prize = make_prize(app)
    assert client.get(f"/api/v1/shop/prizes/{prize.id}/image").status_code == 404


def test_seeding_stocks_demo_prizes_only_into_an_empty_shop(app):
    from quiz.services.seed import seed_empty_database

    first = list(seed_empty_database(now=runtime_of(app).clock.now()))
    db.session.commit()
    count = db.session.query(Prize).count()
    again = list(seed_empty_database(now=runtime_of(app).clock.now()))
    assert count == len(prizes.DEMO_PRIZES) and "demo prizes added" in first[-1]
    assert db.session.query(Prize).count() == count and "none added" in again[-1]
