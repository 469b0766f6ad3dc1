"""Leaderboards: per-period scores kept current as points are earned, read as ranks.

Scores are the quiz kinds of the ledger (quiz_correct, quiz_bonus, family_bonus) earned
inside a period of the service's calendar (`QUIZ_TIMEZONE`; weeks start on Monday). The
ledger calls `record_earning` for every earning entry, inside its transaction.

Two backends share one ordering — score descending, then whoever reached it first, then the
subject key (byte order, descending) — so both give the same ranks:

* SQL (default): `board_scores`, one row per (board, period, start, subject), upserted in the
  same transaction as the ledger entry. The `tie` column is the inverted tick at which the
  score was last raised, so rank order is a single backward index scan.
* Redis (when `REDIS_URL` is set): a sorted set per board and period whose score encodes
  `points << bits | tie`. Increments are collected on the session and written only after the
  database commit succeeds, so a rolled-back answer never reaches a board.

Redis down or frozen never stops the quiz: every call has QUIZ_REDIS_TIMEOUT_MS, reads answer
503 `boards_unavailable`, and increments Redis did not take go to `board_outbox` (one row per
commit, written only on failure), which is drained into Redis by the next board read, answer,
`/healthz` or `flask boards drain` once Redis answers — each row exactly once, since the Redis
script that applies it first claims the row's id.

Past periods stay readable for `QUIZ_BOARD_RETENTION_DAYS` after they end, on both backends:
a Redis key gets a relative TTL computed from the service's clock (never an absolute instant
on Redis's own clock, which the service's clock need not agree with); SQL rows are removed by
`prune` (`flask boards prune`).

Subjects are attributed when points are earned (role, team and district at that moment);
`rebuild` recomputes every board from the ledger with the current memberships.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, event, func, insert, select, tuple_

from quiz import metrics, redis_link
from quiz.clock import day_bounds, local_day
from quiz.errors import BoardsUnavailable, ValidationFailed
from quiz.extensions import db
from quiz.models import EARNING_KINDS, LedgerEntry, Team, User
from quiz.models.board import BoardOutbox, BoardScore
from quiz.services.sql import insert_on_conflict

log = logging.getLogger(__name__)

BOARDS = ("citizens", "reporters", "teams", "districts")
PERIODS = ("day", "week", "month", "all")
USER_BOARDS = ("citizens", "reporters")
PARTICIPANT_ROLES = ("citizen", "reporter")
ALL_START = date(1970, 1, 1)
# `all` ticks are hours since this instant; the other periods count seconds from their start.
ALL_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# Bits of the tie field: enough ticks for the whole period (a 31-day month is < 2**22 s,
# 2**20 hours ≈ 119 years). What is left of a double's 53 exact bits holds the points:
# 2**36 a day, 2**33 a week, 2**31 a month, 2**33 all time per subject.
TIE_BITS = {"day": 17, "week": 20, "month": 22, "all": 20}
REDIS_PREFIX = "quiz:board"
# Past days/weeks/months stay readable this long after they end (QUIZ_BOARD_RETENTION_DAYS).
DEFAULT_RETENTION_DAYS = 400
_PENDING = "board_pending"
_SQL_PENDING = "board_sql_pending"
_POINTS = "metrics_points"


# --- periods -------------------------------------------------------------------------------


def period_start(period: str, day: date) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return ALL_START


def period_end(period: str, start: date) -> date | None:
    """The first day after the period (None for `all`)."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return None


def is_period_start(period: str, day: date) -> bool:
    return period != "all" and period_start(period, day) == day


def resolve_start(period: str, start: date | None, today: date) -> date:
    """The period to show: the current one, or a past one named by its first day."""
    current = period_start(period, today)
    if start is None:
        return current
    if period == "all":
        raise ValidationFailed("总榜没有往期。", errors=[{"field": "start", "message": "period=all 不带 start"}])
    if not is_period_start(period, start):
        what = {"day": "日期", "week": "周一", "month": "当月 1 日"}[period]
        raise ValidationFailed(f"start 须是该周期的第一天（{what}）。",
                               errors=[{"field": "start", "message": f"须是{what}"}])
    if start > current:
        raise ValidationFailed("这个周期还没有开始。",
                               errors=[{"field": "start", "message": "不能晚于本期"}])
    return start


def retention_ttl(period: str, start: date, *, now: datetime, tz: ZoneInfo,
                  retention_days: int) -> int | None:
    """Seconds from `now` for which a period's board must still be kept (None: for ever).

    Zero or less means the period is already past its retention."""
    end = period_end(period, start)
    if end is None:
        return None
    keep_until = day_bounds(end, tz)[0] + timedelta(days=retention_days)
    return int((keep_until - now).total_seconds())


def tie_of(period: str, start: date, at: datetime, tz: ZoneInfo) -> int:
    """Larger = the score was reached earlier (the inverted tick inside the period)."""
    if period == "all":
        tick = int((at - ALL_EPOCH).total_seconds() // 3600)
    else:
        tick = int((at - day_bounds(start, tz)[0]).total_seconds())
    top = (1 << TIE_BITS[period]) - 1
    return top - min(max(tick, 0), top)


# --- attribution ---------------------------------------------------------------------------


def subjects_of(role: str, user_id: int, team_id: int | None, district: str | None) -> list[tuple]:
    """The (board, subject) rows a participant's points count towards."""
    if role not in PARTICIPANT_ROLES:
        return []
    out = [("citizens", str(user_id))]
    if role == "reporter":
        out.append(("reporters", str(user_id)))
        if team_id is not None:
            out.append(("teams", str(team_id)))
    if district:
        out.append(("districts", district))
    return out


@dataclass(frozen=True)
class Increment:
    board: str
    period: str
    start: date
    subject: str
    points: int
    tie: int


def increments(subjects: Iterable[tuple], points: int, at: datetime, tz: ZoneInfo) -> list[Increment]:
    day = local_day(at, tz)
    out = []
    for period in PERIODS:
        start = period_start(period, day)
        tie = tie_of(period, start, at, tz)
        out.extend(Increment(board, period, start, subject, points, tie) for board, subject in subjects)
    # A fixed order: two transactions touching the same rows lock them in the same order.
    out.sort(key=lambda inc: (inc.board, inc.period, inc.subject))
    return out


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["QUIZ_TIMEZONE"])


def record_earning(entry: LedgerEntry) -> None:
    """Called by the ledger for every earning entry, inside the same transaction."""
    if entry.delta <= 0:
        return
    db.session.info.setdefault(_POINTS, []).append((entry.kind, entry.delta))
    user = db.session.get(User, entry.user_id)
    if user is None:
        return
    subjects = subjects_of(user.role, user.id, user.team_id, user.district)
    if not subjects:
        return
    tz = _tz()
    incs = increments(subjects, entry.delta, entry.created_at, tz)
    url = current_app.config.get("REDIS_URL")
    if url:
        retention = current_app.config.get("QUIZ_BOARD_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
        ttls = {(i.period, i.start): retention_ttl(i.period, i.start, now=entry.created_at, tz=tz,
                                                   retention_days=retention) for i in incs}
        db.session.info.setdefault(_PENDING, []).append((url, incs, ttls))
    else:
        # Written just before the commit (see _write_sql_pending): the shared team and district
        # rows are then locked for the commit only, not for the rest of the request.
        db.session.info.setdefault(_SQL_PENDING, []).extend(incs)


# --- SQL backend ---------------------------------------------------------------------------


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
                "tie": func.least(table.c.tie, stmt.excluded.tie) if dialect == "postgresql"
                else func.min(table.c.tie, stmt.excluded.tie),
            },
        )
        _UPSERTS[dialect] = stmt
    return stmt


def _sql_apply(incs: list[Increment], session=None) -> None:
    session = session or db.session
    dialect = session.get_bind().dialect.name
    session.execute(_sql_upsert(dialect), [
        {"board": i.board, "period": i.period, "period_start": i.start, "subject": i.subject,
         "score": i.points, "tie": i.tie}
        for i in incs
    ])


def _sql_where(board: str, period: str, start: date):
    return (BoardScore.board == board, BoardScore.period == period, BoardScore.period_start == start)


_RANK_KEY = (BoardScore.score, BoardScore.tie, BoardScore.subject)


def _sql_top(board, period, start, offset, limit) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(BoardScore.subject, BoardScore.score)
        .where(*_sql_where(board, period, start))
        .order_by(*(c.desc() for c in _RANK_KEY))
        .offset(offset).limit(limit)
    )
    return [(subject, score) for subject, score in rows]


def _sql_me(board, period, start, subject) -> tuple[int, int] | None:
    row = db.session.execute(
        select(BoardScore.score, BoardScore.tie).where(
            *_sql_where(board, period, start), BoardScore.subject == subject)
    ).first()
    if row is None:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(BoardScore).where(
            *_sql_where(board, period, start),
            tuple_(*_RANK_KEY) > tuple_(row.score, row.tie, subject),
        )
    )
    return ahead + 1, row.score


def _sql_around(board, period, start, subject, radius) -> tuple[list, tuple[int, int] | None]:
    me = _sql_me(board, period, start, subject)
    if me is None:
        return [], None
    rank, _ = me
    row = db.session.execute(
        select(BoardScore.score, BoardScore.tie).where(
            *_sql_where(board, period, start), BoardScore.subject == subject)
    ).one()
    mine = tuple_(row.score, row.tie, subject)
    above = db.session.execute(
        select(BoardScore.subject, BoardScore.score)
        .where(*_sql_where(board, period, start), tuple_(*_RANK_KEY) > mine)
        .order_by(*(c.asc() for c in _RANK_KEY)).limit(radius)
    ).all()
    below = db.session.execute(
        select(BoardScore.subject, BoardScore.score)
        .where(*_sql_where(board, period, start), tuple_(*_RANK_KEY) < mine)
        .order_by(*(c.desc() for c in _RANK_KEY)).limit(radius)
    ).all()
    rows = [tuple(r) for r in reversed(above)] + [(subject, row.score)] + [tuple(r) for r in below]
    return [(rank - len(above) + i, s, p) for i, (s, p) in enumerate(rows)], me


# --- Redis backend -------------------------------------------------------------------------

# points << bits | tie, with the tie of the latest raise (the smaller one) kept.
_LUA_ADD = """
local unit = tonumber(ARGV[4])
local points = tonumber(ARGV[2])
local tie = tonumber(ARGV[3])
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur then
  cur = tonumber(cur)
  local old = math.floor(cur / unit)
  local oldtie = cur - old * unit
  points = points + old
  if oldtie < tie then tie = oldtie end
end
redis.call('ZADD', KEYS[1], string.format('%.0f', points * unit + tie), ARGV[1])
if ARGV[5] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[5]) end
return 1
"""

def redis_client(url: str):
    """The process's client: QUIZ_REDIS_TIMEOUT_MS per call, no retries (see quiz.redis_link)."""
    return redis_link.client(url)


def redis_key(board: str, period: str, start: date) -> str:
    return f"{REDIS_PREFIX}:{board}:{period}:{start.isoformat()}"


def _decode(encoded: float, period: str) -> int:
    return int(encoded) >> TIE_BITS[period]


def _redis_apply(client, incs: list[Increment], ttls: dict[tuple, int | None]) -> None:
    """Add the increments; each key's TTL (relative, from the service's clock) is renewed."""
    add = client.register_script(_LUA_ADD)
    pipe = client.pipeline(transaction=False)
    for i in incs:
        ttl = ttls[(i.period, i.start)]
        if ttl is not None and ttl <= 0:
            continue  # a period already past its retention
        add(keys=[redis_key(i.board, i.period, i.start)],
            args=[i.subject, i.points, i.tie, 1 << TIE_BITS[i.period], "" if ttl is None else ttl],
            client=pipe)
    pipe.execute()


def _write_pending(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_url: dict[str, tuple[list[Increment], dict]] = {}
    for url, incs, ttls in pending:
        all_incs, all_ttls = by_url.setdefault(url, ([], {}))
        all_incs.extend(incs)
        all_ttls.update(ttls)
    for url, (incs, ttls) in by_url.items():
        if not redis_link.is_open(url):
            try:
                _redis_apply(redis_client(url), incs, ttls)
            except Exception as exc:  # Redis down or frozen: the outbox keeps the increments
                redis_link.failed(url, exc)
            else:
                redis_link.succeeded(url)
                maybe_drain(url)
                continue
        metrics.BOARD_WRITE_FAILURES.inc()
        _to_outbox(session, incs)


def _count_points(session) -> None:
    for kind, delta in session.info.pop(_POINTS, ()):
        metrics.POINTS.labels(kind).inc(delta)


# --- the outbox: increments waiting for Redis --------------------------------------------

# Claims the outbox row (KEYS[1]) and applies its increments (KEYS[2..]) in one step, so two
# processes draining the same row apply it once.
_LUA_OUTBOX = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local n = 2
for i = 2, #KEYS do
  local key = KEYS[i]
  local member, unit = ARGV[n], tonumber(ARGV[n + 3])
  local points, tie = tonumber(ARGV[n + 1]), tonumber(ARGV[n + 2])
  local cur = redis.call('ZSCORE', key, member)
  if cur then
    cur = tonumber(cur)
    local old = math.floor(cur / unit)
    local oldtie = cur - old * unit
    points = points + old
    if oldtie < tie then tie = oldtie end
  end
  redis.call('ZADD', key, string.format('%.0f', points * unit + tie), member)
  if ARGV[n + 4] ~= '' then redis.call('EXPIRE', key, ARGV[n + 4]) end
  n = n + 5
end
return 1
"""
OUTBOX_CLAIM_SECONDS = 7 * 86400
DRAIN_EVERY_SECONDS = 2.0
DRAIN_BATCH = 200
_next_drain = 0.0


def _to_outbox(session, incs: list[Increment]) -> None:
    """Keep increments Redis did not take; the commit they belong to is already done."""
    payload = json.dumps([[i.board, i.period, i.start.isoformat(), i.subject, i.points, i.tie]
                          for i in incs])
    try:
        with session.get_bind().connect() as conn:
            conn.execute(BoardOutbox.__table__.insert(), {"payload": payload})
            conn.commit()
    except Exception:  # the database went too: `flask boards rebuild` restores the boards
        log.exception("leaderboard update lost (Redis and database unavailable); "
                      "run `flask boards rebuild`")
    global _next_drain
    _next_drain = 0.0  # this process knows there is something to drain


def maybe_drain(url: str | None) -> None:
    """Drain the outbox now and then (at most every DRAIN_EVERY_SECONDS per process): one
    indexed query when it is empty. Never raises."""
    global _next_drain
    if not url or time.monotonic() < _next_drain or redis_link.is_open(url):
        return
    _next_drain = time.monotonic() + DRAIN_EVERY_SECONDS
    try:
        drain(url, now=current_app.clock.now(), tz=_tz(),
              retention_days=current_app.config.get("QUIZ_BOARD_RETENTION_DAYS",
                                                    DEFAULT_RETENTION_DAYS))
    except Exception as exc:  # Redis or the database went away meanwhile: next time
        log.warning("board outbox not drained yet: %s", type(exc).__name__)


def drain(url: str, *, now: datetime, tz: ZoneInfo, retention_days: int) -> int:
    """Apply every outbox row to Redis and delete it; returns the rows applied.

    Runs on its own connections (not the request's transaction). A row applied but not yet
    deleted (a crash in between) is skipped next time: Redis remembers it was claimed."""
    client = redis_client(url)
    script = client.register_script(_LUA_OUTBOX)
    table = BoardOutbox.__table__
    engine = db.engine
    done = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(table.c.id, table.c.payload).order_by(table.c.id)
                                .limit(DRAIN_BATCH)).all()
            conn.rollback()
        if not rows:
            return done
        try:
            for row_id, payload in rows:
                keys, args = [f"{REDIS_PREFIX}-outbox:{row_id}"], [OUTBOX_CLAIM_SECONDS]
                for board, period, start, subject, points, tie in json.loads(payload):
                    start_day = date.fromisoformat(start)
                    ttl = retention_ttl(period, start_day, now=now, tz=tz,
                                        retention_days=retention_days)
                    if ttl is not None and ttl <= 0:
                        continue
                    keys.append(redis_key(board, period, start_day))
                    args += [subject, points, tie, 1 << TIE_BITS[period], "" if ttl is None else ttl]
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


def merge(incs: Iterable[Increment]) -> list[Increment]:
    """One increment per board row: points summed, the latest raise (smallest tie) kept,
    in the fixed row order so concurrent transactions lock shared rows in the same order."""
    merged: dict[tuple, Increment] = {}
    for inc in incs:
        key = (inc.board, inc.period, inc.start, inc.subject)
        seen = merged.get(key)
        merged[key] = inc if seen is None else Increment(
            inc.board, inc.period, inc.start, inc.subject, seen.points + inc.points,
            min(seen.tie, inc.tie))
    return sorted(merged.values(), key=lambda i: (i.board, i.period, i.start, i.subject))


def _write_sql_pending(session) -> None:
    pending = session.info.pop(_SQL_PENDING, None)
    if pending:
        _sql_apply(merge(pending), session)


def _drop_pending(session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_SQL_PENDING, None)
    session.info.pop(_POINTS, None)


def _install_session_hooks() -> None:
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "after_commit", _write_pending):
        event.listen(Session, "before_commit", _write_sql_pending)
        event.listen(Session, "after_commit", _write_pending)
        event.listen(Session, "after_commit", _count_points)
        event.listen(Session, "after_rollback", _drop_pending)


_install_session_hooks()


def _redis_top(client, board, period, start, offset, limit) -> list[tuple[str, int]]:
    rows = client.zrevrange(redis_key(board, period, start), offset, offset + limit - 1, withscores=True)
    return [(member, _decode(score, period)) for member, score in rows]


def _redis_me(client, board, period, start, subject) -> tuple[int, int] | None:
    pipe = client.pipeline(transaction=False)
    key = redis_key(board, period, start)
    pipe.zrevrank(key, subject)
    pipe.zscore(key, subject)
    rank, score = pipe.execute()
    if rank is None or score is None:
        return None
    return rank + 1, _decode(score, period)


def _redis_around(client, board, period, start, subject, radius):
    me = _redis_me(client, board, period, start, subject)
    if me is None:
        return [], None
    first = max(me[0] - radius, 1)
    rows = _redis_top(client, board, period, start, first - 1, me[0] + radius - first + 1)
    return [(first + i, s, p) for i, (s, p) in enumerate(rows)], me


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    board: str
    period: str
    start: date | None
    entries: list[dict]
    me: dict | None


def my_subject(board: str, user) -> str | None:
    if user.role not in PARTICIPANT_ROLES:
        return None
    if board == "citizens":
        return str(user.id)
    if board == "reporters":
        return str(user.id) if user.role == "reporter" else None
    if board == "teams":
        return str(user.team_id) if user.role == "reporter" and user.team_id else None
    return user.district or None


def mask_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*, 张 → 张: a minor's name on a public board."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" + name[-1]


def _names(board: str, subjects: list[str], *, full_names: bool) -> dict[str, tuple]:
    """subject → (id, name) for the rows shown."""
    if board == "districts":
        return {s: (s, s) for s in subjects}
    ids = [int(s) for s in subjects]
    if board == "teams":
        rows = db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids)))
        return {str(i): (i, name) for i, name in rows}
    rows = db.session.execute(
        select(User.id, User.display_name, User.role, User.invite_code, User.show_full_name)
        .where(User.id.in_(ids)))
    out = {}
    for i, name, role, invite_code, consent in rows:
        # A reporter keeps the mask after leaving a team: an invite code marks a 小记者 for life.
        minor = (role == "reporter" or invite_code is not None) and not consent
        out[str(i)] = (i, name if full_names or not minor else mask_name(name))
    return out


def _entries(board: str, ranked: list[tuple[int, str, int]], *, full_names: bool) -> list[dict]:
    names = _names(board, [s for _, s, _ in ranked], full_names=full_names)
    out = []
    for rank, subject, score in ranked:
        ident, name = names.get(subject, (subject, subject))
        out.append({"rank": rank, "id": ident, "name": name, "score": score})
    return out


def standing(board: str, period: str, viewer, *, now: datetime, tz: ZoneInfo, redis_url: str | None,
             limit: int | None = None, radius: int | None = None,
             start: date | None = None) -> Standing:
    """Top `limit` of a board (or the rows `radius` around the viewer) and the viewer's row,
    for the current period or the past one beginning on `start` (its final standings)."""
    start = resolve_start(period, start, local_day(now, tz))
    subject = my_subject(board, viewer)
    full = viewer.role == "admin"
    if redis_url:
        return _redis_standing(board, period, start, subject, full, redis_url, limit, radius)
    if radius is not None:
        if subject is None:
            ranked, me = [], None
        else:
            ranked, me = _sql_around(board, period, start, subject, radius)
    else:
        rows = _sql_top(board, period, start, 0, limit)
        ranked = [(i + 1, s, p) for i, (s, p) in enumerate(rows)]
        me = _sql_me(board, period, start, subject) if subject is not None else None
    return Standing(
        board=board, period=period, start=None if period == "all" else start,
        entries=_entries(board, ranked, full_names=full),
        me={"rank": me[0], "score": me[1]} if me else None,
    )


def _redis_standing(board, period, start, subject, full, redis_url, limit, radius) -> Standing:
    """The Redis side of `standing`: 503 `boards_unavailable` while Redis does not answer; the
    outbox is drained first, so a board read after an outage shows every increment."""
    if redis_link.is_open(redis_url):
        raise BoardsUnavailable("排行榜暂时不可用，请稍后再试。")
    maybe_drain(redis_url)
    try:
        ranked, me = _redis_read(redis_client(redis_url), board, period, start, subject,
                                 limit, radius)
    except BoardsUnavailable:
        raise
    except Exception as exc:  # redis errors and socket timeouts alike
        redis_link.failed(redis_url, exc)
        raise BoardsUnavailable("排行榜暂时不可用，请稍后再试。") from exc
    redis_link.succeeded(redis_url)
    return Standing(
        board=board, period=period, start=None if period == "all" else start,
        entries=_entries(board, ranked, full_names=full),
        me={"rank": me[0], "score": me[1]} if me else None,
    )


def _redis_read(client, board, period, start, subject, limit, radius):
    if radius is not None:
        if subject is None:
            return [], None
        return _redis_around(client, board, period, start, subject, radius)
    rows = _redis_top(client, board, period, start, 0, limit)
    ranked = [(i + 1, s, p) for i, (s, p) in enumerate(rows)]
    me = _redis_me(client, board, period, start, subject) if subject is not None else None
    return ranked, me


# --- rebuilding from the ledger ------------------------------------------------------------


def recompute(tz: ZoneInfo) -> dict[tuple, list[int]]:
    """(board, period, start, subject) → [points, tie] from every earning entry in the ledger."""
    totals: dict[tuple, list[int]] = {}
    rows = db.session.execute(
        select(LedgerEntry.delta, LedgerEntry.created_at, User.id, User.role, User.team_id,
               User.district)
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


def rebuild(*, now: datetime, tz: ZoneInfo, redis_url: str | None,
            retention_days: int = DEFAULT_RETENTION_DAYS) -> int:
    """Recompute the active backend's boards from the ledger; returns the rows written.
    Periods past their retention are left out, as `prune` would remove them."""
    totals = {key: value for key, value in recompute(tz).items()
              if _retained(key[1], key[2], now=now, tz=tz, retention_days=retention_days)}
    if redis_url:
        return _redis_rebuild(redis_client(redis_url), totals, now=now, tz=tz,
                              retention_days=retention_days)
    db.session.execute(delete(BoardScore))
    rows = [{"board": b, "period": p, "period_start": s, "subject": subj, "score": v[0], "tie": v[1]}
            for (b, p, s, subj), v in totals.items()]
    for i in range(0, len(rows), 5000):
        db.session.execute(insert(BoardScore), rows[i:i + 5000])
    db.session.flush()
    return len(rows)


def _retained(period: str, start: date, *, now: datetime, tz: ZoneInfo, retention_days: int) -> bool:
    ttl = retention_ttl(period, start, now=now, tz=tz, retention_days=retention_days)
    return ttl is None or ttl > 0


def _redis_rebuild(client, totals, *, now: datetime, tz: ZoneInfo, retention_days: int) -> int:
    old = list(client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000))
    for i in range(0, len(old), 500):
        client.delete(*old[i:i + 500])
    pipe = client.pipeline(transaction=False)
    written = 0
    ttls = {}
    for (board, period, start, subject), (points, tie) in totals.items():
        key = redis_key(board, period, start)
        pipe.zadd(key, {subject: (points << TIE_BITS[period]) | tie})
        ttls[key] = retention_ttl(period, start, now=now, tz=tz, retention_days=retention_days)
        written += 1
        if written % 5000 == 0:
            pipe.execute()
    for key, ttl in ttls.items():
        if ttl is not None:
            pipe.expire(key, ttl)
    pipe.execute()
    return written


def prune(*, now: datetime, tz: ZoneInfo, retention_days: int) -> int:
    """Delete SQL board rows of periods that ended more than `retention_days` ago.

    (Redis keys expire by themselves.) Returns the rows deleted."""
    cutoff = local_day(now, tz) - timedelta(days=retention_days)
    # A period is pruned when its end (the first day after it) is on or before the cutoff.
    result = db.session.execute(delete(BoardScore).where(
        ((BoardScore.period == "day") & (BoardScore.period_start < cutoff))
        | ((BoardScore.period == "week") & (BoardScore.period_start <= cutoff - timedelta(days=7)))
        | ((BoardScore.period == "month") & (BoardScore.period_start < cutoff.replace(day=1)))
    ))
    db.session.flush()
    return result.rowcount or 0
