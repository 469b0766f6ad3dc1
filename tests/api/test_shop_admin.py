"""Running the shop over HTTP: prize CRUD, images, the counter (clerk), lists and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from PIL import Image

from quiz.extensions import db
from quiz.models import User
from quiz.models.shop import Prize
from tests.api.test_shop import (  # noqa: F401
    balance_of,
    give_points,
    make_prize,
    png_bytes,
    redeem,
    stock_of,
)

NEW_PRIZE = {
    "name": "公交乘车卡",
    "description": "20 元",
    "cost": 500,
    "stock": 30,
    "per_user_limit": 2,
    "on_sale": True,
}


def upload(client, prize_id, raw: bytes, name="p.png"):
    return client.post(
        f"/api/v1/admin/prizes/{prize_id}/image",
        data={"file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def redeemed_voucher(app, factory, as_user, prize=None, **user_fields):
    user = factory.user(**user_fields)
    give_points(app, user, 1000)
    prize = prize or make_prize(app)
    return user, redeem(as_user(user), prize.id).get_json()


# ---------------------------------------------------------------- prizes


def test_an_admin_creates_a_prize_that_citizens_then_see(admin_client, client):
    response = admin_client.post("/api/v1/admin/prizes", json=NEW_PRIZE)
    assert response.status_code == 201
    created = response.get_json()
    assert {k: created[k] for k in NEW_PRIZE} == NEW_PRIZE
    assert [p["id"] for p in client.get("/api/v1/shop/prizes").get_json()] == [created["id"]]


def test_a_new_prize_without_on_sale_is_a_draft(admin_client, client):
    body = {k: v for k, v in NEW_PRIZE.items() if k != "on_sale"}
    assert admin_client.post("/api/v1/admin/prizes", json=body).get_json()["on_sale"] is False
    assert client.get("/api/v1/shop/prizes").get_json() == []


def test_creating_a_prize_with_bad_values_lists_the_fields(admin_client):
    response = admin_client.post(
        "/api/v1/admin/prizes", json={**NEW_PRIZE, "cost": 0, "stock": -1, "name": ""}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"cost", "stock", "name"}


def test_a_sale_window_must_end_after_it_starts(admin_client, clock):
    now = clock.now()
    response = admin_client.post(
        "/api/v1/admin/prizes",
        json={
            **NEW_PRIZE,
            "sale_starts_at": now.isoformat(),
            "sale_ends_at": (now - timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert db.session.query(Prize).count() == 0


def test_an_admin_patches_stock_and_price(app, admin_client):
    prize = make_prize(app)
    response = admin_client.patch(f"/api/v1/admin/prizes/{prize.id}", json={"stock": 3, "cost": 7})
    assert response.status_code == 200
    assert (response.get_json()["stock"], response.get_json()["cost"]) == (3, 7)


def test_an_external_image_url_is_kept_as_given(app, admin_client):
    prize = make_prize(app)
    url = "https://cdn.example.com/bag.jpg"
    response = admin_client.patch(f"/api/v1/admin/prizes/{prize.id}", json={"image_url": url})
    assert response.get_json()["image_url"] == url


def test_a_javascript_image_url_is_refused(app, admin_client):
    prize = make_prize(app)
    response = admin_client.patch(
        f"/api/v1/admin/prizes/{prize.id}", json={"image_url": "javascript:alert(1)"}
    )
    assert response.status_code == 422


def test_the_admin_list_includes_prizes_off_sale(app, admin_client):
    make_prize(app, on_sale=False)
    make_prize(app)
    body = admin_client.get("/api/v1/admin/prizes").get_json()
    assert len(body["items"]) == 2 and body["next_cursor"] is None


def test_deleting_a_prize_nobody_redeemed_removes_it(app, admin_client):
    prize = make_prize(app)
    assert admin_client.delete(f"/api/v1/admin/prizes/{prize.id}").status_code == 204
    assert db.session.query(Prize).count() == 0


def test_deleting_a_redeemed_prize_retires_it_and_keeps_its_vouchers(
    app, factory, as_user, admin_client, client
):
    prize = make_prize(app)
    user, voucher = redeemed_voucher(app, factory, as_user, prize)
    response = admin_client.delete(f"/api/v1/admin/prizes/{prize.id}")
    assert response.status_code == 200 and response.get_json()["retired"] is True
    assert client.get("/api/v1/shop/prizes").get_json() == []
    mine = as_user(user).get("/api/v1/me/redemptions").get_json()["items"]
    assert mine[0]["prize"]["name"] == prize.name


def test_a_retired_prize_cannot_be_redeemed(app, factory, as_user, admin_client):
    prize = make_prize(app)
    redeemed_voucher(app, factory, as_user, prize)
    admin_client.delete(f"/api/v1/admin/prizes/{prize.id}")
    _, refused = redeemed_voucher(app, factory, as_user, prize)
    assert refused["code"] == "unknown_prize"


def test_citizens_and_clerks_cannot_manage_prizes(app, factory, as_user):
    prize = make_prize(app)
    for role in ("citizen", "clerk", "reporter"):
        client = as_user(factory.user(role=role))
        assert client.post("/api/v1/admin/prizes", json=NEW_PRIZE).status_code == 403
        assert (
            client.patch(f"/api/v1/admin/prizes/{prize.id}", json={"stock": 0}).status_code == 403
        )
        assert client.delete(f"/api/v1/admin/prizes/{prize.id}").get_json()["code"] == "forbidden"
        assert client.get("/api/v1/admin/redemptions").status_code == 403
    assert stock_of(prize.id) == 10


# ---------------------------------------------------------------- images


def test_an_upload_is_re_encoded_without_its_metadata(app, admin_client, client):
    prize = make_prize(app)
    exif = Image.Exif()
    exif[0x010F] = "secret camera"
    raw = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(raw, "JPEG", exif=exif)
    assert upload(admin_client, prize.id, raw.getvalue(), "p.jpg").status_code == 200
    served = client.get(f"/api/v1/shop/prizes/{prize.id}/image")
    assert served.mimetype == "image/jpeg"
    assert b"secret camera" not in served.data
    assert not Image.open(io.BytesIO(served.data)).getexif()


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(app, admin_client):
    prize = make_prize(app)
    response = upload(admin_client, prize.id, b"<svg onload=alert(1)>", "evil.png")
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_image"


def test_a_gif_is_refused(app, admin_client):
    prize = make_prize(app)
    raw = io.BytesIO()
    Image.new("RGB", (4, 4)).save(raw, "GIF")
    assert upload(admin_client, prize.id, raw.getvalue(), "a.gif").status_code == 422


def test_a_decompression_bomb_is_refused(app, admin_client):
    prize = make_prize(app)
    raw = io.BytesIO()
    Image.new("1", (8000, 8000)).save(raw, "PNG")  # 64 Mpx, a few KB on disk
    response = upload(admin_client, prize.id, raw.getvalue())
    assert response.status_code == 422
    assert db.session.get(Prize, prize.id).image_version == 0


def test_an_upload_without_a_file_is_a_validation_error(app, admin_client):
    prize = make_prize(app)
    response = admin_client.post(
        f"/api/v1/admin/prizes/{prize.id}/image", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422


# ---------------------------------------------------------------- the counter


def test_a_clerk_looks_up_a_voucher_typed_loosely_and_hands_it_over_once(app, factory, as_user):
    _, voucher = redeemed_voucher(app, factory, as_user)
    clerk = as_user(factory.user(role="clerk"))
    code = voucher["voucher_code"]
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}".replace(" ", "-")
    looked_up = clerk.get(f"/api/v1/admin/redemptions/{typed}")
    assert looked_up.status_code == 200 and looked_up.get_json()["status"] == "pending"
    first = clerk.post(f"/api/v1/admin/redemptions/{typed}/fulfil")
    assert first.status_code == 200 and first.get_json()["status"] == "fulfilled"
    again = clerk.post(f"/api/v1/admin/redemptions/{code}/fulfil")
    assert again.status_code == 409 and again.get_json()["code"] == "not_pending"


def test_a_citizen_cannot_fulfil_even_their_own_voucher(app, factory, as_user):
    user, voucher = redeemed_voucher(app, factory, as_user)
    response = as_user(user).post(f"/api/v1/admin/redemptions/{voucher['voucher_code']}/fulfil")
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_a_clerk_cannot_cancel_or_list_redemptions(app, factory, as_user):
    _, voucher = redeemed_voucher(app, factory, as_user)
    clerk = as_user(factory.user(role="clerk"))
    assert (
        clerk.post(f"/api/v1/admin/redemptions/{voucher['voucher_code']}/cancel").status_code == 403
    )
    assert clerk.get("/api/v1/admin/redemptions.csv").status_code == 403


def test_an_unknown_voucher_is_not_found(factory, as_user):
    clerk = as_user(factory.user(role="clerk"))
    response = clerk.post("/api/v1/admin/redemptions/ABCDEFGHJKLM/fulfil")
    assert response.status_code == 404


def test_a_cancelled_voucher_cannot_be_handed_over(app, factory, as_user, admin_client):
    user, voucher = redeemed_voucher(app, factory, as_user)
    as_user(user).post(f"/api/v1/me/redemptions/{voucher['id']}/cancel")
    response = admin_client.post(f"/api/v1/admin/redemptions/{voucher['voucher_code']}/fulfil")
    assert response.status_code == 409 and response.get_json()["code"] == "not_pending"


def test_an_admin_cancels_a_pending_voucher_with_a_refund(app, factory, as_user, admin_client):
    user, voucher = redeemed_voucher(app, factory, as_user)
    response = admin_client.post(f"/api/v1/admin/redemptions/{voucher['voucher_code']}/cancel")
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert balance_of(user.id) == 1000


def test_create_clerk_makes_counter_staff_who_can_sign_in(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-clerk", "counter1", "--password", "Quartz-lantern-meadow-17"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="counter1").one().role == "clerk"
    client = app.test_client()
    assert (
        client.post(
            "/api/v1/auth/login",
            json={"username": "counter1", "password": "Quartz-lantern-meadow-17"},
        ).status_code
        == 200
    )


# ---------------------------------------------------------------- lists and export


def test_the_admin_list_filters_by_status_and_prize(app, factory, as_user, admin_client):
    bag, card = make_prize(app), make_prize(app, name="card")
    redeemed_voucher(app, factory, as_user, bag)
    _, on_card = redeemed_voucher(app, factory, as_user, card)
    admin_client.post(f"/api/v1/admin/redemptions/{on_card['voucher_code']}/fulfil")
    by_prize = admin_client.get(f"/api/v1/admin/redemptions?prize_id={card.id}").get_json()
    assert [r["id"] for r in by_prize["items"]] == [on_card["id"]]
    pending = admin_client.get("/api/v1/admin/redemptions?status=pending").get_json()
    assert [r["prize"]["id"] for r in pending["items"]] == [bag.id]
    assert pending["items"][0]["user"]["username"]


def test_the_admin_list_filters_by_local_day(app, factory, as_user, admin_client, clock):
    prize = make_prize(app)
    redeemed_voucher(app, factory, as_user, prize)
    clock.advance(days=1)
    _, later = redeemed_voucher(app, factory, as_user, prize)
    day = clock.now().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date()
    body = admin_client.get(f"/api/v1/admin/redemptions?from={day}&to={day}").get_json()
    assert [r["id"] for r in body["items"]] == [later["id"]]


def test_the_csv_export_escapes_cells_that_look_like_formulas(app, factory, as_user, admin_client):
    prize = make_prize(app, name='=HYPERLINK("http://evil")')
    redeemed_voucher(app, factory, as_user, prize, display_name="@SUM(A1)")
    response = admin_client.get("/api/v1/admin/redemptions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["prize"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["display_name"] == "'@SUM(A1)"
    assert rows[0]["status"] == "pending"
