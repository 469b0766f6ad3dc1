"""Sign-up, sign-in, sign-out and SSO."""

from __future__ import annotations

import hashlib

from flask import current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from quiz.api.common import Blueprint, config, load_json_body, user_payload
from quiz.clock import now
from quiz.errors import MalformedJson
from quiz.extensions import limiter
from quiz.schemas.account import LoginIn, RegisterIn, SsoIn, UserOut
from quiz.services import accounts

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and sign-in")


def _login_name() -> str:
    """The username a login attempt names, as a rate-limit key part (hashed: any text is safe)."""
    try:
        body = load_json_body(request.get_data(cache=True))
    except MalformedJson:
        body = None
    name = body.get("username") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name:
        return "?"
    return hashlib.sha256(name.lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _login_user_and_ip() -> str:
    # Failures from one address lock that address out of that account only: a stranger cannot
    # lock the owner out by guessing from elsewhere.
    return f"login-user-ip:{_login_name()}:{get_remote_address()}"


def _login_user_anywhere() -> str:
    return f"login-user:{_login_name()}"


def _failed(response) -> bool:
    return response.status_code == 401


def _sign_in(user) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)


@blp.route("/register", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_REGISTER_LIMIT_IP"],
               key_func=lambda: f"register-ip:{get_remote_address()}")
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
def register(body):
    """Sign up (QUIZ_REGISTRATION: open, invite with a code, or sso_only → 403 `registration_closed`)."""
    user = accounts.register(
        **body, districts=config("QUIZ_DISTRICTS"), family_max=config("QUIZ_FAMILY_MAX"), now=now(),
        mode=config("QUIZ_REGISTRATION"), ip=request.remote_addr,
    )
    _sign_in(user)
    return user_payload(user)


@blp.route("/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_USER"], key_func=_login_user_and_ip,
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_USER_ALL"], key_func=_login_user_anywhere,
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
    """Ends every session of the signed-in user, not only this cookie (a copied cookie dies too)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()


@blp.route("/sso", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_IP"], deduct_when=_failed)
@blp.arguments(SsoIn)
@blp.response(200, UserOut)
def sso(body):
    user = accounts.sso_sign_in(body["token"], secret=config("QUIZ_SSO_SECRET"), now=now(),
                                max_lifetime=config("QUIZ_SSO_MAX_LIFETIME"), ip=request.remote_addr)
    _sign_in(user)
    return user_payload(user)
