"""Prize and redemption schemas."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from marshmallow import Schema, fields, validate

from quiz.models.shop import REDEMPTION_STATUSES
from quiz.models.types import MAX_ID
from quiz.schemas.common import PageArgs, page_schema, sane_day, sane_instant
from quiz.schemas.text import Text, check_texts
from quiz.services.prizes import image_url

_MAX = 1_000_000


class _PrizeFields(Schema):
    name = Text(min_length=1, max_length=64)
    description = Text(max_length=2000, multiline=True)
    cost = fields.Integer(strict=True, validate=validate.Range(min=1, max=_MAX))
    stock = fields.Integer(strict=True, validate=validate.Range(min=0, max=_MAX))
    per_user_limit = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=10_000)
    )
    on_sale = fields.Boolean()
    sale_starts_at = fields.AwareDateTime(allow_none=True, validate=sane_instant)
    sale_ends_at = fields.AwareDateTime(allow_none=True, validate=sane_instant)
    sort_order = fields.Integer(strict=True, validate=validate.Range(min=-_MAX, max=_MAX))
    # Where and when vouchers are collected (shown on every voucher), and within how many days.
    pickup_place = Text(max_length=128, allow_none=True)
    pickup_hours = Text(max_length=128, allow_none=True)
    pickup_days = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=3650)
    )
    image_url = fields.Url(
        allow_none=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=[validate.Length(max=512), partial(check_texts, max_length=512)],
    )


class PrizeIn(_PrizeFields):
    name = Text(required=True, min_length=1, max_length=64)
    cost = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=_MAX))
    stock = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=_MAX))
    per_user_limit = fields.Integer(
        strict=True, allow_none=True, load_default=1, validate=validate.Range(min=1, max=10_000)
    )


class PrizePatch(_PrizeFields):
    # The stock the editor saw when the form was loaded: `stock - stock_seen` is applied as a
    # relative movement, so units sold in between stay sold.
    stock_seen = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=0, max=_MAX)
    )


class RestockIn(Schema):
    delta = fields.Integer(
        required=True,
        strict=True,
        validate=[
            validate.Range(min=-_MAX, max=_MAX),
            validate.NoneOf([0], error="不能为 0"),
        ],
    )
    memo = Text(required=True, min_length=1, max_length=255)


class StockMovementOut(Schema):
    id = fields.Integer()
    prize_id = fields.Integer()
    delta = fields.Integer()
    stock_after = fields.Integer()
    reason = fields.String()
    actor_id = fields.Integer(allow_none=True)
    memo = fields.String()
    ref = fields.String(allow_none=True)
    created_at = fields.DateTime()


StockMovementPage = page_schema(StockMovementOut)


def _image_url(prize) -> str | None:

    return image_url(prize)


class PrizeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    cost = fields.Integer()
    stock = fields.Integer()
    per_user_limit = fields.Integer(allow_none=True)
    image_url = fields.Function(_image_url, allow_none=True, metadata={"type": "string"})
    on_sale = fields.Boolean()
    sale_starts_at = fields.DateTime(allow_none=True)
    sale_ends_at = fields.DateTime(allow_none=True)
    sort_order = fields.Integer()
    retired = fields.Boolean()
    pickup_place = fields.String(allow_none=True)
    pickup_hours = fields.String(allow_none=True)
    pickup_days = fields.Integer(allow_none=True)


PrizePage = page_schema(PrizeOut)


class ImageUpload(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class RedeemIn(Schema):
    prize_id = fields.Integer(required=True, strict=True)


class PrizeRef(Schema):
    id = fields.Integer()
    name = fields.String()


def _pickup_by(redemption) -> str | None:
    """The last instant a pending voucher may be collected (its prize's `pickup_days` after
    redeeming), or None when the prize sets no limit."""
    days = redemption.prize.pickup_days
    if not days:
        return None
    return (redemption.created_at + timedelta(days=days)).isoformat()


class RedemptionOut(Schema):
    id = fields.Integer()
    prize = fields.Nested(PrizeRef)
    cost = fields.Integer()
    status = fields.String()
    voucher_code = fields.String()
    created_at = fields.DateTime()
    fulfilled_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    qr_url = fields.Function(
        lambda r: f"/api/v1/me/redemptions/{r.id}/qr.png", metadata={"type": "string"}
    )
    # Where and when it is collected (the prize's, as it is now) and the deadline of this voucher.
    pickup_place = fields.Function(
        lambda r: r.prize.pickup_place or None, allow_none=True, metadata={"type": "string"}
    )
    pickup_hours = fields.Function(
        lambda r: r.prize.pickup_hours or None, allow_none=True, metadata={"type": "string"}
    )
    pickup_by = fields.Function(
        _pickup_by, allow_none=True, metadata={"type": "string", "format": "date-time"}
    )


RedemptionPage = page_schema(RedemptionOut)


class MyRedemptionArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(REDEMPTION_STATUSES))


class UserRef(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class AdminRedemptionOut(RedemptionOut):
    user = fields.Nested(UserRef)


AdminRedemptionPage = page_schema(AdminRedemptionOut)


class AdminRedemptionArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(REDEMPTION_STATUSES))
    prize_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    # Local calendar days (QUIZ_TIMEZONE), both inclusive.
    from_ = fields.Date(load_default=None, data_key="from", validate=sane_day)
    to = fields.Date(load_default=None, validate=sane_day)
