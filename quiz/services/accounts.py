"""Accounts: registration, sign-in, SSO from the host app, profile changes, admins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from quiz.errors import (
    Conflict,
    ConsentRequired,
    InvalidCredentials,
    NotFound,
    RegistrationClosed,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import SsoTokenUse, User
from quiz.models.account import STAFF_ROLES, Role
from quiz.services import passwords
from quiz.services.codes import normalise_code
from quiz.services.staff_auth import check_staff_password
from quiz.text import clean_text, text_problem

USERNAME_RE = re.compile(r"[A-Za-z0-9_]{3,32}")
# Accounts created by SSO are named sso_<hash>; nobody may register such a name first.
SSO_PREFIX = "sso_"
# Erased accounts are renamed erased_<id> (quiz.services.privacy): reserved likewise.
ERASED_PREFIX = "erased_"
MIN_PASSWORD = 8


class UnknownInviteCode(NotFound):
    code = "unknown_invite_code"
    title = "Unknown invite code"


class UsernameTaken(Conflict):
    code = "username_taken"
    title = "Username taken"


class InvalidToken(InvalidCredentials):
    """An SSO token that is malformed, tampered with or expired."""

    code = "invalid_token"
    title = "Invalid token"


class FamilyFull(Conflict):
    """The reporter already has QUIZ_FAMILY_MAX family members."""

    code = "family_full"
    title = "Family is full"


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": field, "message": message}])


def check_district(district: str | None, districts: list[str]) -> str | None:
    if district in (None, ""):
        return None
    if district not in districts:
        raise _field_error("district", f"未知的区：{district}")
    return district


def check_notice(version: str | None, *, current: str, required: bool) -> str | None:
    """The privacy notice version accepted (None when none was sent and none is required).
    An old version is refused: the person must have read the notice in force."""
    if version in (None, ""):
        if required:
            raise ConsentRequired(
                "请阅读并同意《个人信息处理规则》后再继续。",
                errors=[{"field": "consent_version", "message": "须同意个人信息处理规则"}],
            )
        return None
    if version != current:
        raise ConsentRequired(
            f"个人信息处理规则已更新为 {current} 版，请阅读后重新同意。",
            errors=[{"field": "consent_version", "message": f"当前版本为 {current}"}],
        )
    return version


def register(
    *,
    username: str,
    password: str,
    display_name: str,
    district: str | None,
    invite_code: str | None,
    districts: list[str],
    family_max: int,
    now: datetime,
    mode: str = "open",
    ip: str | None = None,
    consent_version: str | None = None,
    notice: tuple[str, bool] = ("", False),
) -> User:
    """A new citizen (a family member with a reporter's invite code), under QUIZ_REGISTRATION
    `mode`; `ip` is the client address, kept for the suspects report (QUIZ_IP_RETENTION_DAYS).
    `notice` is (the privacy notice version in force, whether accepting it is required)."""
    if mode == "sso_only":
        raise RegistrationClosed("请从新闻客户端登录参与答题。")
    consent_version = check_notice(consent_version, current=notice[0], required=notice[1])
    if mode == "invite" and not (invite_code or "").strip():
        raise _field_error("invite_code", "注册需要邀请码。")
    if not USERNAME_RE.fullmatch(username or ""):
        raise _field_error("username", "用户名须为 3–32 位字母、数字或下划线。")
    for reserved in (SSO_PREFIX, ERASED_PREFIX):
        if username.lower().startswith(reserved):
            raise _field_error("username", f"用户名不能以 {reserved} 开头。")
    if len(password or "") < MIN_PASSWORD:
        raise _field_error("password", f"密码至少 {MIN_PASSWORD} 位。")
    if not (display_name or "").strip():
        raise _field_error("display_name", "昵称不能为空。")
    district = check_district(district, districts)
    reporter = None
    if invite_code:
        reporter = db.session.scalar(
            select(User).where(
                User.invite_code == normalise_code(invite_code), User.role == Role.REPORTER
            )
        )
        if reporter is None:
            raise UnknownInviteCode("邀请码不存在。")
        # Lock the reporter row so two relatives registering at once cannot exceed the cap.
        db.session.execute(select(User.id).where(User.id == reporter.id).with_for_update())
        members = db.session.scalar(
            select(func.count()).select_from(User).where(User.family_reporter_id == reporter.id)
        )
        if members >= family_max:
            raise FamilyFull(f"该小记者的家庭成员已满 {family_max} 人。")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UsernameTaken("用户名已被使用。")
    user = User(
        username=username,
        password_hash=passwords.hash_password(password),
        display_name=display_name.strip(),
        district=district,
        role=Role.CITIZEN,
        family_reporter_id=reporter.id if reporter else None,
        created_at=now,
        registered_ip=_address(ip),
        consent_version=consent_version,
        consent_at=now if consent_version else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as exc:
        raise UsernameTaken("用户名已被使用。") from exc
    return user


def authenticate(username: str, password: str) -> User:
    user = db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").lower())
    )
    ok = passwords.matches(user.password_hash if user else None, password)
    if not (user and ok):
        raise InvalidCredentials("用户名或密码错误。")
    return user


def staff_named(username: str) -> User | None:
    """The staff account of that username (any case), if there is one."""
    return db.session.scalar(
        select(User).where(
            func.lower(User.username) == (username or "").lower(), User.role.in_(STAFF_ROLES)
        )
    )


def update_profile(user: User, *, districts: list[str], **changes) -> User:
    if "display_name" in changes and changes["display_name"] is not None:
        if not changes["display_name"].strip():
            raise _field_error("display_name", "昵称不能为空。")
        user.display_name = changes["display_name"].strip()
    if "district" in changes:
        user.district = check_district(changes["district"], districts)
    if changes.get("elder_mode") is not None:
        user.elder_mode = bool(changes["elder_mode"])
    db.session.flush()
    return user


# Strict, unpadded base64url: anything else (padding, junk after the signature) is refused.
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
SSO_MAX_ID = 64


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode_strict(part: str) -> bytes:
    """Decode unpadded base64url, refusing every other spelling of the same bytes."""
    if not _B64URL.fullmatch(part) or len(part) % 4 == 1:
        raise ValueError("not unpadded base64url")
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if _b64encode(raw) != part:  # stray low bits in the last character
        raise ValueError("not canonical base64url")
    return raw


def sign_sso_token(payload: dict, secret: str) -> str:
    """How the host news app signs a token (used by tests and the docs' example)."""
    body = _b64encode(json.dumps(payload, ensure_ascii=False).encode())
    sig = hmac.new(secret.encode(), body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64encode(sig)}"


def _sso_id(claims: dict, name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value or len(value) > SSO_MAX_ID or text_problem(value):
        raise InvalidToken(f"令牌的 {name} 须为 1–{SSO_MAX_ID} 个字符的字符串。")
    return value


def _sso_claims(
    token: str, secret: str, *, now: datetime, max_lifetime: int
) -> tuple[str, str, str, float]:
    """(uid, name, jti, exp) of a well-formed, correctly signed, unexpired token; else InvalidToken."""
    parts = token.split(".") if isinstance(token, str) else []
    try:
        body, sig = parts
        signature = _b64decode_strict(sig)
        raw_claims = _b64decode_strict(body)
    except ValueError as exc:
        raise InvalidToken("令牌格式无效。") from exc
    expected = hmac.new(secret.encode(), body.encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidToken("令牌签名无效。")
    try:
        claims = json.loads(raw_claims.decode("utf-8"))
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise InvalidToken("令牌格式无效。") from exc
    if not isinstance(claims, dict):
        raise InvalidToken("令牌格式无效。")
    uid, jti = _sso_id(claims, "uid"), _sso_id(claims, "jti")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not math.isfinite(exp):
        raise InvalidToken("令牌的 exp 须为数字。")
    if exp <= now.timestamp():
        raise InvalidToken("令牌已过期。")
    if exp > now.timestamp() + max_lifetime:
        raise InvalidToken("令牌有效期过长。")
    name = claims.get("name")
    try:
        name = clean_text(name.strip(), max_length=64) if isinstance(name, str) else ""
    except ValueError:
        name = ""  # an unusable display name is not worth refusing the person: they get the default
    return uid, name, jti, float(exp)


def _spend_jti(jti: str, exp: float, *, now: datetime) -> None:
    """Record the token as used; a second use of it (even a concurrent one) is refused."""
    db.session.execute(delete(SsoTokenUse).where(SsoTokenUse.expires_at < now))
    try:
        with db.session.begin_nested():
            db.session.add(SsoTokenUse(jti=jti, expires_at=datetime.fromtimestamp(exp, UTC)))
    except IntegrityError as exc:
        raise InvalidToken("令牌已使用过，请从新闻客户端重新进入。") from exc


def _address(ip: str | None) -> str | None:
    return ip[:45] if ip else None


def sso_sign_in(
    token: str,
    *,
    secret: str | None,
    now: datetime,
    max_lifetime: int = 600,
    ip: str | None = None,
    signed_in=None,
    confirm_switch: bool = False,
    consent_version: str | None = None,
    notice: tuple[str, bool] = ("", False),
) -> User:
    """Exchange a host-app token for a user, creating a citizen on first sight. Each token works once.

    When another account is signed in on this browser (`signed_in`), a token for a different
    person switches accounts only with `confirm_switch` (a link carrying someone else's token
    must not switch the session without a word); the token is not spent by that refusal.
    The first sign-in records the privacy notice accepted (`notice` as for `register`); a later
    one that carries a version records it too (the person accepted a newer notice)."""
    if not secret:
        raise InvalidToken("未配置单点登录。")
    uid, name, jti, exp = _sso_claims(token, secret, now=now, max_lifetime=max_lifetime)
    if signed_in is not None and not confirm_switch and getattr(signed_in, "sso_uid", None) != uid:
        raise SwitchNeedsConfirmation(
            f"当前已登录为「{signed_in.display_name}」，确认要切换到另一个账号吗？",
            signed_in_as=signed_in.display_name,
        )
    _spend_jti(jti, exp, now=now)
    user = db.session.scalar(select(User).where(User.sso_uid == uid))
    if user is not None:
        if consent_version and check_notice(consent_version, current=notice[0], required=True):
            user.consent_version, user.consent_at = consent_version, now
        return user
    consent_version = check_notice(consent_version, current=notice[0], required=notice[1])
    user = User(
        username=SSO_PREFIX + hashlib.sha256(uid.encode()).hexdigest()[:16],
        display_name=name or "市民",
        role=Role.CITIZEN,
        sso_uid=uid,
        created_at=now,
        registered_ip=_address(ip),
        consent_version=consent_version,
        consent_at=now if consent_version else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        # The same person's first two taps raced; the other request created the account.
        user = db.session.scalar(select(User).where(User.sso_uid == uid))
        if user is None:
            raise
    return user


class SwitchNeedsConfirmation(Conflict):
    """Another account is signed in on this browser: switching needs `confirm_switch`."""

    code = "confirm_switch"
    title = "Switch account?"

    def __init__(self, detail: str, *, signed_in_as: str):
        super().__init__(detail)
        self.signed_in_as = signed_in_as

    def to_problem(self) -> dict:
        return {**super().to_problem(), "signed_in_as": self.signed_in_as}


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every cookie issued so far stops working."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def create_admin(username: str, password: str, *, role: str = Role.ADMIN, now: datetime) -> User:
    """Create an admin (or clerk), or reset an existing one's password and role."""
    if not USERNAME_RE.fullmatch(username or ""):
        raise _field_error("username", "用户名须为 3–32 位字母、数字或下划线。")
    check_staff_password(password, username)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        user = User(username=username, display_name=username, created_at=now)
        db.session.add(user)
    user.role = role
    user.password_hash = passwords.hash_password(password)
    if user.id is not None:
        end_sessions(user)  # a reset password also ends the sessions the old one opened
    db.session.flush()
    return user
