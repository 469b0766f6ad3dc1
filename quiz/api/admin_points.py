"""Admin: manual points adjustments (audited)."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required
from quiz.current import now
from quiz.schemas.common import IdempotencyKeyHeader
from quiz.schemas.quiz import AdjustIn, EntryOut
from quiz.services import ledger

blp = Blueprint(
    "admin_points", __name__, url_prefix="/api/v1/admin/points", description="Admin: points"
)


@blp.route("/adjust", methods=["POST"])
@admin_required
@blp.arguments(IdempotencyKeyHeader, location="headers")
@blp.arguments(AdjustIn)
@blp.response(200, EntryOut)
def adjust(headers, body):
    """Add or remove points with a memo; 409 `insufficient_points` if it would go negative.

    The `Idempotency-Key` header is required: a retried adjustment counts once.
    """
    posted = ledger.adjust(
        body["user_id"],
        body["delta"],
        body["memo"],
        actor_id=current_user.id,
        request_key=headers["idempotency_key"],
        now=now(),
    )
    return posted.entry
