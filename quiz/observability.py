"""Per-request plumbing for operations: the real client behind proxies, X-Request-ID, one JSON
log line per request and the request metrics.

The log line holds the route *template* (`/api/v1/shop/prizes/<id:prize_id>`), never the
path as sent nor its query string, so tokens riding in a URL (`/app/sso?token=…`) never reach
a log; no cookies and no headers are logged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect
from werkzeug.middleware.proxy_fix import ProxyFix

from quiz import metrics

request_log = logging.getLogger("quiz.request")

# An incoming id is kept only if it is short and plain (it is echoed and logged).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback rides in `exc` on the same line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
            if has_request_context() and "request_id" in g:
                line["request_id"] = g.request_id
        if record.exc_info:
            line["exc"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure_logging() -> None:
    """JSON lines on stderr for the app's loggers (gunicorn's error log shares the stream)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def _user_id():
    """The signed-in user's id, if this request loaded the user — the slim frozen user's own id,
    or an ORM user's from the identity map, never from the row (after a rollback that would be
    a query, and the database may be down)."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    identity = sa_inspect(user, raiseerr=False)
    if identity is None:  # the slim signed-in user (quiz.services.signed_in): a plain value
        return getattr(user, "id", None)
    key = identity.identity
    return key[0] if key else None


def init_app(app: Flask) -> None:
    hops = app.config.get("QUIZ_TRUSTED_PROXIES", 0)
    if hops > 0:
        # X-Forwarded-For/-Proto as set by the last `hops` proxies; anything further left is the
        # client's own claim and is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if app.config.get("QUIZ_LOG_JSON") and not app.testing:
        configure_logging()

    def start_request():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    # First of all before_request hooks (the limiter's too): a 429 still carries the id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    # Registered before the unit of work, so it runs after the commit (after_request runs in
    # reverse order) and the time measured includes it.
    @app.after_request
    def finish_request(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        method = request.method if request.method in _METHODS else "OTHER"
        route = _route()
        status = response.status_code
        metrics.REQUESTS.labels(method, route, str(status)).inc()
        metrics.LATENCY.labels(method, route, str(status)).observe(seconds)
        if request.endpoint == "shop.redeem":
            outcome = (
                {201: "created", 200: "replayed"}.get(status) or g.get("error_code") or str(status)
            )
            metrics.REDEMPTIONS.labels(outcome).inc()
        request_log.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                    "user_id": _user_id(),
                    "remote_addr": request.remote_addr,
                }
            },
        )
        return response
