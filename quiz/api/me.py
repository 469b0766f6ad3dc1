"""The signed-in user's own account."""

from __future__ import annotations

from quiz.api.common import Blueprint, account, config, login_required
from quiz.schemas.account import ProfileIn, UserOut
from quiz.services import accounts

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="My account")


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, UserOut)
def me():
    return account()


@blp.route("", methods=["PATCH"])
@login_required
@blp.arguments(ProfileIn)
@blp.response(200, UserOut)
def update_me(body):
    user = account()
    accounts.update_profile(user, districts=config("QUIZ_DISTRICTS"), **body)
    return user
