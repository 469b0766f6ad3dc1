"""Prometheus metrics, one view across gunicorn's workers (prometheus_client multiprocess mode).

gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a fresh directory before any worker
imports this module; each worker then writes its samples there and `GET /metrics` sums them.
Without it (tests, `flask run`) the process's own registry is served.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

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


def _allowed(addr: str | None, allow: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(addr or "")
    except ValueError:
        return False
    for net in allow:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


def exposition() -> bytes:
    directory = current_app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def init_app(app: Flask) -> None:
    @app.get("/metrics")
    def metrics():
        if not _allowed(request.remote_addr, current_app.config["QUIZ_METRICS_ALLOW"]):
            abort(404)
        return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)


# --- points awarded: counted once their transaction commits --------------------------------

_POINTS = "metrics_points"


def count_points(entry, owner=None) -> None:
    """A ledger listener: remember an earning; it is counted if its transaction commits."""
    from quiz.extensions import db
    from quiz.models import EARNING_KINDS

    if entry.kind in EARNING_KINDS and entry.delta > 0:
        db.session.info.setdefault(_POINTS, []).append((entry.kind, entry.delta))


def _count_committed(session) -> None:
    for kind, delta in session.info.pop(_POINTS, ()):
        POINTS.labels(kind).inc(delta)


def _drop(session, *_args) -> None:
    session.info.pop(_POINTS, None)


def install_points_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _count_committed):
        event.listen(Session, "after_commit", _count_committed)
        event.listen(Session, "after_rollback", _drop)
