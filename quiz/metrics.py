"""Prometheus metrics, one view across gunicorn's workers (prometheus_client multiprocess mode).

gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh directory before any worker
imports this module; each worker then writes its samples there and `GET /metrics`
(`quiz.api.ops`) sums them. Without it (tests, `flask run`) the process's own registry is served.
This module holds the counters only: whoever counts imports them.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "quiz_http_requests_total",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "quiz_http_request_duration_seconds",
    "Request latency by route template",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ANSWERS = Counter("quiz_answers_total", "Daily-quiz answers by result", ["result"])
POINTS = Counter("quiz_points_awarded_total", "Points credited by ledger kind", ["kind"])
REDEMPTIONS = Counter("quiz_redemptions_total", "Redemption requests by outcome", ["outcome"])
BOARD_WRITE_FAILURES = Counter(
    "quiz_board_write_failures_total", "Board updates Redis did not take (kept in the outbox)"
)
BOARD_OUTBOX_DRAINED = Counter(
    "quiz_board_outbox_drained_total", "Outbox batches applied to Redis once it answered again"
)
REDIS_ERRORS = Counter("quiz_redis_errors_total", "Redis calls that failed or timed out")
DATABASE_ERRORS = Counter(
    "quiz_database_errors_total",
    "Requests answered 503 because the database was down or busy",
    ["code"],
)
