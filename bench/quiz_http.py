"""The daily-quiz HTTP benchmark: gunicorn (sync, 2 workers) on PostgreSQL, wrk on loopback.

    python -m bench quiz_http                 # the figures in bench/quiz.md
    python -m bench quiz_http --profile       # the same, with py-spy sampling the answers run

Three targets, back to back, same connections and duration:

* `ping`    GET /api/v1/ping — the bare Flask JSON route (same app, same middleware): the ceiling;
* `today`   GET /api/v1/quiz/today signed in, rotating over a pool of users (goal ≥ 0.45× ping);
* `answers` POST /api/v1/quiz/today/answers, a fresh (user, question) pair every request
            (goal ≥ 0.25× ping and p99 ≤ 30 ms at 32 connections).

Every non-200 response is counted and reported, and after the run the database must hold exactly
one answer per 200 of the answers run and every balance must equal its ledger entries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench import common
from quiz.runtime import runtime_of

NAME = "quiz_http"
CATEGORIES = ("文明城市", "垃圾分类", "交通文明", "志愿服务", "公共卫生", "12345热线")
# Ratios to the bare Flask route served the same way in the same run.
GOALS = {"postgresql": {"today": 0.45, "answers": 0.25}, "sqlite": {"today": 0.40, "answers": 0.10}}
ANSWERS_P99_MS = {"postgresql": 100.0}

TODAY_LUA = """
local n = 0
function request()
  n = n + 1
  local cookie = cookies[((n * THREADS) + thread_id) % #cookies + 1]
  return wrk.format("GET", "/api/v1/quiz/today", headers(cookie, false))
end
"""

# The user varies fastest, so concurrent requests never queue on one user's day lock; each user
# answers question 1, then (after every other user of the thread) question 2, and so on.
ANSWERS_LUA = """
local n = 0
function request()
  local per_thread = math.floor(#cookies / THREADS)
  local u = n % per_thread
  local q = math.floor(n / per_thread) % #bodies
  n = n + 1
  local cookie = cookies[u * THREADS + thread_id + 1]
  return wrk.format("POST", "/api/v1/quiz/today/answers", headers(cookie, true), bodies[q + 1])
end
"""

# A player's day, one request per step, users in turn (each user's steps spread over the
# connections, as a phone's requests would be): the first fetch of the day (it writes), five
# answers, a board, the points page and, for one user in four, a redemption.
DAY_STEPS = 9
DAY_LUA = """
local n = 0
function request()
  local step = n % 9
  local u = math.floor(n / 9) * THREADS + thread_id
  n = n + 1
  local cookie = cookies[u % #cookies + 1]
  if step == 0 then
    return wrk.format("GET", "/api/v1/quiz/today", headers(cookie, false))
  elseif step <= 5 then
    return wrk.format("POST", "/api/v1/quiz/today/answers", headers(cookie, true), bodies[step])
  elseif step == 6 then
    return wrk.format("GET", "/api/v1/leaderboards/citizens?period=day&limit=20", headers(cookie, false))
  elseif step == 7 or u % 4 ~= 0 then
    return wrk.format("GET", "/api/v1/me/points", headers(cookie, false))
  end
  local h = headers(cookie, true)
  h["Idempotency-Key"] = "day-" .. u
  return wrk.format("POST", "/api/v1/shop/redemptions", h, REDEEM_BODY)
end
"""

PING_LUA = """
function request()
  return wrk.format("GET", "/api/v1/ping", headers(nil, false))
end
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench quiz_http",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        default=common.database_url(),
        help="the PostgreSQL database (its schema is dropped and rebuilt)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        type=lambda v: [d for d in v.split(",") if d],
        help="which to run, in order: sqlite (the embedded default), postgresql",
    )
    parser.add_argument(
        "--bench-config",
        action="store_true",
        help="the older configuration (rate limits off, no access log) instead "
        "of the shipped one; figures so taken are labelled as such",
    )
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="the default: start the service exactly as `make run` does",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--warmup", default="2s", help="wrk on /today before measuring")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--daily-count", type=int, default=20)
    parser.add_argument("--today-users", type=int, default=200)
    parser.add_argument(
        "--answer-users",
        type=int,
        default=1000,
        help="each answers up to --daily-count questions: 20,000 fresh pairs",
    )
    parser.add_argument(
        "--day-users",
        type=int,
        default=4000,
        help="players of the `day` target, each with a first fetch to make",
    )
    parser.add_argument("--day-duration", default="60s")
    parser.add_argument("--day-connections", type=int, default=40)
    parser.add_argument(
        "--no-limit",
        action="store_true",
        help="skip the minimal psycopg app (bench/limit_app.py) on PostgreSQL",
    )
    parser.add_argument(
        "--only",
        choices=("ping", "today", "answers", "day"),
        action="append",
        help="run only these targets (repeatable); `day` (a player's day mixing "
        "first fetches, answers, boards, points and redemptions) runs only "
        "when asked for",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the workers with py-spy during the answers run",
    )
    return parser.parse_args(argv)


# --- seeding -------------------------------------------------------------------------------------


def seed_questions(app, count: int) -> None:
    """`count` single-choice questions over the categories; answer A or B (half right for 'A')."""
    from quiz.extensions import db
    from quiz.models import Question

    now = runtime_of(app).clock.now()
    for n in range(count):
        category = CATEGORIES[n % len(CATEGORIES)]
        stem = f"【{category}】压测第{n}题：下列做法中，哪一项符合《城市文明行为规范》的要求？"
        options = [
            ["A", "主动分类投放生活垃圾"],
            ["B", "随手乱扔烟头"],
            ["C", "闯红灯过马路"],
            ["D", "占用盲道停放车辆"],
        ]
        digest = hashlib.sha256(f"single|{stem}|{options}".encode()).hexdigest()
        db.session.add(
            Question(
                type="single",
                stem=stem,
                options=options,
                answer="A" if n % 2 == 0 else "B",
                explanation="文明行为从我做起。",
                category=category,
                difficulty=2,
                active=True,
                content_hash=digest,
                created_at=now,
                updated_at=now,
            )
        )
    db.session.commit()


def seed(args, env, database_url) -> tuple[list[str], list[str], list[str], int | None]:
    """Schema from the migrations, the bank, the users, a prize; returns the cookies of the
    readers, the answerers and the `day` players, and the prize's id."""
    from quiz.services import prizes

    started = time.monotonic()
    common.reset_schema(database_url, env)
    print(f"schema ready in {time.monotonic() - started:.1f}s", flush=True)
    day_cookies, prize_id = [], None
    with common.app_for(env) as app:
        seed_questions(app, args.questions)
        today_ids = common.seed_users(app, args.today_users, prefix="reader")
        answer_ids = common.seed_users(app, args.answer_users, prefix="answerer")
        # Readers and answerers have fetched the day, as every player does before answering.
        open_the_day(app, today_ids + answer_ids)
        today_cookies = common.session_cookies(app, today_ids)
        answer_cookies = common.session_cookies(app, answer_ids)
        if "day" in (args.only or []):
            day_ids = common.seed_users(app, args.day_users, prefix="player")
            day_cookies = common.session_cookies(app, day_ids)
            prize_id = prizes.create_prize(
                {
                    "name": "压测奖品",
                    "cost": 10,
                    "stock": 1_000_000,
                    "per_user_limit": None,
                    "on_sale": True,
                },
                now=runtime_of(app).clock.now(),
            ).id
            from quiz.extensions import db

            db.session.commit()
    print(
        f"seeded {args.questions} questions, {args.today_users}+{args.answer_users}"
        f"+{len(day_cookies)} users in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    return today_cookies, answer_cookies, day_cookies, prize_id


def open_the_day(app, reader_ids: list[int]) -> None:
    """Draw today's set and record each reader's first fetch, as a client's first GET would:
    `today` then measures the steady state (a read), not each reader's one-off first write."""
    from sqlalchemy import insert

    from quiz.clock import local_day
    from quiz.extensions import db
    from quiz.models import QuizDay
    from quiz.services import draw

    rules = runtime_of(app).rules
    at = runtime_of(app).clock.now()
    day = local_day(at, rules.tz)
    day_set = draw.daily_set(day, rules, now=at)
    # The rows mark_seen leaves behind, inserted in one statement (hundreds of one-by-one
    # first fetches would make seeding the slowest part of the run).
    db.session.execute(
        insert(QuizDay),
        [
            {
                "user_id": user_id,
                "day": day,
                "total": len(day_set.question_ids),
                "answered": 0,
                "correct": 0,
                "points": 0,
                "bonus": 0,
                "first_seen_at": at,
            }
            for user_id in reader_ids
        ],
    )
    db.session.commit()


def todays_question_ids(server, cookie: str) -> list[int]:
    status, body = common.http_json("GET", server.url + "/api/v1/quiz/today", cookie=cookie)
    if status != 200:
        raise RuntimeError(f"GET /api/v1/quiz/today answered {status}: {body}")
    return [q["id"] for q in body["questions"]]


def answer_bodies(question_ids: list[int]) -> list[str]:
    return [json.dumps({"question_id": qid, "choices": ["A"]}) for qid in question_ids]


# --- the run -------------------------------------------------------------------------------------


def write_scripts(
    args, today_cookies, answer_cookies, question_ids, day_cookies=(), prize_id=None
) -> dict[str, Path]:
    threads = f"THREADS = {args.threads}\n"
    bodies = common.lua_list("bodies", answer_bodies(question_ids))
    redeem = f"REDEEM_BODY = {common.lua_string(json.dumps({'prize_id': prize_id}))}\n"
    return {
        "day": common.write_lua(
            common.OUT / "quiz_day.lua",
            threads + bodies + redeem + DAY_LUA,
            cookies=list(day_cookies),
        ),
        "ping": common.write_lua(common.OUT / "quiz_ping.lua", PING_LUA),
        "today": common.write_lua(
            common.OUT / "quiz_today.lua", threads + TODAY_LUA, cookies=today_cookies
        ),
        "answers": common.write_lua(
            common.OUT / "quiz_answers.lua", threads + bodies + ANSWERS_LUA, cookies=answer_cookies
        ),
    }


def wrk(args, url: str, name: str, *, script: Path | None = None):
    """wrk with this run's threads and connections for `args.duration`; the run named
    "warmup" lasts `args.warmup` and only loads imports, compiled SQL and caches."""
    return common.run_wrk(
        url,
        script=script,
        name=name,
        threads=args.threads,
        connections=args.connections,
        duration=args.warmup if name == "warmup" else args.duration,
    )


def run_target(name, server, script, args, profile_to: Path | None = None):
    wrk_args = {
        "script": script,
        "name": name,
        "threads": args.threads,
        "connections": args.day_connections if name == "day" else args.connections,
        "duration": args.day_duration if name == "day" else args.duration,
    }
    if profile_to is None:
        return common.run_wrk(server.url + "/", **wrk_args)
    spy = start_py_spy(server.pid, profile_to, args.duration)
    try:
        return common.run_wrk(server.url + "/", **wrk_args)
    finally:
        spy.wait(timeout=60)


def start_py_spy(pid: int, out: Path, duration: str) -> subprocess.Popen:
    seconds = max(1, int(float(duration.rstrip("s"))) - 1)
    return subprocess.Popen(
        [
            str(common.VENV_BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def check_database(env, answers_ok: int | None, in_flight: int) -> dict:
    """What the answers run left behind: one answer per 200, balances equal to their entries.

    wrk stops counting at the deadline with up to `in_flight` requests still being served, so
    the server may have stored that many answers more than wrk saw 200s for.
    """
    from sqlalchemy import func, select

    from quiz.extensions import db
    from quiz.models import Answer, LedgerEntry
    from quiz.services import ledger

    with common.app_for(env):
        stored = db.session.scalar(select(func.count()).select_from(Answer))
        entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
        mismatches = ledger.mismatches()
    report = {
        "answers_stored": stored,
        "ledger_entries": entries,
        "ledger_mismatches": len(mismatches),
    }
    if answers_ok is not None:
        report["answers_match_200s"] = answers_ok <= stored <= answers_ok + in_flight
    return report


def run_database(args, database_url: str | None, label: str) -> dict:
    """Seed one database, then the baseline and the service under the same gunicorn config."""
    env = common.bench_env(
        database_url, shipped=not args.bench_config, QUIZ_DAILY_COUNT=str(args.daily_count)
    )
    targets = args.only or ["ping", "today", "answers"]
    today_cookies, answer_cookies, day_cookies, prize_id = seed(args, env, database_url)
    results, cpu = {}, {}
    gunicorn = {"workers": args.workers, "shipped": not args.bench_config}
    if "ping" in targets:
        # The bare Flask route, served exactly as the service is, in the same run.
        with common.Gunicorn(env, app="bench.baseline_app:app", path_log=label, **gunicorn) as base:
            wrk(args, base.url + "/ping", "warmup")
            results["ping"] = wrk(args, base.url + "/ping", "ping")
            print(
                f"[{label}] ping (bare Flask route): {results['ping'].requests_per_sec:.1f} req/s",
                flush=True,
            )
    if database_url and not args.no_limit and not args.only:
        results.update(run_limit_app(args, env, database_url, gunicorn))
    with common.Gunicorn(env, path_log=label, **gunicorn) as server:
        question_ids = todays_question_ids(server, today_cookies[0])
        if len(question_ids) < args.daily_count:
            print(f"warning: today has only {len(question_ids)} questions", file=sys.stderr)
        scripts = write_scripts(
            args, today_cookies, answer_cookies, question_ids, day_cookies, prize_id
        )
        # Warm both workers: imports, compiled SQL, the day's payload cache.
        wrk(args, server.url + "/", "warmup", script=scripts["today"])
        for name in targets:
            if name == "ping":
                continue
            profile_to = common.OUT / f"quiz_{label}_{name}.pyspy.txt" if args.profile else None
            cpu_before = common.cpu_seconds(server.pid)
            results[name] = run_target(name, server, scripts[name], args, profile_to=profile_to)
            cpu[name] = common.cpu_seconds(server.pid) - cpu_before
            print(f"[{label}] {name}: {results[name].requests_per_sec:.1f} req/s", flush=True)
    answers_ok = None
    if "answers" in results and "day" not in results:
        answers_ok = results["answers"].requests - results["answers"].non_200_total
    db_check = check_database(env, answers_ok, args.connections)
    verdicts = goals(results, label)
    if "day" in results:
        day = results["day"]
        days_per_s = day.requests_per_sec / DAY_STEPS
        errors = sum(n for status, n in day.non_200.items() if str(status)[:1] not in "24")
        verdicts["day"] = {
            "player_days_per_s": round(days_per_s, 1),
            "server_cpu_ms_per_player_day": round(
                cpu["day"] * 1000 / (day.requests / DAY_STEPS), 1
            ),
            "responses_5xx_or_errors": errors,
            "statuses": day.non_200,
        }
        verdicts["lines"].append(
            f"day: {days_per_s:.1f} player days/s ({DAY_STEPS} requests each), "
            f"{verdicts['day']['server_cpu_ms_per_player_day']} ms server CPU per player day, "
            f"{errors} responses >= 500 (non-200 by status: {day.non_200})"
        )
    out = {"results": results, "verdicts": verdicts, "db_check": db_check}
    if args.profile:
        out["profile"] = {}
        for name in results:
            path = common.OUT / f"quiz_{label}_{name}.pyspy.txt"
            if path.exists():
                out["profile"][name] = summarise_profile(path)
    return out


LIMIT_TODAY_LUA = """
local n = 0
function request()
  n = n + 1
  local cookie = cookies[((n * THREADS) + thread_id) % #cookies + 1]
  return wrk.format("GET", "/limit/today", headers(cookie, false))
end
"""


def run_limit_app(args, env, database_url: str, gunicorn: dict) -> dict:
    """The practical limit: bench/limit_app.py under the same gunicorn, same run."""
    from bench import limit_app

    users = args.answer_users
    limit_app.setup(database_url, users)
    cookies = limit_app.cookies(users, env["QUIZ_SECRET_KEY"])
    threads = f"THREADS = {args.threads}\n"
    bodies = common.lua_list("bodies", answer_bodies(list(range(1, args.daily_count + 1))))
    scripts = {
        "limit_today": common.write_lua(
            common.OUT / "limit_today.lua",
            threads + LIMIT_TODAY_LUA,
            cookies=cookies[: args.today_users],
        ),
        "limit_answers": common.write_lua(
            common.OUT / "limit_answers.lua",
            threads + bodies + ANSWERS_LUA.replace("/api/v1/quiz/today/answers", "/limit/answer"),
            cookies=cookies,
        ),
    }
    out = {}
    limit_env = dict(env, LIMIT_DSN=database_url)
    with common.Gunicorn(limit_env, app="bench.limit_app:app", path_log="limit", **gunicorn) as lim:
        wrk(args, lim.url + "/", "warmup", script=scripts["limit_today"])
        for name, script in scripts.items():
            out[name] = wrk(args, lim.url + "/", name, script=script)
            print(
                f"[postgresql] {name} (minimal psycopg app): "
                f"{out[name].requests_per_sec:.1f} req/s",
                flush=True,
            )
    return out


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    machine = common.machine()
    started = time.monotonic()
    databases = {"sqlite": None, "postgresql": args.database_url}
    runs = {label: run_database(args, databases[label], label) for label in args.databases}
    config = (
        "bench configuration (rate limits off, no access log)"
        if args.bench_config
        else "shipped: deploy/gunicorn.conf.py, rate limits on, access log on"
    )
    payload = {
        "benchmark": NAME,
        "machine": machine,
        "configuration": config,
        "command": "python -m bench quiz_http " + " ".join(argv),
        "settings": {k: v for k, v in vars(args).items() if k != "database_url"},
        "runs": {},
        "goals_met": {},
    }
    failed = False
    for label, run in runs.items():
        results = run["results"]
        print(f"\n{label} — {config}")
        print(common.format_table(list(results.values()), baseline=results.get("ping")))
        for line in run["verdicts"]["lines"]:
            print(line)
        print("database after the run:", run["db_check"])
        for name, profile in run.get("profile", {}).items():
            print_profile(f"{label} {name}", profile)
        payload["runs"][label] = {
            "results": {name: r.as_dict() for name, r in results.items()},
            "ratios": run["verdicts"]["ratios"],
            "goals_met": run["verdicts"]["met"],
            "day": run["verdicts"].get("day"),
            "database_check": run["db_check"],
            "profile": run.get("profile"),
        }
        # The `day` mix meets 4xx by design (an answer racing its own user, points not yet
        # there for a prize); only 5xx and socket errors make it invalid.
        errors = sum(r.non_200_total for name, r in results.items() if name != "day")
        errors += run["verdicts"].get("day", {}).get("responses_5xx_or_errors", 0)
        check = run["db_check"]
        failed |= bool(
            errors or check["ledger_mismatches"] or check.get("answers_match_200s") is False
        )
    payload["wall_seconds"] = round(time.monotonic() - started, 1)
    path = common.write_results(NAME, payload)
    print(f"results: {path.relative_to(common.ROOT)} ({payload['wall_seconds']}s)")
    if failed:
        print(
            "FAILED: non-200 responses or an inconsistent database; the figures are not valid",
            file=sys.stderr,
        )
        return 1
    return 0


def goals(results, label: str) -> dict:
    ratios, met, lines = {}, {}, []
    ping = results.get("ping")
    for name, goal in GOALS[label].items():
        if ping is None or name not in results:
            continue
        ratio = results[name].requests_per_sec / ping.requests_per_sec
        ratios[name] = round(ratio, 3)
        met[name] = ratio >= goal
        lines.append(f"{name}/ping = {ratio:.2f} (goal ≥ {goal}) {'ok' if met[name] else 'MISSED'}")
    if "answers" in results and label in ANSWERS_P99_MS:
        p99 = results["answers"].p99_ms
        met["answers_p99"] = p99 <= ANSWERS_P99_MS[label]
        lines.append(
            f"answers p99 = {p99:.1f} ms (goal ≤ {ANSWERS_P99_MS[label]:.0f} ms) "
            f"{'ok' if met['answers_p99'] else 'MISSED'}"
        )
    return {"ratios": ratios, "met": met, "lines": lines}


# --- the profile ---------------------------------------------------------------------------------

_BUCKETS = (
    ("psycopg (driver, waiting on PostgreSQL)", ("psycopg",)),
    ("sqlalchemy ORM/Core", ("sqlalchemy",)),
    ("marshmallow / flask-smorest", ("marshmallow", "flask_smorest", "webargs", "apispec")),
    ("flask-login / sessions / itsdangerous", ("flask_login", "itsdangerous", "sessions.py")),
    ("werkzeug / flask", ("werkzeug", "flask/")),
    ("gunicorn", ("gunicorn",)),
    ("quiz (our code)", ("quiz/",)),
)


def _frames(stack: str) -> list[str]:
    return stack.split(";")


def summarise_profile(path: Path, top: int = 15) -> dict:
    """From py-spy's raw (collapsed) stacks: where the leaf samples fall, and the quiz functions
    with the most inclusive time."""
    leaf_buckets: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = _frames(stack)
        if not any("gunicorn/workers/sync.py" in f for f in frames):
            continue  # the master's housekeeping
        total += samples
        leaf = frames[-1]
        leaf_buckets[
            next(
                (name for name, marks in _BUCKETS if any(m in leaf for m in marks)),
                "other (stdlib, C)",
            )
        ] += samples
        seen = set()
        for frame in frames:
            if "(quiz/" in frame:
                function = frame.split(" (")[0] + " (" + frame.split("(")[-1].split(":")[0] + ")"
                if function not in seen:
                    seen.add(function)
                    inclusive[function] += samples
    return {
        "samples": total,
        "leaf_share": {k: round(v / total, 3) for k, v in leaf_buckets.most_common()}
        if total
        else {},
        "quiz_inclusive": {k: round(v / total, 3) for k, v in inclusive.most_common(top)}
        if total
        else {},
    }


def print_profile(name: str, profile: dict) -> None:
    print(f"\nprofile of the {name} run ({profile['samples']} samples in the workers):")
    print("  where the CPU is (leaf frame):")
    for name, share in profile["leaf_share"].items():
        print(f"    {share:6.1%}  {name}")
    print("  quiz functions, inclusive:")
    for name, share in profile["quiz_inclusive"].items():
        print(f"    {share:6.1%}  {name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
