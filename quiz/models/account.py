"""Accounts and reporter teams."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.extensions import db
from quiz.models.types import UTCDateTime


class Role(StrEnum):
    """Who an account is. Citizens and reporters (小记者) play; admins and clerks (the prize
    counter) are staff and stay out of the points economy."""

    CITIZEN = "citizen"
    REPORTER = "reporter"
    ADMIN = "admin"
    CLERK = "clerk"
    # Reads the audit trail and changes nothing (三权分立: whoever administers cannot erase it).
    AUDITOR = "auditor"
    # 三审: an editor drafts and imports questions, a reviewer approves or returns them.
    EDITOR = "editor"
    REVIEWER = "reviewer"


ROLES = tuple(r.value for r in Role)
# Staff run the service: they may answer, but earn nothing, rank nowhere and redeem nothing.
STAFF_ROLES = (
    Role.ADMIN.value,
    Role.CLERK.value,
    Role.AUDITOR.value,
    Role.EDITOR.value,
    Role.REVIEWER.value,
)


ERASED_NAME = "已注销用户"


def is_minor(role: str, invite_code: str | None) -> bool:
    """A 小记者 (a child): a reporter, or anyone who ever had a reporter's invite code."""
    return role == Role.REPORTER or invite_code is not None


class Team(db.Model):
    """A reporters' team (usually one school's 小记者站), joined with its join code."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(32))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccountFacts:
    """What every shape of an account answers the same way (the ORM `User` and the request's slim
    signed-in user, `quiz.services.signed_in.SignedIn`)."""

    id: int
    role: str
    session_version: int
    held_at: datetime | None

    def get_id(self) -> str:
        """What the session cookie carries: "<id>:<session_version>" (Flask-Login's alternative id)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def on_hold(self) -> bool:
        return self.held_at is not None


class User(AccountFacts, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_non_negative"),
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN.value, index=True)
    district: Mapped[str | None] = mapped_column(String(32), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    invite_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # 小手拉大手: the reporter who invited this family member.
    family_reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # A guardian's consent is recorded (quiz.models.privacy.GuardianConsent): the minor's full
    # name may show, a named certificate issue and prizes be redeemed. Kept by
    # quiz.services.privacy alone, from the consent rows.
    show_full_name: Mapped[bool] = mapped_column(default=False)
    sso_uid: Mapped[str | None] = mapped_column(String(128), unique=True)
    # Kept by the points ledger only (quiz.services.ledger); Σ entries == balance.
    balance: Mapped[int] = mapped_column(Integer, default=0)
    # Consecutive completed quiz days ending at streak_day (kept by the quiz service).
    streak: Mapped[int] = mapped_column(Integer, default=0)
    streak_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Part of the session cookie (see get_id): raising it ends every session of this user at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Fair play: the client address at registration (cleared after QUIZ_IP_RETENTION_DAYS)…
    registered_ip: Mapped[str | None] = mapped_column(String(45), index=True)
    # …and a hold: while set, new redemptions and voucher hand-overs are refused.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hold_memo: Mapped[str | None] = mapped_column(String(255))
    # 长辈模式 (larger text, no countdowns, read aloud): remembered on every device.
    elder_mode: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Staff second factor (TOTP, RFC 6238): the secret (pending until the first code confirms
    # it), when it was confirmed, and the last 30 s step accepted (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The privacy notice version the user accepted, and when (PIPL 第十四条).
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Erased at the user's request (DELETE /api/v1/me): an anonymous row the books still need.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(lazy="joined", foreign_keys=[team_id])

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


# Usernames are one name whatever their case: "Cr70" and "cr70" cannot both exist, even when
# two registrations race.
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class SsoTokenUse(db.Model):
    """An SSO token's `jti`, kept until the token's `exp` so that each token signs in once."""

    __tablename__ = "sso_token_uses"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginFailureCount(db.Model):
    """Failed sign-ins per key and fixed window, shared by every worker and instance.

    A key is a hash of the username (lowered) with the client address, or of the username alone
    for the higher per-account ceiling. Counted by an atomic upsert (see `login_guard`)."""

    __tablename__ = "login_failure_counts"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    count: Mapped[int] = mapped_column(Integer, default=0)


class AccountHold(db.Model):
    """The audit trail of holds: who held or released an account, when and why."""

    __tablename__ = "account_holds"
    __table_args__ = (CheckConstraint("action IN ('hold', 'release')", name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    memo: Mapped[str] = mapped_column(String(255))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """A staff member's one-time recovery code, kept as a SHA-256 (the code is random and
    long, shown once at enrolment)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
