"""Redis clients that fail fast, and a per-process breaker that remembers Redis is down.

Every call has QUIZ_REDIS_TIMEOUT_MS (default 200 ms) to answer. After a failure the breaker
stays open for BREAKER_SECONDS: callers then skip Redis at once (boards answer 503
`boards_unavailable`, board writes go to the outbox) instead of each paying the timeout; the
first call after that tries Redis again.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

from quiz import metrics
from quiz.config import redis_options

log = logging.getLogger(__name__)

BREAKER_SECONDS = 2.0

_clients: dict = {}
_timeout_ms = 200  # QUIZ_REDIS_TIMEOUT_MS, set by create_app (`configure`)
_open_until: dict[str, float] = {}
_lock = threading.Lock()


def configure(timeout_ms: int) -> None:
    """The per-call timeout of the clients made from now on in this process (like the clients
    and the breaker, a setting of the process)."""
    global _timeout_ms
    _timeout_ms = timeout_ms


def client(url: str):
    """The process's client for `url`, with short timeouts and no retries."""
    found = _clients.get(url)
    if found is None:
        found = _clients[url] = redis.Redis.from_url(
            url, decode_responses=True, **redis_options(_timeout_ms)
        )
    return found


def is_open(url: str) -> bool:
    """True while Redis is known down (skip it)."""
    until = _open_until.get(url)
    return until is not None and time.monotonic() < until


def failed(url: str, exc: BaseException | None = None) -> None:

    metrics.REDIS_ERRORS.inc()
    with _lock:
        first = url not in _open_until
        _open_until[url] = time.monotonic() + BREAKER_SECONDS
    if first:
        log.warning(
            "Redis unavailable (%s); boards degrade until it answers",
            type(exc).__name__ if exc else "error",
        )


def succeeded(url: str) -> None:
    if url in _open_until:
        with _lock:
            if _open_until.pop(url, None) is not None:
                log.warning("Redis answers again")


def ping(url: str) -> bool:
    """Whether Redis answers now (a skipped check while the breaker is open counts as down)."""
    if is_open(url):
        return False
    try:
        client(url).ping()
    except Exception as exc:  # any Redis or socket error: down
        failed(url, exc)
        return False
    succeeded(url)
    return True
