"""Typed errors: what services raise, each with its status and stable `code`.

Views never build error responses by hand; `quiz.api.problems` turns these (and Werkzeug's and
the database driver's) into application/problem+json (RFC 9457) under /api/.
"""

from __future__ import annotations


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


class NotCompleted(Conflict):
    """Something that needs the day's quiz finished (its share card) was asked for before."""

    code = "not_completed"
    title = "Not completed"


class InvalidResetCode(AppError):
    """忘记密码: the reset code is unknown, used, expired or not this user's."""

    status = 400
    code = "invalid_reset_code"
    title = "Invalid reset code"


class OwnDraft(Forbidden):
    """三审: a reviewer tried to approve (or return) a version or batch they wrote themselves."""

    code = "own_draft"
    title = "Own draft"


class AlreadyReviewed(Conflict):
    """This reviewer has approved this version or batch already: a second step needs someone else."""

    code = "already_reviewed"
    title = "Already reviewed"


class NotInReview(Conflict):
    """The version or batch is not waiting for review (published, returned or superseded), or
    belongs to an import batch that is reviewed as one unit."""

    code = "not_in_review"
    title = "Not in review"
