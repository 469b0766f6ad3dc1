"""The points ledger: the one place balances change.

`post_entry` inserts an entry and moves the balance in the caller's transaction; it flushes
and never commits. The idempotency key makes every event count once, however often it is
retried or however many workers race; the conditional UPDATE and CHECK (balance >= 0) keep
a balance from going negative. Every new entry is published to the runtime's listeners (the
leaderboards are one; `quiz.services.running`), taken from the session it is posted in, in the
same transaction; the ledger knows nothing of what they do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from quiz.errors import IdempotencyKeyReused, InsufficientPoints, UnknownUser, ValidationFailed
from quiz.extensions import db
from quiz.models import EARNING_KINDS, KINDS, LedgerEntry, User
from quiz.models.ledger import LedgerKind
from quiz.runtime import runtime_of
from quiz.services import fairplay
from quiz.services.sql import insert_on_conflict


@dataclass(frozen=True)
class Posted:
    entry: LedgerEntry
    balance: int
    created: bool  # False when the key had been posted before


def post_entry(
    user_id: int,
    delta: int,
    kind: str,
    *,
    key: str,
    now: datetime,
    memo: str | None = None,
    ref: str | None = None,
    actor_id: int | None = None,
    owner=None,
) -> Posted:
    """Record one balance change; the same `key` again returns the first entry, unchanged.

    `owner` is the account's user (a `User` or the signed-in user) when the caller holds it:
    the listeners then read its role, team and district without a query."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    values = dict(
        user_id=user_id,
        delta=delta,
        kind=kind,
        memo=memo,
        ref=ref,
        idempotency_key=key,
        actor_id=actor_id,
        created_at=now,
    )
    # One round trip instead of SELECT + SAVEPOINT + INSERT + RELEASE (see docs/profiling.md).
    # A key posted before, or by a concurrent transaction that commits first, inserts nothing:
    # PostgreSQL waits for that transaction, then the SELECT below sees its entry.
    entry_id = db.session.execute(_insert_entry(), values).scalar()
    if entry_id is None:
        existing = db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))
        if existing is None:  # pragma: no cover - the conflicting row cannot vanish
            raise RuntimeError(f"ledger key {key!r} conflicted but no entry has it")
        return Posted(existing, _balance(existing.user_id), created=False)
    entry = entry_of(entry_id, **values)
    make_transient_to_detached(entry)  # the row exists: attach it as loaded, no second INSERT
    db.session.add(entry)

    balance = db.session.execute(
        update(User)
        .where(User.id == user_id, User.balance + delta >= 0)
        .values(balance=User.balance + delta)
        .returning(User.balance)
        .execution_options(synchronize_session=False)
    ).scalar()
    if balance is None:
        if db.session.get(User, user_id) is None:
            raise UnknownUser("用户不存在。")
        raise InsufficientPoints("积分不足。")
    user = db.session.identity_map.get(db.session.identity_key(User, user_id))
    if user is not None:
        # RETURNING gave the balance inside this transaction: no need to SELECT it again.
        set_committed_value(user, "balance", balance)
    publish(entry, owner=owner)
    return Posted(entry, balance, created=True)


def publish(entry: LedgerEntry, *, owner=None) -> None:
    """Hand a new entry to the runtime's listeners, in its transaction (`owner`: the entry's
    user when the poster holds it, else None)."""
    for listener in runtime_of(db.session).earning_listeners:
        listener(entry, owner)


def entry_of(entry_id: int, **values) -> LedgerEntry:
    """An entry already written (by `post_entry`'s INSERT, or by `CREDIT_CTES`), as an object
    for the session and the listeners: the row's columns as `post_entry` names them."""
    return LedgerEntry(id=entry_id, **values)


# The ledger's part of a statement that does other work in the same round trip (the daily
# answer on PostgreSQL, `answer_statement`): the caller supplies a CTE `earning` with the
# columns (user_id, delta, kind, memo, ref, idempotency_key, created_at) and at most one row
# with delta > 0. `credit` posts it once per key; `balance` moves the balance under the same
# invariant as `post_entry` (never below zero, backed by the CHECK). The caller then hands the
# entry to `publish`.
CREDIT_CTES = """credit AS (
    INSERT INTO ledger_entries (user_id, delta, kind, memo, ref, idempotency_key, actor_id,
                                created_at)
    SELECT user_id, delta, kind, memo, ref, idempotency_key, NULL, created_at FROM earning
    WHERE delta > 0
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, user_id, delta
), balance AS (
    UPDATE users SET balance = users.balance + credit.delta
    FROM credit WHERE users.id = credit.user_id AND users.balance + credit.delta >= 0
    RETURNING users.balance
)"""


_INSERTS: dict[str, object] = {}


def _insert_entry():
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, built once per dialect."""
    dialect = db.session.get_bind().dialect.name
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        table = LedgerEntry.__table__
        stmt = (
            insert_on_conflict(table)
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.id)
        )
        _INSERTS[dialect] = stmt
    return stmt


def _balance(user_id: int) -> int:
    return db.session.scalar(select(User.balance).where(User.id == user_id)) or 0


def earned_between(
    user_id: int, start: datetime, end: datetime, kinds: tuple[str, ...] = EARNING_KINDS
) -> int:
    """Points earned by `kinds` in [start, end)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
            LedgerEntry.user_id == user_id,
            LedgerEntry.kind.in_(kinds),
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
    )


def adjust(
    user_id: int, delta: int, memo: str, *, actor_id: int, request_key: str, now: datetime
) -> Posted:
    """An admin's manual correction, audited with the admin's id. The request's
    Idempotency-Key (per admin) makes a retried adjustment count once."""
    key = f"adjust:{actor_id}:{hashlib.sha256(request_key.encode()).hexdigest()[:40]}"
    if delta == 0:
        raise ValidationFailed(
            "调整值不能为 0。", errors=[{"field": "delta", "message": "不能为 0"}]
        )
    if not memo or not memo.strip():
        raise ValidationFailed("必须填写备注。", errors=[{"field": "memo", "message": "必填"}])
    target = db.session.get(User, user_id)
    if target is None:
        raise UnknownUser("用户不存在。")
    fairplay.check_may_adjust(target, actor_id=actor_id)
    posted = post_entry(
        user_id,
        delta,
        LedgerKind.ADMIN_ADJUST,
        key=key,
        now=now,
        memo=memo.strip(),
        actor_id=actor_id,
    )
    first = posted.entry
    if not posted.created and (first.user_id, first.delta, first.memo) != (
        user_id,
        delta,
        memo.strip(),
    ):
        raise IdempotencyKeyReused("该 Idempotency-Key 已用于另一次调整。", "已用于另一次调整")
    return posted


def mismatches() -> list[tuple[int, int, int]]:
    """Accounts whose balance differs from the sum of their entries: (user_id, balance, sum)."""
    sums = (
        select(LedgerEntry.user_id, func.sum(LedgerEntry.delta).label("total"))
        .group_by(LedgerEntry.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, User.balance, func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.user_id == User.id)
        .where(User.balance != func.coalesce(sums.c.total, 0))
    )
    return [tuple(row) for row in rows]


def entries_of(user_id: int, *, before_id: int | None, limit: int) -> list[LedgerEntry]:
    """A user's entries, newest first (limit + 1 rows, for paging)."""
    query = select(LedgerEntry).where(LedgerEntry.user_id == user_id)
    if before_id is not None:
        query = query.where(LedgerEntry.id < before_id)
    return list(db.session.scalars(query.order_by(LedgerEntry.id.desc()).limit(limit + 1)))
