"""Staff sign-in (等保 身份鉴别): strong passwords, a TOTP second factor with recovery codes,
and sessions that end when idle or old.

Plain values in, typed errors out; the clock is an argument; rows are flushed, never committed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import qrcode
from sqlalchemy import select
from zxcvbn import zxcvbn

from quiz.errors import InvalidCredentials, ValidationFailed
from quiz.extensions import db
from quiz.models.account import RecoveryCode, User

MIN_STAFF_PASSWORD = 12
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"
STEP = 30
RECOVERY_CODES = 10
ISSUER = "我知晓 我践行"


class WrongSecondFactor(InvalidCredentials):
    """A TOTP or recovery code that is wrong, expired or already used."""

    code = "invalid_code"
    title = "Invalid code"


def check_staff_password(password: str, username: str) -> None:
    """≥ 12 characters, not the username, and not common or guessable (zxcvbn score ≥ 3, which
    knows common passwords, names, words, keyboard runs and dates)."""
    password = password or ""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, errors=[{"field": "password", "message": message}])

    if len(password) < MIN_STAFF_PASSWORD:
        raise refuse(f"工作人员密码至少 {MIN_STAFF_PASSWORD} 位。")
    if username and username.lower() in password.lower():
        raise refuse("密码不能包含用户名。")
    if zxcvbn(password[:100], user_inputs=[username or ""])["score"] < MIN_SCORE:
        raise refuse("密码过于常见或容易猜到，请换一个更长、更少见的密码。")


# --- TOTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_png: str  # a data: URL


def start_enrolment(user: User) -> Enrolment:
    """A fresh secret, pending until `confirm_enrolment` sees a code from it."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    image = qrcode.make(uri)
    out = io.BytesIO()
    image.save(out, format="PNG")
    png = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    return Enrolment(secret, uri, png)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30 s step (this one or a neighbour, for clock drift) whose code this is."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    step = _matching_step(user.totp_secret or "", code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or a code of a step already used (replayed within its 30 s)
    user.totp_last_step = step
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def confirm_enrolment(user: User, code: str, *, now: datetime) -> list[str]:
    """Switch the second factor on once a code from the pending secret checks out; the ten
    recovery codes (shown once, kept hashed) replace any earlier ones."""
    if not user.totp_secret or not _accept_totp(user, code, now):
        raise WrongSecondFactor("验证码不正确。")
    user.totp_enabled_at = now
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    db.session.flush()
    return codes


def verify_second_factor(user: User, code: str, *, now: datetime) -> str:
    """'totp' or 'recovery' when the code checks out (a recovery code works once); else
    WrongSecondFactor."""
    if user.totp_enabled_at is None:
        raise WrongSecondFactor("尚未启用双因素认证。")
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if _accept_totp(user, code, now):
        db.session.flush()
        return "totp"
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code or ""),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        raise WrongSecondFactor("验证码不正确或已使用。")
    recovery.used_at = now
    db.session.flush()
    return "recovery"


# --- sessions -------------------------------------------------------------------------------


def second_factor_needed(*, policy: str, enrolled: bool) -> bool:
    """Whether a staff session must pass a second factor before it reaches anything else."""
    return policy != "off" and (enrolled or policy == "required")


def session_expired(
    *, started: float, last_seen: float, now: float, idle_minutes: int, max_hours: int
) -> bool:
    """A staff session ends after `idle_minutes` without a request and `max_hours` in all."""
    return now - last_seen > idle_minutes * 60 or now - started > max_hours * 3600
