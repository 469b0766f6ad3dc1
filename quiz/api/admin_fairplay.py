"""Admin: fair play — accounts worth a look, and holds on their redemptions."""

from __future__ import annotations

from datetime import timedelta

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, config, staff_report
from quiz.clock import day_bounds
from quiz.current import now, today, zone
from quiz.schemas.common import Page
from quiz.schemas.fairplay import HeldListOut, HeldUserOut, HoldIn, SuspectArgs, SuspectsOut
from quiz.services import fairplay
from quiz.services import suspects as suspect_report

blp = Blueprint(
    "admin_fairplay",
    __name__,
    url_prefix="/api/v1/admin",
    description="Admin: fair play (suspects and holds)",
)

DEFAULT_DAYS = 7


@blp.route("/fair-play/suspects", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(SuspectArgs, location="query")
@blp.response(200, SuspectsOut)
def suspects(args):
    """Accounts worth a look between `from` and `to` (local days, inclusive; default the last 7)."""
    last = args["to"] or today()
    first = args["from_"] or last - timedelta(days=DEFAULT_DAYS - 1)
    tz = zone()
    rows = suspect_report.suspects(
        first,
        last,
        day_bounds=lambda d: day_bounds(d, tz),
        accounts_per_ip=config("QUIZ_SUSPECT_ACCOUNTS_PER_IP"),
    )
    return suspect_report.SuspectReport(first, last, rows)


@blp.route("/fair-play/holds", methods=["GET"])
@admin_required
@blp.response(200, HeldListOut)
def held():
    """Accounts on hold now, most recent first."""
    return Page(fairplay.with_holds(fairplay.held_accounts()), None)


@blp.route("/users/<id:user_id>/hold", methods=["POST"])
@admin_required
@blp.arguments(HoldIn)
@blp.response(200, HeldUserOut)
def hold(body, user_id):
    """Hold an account: its new redemptions and voucher hand-overs answer 409 `account_on_hold`."""
    user = fairplay.hold(user_id, body["memo"], actor_id=current_user.id, now=now())
    return fairplay.with_holds([user])[0]


@blp.route("/users/<id:user_id>/release", methods=["POST"])
@admin_required
@blp.arguments(HoldIn)
@blp.response(200, HeldUserOut)
def release(body, user_id):
    """Lift a hold."""
    user = fairplay.release(user_id, body["memo"], actor_id=current_user.id, now=now())
    return fairplay.with_holds([user])[0]
