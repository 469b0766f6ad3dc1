"""The per-process rate-limit storage counts like `limits`' own, without a thread per hit."""

from __future__ import annotations

import threading
import time

from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from quiz.extensions import LeanMemoryStorage


def test_the_quiz_memory_uri_gives_the_lean_storage():
    assert isinstance(storage_from_string("quiz-memory://"), LeanMemoryStorage)


def test_a_thousand_hits_start_no_thread():
    limiter = FixedWindowRateLimiter(LeanMemoryStorage())
    limit = parse("5000 per minute")
    before = threading.active_count()
    assert all(limiter.hit(limit, f"k{i % 10}") for i in range(1000))
    assert threading.active_count() <= before


def test_the_limit_still_refuses_past_its_count_and_resets_after_its_window():
    limiter = FixedWindowRateLimiter(LeanMemoryStorage())
    limit = RateLimitItemPerSecond(3, 1)
    assert [limiter.hit(limit, "user") for _ in range(4)] == [True, True, True, False]
    time.sleep(1.05)
    assert limiter.hit(limit, "user")


def test_dead_keys_are_swept_inline(monkeypatch):
    storage = LeanMemoryStorage()
    storage.incr("old", expiry=0)
    monkeypatch.setattr(storage, "_next_sweep", 0.0)
    storage.incr("new", expiry=60)
    assert "old" not in storage.storage and storage.get("new") == 1
