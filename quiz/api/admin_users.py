"""Admin: users — look one up, record a reporter's guardian consent to show the full name."""

from __future__ import annotations

from quiz.api.common import Blueprint, admin_required
from quiz.schemas.board import AdminUserOut, UserAdminIn
from quiz.services import teams

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
    """Record (or withdraw) a guardian's consent to show a reporter's full name on boards."""
    return teams.set_name_consent(teams.get_user(user_id), body["show_full_name"])
