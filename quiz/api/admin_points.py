"""Admin: manual points adjustments (audited)."""

from __future__ import annotations

import uuid

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from quiz.api.common import admin_required
from quiz.clock import now
from quiz.schemas.quiz import AdjustIn, EntryOut
from quiz.services import ledger

blp = Blueprint("admin_points", __name__, url_prefix="/api/v1/admin/points",
                description="Admin: points")


@blp.route("/adjust", methods=["POST"])
@admin_required
@blp.arguments(AdjustIn)
@blp.response(200, EntryOut)
def adjust(body):
    """Add or remove points with a memo; 409 `insufficient_points` if it would go negative.

    An `Idempotency-Key` header makes a retried adjustment count once.
    """
    key = request.headers.get("Idempotency-Key", "")[:80] or uuid.uuid4().hex
    posted = ledger.adjust(body["user_id"], body["delta"], body["memo"], actor_id=current_user.id,
                           key=f"adjust:{current_user.id}:{key}", now=now())
    return posted.entry
