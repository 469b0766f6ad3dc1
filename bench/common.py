"""Shared helpers for the HTTP benchmarks: a real gunicorn, real PostgreSQL, wrk on loopback.

A benchmark module (`bench/<name>.py` with `main(argv)`) typically:

    env = bench_env(database_url, QUIZ_DAILY_COUNT="20")
    reset_schema(database_url, env)                # drop the public schema, `flask db upgrade`
    with app_for(env) as app:                      # an in-process app on the same database
        ids = seed_users(app, 1000, prefix="buyer")   # cheap password hashes, bulk insert
        cookies = session_cookies(app, ids)           # signed exactly as a real login signs them
    with Gunicorn(env, workers=2) as server:       # free loopback port, waits for /healthz
        script = write_lua(OUT / "x.lua", request_lua(...), cookies=cookies)
        result = run_wrk(server.url + "/api/v1/...", script=script)
    print(format_table([result]))

`run_wrk` returns a `WrkResult` (req/s, p50, p99 in ms, requests, non-200 count, socket errors).
Every wrk script written with `write_lua` counts non-200 responses per status in its
`response()` hook and reports them, so a run that silently measured errors is visible.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from quiz.runtime import runtime_of

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql+psycopg://quiz:quiz@localhost:5433/quiz_bench"
# wrk sends no User-Agent unless told; every script sets this one, and cookies are signed for it
# (Flask-Login's session protection hashes the client address and User-Agent into the session).
USER_AGENT = "quiz-bench"
CLIENT_ADDR = "127.0.0.1"
FAST_HASH = "pbkdf2:sha256:1000"  # seeding thousands of users must take seconds, not minutes
PASSWORD = "bench-password"


def database_url() -> str:
    """BENCH_DATABASE_URL, else the benchmark database on the local test cluster."""
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


# --- environment and schema ------------------------------------------------------------------


# One load generator stands for a city of phones: the per-IP limit (on, as shipped, and paid for
# on every request) must not throttle it, so only its rate is raised; per-account limits stay.
SHIPPED_IP_LIMIT = "100000000 per minute"


def bench_env(
    database_url: str | None, *, shipped: bool = False, **settings: str
) -> dict[str, str]:
    """The environment for gunicorn and the in-process app, with a fixed secret.

    `shipped`: exactly `make run`'s settings (rate limits on) but for the per-IP rate, which one
    load generator address would otherwise exhaust. Else the older bench configuration: rate
    limits off. `database_url` None: the embedded SQLite file in a fresh instance folder."""
    instance = tempfile.mkdtemp(prefix="quiz-bench-instance-")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "QUIZ_SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
            "QUIZ_INSTANCE_PATH": instance,
            # wrk answers at machine speed: without this every answer is `too_fast` and credits
            # nothing, so the points, ledger and board writes would not be measured.
            "QUIZ_MIN_ANSWER_MS": "0",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if shipped:
        env["QUIZ_API_LIMIT_IP"] = SHIPPED_IP_LIMIT
        env.pop("QUIZ_RATELIMIT_ENABLED", None)
    else:
        env["QUIZ_RATELIMIT_ENABLED"] = "0"
    env.update({key: str(value) for key, value in settings.items()})
    return env


@contextlib.contextmanager
def patched_environ(env: dict[str, str]) -> Iterator[None]:
    """Run with `env` as os.environ (quiz.config reads it), then put the old one back."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def app_for(env: dict[str, str]):
    """An application built from `env`, inside an app context, for seeding and checks."""
    with patched_environ(env):
        from quiz import create_app
        from quiz.extensions import db

        app = create_app()
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def reset_schema(database_url: str | None, env: dict[str, str]) -> None:
    """Drop everything in the public schema and build it again with the Alembic revisions."""
    import sqlalchemy as sa

    if database_url is None:  # the embedded default: a new file in the fresh instance folder
        Path(env["QUIZ_INSTANCE_PATH"], "quiz.sqlite3").unlink(missing_ok=True)
    elif not database_url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must be a PostgreSQL URL")
    else:
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


# --- seeding through the app -------------------------------------------------------------------


def seed_users(
    app,
    count: int,
    *,
    prefix: str = "bench",
    role: str = "citizen",
    district: str | None = None,
    batch: int = 2000,
) -> list[int]:
    """Insert `count` users (one shared cheap password hash) and return their ids, in order."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from quiz.extensions import db
    from quiz.models import User

    now = runtime_of(app).clock.now()
    district = district or app.config["QUIZ_DISTRICTS"][0]
    password_hash = generate_password_hash(PASSWORD, method=FAST_HASH)
    rows = [
        {
            "username": f"{prefix}{n}",
            "password_hash": password_hash,
            "display_name": f"{prefix}{n}",
            "role": role,
            "district": district,
            "balance": 0,
            "streak": 0,
            "show_full_name": False,
            "created_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, count, batch):
        db.session.execute(insert(User), rows[start : start + batch])
    db.session.commit()
    names = [row["username"] for row in rows]
    by_name = dict(
        db.session.execute(
            select(User.username, User.id).where(User.username.like(f"{prefix}%"))
        ).all()
    )
    return [by_name[name] for name in names]


def session_cookies(app, user_ids: Iterable[int]) -> list[str]:
    """`session=…` cookie values, each exactly what POST /api/v1/auth/login would set.

    Signed in-process (login_user in a request context that looks like wrk's requests), so
    thousands of sessions take a second instead of thousands of logins.
    """
    from flask import session
    from flask_login import login_user
    from sqlalchemy import select

    from quiz.extensions import db
    from quiz.models import User

    user_ids = list(user_ids)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    cookies = []
    for user_id in user_ids:
        with app.test_request_context(
            environ_base={"REMOTE_ADDR": CLIENT_ADDR}, headers={"User-Agent": USER_AGENT}
        ):
            login_user(users[user_id])
            cookies.append(f"{name}={serializer.dumps(dict(session))}")
    db.session.expunge_all()
    return cookies


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SHIPPED_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


class Gunicorn:
    """gunicorn serving `app` (wsgi:app) on a free loopback port, for a `with` block.

    `shipped`: started exactly as `make run` starts it — `--config deploy/gunicorn.conf.py`
    (its workers, worker class and logging, the access log included), with HOST, PORT and
    WEB_CONCURRENCY in the environment. Else the older bench form: sync workers, no access log.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 2,
        log: Path | None = None,
        timeout: float = 30.0,
        shipped: bool = False,
        app: str = "wsgi:app",
        path_log: str = "",
    ):
        self.env, self.workers, self.timeout = env, workers, timeout
        self.shipped, self.app = shipped, app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or OUT / f"gunicorn{'-' + path_log if path_log else ''}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if self.shipped:
            return [str(VENV_BIN / "gunicorn"), "--config", str(SHIPPED_CONFIG), self.app]
        # No --access-logfile: gunicorn then writes no access log (it would cost every request).
        return [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--error-logfile",
            "-",
            self.app,
        ]

    def __enter__(self) -> Gunicorn:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = dict(
            self.env, HOST="127.0.0.1", PORT=str(self.port), WEB_CONCURRENCY=str(self.workers)
        )
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            wait_healthy(
                self.url,
                timeout=self.timeout,
                process=self.process,
                path="/healthz" if self.app == "wsgi:app" else "/ping",
            )
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def cpu_seconds(master_pid: int) -> float:
    """User + system CPU seconds of a gunicorn master and its live workers, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [master_pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        pids += [int(p) for p in children]
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wait_healthy(
    url: str,
    *,
    timeout: float = 30.0,
    process: subprocess.Popen | None = None,
    path: str = "/healthz",
) -> None:
    """Poll GET /healthz until it answers 200 (which also proves the database is reachable)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see the log")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/healthz did not answer within {timeout:.0f}s")


def http_json(method: str, url: str, *, cookie: str | None = None, body=None) -> tuple[int, object]:
    """One request as a client would make it (User-Agent, CSRF header); returns (status, JSON)."""
    headers = {"User-Agent": USER_AGENT, "X-Requested-With": "XMLHttpRequest"}
    data = None
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


# --- wrk ---------------------------------------------------------------------------------------

# Appended to every script: count non-200 responses per status and report them from done().
LUA_COUNTERS = r"""
local __threads = {}
function setup(thread)
  thread:set("thread_id", #__threads)
  table.insert(__threads, thread)
end
__statuses = {}
function __encode_statuses()
  local parts = {}
  for status, count in pairs(__statuses) do parts[#parts + 1] = status .. ":" .. count end
  return table.concat(parts, ",")
end
function response(status, headers, body)
  if status ~= 200 then
    __statuses[status] = (__statuses[status] or 0) + 1
    -- a thread's globals are what done() can read (thread:get)
    __statuses_encoded = __encode_statuses()
  end
end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(__threads) do
    local encoded = thread:get("__statuses_encoded") or ""
    for status, count in string.gmatch(encoded, "(%d+):(%d+)") do
      totals[status] = (totals[status] or 0) + tonumber(count)
    end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. ":" .. count end
  io.write("BENCH_NON_200 " .. table.concat(parts, ",") .. "\n")
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)  # a JSON string literal is a valid Lua string


def lua_list(name: str, values: Iterable[str]) -> str:
    return f"{name} = {{\n" + ",\n".join(lua_string(v) for v in values) + "\n}\n"


def write_lua(path: Path, body: str, *, cookies: list[str] | None = None) -> Path:
    """A wrk script: the `cookies` table (1-based), the caller's `request()`, and the counters.

    `body` defines `request()` (and optionally `init(args)`); it can use `wrk.format`,
    `thread_id` (0-based, set in setup) and `cookies`. Every request should send
    USER_AGENT — `headers()` below returns the common ones.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    common = (
        f"BENCH_USER_AGENT = {lua_string(USER_AGENT)}\n"
        "function headers(cookie, json_body)\n"
        "  local h = {['User-Agent'] = BENCH_USER_AGENT}\n"
        "  if cookie then h['Cookie'] = cookie end\n"
        "  if json_body then\n"
        "    h['Content-Type'] = 'application/json'\n"
        "    h['X-Requested-With'] = 'XMLHttpRequest'\n"
        "  end\n"
        "  return h\n"
        "end\n"
    )
    text = lua_list("cookies", cookies or []) + common + body + LUA_COUNTERS
    path.write_text(text)
    return path


@dataclass
class WrkResult:
    name: str
    url: str
    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_200: dict[str, int] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)
    command: str = ""

    @property
    def non_200_total(self) -> int:
        return sum(self.non_200.values())

    def as_dict(self) -> dict:
        data = asdict(self)
        data["non_200_total"] = self.non_200_total
        return data


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unparseable wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str, *, name: str = "", url: str = "", command: str = "") -> WrkResult:
    """Requests/sec, the 50% and 99% latencies (--latency), totals and our non-200 counts."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise ValueError("wrk output lacks Requests/sec or the latency distribution:\n" + output)
    non_200: dict[str, int] = {}
    marker = re.search(r"^BENCH_NON_200 (.*)$", output, re.M)
    if marker:
        for status, count in re.findall(r"(\d+):(\d+)", marker.group(1)):
            non_200[status] = non_200.get(status, 0) + int(count)
    wrk_non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if wrk_non_2xx and not marker:
        non_200["non-2xx"] = int(wrk_non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {}
    )
    return WrkResult(
        name=name,
        url=url,
        requests_per_sec=float(rps.group(1)),
        p50_ms=_duration_ms(p50.group(1)),
        p99_ms=_duration_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_200=non_200,
        socket_errors=socket_errors,
        command=command,
    )


def wrk_binary() -> str:
    found = shutil.which("wrk") or "/usr/bin/wrk"
    if not Path(found).exists():
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    return found


def run_wrk(
    url: str,
    *,
    script: Path | None = None,
    name: str = "",
    threads: int = 2,
    connections: int = 32,
    duration: str = "10s",
    timeout: str = "5s",
) -> WrkResult:
    """Run wrk with --latency and return the parsed figures; its full output goes to stderr
    only when it cannot be parsed."""
    command = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        "--latency",
        f"--timeout={timeout}",
    ]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    shown = " ".join(str(part).replace(str(ROOT) + "/", "") for part in command)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout, name=name or url, url=url, command=shown)


# --- reporting ---------------------------------------------------------------------------------


def format_table(results: list[WrkResult], *, baseline: WrkResult | None = None) -> str:
    """A fixed-width table; with a baseline, each row's req/s as a fraction of it."""
    header = (
        f"{'target':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-200':>8}"
    )
    if baseline:
        header += f" {'× ' + baseline.name:>12}"
    lines = [header, "-" * len(header)]
    for r in results:
        line = (
            f"{r.name:<28} {r.requests_per_sec:>9.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.requests:>9} {r.non_200_total:>8}"
        )
        if baseline:
            line += f" {r.requests_per_sec / baseline.requests_per_sec:>12.2f}"
        lines.append(line)
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """nproc, the CPU model and the 1-minute load average (other users of the CPU skew figures)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "loadavg_1m_before": f"{os.getloadavg()[0]:.2f}",
    }


def write_results(name: str, payload: dict) -> Path:
    """bench/out/<name>-<timestamp>.json and bench/out/<name>-latest.json (git-ignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    path = OUT / f"{name}-{stamp}.json"
    path.write_text(text)
    (OUT / f"{name}-latest.json").write_text(text)
    return path
