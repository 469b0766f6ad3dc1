"""Where board scores live: one `BoardStore` protocol, an SQL and a Redis implementation.

Both give the same ranks: score descending, then whoever reached it first (the larger tie),
then the subject key (byte order, descending).

* `SqlBoardStore` (default): `board_scores`, one row per (board, period, start, subject). The
  increments staged during a transaction are merged and upserted just before its commit, so the
  shared team and district rows stay locked for the commit only.
* `RedisBoardStore` (when `REDIS_URL` is set): a sorted set per board and period whose score
  encodes `points << bits | tie`; increments are written only after the database commit
  succeeds, so a rolled-back answer never reaches a board. Each write gives its key a relative
  TTL (from the service's clock to the end of the retention), never an absolute instant on
  Redis's own clock. Redis down or frozen costs at most its timeout: reads answer 503
  `boards_unavailable` and writes wait in the outbox (`outbox`) until Redis is back.

The store is chosen once, in `create_app`, and handed to the services that need it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, func, insert, select, tuple_
from sqlalchemy.orm import Session

from quiz import metrics, redis_link
from quiz.errors import BoardsUnavailable
from quiz.extensions import db
from quiz.models.board import BoardScore
from quiz.services.leaderboards.attribution import Increment, merge
from quiz.services.leaderboards.outbox import Outbox
from quiz.services.leaderboards.periods import (
    TIE_BITS,
    BoardKey,
    local_cutoff,
    retention_ttl,
)
from quiz.services.leaderboards.redis_wire import (
    LUA_ADD,
    REDIS_PREFIX,
    add_arguments,
    decode,
    redis_client,
    redis_key,
)
from quiz.services.sql import insert_on_conflict

log = logging.getLogger(__name__)

Ranked = list[tuple[int, str, int]]  # (rank, subject, score)
Totals = dict[tuple, list[int]]  # (board, period, start, subject) → [points, tie]
_PENDING = "board_pending"


class BoardStore(Protocol):
    name: str
    tz: ZoneInfo
    retention_days: int

    def stage(self, session, incs: list[Increment], *, now: datetime) -> None:
        """Take increments earned inside the session's transaction; they reach the board
        when (and only if) it commits."""

    def top(self, key: BoardKey, offset: int, limit: int) -> list[tuple[str, int]]:
        """(subject, score) of ranks offset+1 … offset+limit."""

    def rank(self, key: BoardKey, subject: str) -> tuple[int, int] | None:
        """(rank, score) of a subject, None when it has no score."""

    def around(self, key: BoardKey, subject: str, radius: int) -> tuple[Ranked, tuple | None]:
        """The rows rank−radius … rank+radius around a subject, and its (rank, score)."""

    def replace(self, totals: Totals, *, now: datetime) -> int:
        """Every board replaced by `totals` (a rebuild); returns the rows written."""

    def prune(self, *, now: datetime) -> int:
        """Forget the periods past their retention; returns the rows removed."""


# --- staging, written at the commit ------------------------------------------------------------


def _stage(store, session, items: list) -> None:
    session.info.setdefault(_PENDING, {}).setdefault(store, []).extend(items)


def _before_commit(session) -> None:
    pending = session.info.get(_PENDING)
    for store in [s for s in pending or () if s.write_before_commit]:
        store.write(session, pending.pop(store))


def _after_commit(session) -> None:
    pending = session.info.pop(_PENDING, None)
    for store, items in (pending or {}).items():
        store.write(session, items)


def _drop_pending(session, *_args) -> None:
    session.info.pop(_PENDING, None)


def install_session_hooks() -> None:
    """Once per process: the session events that write staged increments (see the stores)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _drop_pending)


# --- SQL -----------------------------------------------------------------------------------------


_UPSERTS: dict[str, object] = {}


def _sql_upsert(dialect: str):
    """The board upsert, built once per dialect so its compiled form is cached."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        table = BoardScore.__table__
        stmt = insert_on_conflict(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["board", "period", "period_start", "subject"],
            set_={
                "score": table.c.score + stmt.excluded.score,
                # The later of the two ticks (a smaller tie) is when the score was last raised.
                "tie": func.least(table.c.tie, stmt.excluded.tie)
                if dialect == "postgresql"
                else func.min(table.c.tie, stmt.excluded.tie),
            },
        )
        _UPSERTS[dialect] = stmt
    return stmt


_RANK_KEY = (BoardScore.score, BoardScore.tie, BoardScore.subject)


def _where(key: BoardKey):
    return (
        BoardScore.board == key.board,
        BoardScore.period == key.period,
        BoardScore.period_start == key.start,
    )


class SqlBoardStore:
    """Boards in the `board_scores` table, written in the same transaction as the points."""

    name = "sql"
    write_before_commit = True

    def __init__(self, *, tz: ZoneInfo, retention_days: int):
        self.tz, self.retention_days = tz, retention_days

    def stage(self, session, incs: list[Increment], *, now: datetime) -> None:
        _stage(self, session, incs)

    def write(self, session, incs: list[Increment]) -> None:
        if not incs:
            return
        dialect = session.get_bind().dialect.name
        session.execute(
            _sql_upsert(dialect),
            [
                {
                    "board": i.board,
                    "period": i.period,
                    "period_start": i.start,
                    "subject": i.subject,
                    "score": i.points,
                    "tie": i.tie,
                }
                for i in merge(incs)
            ],
        )

    def top(self, key: BoardKey, offset: int, limit: int) -> list[tuple[str, int]]:
        rows = db.session.execute(
            select(BoardScore.subject, BoardScore.score)
            .where(*_where(key))
            .order_by(*(c.desc() for c in _RANK_KEY))
            .offset(offset)
            .limit(limit)
        )
        return [(subject, score) for subject, score in rows]

    def _row(self, key: BoardKey, subject: str):
        return db.session.execute(
            select(BoardScore.score, BoardScore.tie).where(
                *_where(key), BoardScore.subject == subject
            )
        ).first()

    def rank(self, key: BoardKey, subject: str) -> tuple[int, int] | None:
        row = self._row(key, subject)
        if row is None:
            return None
        ahead = db.session.scalar(
            select(func.count())
            .select_from(BoardScore)
            .where(*_where(key), tuple_(*_RANK_KEY) > tuple_(row.score, row.tie, subject))
        )
        return ahead + 1, row.score

    def around(self, key: BoardKey, subject: str, radius: int) -> tuple[Ranked, tuple | None]:
        row = self._row(key, subject)
        if row is None:
            return [], None
        mine = tuple_(row.score, row.tie, subject)
        ahead = db.session.scalar(
            select(func.count())
            .select_from(BoardScore)
            .where(*_where(key), tuple_(*_RANK_KEY) > mine)
        )
        rank = ahead + 1
        above = db.session.execute(
            select(BoardScore.subject, BoardScore.score)
            .where(*_where(key), tuple_(*_RANK_KEY) > mine)
            .order_by(*(c.asc() for c in _RANK_KEY))
            .limit(radius)
        ).all()
        below = db.session.execute(
            select(BoardScore.subject, BoardScore.score)
            .where(*_where(key), tuple_(*_RANK_KEY) < mine)
            .order_by(*(c.desc() for c in _RANK_KEY))
            .limit(radius)
        ).all()
        rows = (
            [tuple(r) for r in reversed(above)] + [(subject, row.score)] + [tuple(r) for r in below]
        )
        return [(rank - len(above) + i, s, p) for i, (s, p) in enumerate(rows)], (rank, row.score)

    def replace(self, totals: Totals, *, now: datetime) -> int:
        db.session.execute(delete(BoardScore))
        rows = [
            {
                "board": b,
                "period": p,
                "period_start": s,
                "subject": subj,
                "score": v[0],
                "tie": v[1],
            }
            for (b, p, s, subj), v in totals.items()
        ]
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(BoardScore), rows[i : i + 5000])
        db.session.flush()
        return len(rows)

    def prune(self, *, now: datetime) -> int:
        cutoff = local_cutoff(now, self.tz, self.retention_days)
        # A period is pruned when its end (the first day after it) is on or before the cutoff.
        result = db.session.execute(
            delete(BoardScore).where(
                ((BoardScore.period == "day") & (BoardScore.period_start < cutoff))
                | (
                    (BoardScore.period == "week")
                    & (BoardScore.period_start <= cutoff - timedelta(days=7))
                )
                | (
                    (BoardScore.period == "month")
                    & (BoardScore.period_start < cutoff.replace(day=1))
                )
            )
        )
        db.session.flush()
        return result.rowcount or 0


# --- Redis ---------------------------------------------------------------------------------------


class RedisBoardStore:
    """Boards in Redis sorted sets, written after the database commit.

    Redis down or frozen degrades only the boards (see its `outbox`): reads raise
    `BoardsUnavailable` (503), writes Redis does not take wait in the outbox and catch up."""

    name = "redis"
    write_before_commit = False

    def __init__(self, url: str, *, tz: ZoneInfo, retention_days: int, clock):
        self.url, self.tz, self.retention_days = url, tz, retention_days
        self.outbox = Outbox(url, tz=tz, retention_days=retention_days, clock=clock)

    @property
    def client(self):
        return redis_client(self.url)

    def _read(self, read):
        """A read through the breaker: 503 `boards_unavailable` while Redis does not answer;
        the outbox is drained first, so a board read after an outage shows every increment."""
        if redis_link.is_open(self.url):
            raise BoardsUnavailable("排行榜暂时不可用，请稍后再试。")
        self.outbox.maybe_drain()
        try:
            found = read()
        except Exception as exc:  # redis errors and socket timeouts alike
            redis_link.failed(self.url, exc)
            raise BoardsUnavailable("排行榜暂时不可用，请稍后再试。") from exc
        redis_link.succeeded(self.url)
        return found

    def stage(self, session, incs: list[Increment], *, now: datetime) -> None:
        _stage(self, session, [(i, self._ttl(i.period, i.start, now)) for i in incs])

    def _ttl(self, period: str, start: date, now: datetime) -> int | None:
        return retention_ttl(period, start, now=now, tz=self.tz, retention_days=self.retention_days)

    def write(self, session, items: list[tuple[Increment, int | None]]) -> None:
        """After the commit: to Redis, or (Redis down or frozen) to the outbox."""
        if not redis_link.is_open(self.url):
            try:
                self.apply(items)
            except Exception as exc:  # the points are committed; the outbox keeps the boards'
                redis_link.failed(self.url, exc)
            else:
                redis_link.succeeded(self.url)
                self.outbox.maybe_drain()
                return
        metrics.BOARD_WRITE_FAILURES.inc()
        self.outbox.keep(session, [inc for inc, _ in items])

    def apply(self, items: list[tuple[Increment, int | None]]) -> None:
        keys, args = [f"{REDIS_PREFIX}-unclaimed"], [""]
        for i, ttl in items:
            if ttl is not None and ttl <= 0:
                continue  # a period already past its retention
            key, more = add_arguments(i.board, i.period, i.start, i.subject, i.points, i.tie, ttl)
            keys.append(key)
            args += more
        if len(keys) > 1:
            self.client.register_script(LUA_ADD)(keys=keys, args=args)

    def top(self, key: BoardKey, offset: int, limit: int) -> list[tuple[str, int]]:
        return self._read(lambda: self._top(key, offset, limit))

    def _top(self, key: BoardKey, offset: int, limit: int) -> list[tuple[str, int]]:
        rows = self.client.zrevrange(
            redis_key(key.board, key.period, key.start), offset, offset + limit - 1, withscores=True
        )
        return [(member, decode(score, key.period)) for member, score in rows]

    def rank(self, key: BoardKey, subject: str) -> tuple[int, int] | None:
        return self._read(lambda: self._rank(key, subject))

    def _rank(self, key: BoardKey, subject: str) -> tuple[int, int] | None:
        pipe = self.client.pipeline(transaction=False)
        name = redis_key(key.board, key.period, key.start)
        pipe.zrevrank(name, subject)
        pipe.zscore(name, subject)
        rank, score = pipe.execute()
        if rank is None or score is None:
            return None
        return rank + 1, decode(score, key.period)

    def around(self, key: BoardKey, subject: str, radius: int) -> tuple[Ranked, tuple | None]:
        return self._read(lambda: self._around(key, subject, radius))

    def _around(self, key: BoardKey, subject: str, radius: int) -> tuple[Ranked, tuple | None]:
        me = self._rank(key, subject)
        if me is None:
            return [], None
        first = max(me[0] - radius, 1)
        rows = self._top(key, first - 1, me[0] + radius - first + 1)
        return [(first + i, s, p) for i, (s, p) in enumerate(rows)], me

    def replace(self, totals: Totals, *, now: datetime) -> int:
        client = self.client
        old = list(client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000))
        for i in range(0, len(old), 500):
            client.delete(*old[i : i + 500])
        pipe = client.pipeline(transaction=False)
        written = 0
        ttls = {}
        for (board, period, start, subject), (points, tie) in totals.items():
            name = redis_key(board, period, start)
            pipe.zadd(name, {subject: (points << TIE_BITS[period]) | tie})
            ttls[name] = self._ttl(period, start, now)
            written += 1
            if written % 5000 == 0:
                pipe.execute()
        for name, ttl in ttls.items():
            if ttl is not None:
                pipe.expire(name, ttl)
        pipe.execute()
        return written

    def prune(self, *, now: datetime) -> int:
        return 0  # keys expire by themselves
