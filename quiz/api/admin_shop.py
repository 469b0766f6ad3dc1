"""Running the shop: prizes (admin), redemption lists and exports (admin), the counter (clerk)."""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, config, roles_required
from quiz.current import now, zone
from quiz.errors import ValidationFailed
from quiz.models.account import Role
from quiz.schemas.common import PageArgs, cursor_id, page_of
from quiz.schemas.shop import (
    AdminRedemptionArgs,
    AdminRedemptionOut,
    AdminRedemptionPage,
    ImageUpload,
    PrizeIn,
    PrizeOut,
    PrizePage,
    PrizePatch,
    RestockIn,
    StockMovementOut,
    StockMovementPage,
)
from quiz.services import prizes, shop

blp = Blueprint(
    "admin_shop",
    __name__,
    url_prefix="/api/v1/admin",
    description="Shop administration and the prize counter",
)

counter_staff = roles_required(Role.ADMIN, Role.CLERK)


@blp.route("/prizes", methods=["GET"])
@admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, PrizePage)
def list_prizes(args):
    """Every prize, off-sale and retired ones included, oldest first."""
    rows = prizes.all_prizes(after_id=cursor_id(args["cursor"]), limit=args["limit"])
    return page_of(rows, args["limit"], lambda p: p.id)


@blp.route("/prizes", methods=["POST"])
@admin_required
@blp.arguments(PrizeIn)
@blp.response(201, PrizeOut)
def create_prize(body):
    return prizes.create_prize(body, now=now(), actor_id=current_user.id)


@blp.route("/prizes/<id:prize_id>", methods=["GET"])
@admin_required
@blp.response(200, PrizeOut)
def get_prize(prize_id):
    return prizes.get_prize(prize_id)


@blp.route("/prizes/<id:prize_id>", methods=["PATCH"])
@admin_required
@blp.arguments(PrizePatch)
@blp.response(200, PrizeOut)
def update_prize(body, prize_id):
    """Edit a prize; a `stock` becomes a recorded movement (send `stock_seen` with it)."""
    return prizes.update_prize(prize_id, body, now=now(), actor_id=current_user.id)


@blp.route("/prizes/<id:prize_id>/stock", methods=["POST"])
@admin_required
@blp.arguments(RestockIn)
@blp.response(201, StockMovementOut)
def restock(body, prize_id):
    """Add units (delta > 0) or write some off (delta < 0); never below zero (409 `out_of_stock`)."""
    return prizes.restock(
        prize_id, body["delta"], actor_id=current_user.id, memo=body["memo"], now=now()
    )


@blp.route("/prizes/<id:prize_id>/stock-movements", methods=["GET"])
@admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, StockMovementPage)
def stock_movements(args, prize_id):
    """Every change to the prize's stock, newest first: who, why, by how much, what was left."""
    rows = prizes.stock_movements(
        prize_id, before_id=cursor_id(args["cursor"]), limit=args["limit"]
    )
    return page_of(rows, args["limit"], lambda m: m.id)


@blp.route("/prizes/<id:prize_id>", methods=["DELETE"])
@admin_required
@blp.response(200, PrizeOut, description="The prize had redemptions: it is retired")
@blp.alt_response(204, description="The prize had no redemptions: it is deleted")
def delete_prize(prize_id):
    retired = prizes.remove_prize(prize_id, now=now())
    if retired is None:
        return Response(status=204)
    return retired


@blp.route("/prizes/<id:prize_id>/image", methods=["POST"])
@admin_required
@blp.arguments(ImageUpload, location="files")
@blp.response(200, PrizeOut)
def upload_image(files, prize_id):
    """Upload a JPEG, PNG or WebP (≤ QUIZ_MAX_IMAGE_BYTES); it is checked and re-encoded."""
    upload = files["file"]
    if not hasattr(upload, "read"):
        raise ValidationFailed("请上传图片文件。", errors=[{"field": "file", "message": "必填"}])
    limit = config("QUIZ_MAX_IMAGE_BYTES")
    raw = upload.read(limit + 1)
    return prizes.set_prize_image(prize_id, raw, max_bytes=limit, now=now())


def _search(args, **paging):
    """The list's and the export's one search: the query's filters, days read in the service's zone."""
    return shop.search_redemptions(
        tz=zone(),
        status=args["status"],
        prize_id=args["prize_id"],
        first_day=args["from_"],
        last_day=args["to"],
        **paging,
    )


@blp.route("/redemptions", methods=["GET"])
@admin_required
@blp.arguments(AdminRedemptionArgs, location="query")
@blp.response(200, AdminRedemptionPage)
def list_redemptions(args):
    """Redemptions by status, prize and local day (`from`/`to`, inclusive), newest first."""
    rows = list(_search(args, before_id=cursor_id(args["cursor"]), limit=args["limit"]))
    return page_of(rows, args["limit"], lambda r: r.id)


@blp.route("/redemptions.csv", methods=["GET"])
@admin_required
@blp.arguments(AdminRedemptionArgs, location="query")
@blp.response(200, content_type="text/csv")
def export_redemptions(args):
    """The same filters as the list, every matching row, as CSV (formula cells escaped)."""
    rows = _search(args)
    body = shop.redemptions_csv(rows, zone())
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="redemptions.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/redemptions/<string:voucher_code>", methods=["GET"])
@counter_staff
@blp.response(200, AdminRedemptionOut)
def look_up_voucher(voucher_code):
    """The counter looks a voucher up (lower case and dashes forgiven)."""
    return shop.by_voucher(voucher_code)


@blp.route("/redemptions/<string:voucher_code>/fulfil", methods=["POST"])
@counter_staff
@blp.response(200, AdminRedemptionOut)
def fulfil(voucher_code):
    """Hand the prize over: once; afterwards 409 `not_pending`."""
    redemption = shop.fulfil(voucher_code, actor_id=current_user.id, now=now())
    return redemption


@blp.route("/redemptions/<string:voucher_code>/cancel", methods=["POST"])
@admin_required
@blp.response(200, AdminRedemptionOut)
def cancel(voucher_code):
    """An admin cancels a pending redemption: refund and restock, once."""
    redemption = shop.cancel(shop.by_voucher(voucher_code), actor_id=current_user.id, now=now())
    return redemption
