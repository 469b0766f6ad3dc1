"""Prize-shop benchmark: redemptions per second against the bare-Flask ceiling, and the storm.

    python -m bench.shop            (from the repository root; about a minute)

Serves the app with gunicorn (sync, 2 workers) on PostgreSQL — DATABASE_URL, else the bench
database — with rate limits off, then:
  1. wrk against GET /api/v1/ping (the ceiling) and POST /api/v1/shop/redemptions (a unique
     Idempotency-Key per request, a session cookie per request drawn from N signed-in buyers),
     printing req/s, p50/p99 and the ratio;
  2. the storm: 200 buyers with one request each, racing for a prize with stock 20, timed end to
     end, then checks exactly 20 redemptions, stock 0 and Σ entries == balance for everyone.
The bench database's tables are dropped and recreated: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from quiz.runtime import runtime_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgresql+psycopg://quiz:quiz@localhost:5433/quiz_bench"
SECRET = "bench-secret-key-not-for-production"

LUA = r"""
local cookies = {%(cookies)s}
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local cookie = cookies[(counter * 7 + tid) %% #cookies + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Requested-With"] = "XMLHttpRequest",
    ["Cookie"] = "session=" .. cookie,
    ["Idempotency-Key"] = "bench-" .. (tid or 0) .. "-" .. counter .. "-" .. math.random(1, 1000000000),
  }
  return wrk.format("POST", "/api/v1/shop/redemptions", headers, '{"prize_id": %(prize_id)d}')
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(url: str):
    os.environ.update(
        {"DATABASE_URL": url, "QUIZ_RATELIMIT_ENABLED": "0", "QUIZ_SECRET_KEY": SECRET}
    )
    from quiz import create_app

    return create_app()


def seed(app, buyers: int, stock: int, cost: int, points: int, *, reset: bool):
    """Buyers with points and a prize; returns (session cookies, prize id, user ids)."""
    from quiz.extensions import db
    from quiz.models import User
    from quiz.services import ledger, prizes

    with app.app_context():
        if reset:
            db.drop_all()
            db.create_all()
        now = runtime_of(app).clock.now()
        prize = prizes.create_prize(
            {
                "name": "bench prize",
                "cost": cost,
                "stock": stock,
                "per_user_limit": None,
                "on_sale": True,
            },
            now=now,
        )
        stamp = f"{time.time_ns()}"
        users = [
            User(
                username=f"b{stamp[-9:]}_{i}",
                display_name=f"bench {i}",
                role="citizen",
                created_at=now,
            )
            for i in range(buyers)
        ]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            ledger.post_entry(
                user.id, points, "admin_adjust", key=f"bench:{stamp}:{user.id}", now=now
            )
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": str(u.id), "_fresh": True}) for u in users]
        return cookies, prize.id, [u.id for u in users]


def serve(url: str, port: int):
    env = dict(
        os.environ,
        DATABASE_URL=url,
        QUIZ_RATELIMIT_ENABLED="0",
        QUIZ_SECRET_KEY=SECRET,
        QUIZ_INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-shop-"),
    )
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "requests": int(total.group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


def storm(app, port: int, clients: int = 200, stock: int = 20) -> dict:
    from sqlalchemy import func, select

    from quiz.extensions import db
    from quiz.models.shop import Prize, Redemption
    from quiz.services import ledger

    cookies, prize_id, _ = seed(app, clients, stock, cost=50, points=100, reset=False)
    barrier = threading.Barrier(clients)
    statuses: list[int] = []
    lock = threading.Lock()

    def buy(cookie: str):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/shop/redemptions",
            method="POST",
            data=json.dumps({"prize_id": prize_id}).encode(),
            headers={
                "Content-Type": "application/json",
                "X-Requested-With": "XMLHttpRequest",
                "Cookie": f"session={cookie}",
                "Idempotency-Key": "storm",
            },
        )
        barrier.wait()
        try:
            status = urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=buy, args=(c,)) for c in cookies]
    for t in threads:
        t.start()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        sold = db.session.scalar(
            select(func.count()).select_from(Redemption).where(Redemption.prize_id == prize_id)
        )
        left = db.session.get(Prize, prize_id).stock
        mismatches = ledger.mismatches()
    return {
        "clients": clients,
        "stock": stock,
        "seconds": elapsed,
        "created": statuses.count(201),
        "out_of_stock": statuses.count(409),
        "other": len(statuses) - statuses.count(201) - statuses.count(409),
        "redemptions": sold,
        "stock_left": left,
        "ledger_mismatches": len(mismatches),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--buyers", type=int, default=64)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith("postgresql"):
        raise SystemExit("the shop bench runs on PostgreSQL (set DATABASE_URL)")
    app = make_app(url)
    cookies, prize_id, _ = seed(
        app, args.buyers, stock=10_000_000, cost=1, points=10_000_000, reset=True
    )
    port = free_port()
    proc = serve(url, port)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(
                LUA % {"cookies": ", ".join(f'"{c}"' for c in cookies), "prize_id": prize_id}
            )
        base = f"http://127.0.0.1:{port}"
        ping = wrk(f"{base}/api/v1/ping", args.seconds, args.connections)
        redeem = wrk(base, args.seconds, args.connections, script.name)
        os.unlink(script.name)
        print(
            f"ping        {ping['rps']:8.1f} req/s  p50 {ping['p50_ms']:6.2f} ms  "
            f"p99 {ping['p99_ms']:6.2f} ms"
        )
        print(
            f"redeem      {redeem['rps']:8.1f} req/s  p50 {redeem['p50_ms']:6.2f} ms  "
            f"p99 {redeem['p99_ms']:6.2f} ms  ({redeem['requests']} requests, "
            f"{redeem['non_2xx']} non-2xx)"
        )
        print(
            f"ratio       {redeem['rps'] / ping['rps']:.3f} x the bare-Flask ceiling (goal >= 0.15)"
        )
        result = storm(app, port)
        print(
            f"storm       {result['clients']} buyers for {result['stock']} units: "
            f"{result['seconds']:.2f} s end to end; {result['created']} created, "
            f"{result['out_of_stock']} out_of_stock, {result['other']} other; "
            f"stock left {result['stock_left']}, ledger mismatches {result['ledger_mismatches']}"
        )
        ok = (
            result["created"] == result["redemptions"] == result["stock"]
            and result["stock_left"] == 0
            and result["ledger_mismatches"] == 0
            and redeem["non_2xx"] == 0
        )
        print("invariants  " + ("ok" if ok else "VIOLATED"))
        if not ok:
            raise SystemExit(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
