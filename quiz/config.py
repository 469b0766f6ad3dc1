"""The only place that reads the environment.

Every setting the service knows is listed here with its default; README.md mirrors this table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry
from sqlalchemy.engine import make_url

from quiz.clock import parse_fake_now

DEFAULT_DISTRICTS = "新华区,卫东区,湛河区,石龙区,高新区,城乡一体化示范区"


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    return default if raw in (None, "") else int(raw)


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


MIN_SECRET_BYTES = 32


class ConfigError(SystemExit):
    """A setting the service refuses to start with; its message is the one line an operator sees."""


# Values seen in examples and templates: a secret equal to one of them (ignoring case and
# punctuation) or containing one of the last group is a placeholder nobody replaced.
PLACEHOLDERS = frozenset(
    {"changeme", "secret", "password", "default", "example", "test", "placeholder", "none"}
)
PLACEHOLDER_PARTS = ("changeme", "replaceme", "yoursecret", "placeholder")
MIN_DISTINCT_CHARACTERS = 8


def check_secret(name: str, value) -> None:
    """One rule for every secret (the session key, the SSO key, the draw key): at least 32 bytes,
    not a placeholder, not a run of a few repeated characters. Refused at start in one line
    naming the variable."""
    raw = value.encode("utf-8") if isinstance(value, str) else (value or b"")
    hint = "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
    if len(raw) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"{name} is {len(raw)} bytes; it must be at least {MIN_SECRET_BYTES} {hint}, or "
            "unset it to have one generated into the instance folder."
        )
    folded = "".join(ch for ch in raw.decode("utf-8", "replace").lower() if ch.isalnum())
    if folded in PLACEHOLDERS or any(part in folded for part in PLACEHOLDER_PARTS):
        raise ConfigError(f"{name} is a placeholder; set a random value {hint}.")
    if len(set(raw)) < MIN_DISTINCT_CHARACTERS:
        raise ConfigError(
            f"{name} repeats fewer than {MIN_DISTINCT_CHARACTERS} different characters; "
            f"set a random value {hint}."
        )


MAX_PUBLIC_URL = 200


def check_public_url(url: str) -> None:
    """QUIZ_PUBLIC_URL: an http(s) address short enough for any QR code."""
    if (
        not url.startswith(("http://", "https://"))
        or len(url) > MAX_PUBLIC_URL
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        raise ConfigError(
            f"QUIZ_PUBLIC_URL must be an http:// or https:// address of at most "
            f"{MAX_PUBLIC_URL} characters, without spaces."
        )


def check_secrets(config) -> None:
    """Every secret the service signs, draws or derives partner keys with (the SSO key only when
    SSO is on)."""
    check_secret("QUIZ_SECRET_KEY", config["SECRET_KEY"])
    check_secret("QUIZ_DRAW_SECRET", config["QUIZ_DRAW_SECRET"])
    if config.get("QUIZ_PARTNER_KEY"):
        check_secret("QUIZ_PARTNER_KEY", config["QUIZ_PARTNER_KEY"])
    if config.get("QUIZ_SSO_SECRET"):
        check_secret("QUIZ_SSO_SECRET", config["QUIZ_SSO_SECRET"])


AUDIT_RETENTION_MIN = 180


def _choice(env: dict, name: str, choices: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _secret_key(env: dict, instance_path: Path) -> str:
    """QUIZ_SECRET_KEY, else a random key generated once into instance/ (never a fixed default)."""
    return _instance_secret(env, instance_path, "QUIZ_SECRET_KEY", "secret_key")


def _instance_secret(env: dict, instance_path: Path, name: str, file_name: str) -> str:
    """The variable `name` when set, else a random secret generated once into instance/.

    Every worker and every restart reads the same file, so a generated secret is stable.
    """
    if env.get(name):
        return env[name]
    key_file = instance_path / file_name
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker generated it first: use theirs
        return key_file.read_text().strip()
    try:
        os.write(fd, key.encode())
    finally:
        os.close(fd)
    return key


REGISTRATION_MODES = ("open", "invite", "sso_only")


def _registration(env: dict) -> str:
    mode = (env.get("QUIZ_REGISTRATION") or "open").strip().lower()
    if mode not in REGISTRATION_MODES:
        raise ConfigError(
            f"QUIZ_REGISTRATION is {mode!r}; it must be one of {', '.join(REGISTRATION_MODES)}."
        )
    return mode


def _fake_clock(env: dict):
    """A ShiftedClock from QUIZ_FAKE_NOW, or None (the real clock). Production settings
    (HTTPS-only cookies, or registration through the news app only) refuse it at start-up."""
    value = env.get("QUIZ_FAKE_NOW")
    if not value:
        return None
    if _bool(env, "QUIZ_COOKIE_SECURE", False) or env.get("QUIZ_REGISTRATION") == "sso_only":
        raise ValueError(
            "QUIZ_FAKE_NOW is for trying the service out, never with production settings"
        )
    try:
        return parse_fake_now(value)
    except ValueError as exc:
        raise ValueError(f"QUIZ_FAKE_NOW={value!r} is not an ISO 8601 date and time") from exc


def instance_path(env: dict | None = None) -> str:
    """Where the SQLite file and the generated secret key live (QUIZ_INSTANCE_PATH)."""
    env = os.environ if env is None else env
    return env.get("QUIZ_INSTANCE_PATH") or str(Path(__file__).resolve().parent.parent / "instance")


def load_config(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    # The SQLite file lives here whether or not the secret is generated (a set QUIZ_SECRET_KEY too).
    instance.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'quiz.sqlite3'}"
    redis_url = env.get("REDIS_URL") or None
    return {
        **_web(env, instance, database_url, redis_url),
        **_limits(env, redis_url),
        **_fair_play_and_staff(env, instance),
        **_partners_and_sso(env, instance),
        **_quiz(env),
        **_operations(env),
        **_openapi(),
    }


def _web(env: dict, instance: Path, database_url: str, redis_url: str | None) -> dict:
    """The database, Redis, the secret key, cookies and uploads."""
    return {
        "SECRET_KEY": _secret_key(env, instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Staff reports read here when set (a streaming replica of the primary); unset: the primary
        "QUIZ_REPORTS_DATABASE_URL": env.get("QUIZ_REPORTS_DATABASE_URL") or None,
        "REDIS_URL": redis_url,
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env, "QUIZ_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env, "QUIZ_COOKIE_SECURE", False),
        "MAX_CONTENT_LENGTH": _int(env, "QUIZ_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        "JSON_AS_ASCII": False,
    }


def _limits(env: dict, redis_url: str | None) -> dict:
    """Rate limits (Flask-Limiter): per address, per account, per action."""
    return {
        # Rate limits (Flask-Limiter); REDIS_URL shares counters between workers
        "RATELIMIT_STORAGE_URI": redis_url or "quiz-memory://",
        # Redis down or frozen: each process counts in memory until Redis answers again, and no
        # Redis call waits longer than QUIZ_REDIS_TIMEOUT_MS.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": redis_options(_int(env, "QUIZ_REDIS_TIMEOUT_MS", 200))
        if redis_url
        else {},
        "QUIZ_REDIS_TIMEOUT_MS": _int(env, "QUIZ_REDIS_TIMEOUT_MS", 200),
        "RATELIMIT_ENABLED": _bool(env, "QUIZ_RATELIMIT_ENABLED", True),
        # No X-RateLimit-* headers: each costs a storage round trip per response (~8 % of a
        # player's requests with Redis, by py-spy); a 429 still says Retry-After.
        "RATELIMIT_HEADERS_ENABLED": False,
        # Every route, per client IP: generous, since a whole school shares one NAT address.
        "QUIZ_API_LIMIT_IP": env.get("QUIZ_API_LIMIT_IP") or "3000 per minute",
        # Failed logins per (username, client IP); and per username from all addresses together.
        "QUIZ_LOGIN_LIMIT_USER": env.get("QUIZ_LOGIN_LIMIT_USER") or "10 per 5 minutes",
        "QUIZ_LOGIN_LIMIT_USER_ALL": env.get("QUIZ_LOGIN_LIMIT_USER_ALL") or "200 per 5 minutes",
        "QUIZ_LOGIN_LIMIT_IP": env.get("QUIZ_LOGIN_LIMIT_IP") or "300 per 5 minutes",
        "QUIZ_ANSWER_LIMIT_USER": env.get("QUIZ_ANSWER_LIMIT_USER") or "60 per minute",
        "QUIZ_REDEEM_LIMIT_USER": env.get("QUIZ_REDEEM_LIMIT_USER") or "30 per minute",
        # Registrations per client IP (all attempts): generous for a school behind one NAT address.
        "QUIZ_REGISTER_LIMIT_IP": env.get("QUIZ_REGISTER_LIMIT_IP") or "60 per hour",
    }


def _fair_play_and_staff(env: dict, instance: Path) -> dict:
    """Who may register, what makes points hard to farm, staff sign-in, personal information."""
    return {
        # Fair play (README, "Fair play"): who may register, and what makes points hard to farm.
        "QUIZ_REGISTRATION": _registration(env),
        # Keys the daily draw and each user's option order: the day's set cannot be computed offline.
        "QUIZ_DRAW_SECRET": _instance_secret(env, instance, "QUIZ_DRAW_SECRET", "draw_secret"),
        "QUIZ_SHUFFLE_OPTIONS": _bool(env, "QUIZ_SHUFFLE_OPTIONS", True),
        "QUIZ_MIN_ANSWER_MS": _int(env, "QUIZ_MIN_ANSWER_MS", 1500),
        # 三审: approvals a question change needs before citizens see it (0: published at once,
        # still kept as a version).
        "QUIZ_REVIEW_STEPS": min(2, max(0, _int(env, "QUIZ_REVIEW_STEPS", 0))),
        "QUIZ_IP_RETENTION_DAYS": _int(env, "QUIZ_IP_RETENTION_DAYS", 90),
        # The audit trail is kept this long (网络安全法 第二十一条: at least six months)
        "QUIZ_AUDIT_RETENTION_DAYS": max(
            AUDIT_RETENTION_MIN, _int(env, "QUIZ_AUDIT_RETENTION_DAYS", 400)
        ),
        # Staff sign-in: second factor (required|optional|off), idle and absolute session ends
        "QUIZ_STAFF_2FA": _choice(
            env, "QUIZ_STAFF_2FA", ("required", "optional", "off"), "optional"
        ),
        "QUIZ_STAFF_IDLE_MINUTES": _int(env, "QUIZ_STAFF_IDLE_MINUTES", 30),
        "QUIZ_STAFF_MAX_HOURS": _int(env, "QUIZ_STAFF_MAX_HOURS", 12),
        # Personal information: the privacy notice's version and whether sign-up must accept it
        "QUIZ_PRIVACY_VERSION": env.get("QUIZ_PRIVACY_VERSION") or "2026-12",
        "QUIZ_CONSENT_REQUIRED": _bool(env, "QUIZ_CONSENT_REQUIRED", False),
        # Suspects report: this many accounts from one address within a day are worth a look.
        "QUIZ_SUSPECT_ACCOUNTS_PER_IP": _int(env, "QUIZ_SUSPECT_ACCOUNTS_PER_IP", 10),
    }


def _partners_and_sso(env: dict, instance: Path) -> dict:
    """The news app: its partner API, the public address, SSO."""
    return {
        # Partner points API (docs/partners.md): partner secrets are derived from this key and a
        # per-partner salt, so the database alone holds no usable secret
        "QUIZ_PARTNER_KEY": _instance_secret(env, instance, "QUIZ_PARTNER_KEY", "partner_key"),
        # The address citizens reach the service at: certificates' verify links and QR codes
        # are built from it, never from a request's Host header.
        "QUIZ_PUBLIC_URL": (
            env.get("QUIZ_PUBLIC_URL")
            or f"http://{env.get('HOST') or '127.0.0.1'}:{env.get('PORT') or '5000'}"
        ).rstrip("/"),
        # Certificates and posters a user or admin may have drawn per minute.
        "QUIZ_IMAGE_LIMIT_USER": env.get("QUIZ_IMAGE_LIMIT_USER") or "20 per minute",
        "QUIZ_PARTNER_ROTATION_OVERLAP_S": _int(env, "QUIZ_PARTNER_ROTATION_OVERLAP_S", 86400),
        # A new partner's signed requests per minute (each partner's own figure can differ)
        "QUIZ_PARTNER_RATE_LIMIT": _int(env, "QUIZ_PARTNER_RATE_LIMIT", 600),
        # Largest body a partner route reads (a debit is a few hundred bytes)
        "QUIZ_PARTNER_MAX_BODY": _int(env, "QUIZ_PARTNER_MAX_BODY", 64 * 1024),
        # SSO from the host news app
        "QUIZ_SSO_SECRET": env.get("QUIZ_SSO_SECRET") or None,
        # Furthest a token's `exp` may lie ahead, in seconds (a token is short-lived and single-use).
        "QUIZ_SSO_MAX_LIFETIME": _int(env, "QUIZ_SSO_MAX_LIFETIME", 600),
    }


def _quiz(env: dict) -> dict:
    """The day, the quiz, its points and the learning rules."""
    return {
        # The day and the quiz
        "QUIZ_TIMEZONE": env.get("QUIZ_TIMEZONE") or "Asia/Shanghai",
        "QUIZ_DISTRICTS": [
            d.strip()
            for d in (env.get("QUIZ_DISTRICTS") or DEFAULT_DISTRICTS).split(",")
            if d.strip()
        ],
        "QUIZ_DAILY_COUNT": _int(env, "QUIZ_DAILY_COUNT", 5),
        "QUIZ_NO_REPEAT_DAYS": _int(env, "QUIZ_NO_REPEAT_DAYS", 30),
        "QUIZ_POINTS_CORRECT": _int(env, "QUIZ_POINTS_CORRECT", 10),
        "QUIZ_BONUS_PERFECT": _int(env, "QUIZ_BONUS_PERFECT", 20),
        "QUIZ_BONUS_STREAK": _int(env, "QUIZ_BONUS_STREAK", 5),
        "QUIZ_BONUS_STREAK_CAP": _int(env, "QUIZ_BONUS_STREAK_CAP", 30),
        "QUIZ_BONUS_FAMILY": _int(env, "QUIZ_BONUS_FAMILY", 5),
        "QUIZ_FAMILY_MAX": _int(env, "QUIZ_FAMILY_MAX", 6),
        "QUIZ_DAILY_CAP": _int(env, "QUIZ_DAILY_CAP", 0),  # 0 = no cap
        # Learning: open 纠错 reports that take a question out of future draws until resolved,
        # and the answers a question needs before its statistics can flag it (docs/learning.md)
        "QUIZ_REPORT_SUSPEND_AT": _int(env, "QUIZ_REPORT_SUSPEND_AT", 5),
        # Who counts towards a suspension, and the largest share of the bank it may take.
        "QUIZ_REPORT_MIN_AGE_DAYS": _int(env, "QUIZ_REPORT_MIN_AGE_DAYS", 3),
        "QUIZ_REPORT_SUSPEND_SHARE": _int(env, "QUIZ_REPORT_SUSPEND_PERCENT", 10) / 100,
        "QUIZ_STATS_MIN_ANSWERS": _int(env, "QUIZ_STATS_MIN_ANSWERS", 30),
    }


def _operations(env: dict) -> dict:
    """Durability, connections, boards, proxies, metrics, logs, fonts and the clock."""
    return {
        # PostgreSQL: 1 makes answer commits wait for the disk too (see README, "Durability")
        "QUIZ_DURABLE_ANSWERS": _bool(env, "QUIZ_DURABLE_ANSWERS", False),
        # SQLite: how long a request waits for the write lock before answering 503 `busy`
        "QUIZ_SQLITE_BUSY_MS": _int(env, "QUIZ_SQLITE_BUSY_MS", 10_000),
        # PostgreSQL: connections per process = pool + overflow; keep instances × workers × that
        # under the server's max_connections
        "QUIZ_DB_POOL_SIZE": _int(env, "QUIZ_DB_POOL_SIZE", 5),
        "QUIZ_DB_MAX_OVERFLOW": _int(env, "QUIZ_DB_MAX_OVERFLOW", 10),
        # Leaderboards: past days/weeks/months stay readable this many days after they end
        "QUIZ_BOARD_RETENTION_DAYS": _int(env, "QUIZ_BOARD_RETENTION_DAYS", 400),
        # Operations: proxy hops in front of the app (nginx = 1), who may read /metrics, logs
        "QUIZ_TRUSTED_PROXIES": _int(env, "QUIZ_TRUSTED_PROXIES", 0),
        "QUIZ_METRICS_ALLOW": [
            a.strip()
            for a in (env.get("QUIZ_METRICS_ALLOW") or "127.0.0.1/32,::1/128").split(",")
            if a.strip()
        ],
        "QUIZ_LOG_JSON": _bool(env, "QUIZ_LOG_JSON", True),
        # prometheus_client's multiprocess directory (gunicorn.conf.py sets it for its workers)
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        # Uploads
        "QUIZ_MAX_IMAGE_BYTES": _int(env, "QUIZ_MAX_IMAGE_BYTES", 2 * 1024 * 1024),
        # Posters and certificates: a CJK font file (unset: the usual system places are searched)
        "QUIZ_CJK_FONT": env.get("QUIZ_CJK_FONT") or None,
        # Trying the service at another moment (`QUIZ_FAKE_NOW=2026-12-08T09:00 make run`): the
        # injectable clock starts there and keeps ticking. Refused where production settings are on.
        "QUIZ_CLOCK": _fake_clock(env),
        # Reminders: the latest "HH:MM" a player may choose (the news app's push window ends then).
        "QUIZ_REMINDER_LATEST": env.get("QUIZ_REMINDER_LATEST") or "22:00",
        # 忘记密码: how long an admin-issued reset code stays valid.
        "QUIZ_RESET_CODE_MINUTES": _int(env, "QUIZ_RESET_CODE_MINUTES", 30),
    }


def _openapi() -> dict:
    """The OpenAPI document (flask-smorest)."""
    return {
        # OpenAPI (flask-smorest)
        "API_TITLE": "我知晓 我践行 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "v1/openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
    }


def redis_options(timeout_ms: int) -> dict:
    """Options for every Redis client: short timeouts, so a stopped or frozen Redis costs a
    request at most `timeout_ms` (and then nothing while it is known down). One immediate retry
    on a broken connection only (a pooled socket that a Redis restart reset): never on a
    timeout, so a frozen Redis is not waited for twice."""

    seconds = timeout_ms / 1000
    return {
        "socket_timeout": seconds,
        "socket_connect_timeout": seconds,
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    }


def engine_options(
    database_url: str, sqlite_busy_ms: int = 10_000, pool_size: int = 5, max_overflow: int = 10
) -> dict:
    if database_url.startswith("sqlite"):
        # Wait for the writer lock instead of failing at once (workers share one file), but well
        # inside gunicorn's 30 s worker timeout: past it the request answers 503 `busy`.
        return {"connect_args": {"timeout": sqlite_busy_ms / 1000}}
    # No pre-ping: it costs a round trip on every checkout (~11 % of a signed-in GET). A
    # connection that died with the server fails its first statement instead: SQLAlchemy then
    # invalidates the whole pool, that request answers 503 `database_unavailable`, and the next
    # ones reconnect. A stopped server refuses at once; an unreachable one must not hold a
    # worker for long.
    return {
        "pool_pre_ping": False,
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_timeout": 10,
        "connect_args": {"connect_timeout": 3, "options": _server_options(database_url)},
    }


# No JIT: it compiles any plan costed above jit_above_cost — at a year of answers the staff
# reports' — and the compiling took 120–210 ms of a 1.2–1.5 s statement, more than it saved
# (docs/year.md). The service's statements are short or read rollups.
SERVER_OPTIONS = "-c jit=off"


def _server_options(database_url: str) -> str:
    """The server options the service sets, after any the URL gives (`?options=…`, e.g. a
    search_path): the driver takes one `options`, and this one would replace the URL's."""
    given = make_url(database_url).query.get("options")
    given = given[-1] if isinstance(given, tuple) else given
    return f"{given} {SERVER_OPTIONS}" if given else SERVER_OPTIONS
