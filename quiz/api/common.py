"""What every API blueprint shares: role guards and the user payload."""

from __future__ import annotations

from functools import wraps

from flask import current_app
from flask_login import current_user

from quiz.clock import today
from quiz.errors import Forbidden, LoginRequired


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise LoginRequired("请先登录。")
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Only these roles may call the view; anyone else signed in gets 403 `forbidden`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                raise LoginRequired("请先登录。")
            if current_user.role not in roles:
                raise Forbidden("没有权限。")
            return view(*args, **kwargs)

        return wrapper

    return decorate


admin_required = roles_required("admin")


def current_streak(user) -> int:
    """The streak still alive today: it lapses once a whole day passes without completing."""
    if user.streak_day is None:
        return 0
    gap = (today() - user.streak_day).days
    return user.streak if gap <= 1 else 0


def user_payload(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "district": user.district,
        "team": {"id": user.team.id, "name": user.team.name} if user.team else None,
        "balance": user.balance,
        "streak": current_streak(user),
        "invite_code": user.invite_code if user.role == "reporter" else None,
    }


def config(name: str):
    return current_app.config[name]
