"""Problems: every error under /api/ leaves as application/problem+json (RFC 9457) with a
stable `code` — the typed errors of `quiz.errors`, Werkzeug's own (404, 405, 413, malformed
JSON), webargs' validation errors and a database that is down or busy — and the OpenAPI
document says so. A page (not the API) gets a readable answer instead."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError
from werkzeug.exceptions import HTTPException

from quiz import metrics
from quiz.errors import AppError, DatabaseBusy, DatabaseUnavailable, ServiceUnavailable
from quiz.schemas.common import ProblemSchema

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


def database_error(exc: Exception) -> ServiceUnavailable | None:
    """The 503 a driver-level database failure stands for, or None for a real defect."""
    if isinstance(exc, TimeoutError):  # no pooled connection came free in time
        return DatabaseBusy("服务繁忙，请稍后再试。")
    if not isinstance(exc, DBAPIError):
        return None
    message = str(exc.orig if exc.orig is not None else exc).lower()
    if "database is locked" in message or "database table is locked" in message:
        return DatabaseBusy("服务繁忙，请稍后再试。")
    if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
        return DatabaseUnavailable("数据库暂时不可用，请稍后再试。")
    return None


_HTTP_CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _encodable(value):
    """The value with anything UTF-8 cannot carry (lone surrogates a client sent) replaced."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def problem_response(body: dict, status: int, headers=None):
    response = jsonify(_encodable(body))
    response.status_code = status
    response.mimetype = PROBLEM
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _wants_problem() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _field_errors(messages) -> list[dict]:
    """Flatten webargs/marshmallow messages {location: {field: [msg]}} into contract items."""
    out: list[dict] = []

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            for message in value:
                out.append({"field": prefix or "_schema", "message": message})
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                walk(f"{prefix}.{index}", sub)
        else:
            out.append({"field": prefix or "_schema", "message": str(value)})

    if isinstance(messages, dict):
        for location, fields in messages.items():
            # webargs nests by location ("json", "query", "files"); the field name is enough.
            walk("", fields) if location in ("json", "query", "form", "files", "headers") else walk(
                str(location), fields
            )
    else:
        walk("", messages)
    return out


def _from_http_exception(exc: HTTPException) -> tuple[dict, int, dict]:
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "error")
    detail = exc.description or exc.name
    headers = {}
    errors = None
    if status == 422:
        # webargs (via flask-smorest) stores marshmallow messages on the exception.
        messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
        errors = _field_errors(messages) if messages else None
        detail = "请求内容有误，请检查各字段。"
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if status == 400 and ("JSON" in (exc.description or "") or "json" in (messages or {})):
        code = "malformed_json"
        detail = "请求体不是有效的 JSON。"
    if status == 413:
        detail = "上传内容过大。"
    if status == 429:
        detail = "请求过于频繁，请稍后再试。"
        # The limit's window: an upper bound on the wait (rate-limit headers are off, they cost
        # a storage round trip on every response).
        item = getattr(getattr(exc, "limit", None), "limit", None)
        if item is not None:
            headers["Retry-After"] = str(item.get_expiry())
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    body = {
        "type": f"/api/docs#error-{code}",
        "title": exc.name,
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body, status, headers


# A page (not the API) that cannot be served now: readable, and the reader knows to come back.
_UNAVAILABLE_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>稍后再试 · 我知晓 我践行</title>
<style>body{font-family:system-ui,sans-serif;text-align:center;padding:3em 1em;color:#333}</style>
</head><body><h1>稍后再试</h1><p>服务暂时不可用，请稍后再试。</p>
<p><a href="">重新加载</a></p></body></html>
"""


def app_error_response(exc: AppError):
    """The response for a typed error: problem+json under /api/, a readable page elsewhere."""
    g.error_code = exc.code
    headers = {}
    if isinstance(exc, ServiceUnavailable):
        headers["Retry-After"] = str(exc.retry_after)
    if _wants_problem():
        return problem_response(exc.to_problem(), exc.status, headers)
    if isinstance(exc, ServiceUnavailable):
        return current_app.response_class(
            _UNAVAILABLE_PAGE, exc.status, headers, mimetype="text/html"
        )
    return current_app.response_class(_encodable(exc.detail), exc.status, headers)


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(exc: AppError):
        return app_error_response(exc)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if not _wants_problem():
            return exc
        body, status, headers = _from_http_exception(exc)
        g.error_code = body["code"]
        return problem_response(body, status, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        if isinstance(exc, RecursionError) and _wants_problem():
            # JSON nested thousands deep: the parser gives up; it is the client's bad body.
            body = {
                "type": "/api/docs#error-malformed_json",
                "title": "Bad Request",
                "status": 400,
                "code": "malformed_json",
                "detail": "请求体嵌套过深。",
            }
            return problem_response(body, 400)
        unavailable = database_error(exc)
        if unavailable is not None:
            metrics.DATABASE_ERRORS.labels(unavailable.code).inc()
            # The driver's error class and SQLSTATE say which failure it was (a lost connection,
            # a deadlock, a timeout) without the message, which may quote the data.
            orig = getattr(exc, "orig", None)
            log.warning(
                "%s on %s %s: %s (%s, sqlstate %s)",
                unavailable.code,
                request.method,
                request.path,
                type(exc).__name__,
                type(orig).__name__,
                getattr(orig, "sqlstate", None),
            )
            return handle_app_error(unavailable)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
            raise exc
        body = {
            "type": "/api/docs#error-internal",
            "title": "Internal Server Error",
            "status": 500,
            "code": "internal_error",
            "detail": "服务器内部错误。",
        }
        if _wants_problem():
            return problem_response(body, 500)
        return "服务器内部错误。", 500


class ProblemApi(Api):
    """flask-smorest's Api, documenting errors as what the server sends: problem+json."""

    def _register_responses(self):
        self.ERROR_SCHEMA = ProblemSchema
        content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = "application/problem+json"
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = content_type


smorest = ProblemApi()  # flask-smorest: blueprints and the OpenAPI document
