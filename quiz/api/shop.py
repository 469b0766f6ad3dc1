"""The citizen's shop: prizes on sale, redeeming, my vouchers (with QR codes), cancelling."""

from __future__ import annotations

import io

import qrcode
from flask import Response, current_app
from flask_login import current_user

from quiz.api.common import Blueprint, login_required
from quiz.current import now
from quiz.extensions import limiter
from quiz.schemas.common import IdempotencyKeyHeader, cursor_id, page_of
from quiz.schemas.shop import MyRedemptionArgs, PrizeOut, RedeemIn, RedemptionOut, RedemptionPage
from quiz.services import prizes, shop

blp = Blueprint("shop", __name__, url_prefix="/api/v1", description="Prize shop")


def _redeemer() -> str:
    return f"redeem-user:{current_user.id}" if current_user.is_authenticated else "redeem-user:?"


@blp.route("/shop/prizes", methods=["GET"])
@blp.response(200, PrizeOut(many=True))
def list_prizes():
    """Prizes on sale now (sold-out ones included, with stock 0), in the shop's order."""
    return prizes.on_sale_prizes(now())


@blp.route("/shop/prizes/<id:prize_id>/image", methods=["GET"])
@blp.response(200, content_type="image/*")
def prize_image(prize_id):
    """The prize's uploaded picture, re-encoded by the service."""
    image = prizes.prize_image(prize_id)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@blp.route("/shop/redemptions", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["QUIZ_REDEEM_LIMIT_USER"], key_func=_redeemer)
@blp.arguments(IdempotencyKeyHeader, location="headers")
@blp.arguments(RedeemIn)
@blp.response(201, RedemptionOut)
@blp.alt_response(200, schema=RedemptionOut, description="The same Idempotency-Key again")
def redeem(headers, body):
    """Redeem a prize. Send a fresh `Idempotency-Key` header per intended redemption."""
    result = shop.redeem(current_user.id, body["prize_id"], headers["idempotency_key"], now=now())
    return result.redemption, 201 if result.created else 200


@blp.route("/me/redemptions", methods=["GET"])
@login_required
@blp.arguments(MyRedemptionArgs, location="query")
@blp.response(200, RedemptionPage)
def my_redemptions(args):
    """My redemptions, newest first."""
    rows = shop.my_redemptions(
        current_user.id,
        before_id=cursor_id(args["cursor"]),
        limit=args["limit"],
        status=args["status"],
    )
    return page_of(rows, args["limit"], lambda r: r.id)


@blp.route("/me/redemptions/<id:redemption_id>", methods=["GET"])
@login_required
@blp.response(200, RedemptionOut)
def my_redemption(redemption_id):
    return shop.own_redemption(current_user.id, redemption_id)


@blp.route("/me/redemptions/<id:redemption_id>/qr.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
def voucher_qr(redemption_id):
    """The voucher code as a QR code for the counter's scanner."""
    redemption = shop.own_redemption(current_user.id, redemption_id)
    image = qrcode.make(redemption.voucher_code, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    response = Response(out.getvalue(), mimetype="image/png")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@blp.route("/me/redemptions/<id:redemption_id>/cancel", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["QUIZ_REDEEM_LIMIT_USER"], key_func=_redeemer)
@blp.response(200, RedemptionOut)
def cancel_mine(redemption_id):
    """Cancel my pending redemption: the points come back and the prize goes back on the shelf."""
    redemption = shop.own_redemption(current_user.id, redemption_id)
    return shop.cancel(redemption, actor_id=current_user.id, now=now())
