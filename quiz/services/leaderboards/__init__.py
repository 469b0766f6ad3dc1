"""Leaderboards: per-period scores kept current as points are earned, read as ranks.

Scores are the earning kinds of the ledger (quiz_correct, quiz_bonus, family_bonus) earned
inside a period of the service's calendar (`periods`). The ledger publishes every earning to
its listeners; `record_earning` is the boards' listener, which works out who the earning lifts
(`attribution`) and stages the increments on the app's `BoardStore` (`store`: SQL or Redis,
chosen once in `create_app`), which writes them at the commit. `reading` turns a board into
ranks with names, minors masked.

Subjects are attributed when points are earned (role, team and district at that moment);
`rebuild` recomputes every board from the ledger with the current memberships.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import EARNING_KINDS, LedgerEntry, User
from quiz.services.leaderboards.attribution import (
    PARTICIPANT_ROLES,
    Increment,
    increments,
    merge,
    my_subject,
    subjects_of,
)
from quiz.services.leaderboards.outbox import drain, maybe_drain, outbox_size
from quiz.services.leaderboards.periods import (
    ALL_START,
    BOARDS,
    DEFAULT_RETENTION_DAYS,
    PERIODS,
    TIE_BITS,
    BoardKey,
    period_end,
    period_start,
    resolve_start,
    retained,
    retention_ttl,
)
from quiz.services.leaderboards.reading import Standing, mask_name, standing
from quiz.services.leaderboards.redis_wire import REDIS_PREFIX, redis_client, redis_key
from quiz.services.leaderboards.store import (
    BoardStore,
    RedisBoardStore,
    SqlBoardStore,
    install_session_hooks,
)


class UnknownBoard(NotFound):
    code = "unknown_board"
    title = "Unknown board"


__all__ = [
    "drain",
    "maybe_drain",
    "outbox_size",
    "ALL_START",
    "BOARDS",
    "DEFAULT_RETENTION_DAYS",
    "PARTICIPANT_ROLES",
    "PERIODS",
    "REDIS_PREFIX",
    "TIE_BITS",
    "BoardKey",
    "BoardStore",
    "Increment",
    "RedisBoardStore",
    "SqlBoardStore",
    "Standing",
    "increments",
    "install_session_hooks",
    "make_store",
    "mask_name",
    "merge",
    "my_subject",
    "period_end",
    "period_start",
    "prune",
    "rebuild",
    "recompute",
    "record_earning",
    "redis_client",
    "redis_key",
    "resolve_start",
    "retention_ttl",
    "standing",
    "subjects_of",
]


def make_store(*, redis_url: str | None, tz: ZoneInfo, retention_days: int, clock) -> BoardStore:
    """Redis sorted sets when a Redis URL is given, else the SQL table. `clock`: () -> now."""
    if redis_url:
        return RedisBoardStore(redis_url, tz=tz, retention_days=retention_days, clock=clock)
    return SqlBoardStore(tz=tz, retention_days=retention_days)


def record_earning(store: BoardStore, entry: LedgerEntry, owner=None) -> None:
    """The ledger's listener: stage the boards an earning entry lifts, in its transaction.
    `owner` is the entry's user when the poster held it (role, team and district are read
    from it), else it is read."""
    if entry.kind not in EARNING_KINDS or entry.delta <= 0:
        return
    user = owner if owner is not None and owner.id == entry.user_id else None
    if user is None:
        user = db.session.get(User, entry.user_id)
    if user is None:
        return
    subjects = subjects_of(user.role, user.id, user.team_id, user.district)
    if subjects:
        store.stage(
            db.session,
            increments(subjects, entry.delta, entry.created_at, store.tz),
            now=entry.created_at,
        )


def recompute(tz: ZoneInfo) -> dict[tuple, list[int]]:
    """(board, period, start, subject) → [points, tie] from every earning entry in the ledger."""
    totals: dict[tuple, list[int]] = {}
    rows = db.session.execute(
        select(
            LedgerEntry.delta,
            LedgerEntry.created_at,
            User.id,
            User.role,
            User.team_id,
            User.district,
        )
        .join(User, User.id == LedgerEntry.user_id)
        .where(LedgerEntry.kind.in_(EARNING_KINDS), LedgerEntry.delta > 0)
        .execution_options(yield_per=5000)
    )
    for delta, at, user_id, role, team_id, district in rows:
        subjects = subjects_of(role, user_id, team_id, district)
        for inc in increments(subjects, delta, at, tz) if subjects else ():
            key = (inc.board, inc.period, inc.start, inc.subject)
            cur = totals.get(key)
            if cur is None:
                totals[key] = [inc.points, inc.tie]
            else:
                cur[0] += inc.points
                cur[1] = min(cur[1], inc.tie)
    return totals


def rebuild(store: BoardStore, *, now: datetime) -> int:
    """Recompute the store's boards from the ledger; returns the rows written. Periods past
    their retention are left out, as `prune` would remove them."""
    totals = {
        key: value
        for key, value in recompute(store.tz).items()
        if retained(key[1], key[2], now=now, tz=store.tz, retention_days=store.retention_days)
    }
    return store.replace(totals, now=now)


def prune(store: BoardStore, *, now: datetime) -> int:
    """Delete the boards of periods that ended more than the retention ago (SQL rows; Redis
    keys expire by themselves). Returns the rows deleted."""
    return store.prune(now=now)
