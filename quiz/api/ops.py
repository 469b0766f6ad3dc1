"""The service's own routes: health, the bare ping, Prometheus metrics and the API docs' assets."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, abort, current_app, jsonify, request, send_from_directory
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from sqlalchemy import text

from quiz import errors, redis_link
from quiz.api.problems import database_error
from quiz.current import runtime
from quiz.extensions import db
from quiz.services import leaderboards

_SWAGGER_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)


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
    """Every worker's samples (gunicorn's multiprocess directory), or this process's own."""
    directory = current_app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics():
    if not _allowed(request.remote_addr, current_app.config["QUIZ_METRICS_ALLOW"]):
        abort(404)
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)


def swagger_assets(filename):
    return send_from_directory(_SWAGGER_ASSETS, filename)


def healthz():
    """200 ok / degraded (Redis down: boards only); 503 when the database is down.

    The reports' replica (QUIZ_REPORTS_DATABASE_URL) is not pinged: with it down only the staff
    reports answer 503, and a load balancer must not take the instance out for that."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:
        if database_error(exc) is None:
            raise
        db.session.rollback()
        database = "down"
    url = current_app.config.get("REDIS_URL")
    redis = "off" if not url else "ok" if redis_link.ping(url) else "down"
    if database == "ok" and redis == "ok":
        leaderboards.maybe_drain(runtime().board_store)
    checks = {"database": database, "redis": redis}
    if database == "down":
        response = jsonify(status="down", code="database_unavailable", checks=checks)
        response.status_code = 503
        response.headers["Retry-After"] = str(errors.DatabaseUnavailable.retry_after)
        return response
    return jsonify(status="ok" if redis != "down" else "degraded", checks=checks)


def ping():
    """The bare JSON route: the ceiling the benchmarks measure against."""
    return jsonify(ok=True)


def init_app(app: Flask) -> None:
    app.get("/metrics")(metrics)
    app.get("/api/docs/assets/<path:filename>")(swagger_assets)
    app.get("/healthz")(healthz)
    app.get("/api/v1/ping")(ping)
