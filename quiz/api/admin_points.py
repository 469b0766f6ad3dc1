"""Admin: manual points adjustments (audited)."""

from __future__ import annotations

import uuid

from flask import request
from flask_login import current_user

from quiz.api.common import Blueprint, admin_required
from quiz.clock import now
from quiz.errors import ValidationFailed
from quiz.schemas.quiz import AdjustIn, EntryOut
from quiz.services import ledger

blp = Blueprint(
    "admin_points", __name__, url_prefix="/api/v1/admin/points", description="Admin: points"
)


@blp.route("/adjust", methods=["POST"])
@admin_required
@blp.arguments(AdjustIn)
@blp.response(200, EntryOut)
def adjust(body):
    """Add or remove points with a memo; 409 `insufficient_points` if it would go negative.

    An `Idempotency-Key` header makes a retried adjustment count once.
    """
    key = request.headers.get("Idempotency-Key", "")[:80] or uuid.uuid4().hex
    if not key.isprintable():
        raise ValidationFailed(
            "Idempotency-Key 只能含可见字符。",
            errors=[{"field": "Idempotency-Key", "message": "只能含可见字符"}],
        )
    posted = ledger.adjust(
        body["user_id"],
        body["delta"],
        body["memo"],
        actor_id=current_user.id,
        key=f"adjust:{current_user.id}:{key}",
        now=now(),
    )
    return posted.entry
