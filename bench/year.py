"""A year in the city: staff reports and history-reading player pages at 1, 3 and 12 months.

    BENCH_DATABASE_URL=postgresql+psycopg://quiz:quiz@127.0.0.1:55433/quiz_bench \\
      .venv/bin/python -m bench year [--players 4800] [--databases sqlite,postgresql] [--reps 7]

For each database (a fresh schema, `flask db upgrade`, the bundled bank) it simulates the city
with `quiz.services.simulate` in three stretches — days 1–30, 31–90, 91–365 — each played by a
cohort of `--players` people (about 0.42 of a cohort plays on a given day: `--players 4800` ≈
2,000 players a day). After each stretch the clock stands on the next morning, the rollups are
refreshed (`flask rollups refresh`, timed) and every target is called in-process through the
services the endpoints call (SQL and the Python around it; no HTTP, no JSON: ~1–3 ms more),
`--reps` times (player pages: once for each of 20 players), p50 and p95 kept. Reports that read
the rollups are also measured with no rollup held ("raw": what the code did before them). At the
last stretch on PostgreSQL the slowest statement of the three worst raw reports and of their
rollup-reading version is EXPLAINed (ANALYZE, BUFFERS) into bench/out/year-explain-*.txt.

`--measure-again LABEL --databases postgresql` measures the year a run left in the database
again (no reset, no simulation; `--raw-reps` defaults to 0 there): after a change of code or
settings, the same data, in minutes instead of hours.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import OUT, bench_env, database_url, patched_environ, reset_schema
from quiz.runtime import runtime_of

STRETCHES = ((30, "1 month"), (90, "3 months"), (365, "1 year"))
# The bench's "today" once the year is over (a Monday); the year's first day is 365 days before.
YEAR_END = date(2027, 1, 4)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Timer:
    """Times calls and remembers the slowest SQL statement each target ran (for EXPLAIN)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.current: str | None = None
        self.slowest: dict[str, tuple[float, str, object]] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, params, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, params, context, executemany):
        if self.current is None:
            return
        took = time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
        if took > self.slowest.get(self.current, (0.0,))[0]:
            self.slowest[self.current] = (took, statement, params)

    def run(self, name: str, calls: list[Callable[[], object]]) -> dict:
        from quiz.extensions import db

        took = []
        self.current = name
        for call in calls:
            start = time.perf_counter()
            call()
            took.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
        self.current = None
        return {"p50": round(statistics.median(took), 1), "p95": round(_percentile(took, 0.95), 1)}


def _report_targets(app, today: date) -> dict[str, Callable[[], object]]:
    """Staff reports: name → call (each over a week, a month or a year ending yesterday)."""
    from quiz.clock import day_bounds
    from quiz.services import participation, question_stats, reports, suspects
    from quiz.services.banks import list_questions

    tz = runtime_of(app).rules.tz
    districts = list(app.config["QUIZ_DISTRICTS"])
    last = today - timedelta(days=1)
    spans = {"week": 7, "month": 30, "year": 365}
    out: dict[str, Callable[[], object]] = {}
    for label, days in spans.items():
        first = last - timedelta(days=days - 1)
        out[f"知晓率 by category, {label}"] = lambda f=first: reports.awareness(f, last, "category")
        out[f"知晓率 by district, {label}"] = lambda f=first: reports.awareness(f, last, "district")
        out[f"weakest questions, {label}"] = lambda f=first: reports.question_rates(f, last)
        out[f"participation by day, {label}"] = lambda f=first: reports.participation(f, last)
        out[f"participation by district, {label}"] = lambda f=first: participation.participation_by(
            "district", f, last, districts=districts
        )
        out[f"participation by team, {label}"] = lambda f=first: participation.participation_by(
            "team", f, last, districts=districts
        )
    out["suspects, week"] = lambda: suspects.suspects(
        last - timedelta(days=6),
        last,
        day_bounds=lambda d: day_bounds(d, tz),
        accounts_per_ip=app.config["QUIZ_SUSPECT_ACCOUNTS_PER_IP"],
    )
    out["question stats, needs attention (all time)"] = lambda: question_stats.ranked(
        list_questions(category=None, active=None, search=None, after_id=None, limit=None),
        sort="correct_rate",
        descending=False,
        attention=True,
        min_answers=app.config["QUIZ_STATS_MIN_ANSWERS"],
    )
    return out


def _player_targets(app, today: date, players: list[int]) -> dict[str, list[Callable]]:
    from quiz.services import daily_quiz, learning, ledger
    from quiz.services import players as player_pages

    rules = runtime_of(app).rules
    first = today.replace(day=1)
    return {
        "history (first page)": [
            lambda u=u: daily_quiz.history(u, before=None, limit=21) for u in players
        ],
        "错题本 (first page)": [
            lambda u=u: learning.mistakes_of(
                u, rules, category=None, mastered=None, after=None, limit=21
            )
            for u in players
        ],
        "points (first page)": [
            lambda u=u: ledger.entries_of(u, before_id=None, limit=21) for u in players
        ],
        "calendar (this month)": [
            lambda u=u: player_pages.month_days(u, first, today) for u in players
        ],
    }


ROLLUP_READERS = ("知晓率", "weakest questions", "participation by day")


def _without_rollups(call: Callable[[], object]) -> Callable[[], object]:
    """The call with no rollup held (every figure from the raw rows), rolled back after."""
    from quiz.extensions import db
    from quiz.models import RollupState

    def raw():
        with db.session.begin_nested() as savepoint:
            db.session.execute(RollupState.__table__.delete())
            call()
            savepoint.rollback()

    return raw


def _morning(day: date, tz) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=tz).astimezone(UTC)


def _simulate_stretch(app, first_day: date, last_day: date, players: int, seed: int) -> dict:
    from quiz.extensions import db
    from quiz.services import simulate

    shape = simulate.CityShape.of(
        runtime_of(app).rules,
        app.config["QUIZ_DISTRICTS"],
        last_day=last_day,
        players=players,
        days=(last_day - first_day).days + 1,
        seed=seed,
    )
    start = time.perf_counter()
    done = simulate.simulate_year(shape, now=runtime_of(app).clock.now())
    db.session.commit()
    seconds = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    # What autovacuum (PostgreSQL) or a nightly ANALYZE would have done by the next morning.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
    vacuum = round(time.perf_counter() - start, 1)
    return {"seconds": seconds, "vacuum_analyze_s": vacuum, "rows": done.rows}


def _sizes(app, url: str | None, env: dict) -> dict:
    from sqlalchemy import text

    from quiz.extensions import db

    counts = {
        t: db.session.scalar(text(f"SELECT count(*) FROM {t}"))
        for t in ("users", "quiz_days", "answers", "ledger_entries", "mistakes")
    }
    if url:
        counts["database_mb"] = round(
            db.session.scalar(text("SELECT pg_database_size(current_database())")) / 2**20, 1
        )
        counts["answers_mb"] = round(
            db.session.scalar(text("SELECT pg_total_relation_size('answers')")) / 2**20, 1
        )
    else:
        path = Path(env["QUIZ_INSTANCE_PATH"], "quiz.sqlite3")
        counts["database_mb"] = round(path.stat().st_size / 2**20, 1)
    db.session.rollback()
    return counts


def _busy_players(count: int) -> list[int]:
    from sqlalchemy import func, select

    from quiz.extensions import db
    from quiz.models import QuizDay

    return list(
        db.session.scalars(
            select(QuizDay.user_id)
            .group_by(QuizDay.user_id)
            .order_by(func.count().desc(), QuizDay.user_id)
            .limit(count)
        )
    )


def _measure(app, timer: Timer, today: date, reps: int, raw_reps: int) -> dict:
    from quiz.extensions import db
    from quiz.services import rollups

    start = time.perf_counter()
    refreshed = rollups.refresh(today=today, now=runtime_of(app).clock.now())
    db.session.commit()
    figures = {"rollup_refresh_s": round(time.perf_counter() - start, 2), "days": refreshed.days}
    for name, call in _report_targets(app, today).items():
        figures[name] = timer.run(name, [call] * reps)
        if raw_reps and (name.startswith(ROLLUP_READERS) or name.startswith("question stats")):
            figures[name]["raw"] = timer.run(f"{name} [raw]", [_without_rollups(call)] * raw_reps)
    for name, calls in _player_targets(app, today, _busy_players(20)).items():
        figures[name] = timer.run(name, calls)
    return figures


# The question statistics' statements before the rollups (quiz/services/question_stats.py at
# c40ed40): the median as a window over every answer, the score blocks as a join of every answer.
BEFORE = {
    "question stats, median (window over every answer)": (
        "SELECT qid, avg(ms) FROM (SELECT question_id AS qid, interval_ms AS ms, row_number() "
        "OVER (PARTITION BY question_id ORDER BY interval_ms, id) AS rn, count(*) OVER "
        "(PARTITION BY question_id) AS n FROM answers WHERE interval_ms IS NOT NULL) AS r "
        "WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY qid"
    ),
    "question stats, score blocks (join of every answer with its day)": (
        "SELECT a.question_id, d.correct - CASE WHEN a.correct THEN 1 ELSE 0 END AS rest, "
        "count(*), sum(CASE WHEN a.correct THEN 1 ELSE 0 END) FROM answers a JOIN quiz_days d "
        "ON d.user_id = a.user_id AND d.day = a.day GROUP BY a.question_id, rest"
    ),
}


def _explain(timer: Timer, label: str) -> Path:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of the three worst raw reports and
    of the same reports reading the rollups."""
    from quiz.extensions import db

    raw = sorted(
        (k for k in timer.slowest if k.endswith("[raw]")), key=lambda k: -timer.slowest[k][0]
    )[:3]
    # No raw runs (--raw-reps 0): the three slowest reports as they read now.
    slowest = sorted(timer.slowest, key=lambda k: -timer.slowest[k][0])[:3]
    path = OUT / f"year-explain-{label}.txt"
    with path.open("w") as out:
        for name, statement in BEFORE.items():
            plan = db.session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement
            )
            out.write(f"=== before: {name} ===\n{statement}\n")
            out.write("\n".join(row[0] for row in plan) + "\n\n")
            db.session.rollback()
        names = [n for k in raw for n in (k, k.removesuffix(" [raw]"))] if raw else slowest
        for name in names:
            took, statement, params = timer.slowest[name]
            conn = db.session.connection()
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            out.write(f"=== {name}: slowest statement {took * 1000:.1f} ms ===\n{statement}\n")
            out.write("\n".join(row[0] for row in plan) + "\n\n")
            db.session.rollback()
    return path


def run_database(
    url: str | None, players: int, reps: int, seed: int, raw_reps: int, resume: str | None = None
) -> dict:
    """`resume`: the label of the last stretch the database already holds (a run stopped after
    simulating it): that stretch is measured, the ones before it keep their partial results."""
    from quiz import create_app
    from quiz.clock import FrozenClock
    from quiz.extensions import db
    from quiz.services import banks

    env = bench_env(url, QUIZ_MIN_ANSWER_MS="0")
    if resume is None:
        reset_schema(url, env)
    with patched_environ(env):
        app = create_app({"QUIZ_CLOCK": FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))})
    tz = runtime_of(app).rules.tz
    year_start = YEAR_END - timedelta(days=365)
    results: dict = {"database": "postgresql" if url else "sqlite", "players": players}
    partial = OUT / f"year-partial-{results['database']}.json"
    labels = [label for _, label in STRETCHES]
    if resume is not None:
        kept = json.loads(partial.read_text())
        results.update({k: v for k, v in kept.items() if k in labels[: labels.index(resume)]})
        results["resumed at"] = resume
    with app.app_context():
        runtime_of(app).clock.set(_morning(year_start, tz))
        if resume is None:
            banks.import_bundled(now=runtime_of(app).clock.now())
            db.session.commit()
        timer = Timer(db.engine)
        done = 0
        for n, (upto, label) in enumerate(STRETCHES):
            first, last = year_start + timedelta(days=done), year_start + timedelta(days=upto - 1)
            if label in results:
                done = upto
                continue
            if resume == label:
                stretch = {"simulated by": "the run resumed here"}
            else:
                stretch = _simulate_stretch(app, first, last, players, seed + n)
            today = last + timedelta(days=1)
            runtime_of(app).clock.set(_morning(today, tz))
            figures = _measure(app, timer, today, reps, raw_reps)
            figures.update(simulated=stretch, sizes=_sizes(app, url, env))
            results[label] = figures
            print(f"[{results['database']}] {label}: {json.dumps(figures['sizes'])}", flush=True)
            # Kept after each stretch: a run stopped during the long last one keeps the others.
            partial.write_text(json.dumps(results, indent=1, ensure_ascii=False))
            done = upto
        if url:
            results["explain"] = str(_explain(timer, time.strftime("%Y%m%dT%H%M%S")))
        db.session.remove()
        db.engine.dispose()
    return results


def measure_again(url: str | None, reps: int, raw_reps: int, label: str) -> dict:
    """The last stretch's measurements again on the database a run left (no reset, no
    simulation): the morning after the year, the nightly refresh, every target."""
    from quiz import create_app
    from quiz.clock import FrozenClock
    from quiz.extensions import db

    env = bench_env(url, QUIZ_MIN_ANSWER_MS="0")
    with patched_environ(env):
        app = create_app({"QUIZ_CLOCK": FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))})
    results: dict = {"database": "postgresql" if url else "sqlite", "measured again": label}
    with app.app_context():
        runtime_of(app).clock.set(_morning(YEAR_END, runtime_of(app).rules.tz))
        timer = Timer(db.engine)
        figures = _measure(app, timer, YEAR_END, reps, raw_reps)
        figures.update(sizes=_sizes(app, url, env))
        results["1 year"] = figures
        db.session.remove()
        db.engine.dispose()
    return results


def format_again(result: dict) -> str:
    lines = [f"\n{result['database']}, measured again: {result['measured again']}"]
    for name, f in result["1 year"].items():
        if isinstance(f, dict) and "p50" in f:
            raw = f" (raw {f['raw']['p95']:.0f})" if "raw" in f else ""
            lines.append(f"{name:52} {f['p50']:7.1f}/{f['p95']:7.1f}{raw}")
    return "\n".join(lines)


def format_rows(results: list[dict]) -> str:
    names = [k for k, v in results[0]["1 month"].items() if isinstance(v, dict) and "p50" in v]
    lines = []
    for result in results:
        lines.append(f"\n{result['database']}, {result['players']} people a cohort")
        lines.append(f"{'target':52} " + " ".join(f"{s[1]:>22}" for s in STRETCHES))
        for name in names:
            cells = []
            for _, label in STRETCHES:
                f = result[label][name]
                raw = f" (raw {f['raw']['p95']:.0f})" if "raw" in f else ""
                cells.append(f"{f['p50']:6.1f}/{f['p95']:6.1f}{raw}"[:22].rjust(22))
            lines.append(f"{name:52} " + " ".join(cells))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench year")
    parser.add_argument("--players", type=int, default=4800, help="people per cohort")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument(
        "--raw-reps",
        type=int,
        default=None,
        help="runs of each report with no rollup held (default: --reps; 0: none)",
    )
    parser.add_argument(
        "--resume",
        metavar="LABEL",
        choices=[label for _, label in STRETCHES],
        help="the database holds the stretches through LABEL: measure it, then go on",
    )
    parser.add_argument(
        "--measure-again",
        metavar="LABEL",
        help="only measure the year the last run left in the database (after a change: LABEL)",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.measure_again:
        raw_reps = 0 if args.raw_reps is None else args.raw_reps
        for name in args.databases.split(","):
            url = database_url() if name == "postgresql" else None
            result = measure_again(url, args.reps, raw_reps, args.measure_again)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            (OUT / f"year-again-{stamp}.json").write_text(
                json.dumps(result, indent=1, ensure_ascii=False)
            )
            print(format_again(result))
        return 0
    results = []
    for name in args.databases.split(","):
        url = database_url() if name == "postgresql" else None
        raw_reps = args.reps if args.raw_reps is None else args.raw_reps
        results.append(run_database(url, args.players, args.reps, args.seed, raw_reps, args.resume))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"year-{stamp}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(format_rows(results))
    print(f"\nraw results: bench/out/year-{stamp}.json")
    return 0
