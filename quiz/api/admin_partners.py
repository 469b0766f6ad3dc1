"""Admin: partners of the points API — register, rotate a secret, suspend, the daily report."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, config
from quiz.current import now, today, zone
from quiz.schemas.common import PageArgs, cursor_id, page_of
from quiz.schemas.partner import (
    IssuedOut,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerReportOut,
    ReportArgs,
    SecretOut,
)
from quiz.services import partner_statements, partners

blp = Blueprint(
    "admin_partners",
    __name__,
    url_prefix="/api/v1/admin/partners",
    description="Admin: partners of the points API",
)


@blp.route("", methods=["POST"])
@admin_required
@blp.arguments(PartnerIn)
@blp.response(201, IssuedOut)
def create(body):
    """Register a partner. The answer carries its `secret`: the only time it is shown."""
    issued = partners.create_partner(
        body["name"],
        body["scopes"],
        key=config("QUIZ_PARTNER_KEY"),
        now=now(),
        allowed_ips=body["allowed_ips"],
        daily_debit_limit=body["daily_debit_limit"],
        requests_per_minute=body["requests_per_minute"] or config("QUIZ_PARTNER_RATE_LIMIT"),
        actor_id=current_user.id,
    )
    return issued, 201


@blp.route("", methods=["GET"])
@admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, PartnerPage)
def list_partners(args):
    """Partners, oldest first (never a secret)."""
    rows = partners.partners(after_id=cursor_id(args["cursor"]), limit=args["limit"])
    return page_of(rows, args["limit"], lambda p: p.id)


@blp.route("/report", methods=["GET"])
@admin_required
@blp.arguments(ReportArgs, location="query")
@blp.response(200, PartnerReportOut)
def report(args):
    """Each partner's day: its statement's totals beside the ledger's (default today)."""
    day = args["date"] or today()
    return {"date": day.isoformat(), "rows": partner_statements.daily_report(day, tz=zone())}


@blp.route("/<id:partner_id>", methods=["GET"])
@admin_required
@blp.response(200, PartnerOut)
def show(partner_id):
    return partners.get_partner(partner_id)


@blp.route("/<id:partner_id>/rotate", methods=["POST"])
@admin_required
@blp.response(200, SecretOut)
def rotate(partner_id):
    """A new secret; the previous one keeps working for QUIZ_PARTNER_ROTATION_OVERLAP_S."""
    return partners.rotate_secret(
        partner_id,
        key=config("QUIZ_PARTNER_KEY"),
        now=now(),
        overlap_s=config("QUIZ_PARTNER_ROTATION_OVERLAP_S"),
    )


@blp.route("/<id:partner_id>/suspend", methods=["POST"])
@admin_required
@blp.response(200, PartnerOut)
def suspend(partner_id):
    """Every signed request of the partner answers 403 `partner_suspended` until resumed."""
    return partners.set_status(partner_id, "suspended")


@blp.route("/<id:partner_id>/resume", methods=["POST"])
@admin_required
@blp.response(200, PartnerOut)
def resume(partner_id):
    return partners.set_status(partner_id, "active")
