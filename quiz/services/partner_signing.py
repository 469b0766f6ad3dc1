"""Partners' signed requests: the canonical request, its HMAC, and `authenticate`, which
checks a request's signature, age, nonce, scope, address and rate before any work is done.

One exception to "the request's work flushes and never commits", on purpose: `authenticate`
spends the nonce and counts the request on a connection of its own, committed at once, so that a
nonce stays spent and a request stays counted even when the request then fails (a replayed nonce
must never get a second chance because the first attempt answered 409). A refused signature
writes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from quiz.errors import (
    AddressDenied,
    InvalidSignature,
    NonceReused,
    PartnerSuspended,
    RateLimited,
    ScopeDenied,
    StaleRequest,
)
from quiz.extensions import db
from quiz.models.partner import (
    Partner,
    PartnerNonce,
    PartnerRequestCount,
)
from quiz.models.types import MAX_ID
from quiz.services.sql import insert_on_conflict_for

SCHEME = "QUIZ-HMAC-SHA256"
MAX_SKEW_S = 300
NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")


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
