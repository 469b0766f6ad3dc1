"""Sign-up, sign-in, sign-out and SSO."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import login_user, logout_user
from flask_smorest import Blueprint

from quiz.api.common import config, user_payload
from quiz.clock import now
from quiz.extensions import limiter
from quiz.schemas.account import LoginIn, RegisterIn, SsoIn, UserOut
from quiz.services import accounts

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and sign-in")


def _login_username() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return f"login-user:{str(name).lower()[:64]}" if name else "login-user:?"


def _failed(response) -> bool:
    return response.status_code == 401


def _sign_in(user) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
def register(body):
    user = accounts.register(
        **body, districts=config("QUIZ_DISTRICTS"), family_max=config("QUIZ_FAMILY_MAX"), now=now()
    )
    _sign_in(user)
    return user_payload(user)


@blp.route("/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_USER"], key_func=_login_username,
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_IP"], deduct_when=_failed)
@blp.arguments(LoginIn)
@blp.response(200, UserOut)
def login(body):
    user = accounts.authenticate(body["username"], body["password"])
    _sign_in(user)
    return user_payload(user)


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    logout_user()
    session.clear()


@blp.route("/sso", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_IP"], deduct_when=_failed)
@blp.arguments(SsoIn)
@blp.response(200, UserOut)
def sso(body):
    user = accounts.sso_sign_in(body["token"], secret=config("QUIZ_SSO_SECRET"), now=now())
    _sign_in(user)
    return user_payload(user)
