"""Partners spending our points: registering them, checking their signed requests, debits,
refunds, the day's statement (对账单) and reconciling it with the partner's own file.

Plain values in (ids, `now`, the server's partner key), typed errors out; the request's work
flushes and never commits. One exception, on purpose: `authenticate` spends the nonce and counts
the request on a connection of its own, committed at once, so that a nonce stays spent and a
request stays counted even when the request then fails (a replayed nonce must never get a
second chance because the first attempt answered 409). A refused signature writes nothing.

A debit locks the user's row first, exactly like a redemption in our shop: a debit racing a
redemption (or another debit) queues behind it and sees the balance it left.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import ipaddress
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from quiz.clock import day_bounds
from quiz.errors import (
    AddressDenied,
    DailyLimitReached,
    InsufficientPoints,
    InvalidSignature,
    NonceReused,
    OrderIdReused,
    PartnerNameTaken,
    PartnerSuspended,
    RateLimited,
    RefundExceedsDebit,
    RefundIdReused,
    ScopeDenied,
    StaleRequest,
    UnknownDebit,
    UnknownPartner,
    UnknownUser,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.models.partner import (
    PARTNER_SCOPES,
    Partner,
    PartnerDebit,
    PartnerNonce,
    PartnerRefund,
    PartnerRequestCount,
)
from quiz.models.types import MAX_ID
from quiz.services import fairplay, ledger
from quiz.services.csv_export import csv_document
from quiz.services.sql import insert_on_conflict, insert_on_conflict_for, row_by_id

SCHEME = "QUIZ-HMAC-SHA256"
MAX_SKEW_S = 300
NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_POINTS = 10_000_000
STATEMENT_HEADER = ("type", "debit_id", "refund_id", "order_id", "uid", "points", "created_at")


# ---------------------------------------------------------------- signing


def canonical_request(method: str, path: str, query: str, ts: str, nonce: str, body: bytes) -> str:
    """The six lines a partner signs (API.md, Additions v1.2)."""
    digest = hashlib.sha256(body or b"").hexdigest()
    return "\n".join((method.upper(), path, query, str(ts), nonce, digest))


def signature(secret: str, canonical: str) -> str:
    return hmac.new(secret.encode(), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def secret_of(salt: str, key: str) -> str:
    """A partner's secret: derived from its salt under the server's partner key, never stored."""
    return hmac.new(key.encode(), f"partner-secret:{salt}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Authorization:
    partner_id: int
    ts: int
    nonce: str
    sig: str


def parse_authorization(header: str | None) -> Authorization:
    """`QUIZ-HMAC-SHA256 partner=…, ts=…, nonce=…, sig=…`, or 401 `invalid_signature`."""
    bad = InvalidSignature("缺少或无法识别的签名。")
    if not header or len(header) > 512:
        raise bad
    scheme, _, rest = header.strip().partition(" ")
    if scheme != SCHEME:
        raise bad
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep or name in params:
            raise bad
        params[name] = value.strip()
    if set(params) != {"partner", "ts", "nonce", "sig"}:
        raise bad
    partner, ts, nonce, sig = params["partner"], params["ts"], params["nonce"], params["sig"]
    if not (partner.isascii() and partner.isdigit() and 0 < len(partner) <= 10):
        raise bad
    if not (ts.isascii() and ts.isdigit() and len(ts) <= 12):
        raise bad
    if not NONCE.fullmatch(nonce) or not re.fullmatch(r"[0-9a-f]{64}", sig):
        raise bad
    if not 0 < int(partner) <= MAX_ID:
        raise bad
    return Authorization(int(partner), int(ts), nonce, sig)


@dataclass(frozen=True)
class SignedRequest:
    """What the signature covers, as received, plus the caller's address."""

    method: str
    path: str
    query: str
    body: bytes
    authorization: str | None
    address: str | None


@dataclass(frozen=True)
class Caller:
    """The partner a request was authenticated as (plain values: the request's session has not
    been touched when it is made)."""

    id: int
    name: str
    scopes: tuple[str, ...]
    daily_debit_limit: int | None


def _address_allowed(address: str | None, allowed: Sequence[str]) -> bool:
    if not allowed:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    for cidr in allowed:
        network = ipaddress.ip_network(cidr, strict=False)
        if ip.version == network.version and ip in network:
            return True
    return False


def authenticate(req: SignedRequest, scopes: Iterable[str], *, key: str, now: datetime) -> Caller:
    """Check a partner request end to end; any refusal raises and leaves nothing behind.

    `scopes`: the route is open to a partner holding any one of them. The checks run in an
    order that tells a stranger nothing: a partner that does not exist and a wrong signature
    are the same 401; only a correctly signed request learns that it is stale, suspended, out
    of scope, from the wrong address, replayed or over its rate."""
    auth = parse_authorization(req.authorization)
    with db.engine.begin() as conn:
        row = conn.execute(
            select(
                Partner.id,
                Partner.name,
                Partner.scopes,
                Partner.allowed_ips,
                Partner.daily_debit_limit,
                Partner.requests_per_minute,
                Partner.status,
                Partner.secret_salt,
                Partner.previous_salt,
                Partner.previous_valid_until,
            ).where(Partner.id == auth.partner_id)
        ).first()
        if row is None:
            raise InvalidSignature("签名无效。")
        canonical = canonical_request(
            req.method, req.path, req.query, str(auth.ts), auth.nonce, req.body
        )
        salts = [row.secret_salt]
        if row.previous_salt and row.previous_valid_until and row.previous_valid_until > now:
            salts.append(row.previous_salt)
        if not any(
            hmac.compare_digest(signature(secret_of(salt, key), canonical), auth.sig)
            for salt in salts
        ):
            raise InvalidSignature("签名无效。")
        if abs(now.timestamp() - auth.ts) > MAX_SKEW_S:
            raise StaleRequest(f"请求时间与服务器时间相差超过 {MAX_SKEW_S} 秒。")
        if row.status != "active":
            raise PartnerSuspended("该合作方已被暂停。")
        if not _address_allowed(req.address, row.allowed_ips or []):
            raise AddressDenied("该地址不在合作方的允许列表中。")
        wanted = set(scopes)
        if not wanted & set(row.scopes or []):
            raise ScopeDenied("合作方未获得此接口的权限。")
        _spend_nonce(conn, row.id, auth, now)
        _count_request(conn, row.id, row.requests_per_minute, now)
    return Caller(row.id, row.name, tuple(row.scopes or ()), row.daily_debit_limit)


def _spend_nonce(conn, partner_id: int, auth: Authorization, now: datetime) -> None:
    table = PartnerNonce.__table__
    expires = datetime.fromtimestamp(auth.ts + MAX_SKEW_S + 1, tz=now.tzinfo)
    stmt = insert_on_conflict_for(conn.dialect.name, table).values(
        partner_id=partner_id, nonce=auth.nonce, expires_at=expires
    )
    # A nonce kept past its window (not yet pruned) may be used again: it can no longer replay.
    stmt = stmt.on_conflict_do_update(
        index_elements=["partner_id", "nonce"],
        set_={"expires_at": stmt.excluded.expires_at},
        where=table.c.expires_at < now,
    ).returning(table.c.nonce)
    if conn.execute(stmt).scalar() is None:
        raise NonceReused("该 nonce 已使用过。")


def _count_request(conn, partner_id: int, per_minute: int, now: datetime) -> None:
    table = PartnerRequestCount.__table__
    at = int(now.timestamp())
    window = at - at % 60
    stmt = insert_on_conflict_for(conn.dialect.name, table).values(
        partner_id=partner_id, window_start=window, count=1
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["partner_id", "window_start"], set_={"count": table.c.count + 1}
    ).returning(table.c.count)
    count = conn.execute(stmt).scalar_one()
    if count == 1:
        # The first request of a minute tidies up after the last ones.
        conn.execute(
            delete(table).where(table.c.partner_id == partner_id, table.c.window_start < window)
        )
        nonces = PartnerNonce.__table__
        conn.execute(
            delete(nonces).where(nonces.c.partner_id == partner_id, nonces.c.expires_at < now)
        )
    if count > per_minute:
        raise RateLimited(f"每分钟最多 {per_minute} 次请求，请稍后再试。")


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


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).isoformat()


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
        "partner_debit",
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
        "partner_refund",
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


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class StatementDebit:
    debit_id: int
    uid: str
    points: int
    order_id: str
    created_at: str


@dataclass(frozen=True)
class StatementRefund:
    refund_id: str
    debit_id: int
    points: int
    created_at: str
    order_id: str = ""
    uid: str = ""


@dataclass(frozen=True)
class Statement:
    """A partner's 对账单 for one local day: what it debited and refunded, in order."""

    date: str
    partner: str
    debits: list[StatementDebit]
    refunds: list[StatementRefund]
    totals: dict = field(default_factory=dict)

    def csv(self) -> str:
        rows = [
            ("debit", d.debit_id, "", d.order_id, d.uid, d.points, d.created_at)
            for d in self.debits
        ] + [
            ("refund", r.debit_id, r.refund_id, r.order_id, r.uid, r.points, r.created_at)
            for r in self.refunds
        ]
        return csv_document(STATEMENT_HEADER, rows)


def statement(partner_id: int, day: date, *, tz: ZoneInfo) -> Statement:
    """Every debit and refund the partner made on `day` (local), oldest first: the same on every
    call once the day is over."""
    partner = get_partner(partner_id)
    start, end = day_bounds(day, tz)
    debits = db.session.scalars(
        select(PartnerDebit)
        .where(
            PartnerDebit.partner_id == partner.id,
            PartnerDebit.created_at >= start,
            PartnerDebit.created_at < end,
        )
        .order_by(PartnerDebit.id)
    ).all()
    refunds = db.session.execute(
        select(PartnerRefund, PartnerDebit.order_id, PartnerDebit.uid)
        .join(PartnerDebit, PartnerDebit.id == PartnerRefund.debit_id)
        .where(
            PartnerRefund.partner_id == partner.id,
            PartnerRefund.created_at >= start,
            PartnerRefund.created_at < end,
        )
        .order_by(PartnerRefund.id)
    ).all()
    out_debits = [
        StatementDebit(d.id, d.uid, d.points, d.order_id, _local(d.created_at, tz)) for d in debits
    ]
    out_refunds = [
        StatementRefund(r.refund_id, r.debit_id, r.points, _local(r.created_at, tz), order, uid)
        for r, order, uid in refunds
    ]
    totals = {
        "debited": sum(d.points for d in out_debits),
        "refunded": sum(r.points for r in out_refunds),
        "debits": len(out_debits),
        "refunds": len(out_refunds),
    }
    return Statement(day.isoformat(), partner.name, out_debits, out_refunds, totals)


def ledger_totals(partner_id: int, day: date, *, tz: ZoneInfo) -> dict:
    """The same day from the ledger's side: the partner's entries, summed (for the checks)."""
    start, end = day_bounds(day, tz)

    def total(model, sign: int) -> int:
        return sign * db.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.delta), 0))
            .join(model, model.ledger_entry_id == LedgerEntry.id)
            .where(
                model.partner_id == partner_id,
                LedgerEntry.created_at >= start,
                LedgerEntry.created_at < end,
            )
        )

    return {"debited": total(PartnerDebit, -1), "refunded": total(PartnerRefund, 1)}


@dataclass(frozen=True)
class DayReport:
    partner_id: int
    partner: str
    status: str
    debits: int
    debited: int
    refunds: int
    refunded: int
    ledger_debited: int
    ledger_refunded: int

    @property
    def agrees(self) -> bool:
        return (self.debited, self.refunded) == (self.ledger_debited, self.ledger_refunded)


def daily_report(day: date, *, tz: ZoneInfo) -> list[DayReport]:
    """Every partner's day: its statement's totals beside the ledger's (the console's report)."""
    out = []
    for partner in db.session.scalars(select(Partner).order_by(Partner.id)):
        totals = statement(partner.id, day, tz=tz).totals
        book = ledger_totals(partner.id, day, tz=tz)
        out.append(
            DayReport(
                partner.id,
                partner.name,
                partner.status,
                totals["debits"],
                totals["debited"],
                totals["refunds"],
                totals["refunded"],
                book["debited"],
                book["refunded"],
            )
        )
    return out


# ---------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class Line:
    """One row of a statement, as either side records it: keyed by the partner's own ids."""

    type: str  # "debit" | "refund"
    ref: str  # order_id for a debit, refund_id for a refund
    points: int


@dataclass(frozen=True)
class Reconciliation:
    matched: list[Line]
    only_theirs: list[Line]
    only_ours: list[Line]
    amount_differs: list[tuple[Line, Line]]  # (theirs, ours)

    @property
    def clean(self) -> bool:
        return not (self.only_theirs or self.only_ours or self.amount_differs)


class PartnerFileInvalid(ValidationFailed):
    code = "invalid_partner_file"
    title = "Invalid partner file"


def read_partner_file(text: str) -> list[Line]:
    """A partner's CSV: our statement's columns (`type`, `order_id`, `refund_id`, `points`; the
    others are ignored), UTF-8 with or without a BOM. A bad row is named by its number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {h.strip() for h in reader.fieldnames or []}
    missing = {"type", "order_id", "refund_id", "points"} - header
    if missing:
        raise PartnerFileInvalid(f"缺少列：{', '.join(sorted(missing))}")
    lines = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        kind = row["type"].lower()
        ref = row["order_id"] if kind == "debit" else row["refund_id"]
        if kind not in ("debit", "refund") or not ref or not row["points"].lstrip("-").isdigit():
            raise PartnerFileInvalid(
                f"第 {number} 行无法识别。",
                errors=[{"row": number, "message": "type 须为 debit/refund，且有编号和积分"}],
            )
        lines.append(Line(kind, ref.lstrip("'"), int(row["points"])))
    return lines


def our_lines(stmt: Statement) -> list[Line]:
    return [Line("debit", d.order_id, d.points) for d in stmt.debits] + [
        Line("refund", r.refund_id, r.points) for r in stmt.refunds
    ]


def reconcile(theirs: list[Line], ours: list[Line]) -> Reconciliation:
    """Match the two books line by line, by (type, the partner's id)."""
    mine = {(line.type, line.ref): line for line in ours}
    seen = set()
    matched, only_theirs, differs = [], [], []
    for line in theirs:
        key = (line.type, line.ref)
        ours_line = mine.get(key)
        if ours_line is None or key in seen:
            only_theirs.append(line)
            continue
        seen.add(key)
        if ours_line.points == line.points:
            matched.append(line)
        else:
            differs.append((line, ours_line))
    only_ours = [line for key, line in mine.items() if key not in seen]
    return Reconciliation(matched, only_theirs, only_ours, differs)
