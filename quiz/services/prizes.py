"""Prizes: what the shop offers, its stock (moved only by `move_stock`, each move recorded),
its pictures (re-encoded, never served as uploaded), and the demo prizes `make run` seeds.

Every function takes plain values (ids, `now`), raises typed errors, flushes and never commits.
"""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from quiz.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models.shop import Prize, PrizeImage, Redemption, StockMovement
from quiz.services.sql import row_by_id

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
# Pixels alone undercount: 16-bit RGBA is 8 bytes a pixel. What decoding would allocate is capped too.
MAX_DECODED_BYTES = 64 * 1024 * 1024
MAX_IMAGE_SIDE = 1600  # larger uploads are scaled down when re-encoded


class PrizeRetired(Conflict):
    """The prize was retired (it had redemptions when deleted): it can no longer change."""

    code = "prize_retired"
    title = "Prize retired"


class InvalidImage(ValidationFailed):
    code = "invalid_image"
    title = "Invalid image"


class NoImage(NotFound):
    code = "no_image"
    title = "No image"


class UnknownPrize(NotFound):
    """The prize does not exist, is retired or is not on sale now."""

    code = "unknown_prize"
    title = "Unknown prize"


class OutOfStock(Conflict):
    code = "out_of_stock"
    title = "Out of stock"


# ---------------------------------------------------------------- prizes


# Stock is not among them: it moves only through `move_stock` (see `restock`).
PRIZE_FIELDS = (
    "name",
    "description",
    "cost",
    "per_user_limit",
    "on_sale",
    "sale_starts_at",
    "sale_ends_at",
    "sort_order",
    "image_url",
    "pickup_place",
    "pickup_hours",
    "pickup_days",
)


def _apply(prize: Prize, fields: dict) -> None:
    for name, value in fields.items():
        if name == "image_url":
            prize.external_image_url = value or None
        elif name in PRIZE_FIELDS:
            setattr(prize, name, value)
    if prize.sale_starts_at and prize.sale_ends_at and prize.sale_ends_at <= prize.sale_starts_at:
        raise ValidationFailed(
            "结束时间须晚于开始时间。",
            errors=[{"field": "sale_ends_at", "message": "须晚于 sale_starts_at"}],
        )


def create_prize(fields: dict, *, now: datetime, actor_id: int | None = None) -> Prize:
    prize = Prize(
        description="",
        stock=0,
        on_sale=False,
        sort_order=0,
        retired=False,
        image_version=0,
        created_at=now,
        updated_at=now,
    )
    _apply(prize, fields)
    db.session.add(prize)
    db.session.flush()
    if fields.get("stock"):
        move_stock(prize, fields["stock"], "initial", actor_id=actor_id, memo="上架", now=now)
    return prize


def get_prize(prize_id: int) -> Prize:
    prize = row_by_id(Prize, prize_id)
    if prize is None:
        raise UnknownPrize("奖品不存在。")
    return prize


def update_prize(
    prize_id: int, fields: dict, *, now: datetime, actor_id: int | None = None
) -> Prize:
    """Edit a prize. A `stock` in the edit is the count the admin wants on the shelf *given the
    count they saw* (`stock_seen`, which the console sends): the difference is applied as a
    relative movement, so units sold meanwhile stay sold. Without `stock_seen` the difference is
    taken from the stock read under the row lock here."""
    prize = get_prize(prize_id)
    if prize.retired:
        raise PrizeRetired("奖品已下架停用，不能修改。")
    _apply(prize, fields)
    prize.updated_at = now
    db.session.flush()
    if "stock" in fields:
        seen = fields.get("stock_seen")
        if seen is None:
            seen = _locked_stock(prize.id)
        delta = fields["stock"] - seen
        if delta:
            move_stock(prize, delta, "restock", actor_id=actor_id, memo="编辑库存", now=now)
    return prize


def _locked_stock(prize_id: int) -> int:
    return db.session.execute(
        select(Prize.stock).where(Prize.id == prize_id).with_for_update()
    ).scalar_one()


def move_stock(
    prize: Prize,
    delta: int,
    reason: str,
    *,
    now: datetime,
    actor_id: int | None = None,
    memo: str = "",
    ref: str | None = None,
) -> StockMovement:
    """The one place a prize's stock changes: a conditional relative update (never below zero,
    also under races) and the movement that records it, in the caller's transaction."""
    if delta == 0:
        raise ValidationFailed(
            "库存变动不能为 0。", errors=[{"field": "delta", "message": "不能为 0"}]
        )
    left = db.session.execute(
        update(Prize)
        .where(Prize.id == prize.id, Prize.stock + delta >= 0)
        .values(stock=Prize.stock + delta)
        .returning(Prize.stock)
        .execution_options(synchronize_session=False)
    ).scalar()
    if left is None:
        raise OutOfStock("库存不足。")
    set_committed_value(prize, "stock", left)
    movement = StockMovement(
        prize_id=prize.id,
        delta=delta,
        stock_after=left,
        reason=reason,
        actor_id=actor_id,
        memo=memo[:255],
        ref=ref,
        created_at=now,
    )
    db.session.add(movement)
    db.session.flush()
    return movement


def restock(prize_id: int, delta: int, *, actor_id: int, memo: str, now: datetime) -> StockMovement:
    """An admin adds units (delta > 0) or writes some off (delta < 0)."""
    prize = get_prize(prize_id)
    if prize.retired:
        raise PrizeRetired("奖品已下架停用，不能修改。")
    prize.updated_at = now
    return move_stock(prize, delta, "restock", actor_id=actor_id, memo=memo, now=now)


def stock_movements(prize_id: int, *, before_id: int | None, limit: int) -> list[StockMovement]:
    """A prize's movements, newest first (limit + 1 rows, for paging)."""
    prize = get_prize(prize_id)
    query = select(StockMovement).where(StockMovement.prize_id == prize.id)
    if before_id is not None:
        query = query.where(StockMovement.id < before_id)
    return list(db.session.scalars(query.order_by(StockMovement.id.desc()).limit(limit + 1)))


def remove_prize(prize_id: int, *, now: datetime) -> Prize | None:
    """Delete a prize nobody redeemed; retire one with redemptions (returned, else None)."""
    prize = get_prize(prize_id)
    used = db.session.scalar(select(Redemption.id).where(Redemption.prize_id == prize.id).limit(1))
    if used is None:
        db.session.execute(PrizeImage.__table__.delete().where(PrizeImage.prize_id == prize.id))
        db.session.delete(prize)
        db.session.flush()
        return None
    prize.retired = True
    prize.on_sale = False
    prize.updated_at = now
    db.session.flush()
    return prize


def on_sale_prizes(now: datetime) -> list[Prize]:
    return list(
        db.session.scalars(
            select(Prize)
            .where(
                Prize.on_sale.is_(True),
                Prize.retired.is_(False),
                (Prize.sale_starts_at.is_(None)) | (Prize.sale_starts_at <= now),
                (Prize.sale_ends_at.is_(None)) | (Prize.sale_ends_at > now),
            )
            .order_by(Prize.sort_order, Prize.id)
        )
    )


def all_prizes(*, after_id: int | None, limit: int) -> list[Prize]:
    query = select(Prize).order_by(Prize.id)
    if after_id is not None:
        query = query.where(Prize.id > after_id)
    return list(db.session.scalars(query.limit(limit + 1)))


def image_url(prize: Prize) -> str | None:
    if prize.image_version:
        return f"/api/v1/shop/prizes/{prize.id}/image?v={prize.image_version}"
    return prize.external_image_url


def clean_image(raw: bytes, *, max_bytes: int) -> tuple[bytes, str]:
    """Validate an upload by its content and re-encode it (metadata stripped): (bytes, type)."""
    if not raw:
        raise _image_error("文件为空。")
    if len(raw) > max_bytes:
        raise _image_error(f"图片不能超过 {max_bytes // 1024} KB。")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise _image_error("只接受 JPEG、PNG 或 WebP 图片。")
            if (
                probe.width * probe.height > MAX_IMAGE_PIXELS
                or _decoded_bytes(probe) > MAX_DECODED_BYTES
            ):
                raise _image_error("图片尺寸过大。")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif fmt == "PNG":
                keep = image.mode if image.mode in ("RGB", "RGBA", "L", "LA", "P") else "RGBA"
                image.convert(keep).save(out, "PNG", optimize=True)
            else:
                keep = "RGBA" if "A" in image.getbands() else "RGB"
                image.convert(keep).save(out, "WEBP", quality=85)
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    ) as exc:
        raise _image_error("无法识别的图片文件。") from exc
    return out.getvalue(), IMAGE_FORMATS[fmt]


def _decoded_bytes(probe) -> int:
    """What decoding the image would take in memory: pixels × bands × bytes a sample."""
    rawmodes = " ".join(str(tile[3]) for tile in probe.tile)
    sample = 2 if "16" in rawmodes or probe.mode.startswith("I;16") else 1
    sample = 4 if probe.mode in ("I", "F") else sample
    return probe.width * probe.height * len(probe.getbands()) * sample


def _image_error(message: str) -> ValidationFailed:
    return InvalidImage(message, errors=[{"field": "file", "message": message}])


def set_prize_image(prize_id: int, raw: bytes, *, max_bytes: int, now: datetime) -> Prize:
    prize = get_prize(prize_id)
    data, content_type = clean_image(raw, max_bytes=max_bytes)
    image = db.session.get(PrizeImage, prize.id)
    if image is None:
        image = PrizeImage(prize_id=prize.id)
        db.session.add(image)
    image.data, image.content_type, image.updated_at = data, content_type, now
    prize.image_version = (prize.image_version or 0) + 1
    prize.updated_at = now
    db.session.flush()
    return prize


def prize_image(prize_id: int) -> PrizeImage:
    image = row_by_id(PrizeImage, prize_id)
    if image is None:
        raise NoImage("该奖品没有上传图片。")
    return image


DEMO_PRIZES = (
    # A perfect first day (5 × 10 + 20 = 70 points) affords the first one.
    ("文明城市书签", "“我知晓 我践行”纪念书签一枚，第一天全部答对就能兑换。", 60, 500, 1),
    ("环保帆布袋", "印有“我知晓 我践行”字样的帆布购物袋，减少塑料袋使用。", 200, 100, 1),
    ("垃圾分类桌面小桶", "四色分类桌面收纳桶，家里的垃圾分类从桌面开始。", 300, 50, 1),
    ("公交乘车卡（20 元）", "市内公交通用，绿色出行。", 500, 30, 2),
    ("文明城市纪念徽章", "创建全国文明城市纪念徽章一枚。", 100, 200, None),
)


DEMO_PICKUP_PLACE = "市文明办一楼服务台（示例地址，请在“奖品”页改为实际兑换点）"
DEMO_PICKUP_HOURS = "工作日 9:00–12:00、14:00–17:30"


def seed_demo_prizes(now: datetime) -> int:
    """Stock the shop with a few demo prizes when it has none; returns how many were added."""
    if db.session.scalar(select(Prize.id).limit(1)) is not None:
        return 0
    for order, (name, description, cost, stock, limit) in enumerate(DEMO_PRIZES):
        create_prize(
            {
                "name": name,
                "description": description,
                "cost": cost,
                "stock": stock,
                "per_user_limit": limit,
                "on_sale": True,
                "sort_order": order,
                "pickup_place": DEMO_PICKUP_PLACE,
                "pickup_hours": DEMO_PICKUP_HOURS,
                "pickup_days": 30,
            },
            now=now,
        )
    return len(DEMO_PRIZES)
