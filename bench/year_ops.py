"""The operations a year of data makes slow, timed on a database `python -m bench year` left:

    BENCH_DATABASE_URL=postgresql+psycopg://quiz:quiz@127.0.0.1:55433/quiz_year_20k \\
    BENCH_RESTORE_URL=postgresql+psycopg://quiz:quiz@127.0.0.1:55433/quiz_year_restore \\
      .venv/bin/python -m bench year_ops [--skip-backup]

Each step runs the shipped command (`flask …` in a subprocess, as an operator would) or, for
the schema changes, the statements a migration would issue:

- `flask boards prune` and `flask rollups refresh` (a normal night: the last day);
- `flask backup create FILE` (pg_dump, custom format): seconds and the file's size;
- `flask backup restore FILE` into the second database, then the restore verified: every
  table's row count equal to the source's, and `flask ledger verify` (every balance equal to
  the sum of its entries) on the restored copy;
- a migration adding a column to `answers` (nullable; with a constant default) and an index
  on it, each timed inside a transaction that is rolled back, so the year is left as it was.

Results go to bench/out/year-ops-<stamp>.json and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.common import OUT, ROOT, VENV_BIN, bench_env, database_url
from bench.year import YEAR_END

# What a migration adding a column to the year's largest table issues (rolled back after).
SCHEMA_CHANGES = {
    "add a nullable column to answers": "ALTER TABLE answers ADD COLUMN bench_note text",
    "add a column with a constant default": (
        "ALTER TABLE answers ADD COLUMN bench_flag boolean NOT NULL DEFAULT false"
    ),
    "create an index on answers (day, correct)": (
        "CREATE INDEX ix_bench_answers_day_correct ON answers (day, correct)"
    ),
}


def _env(url: str) -> dict[str, str]:
    """The commands' environment: the year's database, its morning after the last day."""
    return bench_env(url, FLASK_APP="wsgi", QUIZ_FAKE_NOW=f"{YEAR_END.isoformat()}T09:00+08:00")


def _flask(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [str(VENV_BIN / "flask"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return round(took, 1), result.stdout.strip().splitlines()[-1] if result.stdout else ""


def _counts(url: str) -> dict[str, int]:
    """Every table's row count (a restore must keep them all), and the database's size."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = conn.scalars(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).all()
        counts = {name: conn.scalar(sa.text(f'SELECT count(*) FROM "{name}"')) for name in tables}
        counts["database_mb"] = round(
            conn.scalar(sa.text("SELECT pg_database_size(current_database())")) / 2**20, 1
        )
    engine.dispose()
    return counts


def _schema_changes(url: str) -> dict[str, float]:
    engine = sa.create_engine(url)
    took = {}
    with engine.connect() as conn:
        for name, statement in SCHEMA_CHANGES.items():
            with conn.begin() as transaction:
                start = time.perf_counter()
                conn.exec_driver_sql(statement)
                took[name] = round(time.perf_counter() - start, 2)
                transaction.rollback()
    engine.dispose()
    return took


def _restore_target_empty(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench year_ops")
    parser.add_argument("--skip-backup", action="store_true")
    args = parser.parse_args(argv)
    url = database_url()
    if not url.startswith("postgresql"):
        print("year_ops skipped: BENCH_DATABASE_URL must be the PostgreSQL database of a year")
        return 0
    env = _env(url)
    results: dict = {"database": sa.make_url(url).database, "source": _counts(url)}
    big = {k: v for k, v in results["source"].items() if k == "database_mb" or v > 100_000}
    print(f"source: {json.dumps(big)}", flush=True)
    results["boards prune s"], _ = _flask(env, "boards", "prune")
    results["rollups refresh (one night) s"], _ = _flask(env, "rollups", "refresh")
    print(
        f"prune {results['boards prune s']} s, refresh {results['rollups refresh (one night) s']} s"
    )
    results["schema changes s"] = _schema_changes(url)
    print(f"schema changes: {json.dumps(results['schema changes s'], ensure_ascii=False)}")
    restore_url = os.environ.get("BENCH_RESTORE_URL")
    if not restore_url:
        print("backup and restore skipped: BENCH_RESTORE_URL names no database to restore into")
    elif not args.skip_backup:
        with tempfile.TemporaryDirectory(prefix="quiz-year-backup-") as folder:
            dump = Path(folder) / "year.dump"
            results["backup create s"], _ = _flask(env, "backup", "create", str(dump))
            results["backup size mb"] = round(dump.stat().st_size / 2**20, 1)
            print(f"backup: {results['backup create s']} s, {results['backup size mb']} MB")
            _restore_target_empty(restore_url)
            restore_env = _env(restore_url)
            results["backup restore s"], _ = _flask(restore_env, "backup", "restore", str(dump))
        _, verdict = _flask(restore_env, "ledger", "verify")
        restored = _counts(restore_url)
        results["restored"] = restored
        results["restore verified"] = {
            "ledger": verdict,
            "counts equal": {k: v for k, v in restored.items() if k != "database_mb"}
            == {k: v for k, v in results["source"].items() if k != "database_mb"},
        }
        print(f"restore: {results['backup restore s']} s; {results['restore verified']}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"year-ops-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"raw results: {path.relative_to(OUT.parent.parent)}")
    return 0
