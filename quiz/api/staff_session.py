"""Staff sign-in: the second factor (TOTP or a recovery code) and the staff session's limits.

A staff session remembers in its signed cookie when it started, when it was last used and
whether its second factor passed. Until it passed (when QUIZ_STAFF_2FA asks for it) the session
reaches only the enrolment routes and page; after QUIZ_STAFF_IDLE_MINUTES without a request or
QUIZ_STAFF_MAX_HOURS in all it ends (401 `login_required`). Citizens' sessions are untouched.
"""

from __future__ import annotations

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user, logout_user

from quiz.api import admin_audit
from quiz.api.common import Blueprint, account, config
from quiz.current import now
from quiz.errors import Forbidden, InvalidCredentials, LoginRequired
from quiz.extensions import db
from quiz.models.account import STAFF_ROLES
from quiz.schemas.staff_auth import CodeIn, EnrolmentOut, RecoveryCodesOut, SecondFactorOut
from quiz.services import staff_auth

blp = Blueprint(
    "staff_session",
    __name__,
    url_prefix="/api/v1/auth/2fa",
    description="Staff sign-in: TOTP second factor and recovery codes",
)

STARTED, SEEN, PASSED = "staff_since", "staff_seen", "second_factor"
# What a staff session without its second factor may still reach.
BEFORE_SECOND_FACTOR = (
    "/api/v1/auth/2fa",
    "/api/v1/auth/logout",
    "/admin/security",
    "/admin/login",
    "/app/static/",
)


class SecondFactorRequired(Forbidden):
    """A staff session whose second factor has not passed yet: only enrolment is open."""

    code = "second_factor_required"
    title = "Second factor required"


def _needed(user) -> bool:
    return staff_auth.second_factor_needed(
        policy=config("QUIZ_STAFF_2FA"), enrolled=user.totp_enabled_at is not None
    )


def start(user) -> bool:
    """Called at a staff password sign-in: the session's clock starts; True when the second
    factor is still to come."""
    at = now().timestamp()
    session[STARTED] = session[SEEN] = at
    needed = _needed(user)
    session[PASSED] = not needed
    return needed


def install(app: Flask) -> None:
    @app.before_request
    def staff_session_limits():
        if request.path.startswith("/app/static/"):
            return
        if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
            return
        at = now().timestamp()
        started = session.get(STARTED)
        if started is None:  # a session from before these limits: they start now
            session[STARTED] = session[SEEN] = started = at
        if staff_auth.session_expired(
            started=started,
            last_seen=session.get(SEEN, started),
            now=at,
            idle_minutes=config("QUIZ_STAFF_IDLE_MINUTES"),
            max_hours=config("QUIZ_STAFF_MAX_HOURS"),
        ):
            logout_user()
            session.clear()
            if request.path.startswith("/api/"):
                raise LoginRequired("会话已过期，请重新登录。")
            return None  # a page: the console's own guard sends the visitor to sign in
        session[SEEN] = at
        if (
            not session.get(PASSED)
            and _needed(current_user)
            and not request.path.startswith(BEFORE_SECOND_FACTOR)
        ):
            if not request.path.startswith("/api/"):
                return redirect(url_for("admin_pages.security"))
            raise SecondFactorRequired("请先完成双因素认证（或先启用它）。")


@blp.route("", methods=["GET"])
@blp.response(200, SecondFactorOut)
def state():
    """The second factor's state for this staff session."""
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        raise Forbidden("仅工作人员可用。")
    return {
        "policy": config("QUIZ_STAFF_2FA"),
        "enrolled": current_user.totp_enabled_at is not None,
        "satisfied": bool(session.get(PASSED)) or not _needed(current_user),
    }


def _staff():
    if not current_user.is_authenticated:
        raise LoginRequired("请先登录。")
    if current_user.role not in STAFF_ROLES:
        raise Forbidden("仅工作人员可用。")
    return account()


@blp.route("/setup", methods=["POST"])
@blp.response(200, EnrolmentOut)
def setup():
    """A new TOTP secret with its QR code (pending until `/enable` sees a code from it). A
    session that already passed its second factor, or one never asked for it, may enrol."""
    user = _staff()
    if user.totp_enabled_at is not None and not session.get(PASSED):
        raise SecondFactorRequired("请先用现有验证码完成认证。")
    enrolment = staff_auth.start_enrolment(user)
    admin_audit.record("auth.totp_setup", target=f"user:{user.id}")
    return enrolment


@blp.route("/enable", methods=["POST"])
@blp.arguments(CodeIn)
@blp.response(200, RecoveryCodesOut)
def enable(body):
    """Confirm the pending secret with a code: the second factor is on, and this session has
    passed it; the ten recovery codes are shown this once."""
    user = _staff()
    codes = staff_auth.confirm_enrolment(user, body["code"], now=now())
    session[PASSED] = True
    admin_audit.record("auth.totp_enabled", target=f"user:{user.id}")
    return {"recovery_codes": codes}


@blp.route("/verify", methods=["POST"])
@blp.arguments(CodeIn)
@blp.response(200, SecondFactorOut)
def verify(body):
    """The second step of a staff sign-in: a TOTP code (once per 30 s step) or a recovery code
    (once). A wrong code is recorded in the audit trail."""
    user = _staff()
    try:
        kind = staff_auth.verify_second_factor(user, body["code"], now=now())
    except InvalidCredentials:
        db.session.rollback()
        admin_audit.record("auth.second_factor_failed", target=f"user:{user.id}")
        db.session.commit()  # kept though the 401 rolls the request back (as a failed sign-in)
        raise
    session[PASSED] = True
    admin_audit.record("auth.second_factor", target=f"user:{user.id}", detail={"kind": kind})
    return {"policy": config("QUIZ_STAFF_2FA"), "enrolled": True, "satisfied": True}
