"""Sign-up, sign-in, sign-out and SSO."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from quiz.api import admin_audit, staff_session
from quiz.api.common import Blueprint, account, config, rules
from quiz.current import now
from quiz.errors import InvalidCredentials
from quiz.extensions import db, limiter
from quiz.models.account import STAFF_ROLES
from quiz.schemas.account import LoginIn, RegisterIn, SsoIn, UserOut
from quiz.services import accounts, login_guard, privacy

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and sign-in")


def _failed(response) -> bool:
    return response.status_code == 401


def _sign_in(user, method: str) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    if user.role not in STAFF_ROLES:  # staff sign-ins are in the audit trail
        privacy.record_sign_in(user.id, method, ip=request.remote_addr, now=now())


def _notice() -> tuple[str, bool]:
    """The privacy notice in force and whether accepting it is required to sign up."""
    return config("QUIZ_PRIVACY_VERSION"), config("QUIZ_CONSENT_REQUIRED")


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterIn)
@blp.response(201, UserOut)
def register(body):
    """Sign up (QUIZ_REGISTRATION: open, invite with a code, or sso_only → 403 `registration_closed`).
    Registrations per address (QUIZ_REGISTER_LIMIT_IP) are counted in the database: exact across
    every worker, instance and restart."""
    if config("RATELIMIT_ENABLED"):
        keys = login_guard.registration_keys(
            request.remote_addr,
            per_address=login_guard.Limit.parse(config("QUIZ_REGISTER_LIMIT_IP")),
        )
        reservation = login_guard.reserve(db.session, keys, now=now())
        # Counted whatever the outcome: committed now, before the work that may roll back.
        db.session.commit()
        if reservation is None:
            raise login_guard.refused(keys, "注册过于频繁")
    user = accounts.register(
        **body,
        districts=config("QUIZ_DISTRICTS"),
        family_max=rules().family_max,
        now=now(),
        mode=config("QUIZ_REGISTRATION"),
        ip=request.remote_addr,
        notice=_notice(),
    )
    _sign_in(user, "register")
    return user


@blp.route("/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_IP"], deduct_when=_failed)
@blp.arguments(LoginIn)
@blp.response(200, UserOut)
def login(body):
    """Sign in. Failed attempts are limited per username and address (QUIZ_LOGIN_LIMIT_USER)
    and per username (QUIZ_LOGIN_LIMIT_USER_ALL), exactly, across every worker and instance."""
    reservation = None
    if config("RATELIMIT_ENABLED"):
        keys = login_guard.keys_for(
            body["username"],
            request.remote_addr,
            per_address=login_guard.Limit.parse(config("QUIZ_LOGIN_LIMIT_USER")),
            per_account=login_guard.Limit.parse(config("QUIZ_LOGIN_LIMIT_USER_ALL")),
        )
        reservation = login_guard.reserve(db.session, keys, now=now())
        # The count must outlive the 401 that rolls this request back: committed now, before
        # any other work (the one commit outside the request's unit of work).
        db.session.commit()
        if reservation is None:
            raise login_guard.refused(keys)
    try:
        user = accounts.authenticate(body["username"], body["password"])
    except InvalidCredentials:
        staff = accounts.staff_named(body["username"])
        if staff is not None:
            # A failed staff sign-in is kept though the 401 rolls the request back.
            admin_audit.record("auth.sign_in_failed", target=f"user:{staff.id}", anonymous=True)
            db.session.commit()
        raise
    if reservation is not None:
        login_guard.release(db.session, reservation)
    _sign_in(user, "password")
    if user.role in STAFF_ROLES:
        pending = staff_session.start(user)
        admin_audit.record(
            "auth.sign_in",
            target=f"user:{user.id}",
            user=user,
            detail={"second_factor": "pending" if pending else "not_needed"},
        )
    return user


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    """Ends every session of the signed-in user, not only this cookie (a copied cookie dies too)."""
    if current_user.is_authenticated:
        if current_user.role in STAFF_ROLES:
            admin_audit.record("auth.sign_out", target=f"user:{current_user.id}")
        accounts.end_sessions(account())
    logout_user()
    session.clear()


@blp.route("/sso", methods=["POST"])
@limiter.limit(lambda: current_app.config["QUIZ_LOGIN_LIMIT_IP"], deduct_when=_failed)
@blp.arguments(SsoIn)
@blp.response(200, UserOut)
def sso(body):
    user = accounts.sso_sign_in(
        body["token"],
        secret=config("QUIZ_SSO_SECRET"),
        now=now(),
        max_lifetime=config("QUIZ_SSO_MAX_LIFETIME"),
        ip=request.remote_addr,
        signed_in=account() if current_user.is_authenticated else None,
        confirm_switch=body["confirm_switch"],
        consent_version=body["consent_version"],
        notice=_notice(),
    )
    _sign_in(user, "sso")
    return user
