"""Leaderboard speed: top-100 and my-rank on 1,000,000 ranked players, per backend.

    /work/main/.venv/bin/python -m bench.boards            # ~3-5 minutes on 2 cores

Generates a week board with a realistic spread (most players play a few days and score a
little; a long tail plays every day), loads it into
  * Redis db 6 (the Redis backend's own key and encoding; ZADD pipelines),
  * PostgreSQL `quiz_bench`, schema `boards_bench` (COPY into the app's `board_scores`),
  * SQLite in a temp file (the embedded default),
and times the backend's own read functions against a plain redis-py anchor
(`ZREVRANK` + `ZREVRANGE 0 99` in one round trip). The SQL backends are measured at several
player counts to show where my-rank stops meeting 20 ms p99. Finally it times the write each
earning adds to an answer (the upsert of its board rows, or the Redis pipeline after commit).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import create_engine, text

PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://quiz:quiz@localhost:5433/quiz_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SCHEMA = "boards_bench"
BOARD, PERIOD = "citizens", "week"
TZ = ZoneInfo("Asia/Shanghai")


def players(n: int, seed: int = 1) -> list[tuple[str, int, int]]:
    """(subject, score, tie): days played ~ skewed to few, 10-130 points a day."""
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        days = min(7, int(rng.expovariate(0.45)) + 1)
        score = sum(rng.choice((10, 20, 30, 40, 50, 70, 100, 130)) for _ in range(days))
        out.append((str(i), score, rng.randrange(1 << 20)))
    return out


def pct(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def timed(fn, *, budget: float = 4.0, max_n: int = 2000, min_n: int = 30) -> tuple[float, float]:
    fn()  # warm up
    out: list[float] = []
    deadline = time.perf_counter() + budget
    while len(out) < max_n and (len(out) < min_n or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return pct(out)


def row(name: str, n: int, p: tuple[float, float]) -> str:
    return f"| {name} | {n:,} | {p[0]:.3f} | {p[1]:.3f} |"


def make_app(url: str):
    from quiz import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
        }
    )


def bench_redis(data, start: date, lines: list[str]) -> None:
    from quiz.services import leaderboards as lb

    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    client.flushdb()
    key = lb.redis_key(BOARD, PERIOD, start)
    t0 = time.perf_counter()
    pipe = client.pipeline(transaction=False)
    for i in range(0, len(data), 20000):
        pipe.zadd(
            key, {s: (score << lb.TIE_BITS[PERIOD]) | tie for s, score, tie in data[i : i + 20000]}
        )
        pipe.execute()
    load = time.perf_counter() - t0
    n = client.zcard(key)
    middle = client.zrevrange(key, n // 2, n // 2)[0]
    print(f"redis: loaded {n:,} in {load:.1f}s; middle player {middle}")

    def anchor():
        p = client.pipeline(transaction=False)
        p.zrevrank(key, middle)
        p.zrevrange(key, 0, 99, withscores=True)
        p.execute()

    lines.append(
        row("anchor: redis-py ZREVRANK + ZREVRANGE 0 99 (one round trip)", n, timed(anchor))
    )
    lines.append(
        row(
            "anchor: redis-py ZREVRANGE 0 99 WITHSCORES",
            n,
            timed(lambda: client.zrevrange(key, 0, 99, withscores=True)),
        )
    )
    lines.append(row("anchor: redis-py ZREVRANK", n, timed(lambda: client.zrevrank(key, middle))))
    store = lb.RedisBoardStore(
        REDIS_URL, tz=TZ, retention_days=lb.DEFAULT_RETENTION_DAYS, clock=lambda: datetime.now(UTC)
    )
    board = lb.BoardKey(BOARD, PERIOD, start)
    lines.append(row("Redis backend: top-100", n, timed(lambda: store.top(board, 0, 100))))
    lines.append(
        row("Redis backend: my-rank (middle)", n, timed(lambda: store.rank(board, middle)))
    )
    lines.append(
        row(
            "Redis backend: around-me radius 5 (middle)",
            n,
            timed(lambda: store.around(board, middle, 5)),
        )
    )

    # The write an earning adds (after commit): 16 rows = a reporter with team and district.
    rng = random.Random(2)
    incs_for = _increment_maker(lb)

    def write():
        store.apply([(inc, None) for inc in incs_for(str(rng.randint(1, n)))])

    lines.append(
        row("Redis backend: write one earning (16 board rows, pipelined)", n, timed(write))
    )


def _increment_maker(lb):
    from datetime import UTC, datetime

    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def make(subject: str):
        subjects = [
            ("citizens", subject),
            ("reporters", subject),
            ("teams", "7"),
            ("districts", "新华区"),
        ]
        return lb.increments(subjects, 10, at, TZ)

    return make


def _load_sql(engine, data, start: date, dialect: str) -> float:
    t0 = time.perf_counter()
    if dialect == "postgresql":
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            buf = io.StringIO()
            for s, score, tie in data:
                buf.write(f"{BOARD}\t{PERIOD}\t{start.isoformat()}\t{s}\t{score}\t{tie}\n")
            with cur.copy(
                "COPY board_scores (board, period, period_start, subject, score, tie) FROM STDIN"
            ) as copy:
                copy.write(buf.getvalue())
            raw.commit()
        finally:
            raw.close()
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO board_scores (board, period, period_start, subject, score, tie) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(BOARD, PERIOD, start.isoformat(), s, score, tie) for s, score, tie in data],
            )
    return time.perf_counter() - t0


def bench_sql(name: str, url: str, data, counts: list[int], lines: list[str]) -> None:
    from quiz.extensions import db
    from quiz.services import leaderboards as lb

    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        engine = db.engine
        dialect = engine.dialect.name
        store = lb.SqlBoardStore(tz=TZ, retention_days=lb.DEFAULT_RETENTION_DAYS)
        for k, count in enumerate(counts):
            start = date(2026, 1, 5 + 7 * k)  # one week board per player count
            load = _load_sql(engine, data[:count], start, dialect)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(
                    text("VACUUM ANALYZE board_scores" if dialect == "postgresql" else "ANALYZE")
                )
            board = lb.BoardKey(BOARD, PERIOD, start)
            middle = store.top(board, count // 2, 1)[0][0]
            print(f"{name}: loaded {count:,} in {load:.1f}s; middle player {middle}")
            lines.append(
                row(f"{name}: top-100", count, timed(lambda b=board: store.top(b, 0, 100)))
            )
            lines.append(
                row(
                    f"{name}: my-rank (middle)",
                    count,
                    timed(lambda b=board, m=middle: store.rank(b, m)),
                )
            )
            lines.append(
                row(
                    f"{name}: around-me radius 5 (middle)",
                    count,
                    timed(lambda b=board, m=middle: store.around(b, m, 5)),
                )
            )
            db.session.rollback()
        # The write an earning adds inside the answer's transaction: upsert of 16 board rows.
        rng = random.Random(3)
        incs_for = _increment_maker(lb)
        top = counts[-1]

        def write():
            store.write(db.session, incs_for(str(rng.randint(1, top))))
            db.session.commit()

        def empty_commit():
            db.session.execute(text("SELECT 1"))
            db.session.commit()

        lines.append(row(f"{name}: empty transaction (baseline)", top, timed(empty_commit)))
        lines.append(row(f"{name}: upsert one earning (16 board rows) + commit", top, timed(write)))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("QUIZ_INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-boards-"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=1_000_000)
    parser.add_argument("--sql-counts", default="10000,100000,1000000")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.sql_counts.split(",")]
    t0 = time.perf_counter()
    data = players(max([args.players, *counts]))
    print(f"generated {len(data):,} players in {time.perf_counter() - t0:.1f}s")
    lines = ["| measurement | players | p50 ms | p99 ms |", "|---|---|---|---|"]
    bench_redis(data[: args.players], date(2026, 11, 23), lines)
    sep = "&" if "?" in PG_URL else "?"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    admin.dispose()
    bench_sql("PostgreSQL", f"{PG_URL}{sep}options=-csearch_path%3D{SCHEMA}", data, counts, lines)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench_sql("SQLite", f"sqlite:///{tmp}/boards.sqlite3", data, counts, lines)
    print()
    print(
        f"machine: nproc={os.cpu_count()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; total {time.perf_counter() - t0:.0f}s"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
