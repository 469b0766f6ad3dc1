"""The prize shop's rules: redeeming, cancelling, handing over, and the redemptions' lists.

Every function takes plain values (ids, `now`), raises typed errors, flushes and never commits.
Redeeming locks the buyer's row first: one user's requests queue behind each other (limit,
idempotency, balance), while different users only meet at the prize's conditional stock update
(`prizes.move_stock`). The prizes themselves live in `quiz.services.prizes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quiz.clock import day_bounds
from quiz.errors import (
    Conflict,
    IdempotencyKeyReused,
    InsufficientPoints,
    NotFound,
    UnknownUser,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import User
from quiz.models.ledger import LedgerKind
from quiz.models.shop import Prize, Redemption
from quiz.services import fairplay, ledger
from quiz.services.codes import new_code, normalise_code
from quiz.services.csv_export import csv_document
from quiz.services.prizes import (
    OutOfStock,
    UnknownPrize,
    move_stock,
)
from quiz.services.sql import row_by_id

VOUCHER_LENGTH = 12
MAX_KEY_LENGTH = 128


class RetryRequest(Conflict):
    """A one-in-a-trillion clash (a generated code taken): the same request again succeeds."""

    code = "retry"
    title = "Retry"


class LimitReached(Conflict):
    """The user already holds `per_user_limit` live redemptions of this prize."""

    code = "limit_reached"
    title = "Limit reached"


class NotPending(Conflict):
    """The redemption was already fulfilled or cancelled."""

    code = "not_pending"
    title = "Not pending"


class UnknownRedemption(NotFound):
    code = "unknown_redemption"
    title = "Unknown redemption"


@dataclass(frozen=True)
class Redeemed:
    redemption: Redemption
    created: bool  # False when the Idempotency-Key had been used before


# ---------------------------------------------------------------- redeeming


def check_idempotency_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            "请求须带 Idempotency-Key 头（1–128 个可见字符）。",
            errors=[{"field": "Idempotency-Key", "message": "必填，1–128 个可见字符"}],
        )
    return key


def _by_key(user_id: int, key: str) -> Redemption | None:
    return db.session.scalar(
        select(Redemption).where(Redemption.user_id == user_id, Redemption.idempotency_key == key)
    )


def _replay(existing: Redemption, prize_id: int) -> Redeemed:
    if existing.prize_id != prize_id:
        raise IdempotencyKeyReused("该 Idempotency-Key 已用于另一件奖品。", "已用于另一件奖品")
    return Redeemed(existing, created=False)


def redeem(user_id: int, prize_id: int, key: str, *, now: datetime) -> Redeemed:
    """Trade points for one unit of a prize, once per (user, key). Any error changes nothing."""
    key = check_idempotency_key(key)
    # One user's redemptions queue here (a no-op on SQLite, whose writers queue at BEGIN), so
    # the key, the limit and the balance read below cannot change under us.
    buyer = db.session.execute(
        select(User.balance, User.role, User.held_at, User.invite_code, User.show_full_name)
        .where(User.id == user_id)
        .with_for_update()
    ).first()
    if buyer is None:
        raise UnknownUser("用户不存在。")
    balance, role, held_at, invite_code, guardian_consent = buyer
    existing = _by_key(user_id, key)
    if existing is not None:
        return _replay(existing, prize_id)  # a retry of an earlier redemption is not a new one
    # Read under the lock a hold takes too: no redemption completes after a hold commits.
    fairplay.check_may_redeem(
        role, held_at, invite_code=invite_code, guardian_consent=guardian_consent
    )

    prize = row_by_id(Prize, prize_id)
    if prize is None or not prize.is_on_sale(now):
        raise UnknownPrize("奖品不存在或未在兑换期内。")
    if prize.per_user_limit is not None:
        held = db.session.scalar(
            select(func.count())
            .select_from(Redemption)
            .where(
                Redemption.user_id == user_id,
                Redemption.prize_id == prize.id,
                Redemption.status != "cancelled",
            )
        )
        if held >= prize.per_user_limit:
            raise LimitReached(f"每人限兑 {prize.per_user_limit} 件。")
    if prize.stock <= 0:
        raise OutOfStock("奖品已兑完。")
    if balance < prize.cost:
        raise InsufficientPoints("积分不足。")

    # The conditional update in move_stock is the stock's guard: concurrent buyers queue on the
    # row and re-check the stock once the one before them commits.
    try:
        taken = move_stock(prize, -1, "redeem", now=now, memo=prize.name)
    except OutOfStock as exc:
        raise OutOfStock("奖品已兑完。") from exc

    # The user's row lock above makes this key unique here; a voucher-code clash (1 in 32^12)
    # surfaces as a 409 asking to retry, never as a double charge.
    redemption = Redemption(
        user_id=user_id,
        prize=prize,
        cost=prize.cost,
        status="pending",
        idempotency_key=key,
        voucher_code=new_code(VOUCHER_LENGTH),
        created_at=now,
    )
    db.session.add(redemption)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise RetryRequest("兑换码生成冲突，请重试。") from exc

    taken.ref = f"redemption:{redemption.id}"
    ledger.post_entry(
        user_id,
        -prize.cost,
        LedgerKind.REDEEM,
        key=f"redeem:{redemption.id}",
        now=now,
        memo=prize.name[:255],
        ref=f"redemption:{redemption.id}",
    )
    return Redeemed(redemption, created=True)


# ---------------------------------------------------------------- after redeeming


def _find(redemption_id: int) -> Redemption:
    found = row_by_id(Redemption, redemption_id)
    if found is None:
        raise UnknownRedemption("兑换记录不存在。")
    return found


def own_redemption(user_id: int, redemption_id: int) -> Redemption:
    """A user's own redemption; someone else's is reported as not existing."""
    redemption = _find(redemption_id)
    if redemption.user_id != user_id:
        raise UnknownRedemption("兑换记录不存在。")
    return redemption


def by_voucher(code: str) -> Redemption:
    normal = normalise_code(code or "")
    found = None
    if 0 < len(normal) <= 16:
        found = db.session.scalar(select(Redemption).where(Redemption.voucher_code == normal))
    if found is None:
        raise UnknownRedemption("兑换码不存在。")
    return found


def _leave_pending(redemption: Redemption, status: str, **values) -> None:
    """Move a pending redemption on, once: the conditional update lets one racer win."""
    moved = db.session.execute(
        update(Redemption)
        .where(Redemption.id == redemption.id, Redemption.status == "pending")
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(redemption)
    if moved != 1:
        raise NotPending("该兑换已领取或已取消。")


def cancel(redemption: Redemption, *, actor_id: int, now: datetime) -> Redemption:
    """Cancel a pending redemption: refund the points and put the unit back, once."""
    # Lock the owner first, as redeem does, so a cancel and a redeem never deadlock.
    db.session.execute(select(User.id).where(User.id == redemption.user_id).with_for_update())
    _leave_pending(redemption, "cancelled", cancelled_at=now, cancelled_by=actor_id)
    move_stock(
        redemption.prize,
        1,
        "cancel",
        now=now,
        actor_id=actor_id,
        memo=redemption.prize.name,
        ref=f"redemption:{redemption.id}",
    )
    ledger.post_entry(
        redemption.user_id,
        redemption.cost,
        LedgerKind.REFUND,
        key=f"refund:{redemption.id}",
        now=now,
        memo=redemption.prize.name[:255],
        ref=f"redemption:{redemption.id}",
        actor_id=actor_id if actor_id != redemption.user_id else None,
    )
    return redemption


def fulfil(code: str, *, actor_id: int, now: datetime) -> Redemption:
    """The counter hands the prize over: pending → fulfilled, exactly once, never to oneself
    and never while the owner's account is on hold."""
    redemption = by_voucher(code)
    owner = db.session.execute(
        select(User.id, User.held_at).where(User.id == redemption.user_id).with_for_update()
    ).first()
    fairplay.check_may_hand_over(owner.id, owner.held_at, actor_id=actor_id)
    _leave_pending(redemption, "fulfilled", fulfilled_at=now, fulfilled_by=actor_id)
    return redemption


def my_redemptions(user_id: int, *, before_id: int | None, limit: int, status: str | None = None):
    query = select(Redemption).where(Redemption.user_id == user_id)
    if status:
        query = query.where(Redemption.status == status)
    if before_id is not None:
        query = query.where(Redemption.id < before_id)
    return list(db.session.scalars(query.order_by(Redemption.id.desc()).limit(limit + 1)))


def search_redemptions(
    *,
    tz: ZoneInfo,
    status: str | None = None,
    prize_id: int | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    before_id: int | None = None,
    limit: int | None = None,
):
    """Redemptions newest first, by status, prize and local days `first_day`…`last_day`
    (inclusive, in `tz`); `before_id` and `limit` page them (one more row than `limit`)."""
    start = day_bounds(first_day, tz)[0] if first_day else None
    end = day_bounds(last_day, tz)[1] if last_day else None
    query = select(Redemption)
    if status:
        query = query.where(Redemption.status == status)
    if prize_id is not None:
        query = query.where(Redemption.prize_id == prize_id)
    if start is not None:
        query = query.where(Redemption.created_at >= start)
    if end is not None:
        query = query.where(Redemption.created_at < end)
    if before_id is not None:
        query = query.where(Redemption.id < before_id)
    query = query.order_by(Redemption.id.desc())
    if limit is not None:
        query = query.limit(limit + 1)
    return db.session.scalars(query)


# ---------------------------------------------------------------- exports and seed


def redemptions_csv(rows, tz) -> str:
    def when(at):
        return at.astimezone(tz).isoformat() if at else ""

    return csv_document(
        [
            "id",
            "voucher_code",
            "status",
            "prize_id",
            "prize",
            "cost",
            "user_id",
            "username",
            "display_name",
            "created_at",
            "fulfilled_at",
            "cancelled_at",
        ],
        (
            (
                r.id,
                r.voucher_code,
                r.status,
                r.prize_id,
                r.prize.name,
                r.cost,
                r.user_id,
                r.user.username,
                r.user.display_name,
                when(r.created_at),
                when(r.fulfilled_at),
                when(r.cancelled_at),
            )
            for r in rows
        ),
    )
