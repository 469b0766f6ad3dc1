"""The shop's rules without HTTP."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models.shop import Redemption
from quiz.runtime import runtime_of
from quiz.services import prizes, shop
from quiz.services.codes import ALPHABET
from quiz.services.csv_export import csv_cell
from tests.api.test_shop import give_points, make_prize, png_bytes


def test_formula_like_cells_get_a_leading_quote():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@A1", "\tx", "ok", None, 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "ok",
        "",
        "5",
    ]


def test_an_image_over_the_byte_limit_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        prizes.clean_image(png_bytes((64, 64)), max_bytes=50)
    assert caught.value.code == "invalid_image"


def test_a_truncated_image_is_refused():
    raw = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(raw, "JPEG")
    with pytest.raises(ValidationFailed):
        prizes.clean_image(raw.getvalue()[:40], max_bytes=10_000)


def test_a_webp_upload_stays_webp():
    raw = io.BytesIO()
    Image.new("RGBA", (10, 10), (1, 2, 3, 100)).save(raw, "WEBP")
    data, content_type = prizes.clean_image(raw.getvalue(), max_bytes=10_000)
    assert content_type == "image/webp" and Image.open(io.BytesIO(data)).format == "WEBP"


def test_a_large_image_is_scaled_down_when_re_encoded():
    data, _ = prizes.clean_image(png_bytes((3000, 1500)), max_bytes=2_000_000)
    assert Image.open(io.BytesIO(data)).size == (prizes.MAX_IMAGE_SIDE, prizes.MAX_IMAGE_SIDE // 2)


def test_voucher_codes_are_long_and_avoid_look_alike_characters(app, factory):
    user = factory.user()
    give_points(app, user, 10_000)
    prize = make_prize(app, cost=1, stock=50)
    codes = {
        shop.redeem(
            user.id, prize.id, f"k{i}", now=runtime_of(app).clock.now()
        ).redemption.voucher_code
        for i in range(30)
    }
    assert len(codes) == 30
    assert all(len(code) >= 10 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("".join(codes)) & set("0O1I")


def test_a_refused_redemption_leaves_the_session_clean(app, factory):
    user = factory.user()
    give_points(app, user, 10)
    prize = make_prize(app, cost=100)
    with pytest.raises(shop.InsufficientPoints):
        shop.redeem(user.id, prize.id, "k", now=runtime_of(app).clock.now())
    assert not db.session.new and not db.session.dirty
    assert db.session.query(Redemption).count() == 0


def test_the_sale_window_is_closed_at_its_end_and_open_at_its_start(app, clock):
    now = clock.now()
    prize = make_prize(app, sale_starts_at=now, sale_ends_at=now.replace(hour=now.hour + 1))
    assert prize.is_on_sale(now)
    assert not prize.is_on_sale(prize.sale_ends_at)
