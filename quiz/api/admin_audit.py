"""The audit trail: every staff write leaves one entry (hooks below); the auditor reads it.

A write under /api/v1/admin/ that succeeds is recorded once, in its own transaction, with the
fields its flushes changed (`audit.watch`). A view that records its own entry (a sign-in, an
erasure) sets `g.audit_recorded`, and the hook leaves it at that.
"""

from __future__ import annotations

import json

from flask import Flask, Response, g, request
from flask_login import current_user

from quiz.api.common import Blueprint, roles_required
from quiz.clock import day_bounds
from quiz.current import now, zone
from quiz.errors import Forbidden
from quiz.extensions import db
from quiz.models.account import STAFF_ROLES, Role
from quiz.schemas.audit import AuditArgs, AuditPageOut
from quiz.schemas.common import cursor_id, page_of
from quiz.services import audit
from quiz.services.csv_export import csv_document

blp = Blueprint(
    "admin_audit",
    __name__,
    url_prefix="/api/v1/admin",
    description="Audit trail (role auditor): every staff write and sign-in",
)

STAFF_WRITES = "/api/v1/admin/"
_SAFE = {"GET", "HEAD", "OPTIONS"}
# What an auditor may still send: signing out and their own second factor.
AUDITOR_WRITES = ("/api/v1/auth/logout", "/api/v1/auth/login", "/api/v1/auth/2fa/")
CSV_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target",
    "ip",
    "request_id",
    "detail",
]
CSV_MAX_ROWS = 50_000

auditor_required = roles_required(Role.AUDITOR)


def request_actor(user=None, *, anonymous: bool = False) -> audit.Actor:
    """Who is acting in this request, and from where (the slim user, or an ORM user; nobody
    for a failed sign-in, whose account tried is the entry's target)."""
    user = user if user is not None else current_user
    signed = not anonymous and getattr(user, "is_authenticated", False)
    return audit.Actor(
        id=user.id if signed else None,
        role=user.role if signed else None,
        ip=request.remote_addr,
        request_id=g.get("request_id"),
    )


def record(
    action: str,
    *,
    target: str | None = None,
    detail: dict | None = None,
    user=None,
    anonymous: bool = False,
):
    """An entry for this request, written by a view itself (the hook then writes none)."""
    g.audit_recorded = True
    actor = request_actor(user, anonymous=anonymous)
    return audit.record(actor, action, at=now(), target=target, detail=detail)


def _target() -> str | None:
    args = request.view_args or {}
    return ",".join(f"{k.removesuffix('_id')}:{v}" for k, v in args.items()) or None


def _is_staff_write() -> bool:
    return request.method not in _SAFE and request.path.startswith(STAFF_WRITES)


def install(app: Flask) -> None:
    """The hooks: installed after the unit of work's, so the entry joins its commit."""
    audit.install_session_hooks()

    @app.before_request
    def watch_staff_writes():
        if (
            request.method not in _SAFE
            and request.path.startswith("/api/")
            and current_user.is_authenticated
            and current_user.role == Role.AUDITOR
            and not request.path.startswith(AUDITOR_WRITES)
        ):
            raise Forbidden("审计员只能查看审计日志。")
        if _is_staff_write():
            audit.watch(db.session)

    @app.after_request
    def record_staff_write(response):
        if not _is_staff_write():
            return response
        changes = audit.collected(db.session, flush=response.status_code < 400)
        if (
            response.status_code < 400
            and not g.get("audit_recorded")
            and current_user.is_authenticated
            and current_user.role in STAFF_ROLES
        ):
            detail = {"method": request.method, "status": response.status_code}
            if changes:
                detail["changes"] = changes
            audit.record(
                request_actor(),
                request.endpoint or request.path,
                at=now(),
                target=_target(),
                detail=detail,
            )
        return response


def _csv_row(entry) -> list:
    row = [getattr(entry, c) for c in CSV_COLUMNS]
    row[1] = entry.at.isoformat()
    row[-1] = json.dumps(entry.detail, ensure_ascii=False) if entry.detail else ""
    return row


@blp.route("/audit-log", methods=["GET"])
@auditor_required
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditPageOut)
def audit_log(args):
    """The trail, newest first: filter by actor id, action (prefix), target and local days
    (`from`, `to` inclusive); `format=csv` downloads every matching entry."""
    tz = zone()
    filters = audit.Filters(
        actor=args["actor"],
        action=args["action"],
        target=args["target"],
        since=day_bounds(args["from_"], tz)[0] if args["from_"] else None,
        until=day_bounds(args["to"], tz)[1] if args["to"] else None,
    )
    if args["format"] == "csv":
        rows = audit.entries(filters, before_id=None, limit=CSV_MAX_ROWS)[:CSV_MAX_ROWS]
        body = csv_document(CSV_COLUMNS, (_csv_row(r) for r in rows))
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
        )
    rows = audit.entries(filters, before_id=cursor_id(args["cursor"]), limit=args["limit"])
    return page_of(rows, args["limit"], lambda r: r.id)
