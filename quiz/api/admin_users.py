"""Admin: users — look one up, record a reporter's guardian consent (the school's paper form)."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.common import Blueprint, admin_required, config
from quiz.current import now
from quiz.schemas.board import AdminUserOut, UserAdminIn
from quiz.services import privacy, teams

blp = Blueprint(
    "admin_users", __name__, url_prefix="/api/v1/admin/users", description="Admin: users"
)


@blp.route("/<id:user_id>", methods=["GET"])
@admin_required
@blp.response(200, AdminUserOut)
def get_user(user_id):
    return teams.get_user(user_id)


@blp.route("/<id:user_id>", methods=["PATCH"])
@admin_required
@blp.arguments(UserAdminIn)
@blp.response(200, AdminUserOut)
def update_user(body, user_id):
    """Record the guardian's consent form the school collected on paper (`show_full_name`
    true, with `guardian_name` as written on it), or withdraw every consent (false)."""
    return privacy.set_guardian_consent(
        teams.get_user(user_id),
        body["show_full_name"],
        staff_id=current_user.id,
        guardian_name=body["guardian_name"],
        version=config("QUIZ_PRIVACY_VERSION"),
        now=now(),
    )
