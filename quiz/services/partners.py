"""Partners spending our points: registering them (admin), their balance reads, debits and
refunds. Plain values in (ids, `now`, the server's partner key), typed errors out; the request's
work flushes and never commits. Signing lives in `partner_signing`, the day's statement and
reconciliation in `partner_statements`.

A debit locks the user's row first, exactly like a redemption in our shop: a debit racing a
redemption (or another debit) queues behind it and sees the balance it left.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from quiz.clock import day_bounds
from quiz.errors import (
    DailyLimitReached,
    InsufficientPoints,
    OrderIdReused,
    PartnerNameTaken,
    RefundExceedsDebit,
    RefundIdReused,
    UnknownDebit,
    UnknownPartner,
    UnknownUser,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import User
from quiz.models.ledger import LedgerKind
from quiz.models.partner import (
    PARTNER_SCOPES,
    Partner,
    PartnerDebit,
    PartnerRefund,
)
from quiz.services import fairplay, ledger
from quiz.services.partner_signing import Caller, secret_of
from quiz.services.sql import insert_on_conflict, row_by_id

MAX_POINTS = 10_000_000


# ---------------------------------------------------------------- partners (admin)


@dataclass(frozen=True)
class Issued:
    partner: Partner
    secret: str


def _check_scopes(scopes: Sequence[str]) -> list[str]:
    unknown = [s for s in scopes if s not in PARTNER_SCOPES]
    if unknown or not scopes:
        raise ValidationFailed(
            "权限范围无效。",
            errors=[{"field": "scopes", "message": f"取值为 {', '.join(PARTNER_SCOPES)} 的子集"}],
        )
    return [s for s in PARTNER_SCOPES if s in scopes]


def _check_cidrs(cidrs: Sequence[str] | None) -> list[str]:
    out = []
    for cidr in cidrs or []:
        try:
            out.append(str(ipaddress.ip_network(cidr.strip(), strict=False)))
        except ValueError as exc:
            raise ValidationFailed(
                "地址列表无效。", errors=[{"field": "allowed_ips", "message": f"无效：{cidr}"}]
            ) from exc
    return out


def create_partner(
    name: str,
    scopes: Sequence[str],
    *,
    key: str,
    now: datetime,
    allowed_ips: Sequence[str] | None = None,
    daily_debit_limit: int | None = None,
    requests_per_minute: int,
    actor_id: int | None = None,
) -> Issued:
    """Register a partner; the answer carries its secret, which is never shown again."""
    name = name.strip()
    if db.session.scalar(select(Partner.id).where(Partner.name == name)) is not None:
        raise PartnerNameTaken("已有同名合作方。")
    salt = secrets.token_hex(32)
    partner = Partner(
        name=name,
        scopes=_check_scopes(scopes),
        allowed_ips=_check_cidrs(allowed_ips),
        daily_debit_limit=daily_debit_limit,
        requests_per_minute=requests_per_minute,
        status="active",
        secret_salt=salt,
        created_at=now,
        created_by=actor_id,
    )
    db.session.add(partner)
    try:
        db.session.flush()
    except IntegrityError as exc:  # another admin registered the name a moment ago
        raise PartnerNameTaken("已有同名合作方。") from exc
    return Issued(partner, secret_of(salt, key))


def get_partner(partner_id: int) -> Partner:
    partner = row_by_id(Partner, partner_id)
    if partner is None:
        raise UnknownPartner("合作方不存在。")
    return partner


def partner_named(name_or_id: str) -> Partner:
    """A partner by its id or its name (for the command line)."""
    if name_or_id.isdigit():
        return get_partner(int(name_or_id))
    partner = db.session.scalar(select(Partner).where(Partner.name == name_or_id))
    if partner is None:
        raise UnknownPartner("合作方不存在。")
    return partner


def partners(*, after_id: int | None, limit: int) -> list[Partner]:
    query = select(Partner).order_by(Partner.id)
    if after_id is not None:
        query = query.where(Partner.id > after_id)
    return list(db.session.scalars(query.limit(limit + 1)))


def _locked_partner(partner_id: int) -> Partner:
    get_partner(partner_id)
    return db.session.scalar(
        select(Partner)
        .where(Partner.id == partner_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def rotate_secret(partner_id: int, *, key: str, now: datetime, overlap_s: int) -> Issued:
    """A new secret; the one it replaces keeps working for `overlap_s` seconds."""
    partner = _locked_partner(partner_id)
    partner.previous_salt = partner.secret_salt
    partner.previous_valid_until = now + timedelta(seconds=max(overlap_s, 0))
    partner.secret_salt = secrets.token_hex(32)
    db.session.flush()
    return Issued(partner, secret_of(partner.secret_salt, key))


def set_status(partner_id: int, status: str) -> Partner:
    partner = _locked_partner(partner_id)
    partner.status = status
    db.session.flush()
    return partner


# ---------------------------------------------------------------- balance, debits, refunds


def balance_of(uid: str) -> int:
    balance = db.session.scalar(select(User.balance).where(User.sso_uid == uid))
    if balance is None:
        raise UnknownUser("没有该 uid 的用户。")
    return balance


@dataclass(frozen=True)
class Debited:
    debit_id: int
    uid: str
    points: int
    balance: int
    order_id: str
    created_at: datetime
    created: bool  # False: a retry of an earlier debit, answered as it was


@dataclass(frozen=True)
class Refunded:
    refund_id: str
    debit_id: int
    points: int
    balance: int
    created: bool


def _debited(row: PartnerDebit, *, created: bool) -> Debited:
    return Debited(
        row.id, row.uid, row.points, row.balance_after, row.order_id, row.created_at, created
    )


def _replay_debit(existing: PartnerDebit, uid: str, points: int, memo: str | None) -> Debited:
    if (existing.uid, existing.points, existing.memo) != (uid, points, memo):
        raise OrderIdReused("该 order_id 已用于另一笔扣减。")
    return _debited(existing, created=False)


def _debit_by_order(partner_id: int, order_id: str) -> PartnerDebit | None:
    return db.session.scalar(
        select(PartnerDebit).where(
            PartnerDebit.partner_id == partner_id, PartnerDebit.order_id == order_id
        )
    )


def _check_ceiling(caller: Caller, points: int, *, now: datetime, tz: ZoneInfo) -> None:
    """The partner's points debited today, plus these, within its daily ceiling. The partner's
    row lock queues its debits here, so two of them cannot both squeeze under the ceiling."""
    if caller.daily_debit_limit is None:
        return
    db.session.execute(select(Partner.id).where(Partner.id == caller.id).with_for_update())
    start, end = day_bounds(now.astimezone(tz).date(), tz)
    today = db.session.scalar(
        select(func.coalesce(func.sum(PartnerDebit.points), 0)).where(
            PartnerDebit.partner_id == caller.id,
            PartnerDebit.created_at >= start,
            PartnerDebit.created_at < end,
        )
    )
    if today + points > caller.daily_debit_limit:
        raise DailyLimitReached(f"今日扣减已达上限 {caller.daily_debit_limit} 积分。")


def debit(
    caller: Caller,
    uid: str,
    points: int,
    order_id: str,
    memo: str | None,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> Debited:
    """Take `points` from the user the news app knows as `uid`, once per (partner, order_id)."""
    memo = memo or None
    # The lock the shop's redemptions take: balance, hold and role read here cannot change
    # under us, and one user's debits and redemptions queue behind each other.
    user = db.session.execute(
        select(
            User.id, User.balance, User.role, User.held_at, User.invite_code, User.show_full_name
        )
        .where(User.sso_uid == uid)
        .with_for_update()
    ).first()
    if user is None:
        raise UnknownUser("没有该 uid 的用户。")
    existing = _debit_by_order(caller.id, order_id)
    if existing is not None:
        return _replay_debit(existing, uid, points, memo)
    fairplay.check_may_redeem(
        user.role,
        user.held_at,
        invite_code=user.invite_code,
        guardian_consent=user.show_full_name,
    )
    if user.balance < points:
        raise InsufficientPoints("积分不足。")
    _check_ceiling(caller, points, now=now, tz=tz)

    table = PartnerDebit.__table__
    # Another user's debit racing for the same order_id inserts nothing here (PostgreSQL waits
    # for it to commit first) and is told the order_id is taken.
    debit_id = db.session.execute(
        insert_on_conflict(table)
        .values(
            partner_id=caller.id,
            user_id=user.id,
            uid=uid,
            points=points,
            order_id=order_id,
            memo=memo,
            refunded=0,
            balance_after=user.balance - points,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["partner_id", "order_id"])
        .returning(table.c.id)
    ).scalar()
    if debit_id is None:
        return _replay_debit(_debit_by_order(caller.id, order_id), uid, points, memo)
    posted = ledger.post_entry(
        user.id,
        -points,
        LedgerKind.PARTNER_DEBIT,
        key=f"partner-debit:{debit_id}",
        now=now,
        memo=(f"{caller.name}：{memo}" if memo else caller.name)[:255],
        ref=f"partner_debit:{debit_id}",
    )
    db.session.execute(
        update(PartnerDebit)
        .where(PartnerDebit.id == debit_id)
        .values(ledger_entry_id=posted.entry.id, balance_after=posted.balance)
        .execution_options(synchronize_session=False)
    )
    return Debited(debit_id, uid, points, posted.balance, order_id, now, True)


def _refund_by_id(partner_id: int, refund_id: str) -> PartnerRefund | None:
    return db.session.scalar(
        select(PartnerRefund).where(
            PartnerRefund.partner_id == partner_id, PartnerRefund.refund_id == refund_id
        )
    )


def _replay_refund(existing: PartnerRefund, debit_id: int, points: int) -> Refunded:
    if (existing.debit_id, existing.points) != (debit_id, points):
        raise RefundIdReused("该 refund_id 已用于另一笔退还。")
    return Refunded(
        existing.refund_id,
        existing.debit_id,
        existing.points,
        existing.balance_after,
        created=False,
    )


def refund(
    caller: Caller, debit_id: int, points: int, refund_id: str, *, now: datetime
) -> Refunded:
    """Give back part or all of a debit, once per (partner, refund_id); never more in all than
    was debited."""
    found = row_by_id(PartnerDebit, debit_id)
    if found is None or found.partner_id != caller.id:
        raise UnknownDebit("扣减记录不存在。")
    # The user's row first, as a debit takes it, then the debit's: refunds of one debit queue.
    db.session.execute(select(User.id).where(User.id == found.user_id).with_for_update())
    locked = db.session.scalar(
        select(PartnerDebit)
        .where(PartnerDebit.id == debit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    existing = _refund_by_id(caller.id, refund_id)
    if existing is not None:
        return _replay_refund(existing, debit_id, points)
    if locked.refunded + points > locked.points:
        left = locked.points - locked.refunded
        raise RefundExceedsDebit(f"退还总额不能超过扣减的积分（还可退 {left}）。")

    table = PartnerRefund.__table__
    new_id = db.session.execute(
        insert_on_conflict(table)
        .values(
            partner_id=caller.id,
            debit_id=debit_id,
            refund_id=refund_id,
            points=points,
            balance_after=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["partner_id", "refund_id"])
        .returning(table.c.id)
    ).scalar()
    if new_id is None:
        return _replay_refund(_refund_by_id(caller.id, refund_id), debit_id, points)
    posted = ledger.post_entry(
        locked.user_id,
        points,
        LedgerKind.PARTNER_REFUND,
        key=f"partner-refund:{new_id}",
        now=now,
        memo=f"{caller.name}：退还（订单 {locked.order_id}）"[:255],
        ref=f"partner_debit:{debit_id}",
    )
    locked.refunded = locked.refunded + points
    db.session.execute(
        update(PartnerRefund)
        .where(PartnerRefund.id == new_id)
        .values(ledger_entry_id=posted.entry.id, balance_after=posted.balance)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return Refunded(refund_id, debit_id, points, posted.balance, created=True)
