"""Board increments Redis did not take, kept in the database until it answers again.

Redis down or frozen never stops the quiz: every call has QUIZ_REDIS_TIMEOUT_MS, reads answer
503 `boards_unavailable`, and increments Redis did not take go to `board_outbox` (one row per
commit, written only on failure, so it costs nothing while Redis is up). The outbox is drained
into Redis by the next board read, answer, `/healthz` or `flask boards drain` once Redis
answers — each row exactly once, since the Redis script that applies it first claims the row's
id.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date, datetime

from sqlalchemy import delete, func, select

from quiz import metrics, redis_link
from quiz.extensions import db
from quiz.models.board import BoardOutbox
from quiz.services.leaderboards.attribution import Increment
from quiz.services.leaderboards.periods import retention_ttl
from quiz.services.leaderboards.redis_wire import LUA_ADD, REDIS_PREFIX, add_arguments, redis_client

log = logging.getLogger(__name__)

OUTBOX_CLAIM_SECONDS = 7 * 86400
DRAIN_EVERY_SECONDS = 2.0
DRAIN_BATCH = 200


class Outbox:
    """The outbox of one Redis board store (it owns it): keeps what Redis did not take and
    drains it, at most every DRAIN_EVERY_SECONDS, once Redis answers again."""

    def __init__(self, url: str, *, tz, retention_days: int, clock):
        self.url, self.tz, self.retention_days = url, tz, retention_days
        self.clock = clock  # () -> now: a drain runs outside any request's own `now`
        self.next_drain = 0.0  # monotonic time of the next drain attempt

    def keep(self, session, incs: list[Increment]) -> None:
        """Keep increments Redis did not take; the commit they belong to is already done."""
        payload = json.dumps(
            [[i.board, i.period, i.start.isoformat(), i.subject, i.points, i.tie] for i in incs]
        )
        try:
            with session.get_bind().connect() as conn:
                conn.execute(BoardOutbox.__table__.insert(), {"payload": payload})
                conn.commit()
        except Exception:  # the database went too: `flask boards rebuild` restores the boards
            log.exception(
                "leaderboard update lost (Redis and database unavailable); "
                "run `flask boards rebuild`"
            )
        self.next_drain = 0.0  # there is something to drain

    def maybe_drain(self) -> None:
        """Drain now and then: one indexed query when the outbox is empty. Never raises."""
        if time.monotonic() < self.next_drain or redis_link.is_open(self.url):
            return
        self.next_drain = time.monotonic() + DRAIN_EVERY_SECONDS
        try:
            drain(self.url, now=self.clock(), tz=self.tz, retention_days=self.retention_days)
        except Exception as exc:  # Redis or the database went away meanwhile: next time
            log.warning("board outbox not drained yet: %s", type(exc).__name__)


def maybe_drain(store) -> None:
    """Drain a board store's outbox if it has one (the Redis store does, the SQL one not)."""
    outbox = getattr(store, "outbox", None)
    if outbox is not None:
        outbox.maybe_drain()


def drain(url: str, *, now: datetime, tz, retention_days: int) -> int:
    """Apply every outbox row to Redis and delete it; returns the rows applied.

    Runs on its own connections (not the request's transaction). A row applied but not yet
    deleted (a crash in between) is skipped next time: Redis remembers it was claimed."""
    client = redis_client(url)
    # LUA_ADD claims the row's key first, so two processes draining the same row apply it once.
    script = client.register_script(LUA_ADD)
    table = BoardOutbox.__table__
    engine = db.engine
    done = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(table.c.id, table.c.payload).order_by(table.c.id).limit(DRAIN_BATCH)
            ).all()
            conn.rollback()
        if not rows:
            return done
        try:
            for row_id, payload in rows:
                keys, args = [f"{REDIS_PREFIX}-outbox:{row_id}"], [OUTBOX_CLAIM_SECONDS]
                for board, period, start, subject, points, tie in json.loads(payload):
                    start_day = date.fromisoformat(start)
                    ttl = retention_ttl(
                        period, start_day, now=now, tz=tz, retention_days=retention_days
                    )
                    if ttl is not None and ttl <= 0:
                        continue
                    key, more = add_arguments(board, period, start_day, subject, points, tie, ttl)
                    keys.append(key)
                    args += more
                script(keys=keys, args=args)
        except Exception as exc:
            redis_link.failed(url, exc)
            raise
        with engine.connect() as conn:
            conn.execute(delete(table).where(table.c.id.in_([r[0] for r in rows])))
            conn.commit()
        metrics.BOARD_OUTBOX_DRAINED.inc(len(rows))
        done += len(rows)
        if len(rows) < DRAIN_BATCH:
            return done


def outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(BoardOutbox)) or 0
