"""Typed errors and the one handler that turns them into application/problem+json (RFC 9457).

Services raise these; views never build error responses by hand. Under /api/ every error,
including Werkzeug's own (404, 405, 413, malformed JSON) and webargs' validation errors,
leaves as a problem body with a stable `code`.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


class AppError(Exception):
    """Base of every error a client may see. Subclasses fix `status` and `code`."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None, errors=None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code:
            self.code = code
        self.errors = errors

    def to_problem(self) -> dict:
        body = {
            "type": f"/api/docs#error-{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class ValidationFailed(AppError):
    """The request is well-formed but its values break a rule (field errors in `errors`)."""

    status = 422
    code = "validation_error"
    title = "Validation failed"


class IdempotencyKeyReused(ValidationFailed):
    """An Idempotency-Key already used for a different request by the same caller."""

    code = "idempotency_key_reused"
    title = "Idempotency key reused"

    def __init__(self, detail: str, message: str):
        super().__init__(detail, errors=[{"field": "Idempotency-Key", "message": message}])


class LoginRequired(AppError):
    """No signed-in user where one is needed."""

    status = 401
    code = "login_required"
    title = "Login required"


class InvalidCredentials(AppError):
    """Username/password or token did not check out."""

    status = 401
    code = "invalid_credentials"
    title = "Invalid credentials"


class Forbidden(AppError):
    """Signed in, but the role does not allow this."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(AppError):
    """A named thing (question, prize, code…) does not exist for this caller."""

    status = 404
    code = "not_found"
    title = "Not found"


class UnknownUser(NotFound):
    """The user an id names does not exist."""

    code = "unknown_user"
    title = "Unknown user"


class Conflict(AppError):
    """The request clashes with the current state (already answered, out of stock…)."""

    status = 409
    code = "conflict"
    title = "Conflict"


class InsufficientPoints(Conflict):
    """A debit would take a balance below zero."""

    code = "insufficient_points"
    title = "Insufficient points"


class AccountOnHold(Conflict):
    """An admin put the account on hold: its new redemptions and voucher hand-overs wait."""

    code = "account_on_hold"
    title = "Account on hold"


class RegistrationClosed(Forbidden):
    """QUIZ_REGISTRATION=sso_only: accounts come only from the host news app's sign-in."""

    code = "registration_closed"
    title = "Registration closed"


class ConsentRequired(ValidationFailed):
    """The current privacy notice was not accepted where it must be (QUIZ_CONSENT_REQUIRED, or
    an old notice version sent)."""

    code = "consent_required"
    title = "Consent required"


class GuardianConsentRequired(Forbidden):
    """A minor (小记者) acting where a guardian's recorded consent is needed (redeeming)."""

    code = "guardian_consent_required"
    title = "Guardian consent required"


class CsrfRequired(AppError):
    """A cookie-authenticated write without the X-Requested-With header."""

    status = 403
    code = "csrf_required"
    title = "CSRF header required"


class UnsupportedMediaType(AppError):
    """A body in a format the endpoint does not take."""

    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class MalformedJson(AppError):
    """A body that is not JSON we can read: bad syntax or encoding, nesting too deep, a number too long."""

    status = 400
    code = "malformed_json"
    title = "Bad Request"


class PayloadTooLarge(AppError):
    """A body over the configured size, however it was sent (Content-Length or chunked)."""

    status = 413
    code = "payload_too_large"
    title = "Request Entity Too Large"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class ServiceUnavailable(AppError):
    """The service cannot answer now but will soon; `retry_after` seconds go in `Retry-After`."""

    status = 503
    code = "unavailable"
    title = "Service unavailable"
    retry_after = 5


class DatabaseBusy(ServiceUnavailable):
    """SQLite's write lock stayed taken past QUIZ_SQLITE_BUSY_MS (far beyond ordinary load)."""

    code = "busy"
    title = "Busy"
    retry_after = 1


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached (stopped, restarting, out of connections)."""

    code = "database_unavailable"
    title = "Database unavailable"


class BoardsUnavailable(ServiceUnavailable):
    """Leaderboards live in Redis and Redis does not answer; everything else keeps working."""

    code = "boards_unavailable"
    title = "Leaderboards unavailable"


# --- the partner points API (API.md, Additions v1.2): each refusal has its own code -----------


class InvalidSignature(AppError):
    """A partner request whose Authorization is missing, malformed, names no partner, or whose
    signature does not check out (an unknown partner is not told apart)."""

    status = 401
    code = "invalid_signature"
    title = "Invalid signature"


class StaleRequest(InvalidSignature):
    """A correctly signed partner request whose `ts` is too far from the server's clock."""

    code = "stale_request"
    title = "Stale request"


class NonceReused(InvalidSignature):
    """A partner request whose nonce was already used within the freshness window (a replay)."""

    code = "nonce_reused"
    title = "Nonce reused"


class PartnerSuspended(Forbidden):
    """An admin suspended the partner: every signed request is refused until resumed."""

    code = "partner_suspended"
    title = "Partner suspended"


class ScopeDenied(Forbidden):
    """The partner was not granted the scope this route needs."""

    code = "scope_denied"
    title = "Scope denied"


class AddressDenied(Forbidden):
    """The partner's request came from an address outside its allowed list."""

    code = "address_denied"
    title = "Address denied"


class UnknownPartner(NotFound):
    """An admin named a partner that does not exist."""

    code = "unknown_partner"
    title = "Unknown partner"


class UnknownDebit(NotFound):
    """The debit does not exist or belongs to another partner."""

    code = "unknown_debit"
    title = "Unknown debit"


class OrderIdReused(Conflict):
    """A partner's order_id already debited with a different body."""

    code = "order_id_reused"
    title = "Order id reused"


class RefundIdReused(Conflict):
    """A partner's refund_id already used for a different refund."""

    code = "refund_id_reused"
    title = "Refund id reused"


class RefundExceedsDebit(Conflict):
    """The refunds of a debit would add up to more than was debited."""

    code = "refund_exceeds_debit"
    title = "Refund exceeds debit"


class DailyLimitReached(Conflict):
    """The partner's debits of the local day would pass its daily ceiling."""

    code = "daily_limit_reached"
    title = "Daily limit reached"


class PartnerNameTaken(Conflict):
    """Another partner already has this name."""

    code = "partner_name_taken"
    title = "Partner name taken"


def database_error(exc: Exception) -> ServiceUnavailable | None:
    """The 503 a driver-level database failure stands for, or None for a real defect."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError

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
            from quiz import metrics

            metrics.DATABASE_ERRORS.labels(unavailable.code).inc()
            log.warning(
                "%s on %s %s: %s",
                unavailable.code,
                request.method,
                request.path,
                type(exc).__name__,
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


class NotCompleted(Conflict):
    """Something that needs the day's quiz finished (its share card) was asked for before."""

    code = "not_completed"
    title = "Not completed"


class InvalidResetCode(AppError):
    """忘记密码: the reset code is unknown, used, expired or not this user's."""

    status = 400
    code = "invalid_reset_code"
    title = "Invalid reset code"
