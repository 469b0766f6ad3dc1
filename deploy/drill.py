"""The failure drill: nginx → 2 app instances × 2 workers → PostgreSQL + Redis on loopback,
a player-day mix at a fixed arrival rate, and meanwhile: kill -9 an instance (and restart it),
restart PostgreSQL, stop Redis and start it again. Prints per phase: sent, 2xx/4xx/5xx/503,
p50/p99; then checks the ledger, the boards against a rebuild, double credit and overselling.

    make drill            # the full drill (~3 minutes)
    make drill-short      # the short form CI runs (< 2 minutes)

Uses Debian's nginx, postgresql and redis-server; its own cluster and ports (never shared
ones), all removed at the end. Needs root (or sudo) for pg_createcluster.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUDO = [] if os.geteuid() == 0 else ["sudo"]
PASSWORD = "drill-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float = 20) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Stack:
    def __init__(self, work: Path):
        self.work = work
        self.pg_version = sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]
        self.pg_cluster = f"quizdrill{os.getpid()}"
        self.pg_port, self.redis_port, self.nginx_port = free_port(), free_port(), free_port()
        self.app_ports = [free_port(), free_port()]
        self.apps: dict[int, subprocess.Popen] = {}
        self.redis: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.env = dict(
            os.environ,
            DATABASE_URL=f"postgresql+psycopg://quiz:quiz@127.0.0.1:{self.pg_port}/quiz",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            QUIZ_INSTANCE_PATH=str(work / "instance"),
            QUIZ_SECRET_KEY="drill-secret-key-of-at-least-32-bytes",
            QUIZ_TRUSTED_PROXIES="1",
            QUIZ_MIN_ANSWER_MS="0",
            FLASK_APP="wsgi",
            QUIZ_DB_POOL_SIZE="3",
            QUIZ_DB_MAX_OVERFLOW="3",
            PYTHONPATH=str(ROOT),
        )

    # --- PostgreSQL ---
    def pg(self, action: str) -> None:
        subprocess.run(
            [*SUDO, "pg_ctlcluster", self.pg_version, self.pg_cluster, action], check=True
        )

    def start_pg(self) -> None:
        subprocess.run(
            [
                *SUDO,
                "pg_createcluster",
                self.pg_version,
                self.pg_cluster,
                "-p",
                str(self.pg_port),
                "-o",
                "max_connections=100",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg("start")
        for sql in ("CREATE ROLE quiz LOGIN PASSWORD 'quiz'", "CREATE DATABASE quiz OWNER quiz"):
            subprocess.run(
                [*SUDO, "su", "postgres", "-c", f'psql -q -p {self.pg_port} -c "{sql}"'], check=True
            )

    # --- Redis (appendonly: a stopped Redis comes back with its boards) ---
    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.work),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.redis_port)

    def stop_redis(self) -> None:
        self.redis.terminate()
        self.redis.wait()

    # --- app instances ---
    def start_app(self, port: int) -> None:
        metrics = self.work / f"metrics-{port}"
        env = dict(
            self.env,
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="2",
            PROMETHEUS_MULTIPROC_DIR=str(metrics),
        )
        log = open(self.work / f"app-{port}.log", "ab")  # noqa: SIM115 (the child's, kept open)
        self.apps[port] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        wait_port(port)
        end = time.time() + 60  # the workers answer (not just the master's socket)
        while time.time() < end:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"instance {port} does not answer /healthz")

    def kill_app(self, port: int) -> None:
        self.apps[port].send_signal(signal.SIGKILL)
        self.apps[port].wait()

    # --- nginx, from deploy/nginx-quiz.conf with ports and paths substituted ---
    def start_nginx(self) -> None:
        site = (ROOT / "deploy" / "nginx-quiz.conf").read_text()
        upstreams = "".join(
            f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;\n" for p in self.app_ports
        )
        lines = [
            ln
            for ln in site.splitlines(keepends=True)
            if not ln.strip().startswith("server 127.0.0.1:")
        ]
        site = "".join(lines).replace("keepalive 32;", upstreams + "    keepalive 32;")
        site = (
            site.replace("listen 80;", f"listen 127.0.0.1:{self.nginx_port};")
            .replace("/srv/quiz/", f"{ROOT}/")
            .replace("/var/log/nginx/quiz.access.log", str(self.work / "nginx.access.log"))
            # One load generator stands for a city of phones: the per-address limit is raised.
            .replace("rate=50r/s", "rate=100000r/s")
        )
        user = "user root root;\n" if os.geteuid() == 0 else ""
        conf = self.work / "nginx.conf"
        conf.write_text(
            f"{user}worker_processes 2;\npid {self.work}/nginx.pid;\n"
            f"error_log {self.work}/nginx.error.log;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n"
            f"  client_body_temp_path {self.work}/nginx-body;\n  proxy_temp_path {self.work}/nginx-proxy;\n"
            f"  fastcgi_temp_path {self.work}/f;\n  uwsgi_temp_path {self.work}/u;\n  scgi_temp_path {self.work}/s;\n"
            f"{site}\n}}\n"
        )
        self.nginx = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(self.work), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.nginx_port)

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def teardown(self) -> None:
        for proc in [*self.apps.values(), self.nginx, self.redis]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        subprocess.run(
            [*SUDO, "pg_dropcluster", "--stop", self.pg_version, self.pg_cluster],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


# --- the player-day mix ------------------------------------------------------------------------


class Player:
    def __init__(self, username: str):
        self.username = username
        self.cookie = ""
        self.steps = self._day()

    def _day(self):
        yield ("POST", "/api/v1/auth/login", {"username": self.username, "password": PASSWORD})
        yield ("GET", "/api/v1/quiz/today", None)
        for i in range(5):
            yield ("ANSWER", i, None)
        while True:
            yield ("GET", "/api/v1/leaderboards/citizens?period=day", None)
            yield ("REDEEM", None, None)
            yield ("GET", "/api/v1/me", None)
            yield ("GET", "/api/v1/quiz/today", None)


class Load:
    def __init__(self, port: int, players: list[Player], prize_id: int, rate: float):
        self.port, self.players, self.prize_id, self.rate = port, players, prize_id, rate
        self.jobs: queue.Queue = queue.Queue()
        self.results: list[tuple[float, int, float]] = []  # (sent at, status, seconds)
        self.lock = threading.Lock()
        self.questions: dict[str, list[int]] = {}
        self.keys = itertools.count()
        self.stop = threading.Event()
        self.busy: set[str] = set()

    def request(self, player: Player, method: str, path: str, body) -> tuple[int, dict | None]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
        headers = {"X-Requested-With": "XMLHttpRequest"}
        if player.cookie:
            headers["Cookie"] = player.cookie
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
            if path.endswith("/redemptions"):
                headers["Idempotency-Key"] = f"drill-{next(self.keys)}"
        try:
            conn.request(method, path, data, headers)
            response = conn.getresponse()
            raw = response.read()
            cookie = response.getheader("Set-Cookie")
            if cookie:
                player.cookie = cookie.split(";", 1)[0]
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, None
        except OSError:
            return 599, None  # no answer at all
        finally:
            conn.close()

    def step(self, player: Player) -> None:
        method, path, body = next(player.steps)
        if method == "ANSWER":
            ids = self.questions.get(player.username) or []
            if path >= len(ids):
                method, path, body = "GET", "/api/v1/quiz/today", None
            else:
                method, body = "POST", {"question_id": ids[path], "choices": ["A"]}
                path = "/api/v1/quiz/today/answers"
        elif method == "REDEEM":
            if hash((player.username, next(self.keys))) % 10:
                method, path = "GET", "/api/v1/shop/prizes"
            else:
                method, path, body = "POST", "/api/v1/shop/redemptions", {"prize_id": self.prize_id}
        started = time.time()
        status, payload = self.request(player, method, path, body)
        if status == 401 and path != "/api/v1/auth/login":
            player.steps = player._day()  # signed out (a restart cannot do that, but be safe)
        if path == "/api/v1/quiz/today" and status == 200 and payload:
            self.questions[player.username] = [q["id"] for q in payload["questions"]]
        with self.lock:
            self.results.append((started, status, time.time() - started))

    def worker(self) -> None:
        while not self.stop.is_set():
            try:
                player = self.jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self.step(player)
            finally:
                with self.lock:
                    self.busy.discard(player.username)

    def run(self, until: threading.Thread) -> None:
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(48)]
        for t in threads:
            t.start()
        cycle = itertools.cycle(self.players)
        start = time.time()
        n = 0
        while until.is_alive():
            due = start + n / self.rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            for _ in range(len(self.players)):
                player = next(cycle)
                with self.lock:
                    if player.username not in self.busy:
                        self.busy.add(player.username)
                        break
            else:
                continue
            self.jobs.put(player)
            n += 1
        self.stop.set()
        for t in threads:
            t.join(45)


def report(results, phases) -> list[dict]:
    rows = []
    for name, start, end in phases:
        mine = [r for r in results if start <= r[0] < end]
        times = sorted(r[2] for r in mine)
        count = len(mine)

        def pct(p, times=times, count=count):
            return round(times[min(int(p * count), count - 1)] * 1000) if count else 0

        rows.append(
            {
                "phase": name,
                "sent": count,
                "2xx": sum(200 <= s < 300 for _, s, _ in mine),
                "4xx": sum(400 <= s < 500 for _, s, _ in mine),
                "5xx": sum(s >= 500 and s != 503 for _, s, _ in mine),
                "503": sum(s == 503 for _, s, _ in mine),
                "p50_ms": pct(0.5),
                "p99_ms": pct(0.99),
            }
        )
    return rows


def setup_data(stack: Stack, users: int) -> int:
    os.environ.update(stack.env)
    sys.path.insert(0, str(ROOT))
    from werkzeug.security import generate_password_hash

    from quiz import create_app
    from quiz.extensions import db
    from quiz.models import User
    from quiz.runtime import runtime_of
    from quiz.services import ledger, prizes

    app = create_app()
    with app.app_context():
        now = runtime_of(app).clock.now()
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        people = [
            User(
                username=f"drill{i}",
                password_hash=hashed,
                display_name=f"演练{i}",
                role="citizen",
                district="新华区",
                created_at=now,
            )
            for i in range(users)
        ]
        db.session.add_all(people)
        db.session.flush()
        for u in people:
            ledger.post_entry(u.id, 300, "admin_adjust", key=f"drill-grant:{u.id}", now=now)
        prize = prizes.create_prize(
            {
                "name": "演练奖品",
                "description": "",
                "cost": 100,
                "stock": 25,
                "per_user_limit": None,
                "on_sale": True,
            },
            now=now,
        )
        db.session.commit()
        return prize.id


def final_checks(stack: Stack, prize_id: int) -> dict[str, bool]:
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select, text

    from quiz import create_app
    from quiz.extensions import db
    from quiz.models.shop import Prize, Redemption
    from quiz.services import leaderboards, ledger

    app = create_app()
    with app.app_context():
        out = {"ledger verify": not ledger.mismatches()}
        outbox = leaderboards.outbox_size()
        out["board outbox drained by itself"] = outbox == 0
        tz = ZoneInfo(app.config["QUIZ_TIMEZONE"])
        expected = {}
        for (board, period, start, subject), (points, tie) in leaderboards.recompute(tz).items():
            key = leaderboards.redis_key(board, period, start)
            expected.setdefault(key, {})[subject] = (points << leaderboards.TIE_BITS[period]) | tie
        client = leaderboards.redis_client(app.config["REDIS_URL"])
        actual = {}
        for key in client.scan_iter(match=f"{leaderboards.REDIS_PREFIX}:*"):
            actual[key] = {m: int(s) for m, s in client.zrange(key, 0, -1, withscores=True)}
        out["boards equal a rebuild"] = actual == expected
        doubles = db.session.execute(
            text(
                "SELECT count(*) FROM (SELECT user_id, question_id, day FROM answers "
                "GROUP BY user_id, question_id, day HAVING count(*) > 1) d"
            )
        ).scalar()
        correct = db.session.execute(text("SELECT count(*) FROM answers WHERE correct")).scalar()
        credited = db.session.execute(
            text("SELECT count(*) FROM ledger_entries WHERE kind = 'quiz_correct'")
        ).scalar()
        out["no double credit"] = doubles == 0 and credited <= correct
        prize = db.session.get(Prize, prize_id)
        sold = db.session.scalar(
            select(func.count()).select_from(Redemption).where(Redemption.prize_id == prize_id)
        )
        out["no oversold prize"] = prize.stock >= 0 and sold + prize.stock == 25
        out["_counts"] = {"answers": correct, "redemptions": sold, "outbox": outbox}
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--short", action="store_true", help="the CI form: 10 s phases")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--users", type=int, default=100)
    args = parser.parse_args()
    phase = 10 if args.short else 25
    redis_down = 10 if args.short else 20
    for tool in ("nginx", "redis-server", "pg_createcluster"):
        if shutil.which(tool) is None:
            print(f"drill: {tool} is missing (apt-get install nginx redis-server postgresql)")
            return 2
    work = Path(tempfile.mkdtemp(prefix="quiz-drill-"))
    os.chmod(work, 0o755)
    stack = Stack(work)
    try:
        stack.start_pg()
        stack.start_redis()
        stack.flask("db", "upgrade")
        stack.flask("seed")
        prize_id = setup_data(stack, args.users)
        for port in stack.app_ports:
            stack.start_app(port)
        stack.start_nginx()
        players = [Player(f"drill{i}") for i in range(args.users)]
        load = Load(stack.nginx_port, players, prize_id, args.rate)
        marks: list[tuple[str, float]] = []

        def mark(name):
            marks.append((name, time.time()))
            print(f"drill: {time.strftime('%H:%M:%S')} {name}", flush=True)

        def script():
            mark("steady")
            time.sleep(phase)
            mark("kill -9 instance 1")
            stack.kill_app(stack.app_ports[0])
            time.sleep(3)
            stack.start_app(stack.app_ports[0])
            time.sleep(phase - 3)
            mark("restart PostgreSQL")
            stack.pg("restart")
            time.sleep(phase)
            mark(f"Redis stopped {redis_down} s")
            stack.stop_redis()
            time.sleep(redis_down)
            stack.start_redis()
            mark("Redis back, recovery")
            time.sleep(phase)
            mark("end")

        driver = threading.Thread(target=script)
        driver.start()
        load.run(until=driver)
        driver.join()
        bounds = [(name, start, marks[i + 1][1]) for i, (name, start) in enumerate(marks[:-1])]
        rows = report(load.results, bounds)
        print(
            f"\ndrill: nginx → 2 instances × 2 workers → PostgreSQL {stack.pg_version} + Redis; "
            f"{args.rate:g} req/s, {args.users} players"
        )
        print(
            f"{'phase':<24}{'sent':>6}{'2xx':>6}{'4xx':>6}{'5xx':>6}{'503':>6}{'p50 ms':>8}{'p99 ms':>8}"
        )
        for r in rows:
            print(
                f"{r['phase']:<24}{r['sent']:>6}{r['2xx']:>6}{r['4xx']:>6}{r['5xx']:>6}"
                f"{r['503']:>6}{r['p50_ms']:>8}{r['p99_ms']:>8}"
            )
        # Boards catch up by themselves: requests after Redis is back drain the outbox. The
        # balancer's health checks are such requests; give each instance two, past the
        # per-process breaker and drain interval (2 s), as production's would every few seconds.
        time.sleep(2.5)
        for port in stack.app_ports:
            for _ in range(2):
                with contextlib.suppress(OSError):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", "/healthz")
                    conn.getresponse().read()
                    conn.close()
        checks = final_checks(stack, prize_id)
        counts = checks.pop("_counts")
        print(f"\ndrill: {counts}")
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        five = sum(r["5xx"] for r in rows)
        print(f"  {'ok  ' if five == 0 else 'FAIL'} no 5xx other than 503 ({five})")
        return 0 if all(checks.values()) and five == 0 else 1
    finally:
        stack.teardown()
        if os.environ.get("DRILL_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"drill: logs kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
