"""The partner points API: the news app's mall reads balances, debits and refunds points and
fetches its daily statement (对账单), server to server, with signed requests (no cookie).

Every route runs `partner_required(scope)` before its body is parsed: the signature, the clock,
the nonce, the partner's status, address, scope and rate are checked first, so a refused
request changes nothing and learns nothing of the body's rules.
"""

from __future__ import annotations

from functools import wraps

from flask import Response, current_app, g, request
from marshmallow import ValidationError

from quiz.api.common import Blueprint
from quiz.current import now, zone
from quiz.errors import PayloadTooLarge, ValidationFailed
from quiz.extensions import db
from quiz.schemas.partner import (
    BalanceOut,
    DebitIn,
    DebitOut,
    RefundIn,
    RefundOut,
    RemindersArgs,
    RemindersOut,
    StatementArgs,
    StatementOut,
    check_uid,
)
from quiz.services import partner_signing, partner_statements, partners, players
from quiz.writing import will_write

blp = Blueprint(
    "partner",
    __name__,
    url_prefix="/api/v1/partner",
    description=(
        "Partner points API, server to server. Every request is signed: `Authorization: "
        "QUIZ-HMAC-SHA256 partner=<id>, ts=<unix seconds>, nonce=<8–64 of [A-Za-z0-9_-]>, "
        "sig=<hex>`, sig = HMAC-SHA256(secret, METHOD\\nPATH\\nQUERY\\nTS\\nNONCE\\n"
        "SHA256_HEX(BODY)). Refusals: 401 invalid_signature, stale_request, nonce_reused; "
        "403 partner_suspended, scope_denied, address_denied; 413 payload_too_large; "
        "429 rate_limited. See docs/partners.md."
    ),
)


def _path_as_sent() -> str:
    """The path exactly as the client sent it (still percent-encoded), without the query."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # an absolute-form request line
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return path
    return request.environ.get("SCRIPT_NAME", "") + request.environ.get("PATH_INFO", "")


def _body() -> bytes:
    limit = current_app.config["QUIZ_PARTNER_MAX_BODY"]
    if (request.content_length or 0) > limit:
        raise PayloadTooLarge(f"请求体不能超过 {limit} 字节。")
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise PayloadTooLarge(f"请求体不能超过 {limit} 字节。")
    return body


def partner_required(*scopes: str):
    """Only a correctly signed request from an active partner holding one of `scopes` reaches
    the view; `g.partner` is then the caller (`partner_signing.Caller`)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            signed = partner_signing.SignedRequest(
                method=request.method,
                path=_path_as_sent(),
                query=request.query_string.decode("latin-1"),
                body=_body(),
                authorization=request.headers.get("Authorization"),
                address=request.remote_addr,
            )
            # SQLite: the nonce is written on a connection of its own; take the write lock at
            # BEGIN even on a GET, as any writer does.
            will_write(db.session)
            g.partner = partner_signing.authenticate(
                signed, scopes, key=current_app.config["QUIZ_PARTNER_KEY"], now=now()
            )
            return view(*args, **kwargs)

        return wrapper

    return decorate


@blp.route("/users/<string:uid>/balance", methods=["GET"])
@partner_required("balance")
@blp.response(200, BalanceOut)
def balance(uid):
    """A user's balance, the user named by the news app's `uid` (the SSO identity)."""
    try:
        check_uid(uid)
    except ValidationError as exc:  # the same rule as the bodies'
        raise ValidationFailed(
            "uid 无效。", errors=[{"field": "uid", "message": "; ".join(exc.messages)}]
        ) from exc
    return {"uid": uid, "balance": partners.balance_of(uid)}


@blp.route("/debits", methods=["POST"])
@partner_required("debit")
@blp.arguments(DebitIn)
@blp.response(201, DebitOut)
@blp.alt_response(200, schema=DebitOut, description="The same order_id and body again")
def create_debit(body):
    """Take points for an order; idempotent on `order_id` (the same body → the same answer)."""
    result = partners.debit(
        g.partner,
        body["uid"],
        body["points"],
        body["order_id"],
        body["memo"],
        now=now(),
        tz=zone(),
    )
    return result, 201 if result.created else 200


@blp.route("/debits/<id:debit_id>/refunds", methods=["POST"])
@partner_required("refund")
@blp.arguments(RefundIn)
@blp.response(201, RefundOut)
@blp.alt_response(200, schema=RefundOut, description="The same refund_id and body again")
def create_refund(body, debit_id):
    """Give back part or all of a debit; idempotent on `refund_id`."""
    result = partners.refund(g.partner, debit_id, body["points"], body["refund_id"], now=now())
    return result, 201 if result.created else 200


@blp.route("/statements", methods=["GET"])
@partner_required("debit", "refund")
@blp.arguments(StatementArgs, location="query")
@blp.response(200, StatementOut)
def statement(args):
    """The day's 对账单: every debit and refund of this partner on that local day, with totals."""
    result = partner_statements.statement(g.partner.id, args["date"], tz=zone())
    if args["format"] == "csv":
        return Response(
            result.csv(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="statement-{result.date}.csv"'},
        )
    return result


@blp.route("/reminders", methods=["GET"])
@partner_required("reminders")
@blp.arguments(RemindersArgs, location="query")
@blp.response(200, RemindersOut)
def reminders(args):
    """Who to remind: users who opted in, whose reminder time is ≤ `until` and who have not
    completed `date` (by the news app's `uid`)."""
    current = now().astimezone(zone())
    day = args["date"] or current.date()
    until = args["until"] or (current.strftime("%H:%M") if day == current.date() else "23:59")
    return {"date": day, "uids": players.reminder_uids(day, until)}
