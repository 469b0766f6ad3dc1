"""What keeps players coming back: the 签到日历, the reminder opt-in (read by the news app's
reminder feed, built with the partner API), the badge for replies to a player's 纠错, and
忘记密码 through a reset code an admin issues at the counter.

Plain values in, plain values out; flush, never commit; the clock is a parameter."""

from __future__ import annotations

import calendar as month_calendar
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from quiz.errors import InvalidResetCode, UnknownUser, ValidationFailed
from quiz.extensions import db
from quiz.models import QuestionReport, QuizDay, User
from quiz.models.players import PasswordResetCode, PlayerSettings
from quiz.services import passwords
from quiz.services.accounts import end_sessions

TIME_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
DEFAULT_REMINDER_TIME = "20:00"
# Letters and digits a person reads out without confusion (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


# ------------------------------------------------------------------ 签到日历
@dataclass(frozen=True)
class CalendarDay:
    date: date
    status: str  # perfect | completed | partial | missed | future
    points: int


def parse_month(value: str | None, today: date) -> date:
    """ "2026-11" → 2026-11-01; None → this month."""
    if value is None:
        return today.replace(day=1)
    match = MONTH_RE.fullmatch(value)
    if not match:
        raise ValidationFailed(
            "月份格式应为 YYYY-MM。", errors=[{"field": "month", "message": "格式应为 YYYY-MM"}]
        )
    return date(int(match[1]), int(match[2]), 1)


def month_days(user_id: int, first: date, today: date) -> list[CalendarDay]:
    """Every day of the month `first` starts: perfect (all right), completed, partial (started,
    not finished — today's unfinished day too), missed (a past day without an answer) or future."""
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    rows = db.session.execute(
        select(QuizDay.day, QuizDay.total, QuizDay.answered, QuizDay.correct, QuizDay.points).where(
            QuizDay.user_id == user_id, QuizDay.day >= first, QuizDay.day <= last
        )
    ).all()
    by_day = {r.day: r for r in rows}
    out = []
    day = first
    while day <= last:
        row = by_day.get(day)
        if row is not None and row.total and row.answered >= row.total:
            status = "perfect" if row.correct >= row.total else "completed"
        elif row is not None and row.answered:
            status = "partial"
        elif day >= today:  # today is not missed while it lasts
            status = "future"
        else:
            status = "missed"
        out.append(CalendarDay(day, status, row.points if row is not None else 0))
        day += timedelta(days=1)
    return out


# ------------------------------------------------------------------ reminders
@dataclass(frozen=True)
class Reminder:
    enabled: bool
    time: str


def _settings(user_id: int, now: datetime) -> PlayerSettings:
    row = db.session.get(PlayerSettings, user_id)
    if row is None:
        row = PlayerSettings(user_id=user_id, reminder_enabled=False, updated_at=now)
        db.session.add(row)
    return row


def reminder_of(user_id: int) -> Reminder:
    row = db.session.get(PlayerSettings, user_id)
    if row is None:
        return Reminder(False, DEFAULT_REMINDER_TIME)
    return Reminder(row.reminder_enabled, row.reminder_time or DEFAULT_REMINDER_TIME)


def set_reminder(user_id: int, *, enabled: bool, time: str, latest: str, now: datetime) -> Reminder:
    """Opt in or out of the daily reminder at `time` ("HH:MM", service time, ≤ `latest`).
    The news app's reminder feed reads these rows (enabled, time ≤ until, day not completed)."""
    if not TIME_RE.fullmatch(time or ""):
        raise ValidationFailed(
            "提醒时间格式应为 HH:MM。", errors=[{"field": "time", "message": "格式应为 HH:MM"}]
        )
    if time > latest:
        raise ValidationFailed(
            f"提醒时间不能晚于 {latest}。",
            errors=[{"field": "time", "message": f"不能晚于 {latest}"}],
        )
    row = _settings(user_id, now)
    row.reminder_enabled = bool(enabled)
    row.reminder_time = time
    row.updated_at = now
    db.session.flush()
    return Reminder(row.reminder_enabled, row.reminder_time)


def reminder_uids(day: date, until: str) -> list[str]:
    """The news app's reminder feed: the SSO uids of players who opted in, whose reminder time is
    ≤ `until` ("HH:MM", compared as text: the shape sorts like times) and who have not completed
    `day`. Password accounts have no uid the news app knows, so they are never in it."""
    done = select(QuizDay.user_id).where(QuizDay.day == day, QuizDay.completed_at.is_not(None))
    rows = db.session.scalars(
        select(User.sso_uid)
        .join(PlayerSettings, PlayerSettings.user_id == User.id)
        .where(
            PlayerSettings.reminder_enabled.is_(True),
            PlayerSettings.reminder_time <= until,
            User.sso_uid.is_not(None),
            User.erased_at.is_(None),
            User.id.not_in(done),
        )
        .order_by(User.sso_uid)
    )
    return list(rows)


# ------------------------------------------------------------------ the 纠错 reply badge
def unread_replies(user_id: int) -> int:
    """The user's 纠错 resolved (with the admin's reply) since they last read them."""
    seen = db.session.scalar(
        select(PlayerSettings.reports_seen_at).where(PlayerSettings.user_id == user_id)
    )
    query = select(func.count()).where(
        QuestionReport.user_id == user_id, QuestionReport.status == "resolved"
    )
    if seen is not None:
        query = query.where(QuestionReport.resolved_at > seen)
    return db.session.scalar(query) or 0


def mark_replies_read(user_id: int, now: datetime) -> None:
    row = _settings(user_id, now)
    row.reports_seen_at = now
    row.updated_at = now
    db.session.flush()


# ------------------------------------------------------------------ 忘记密码
def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    username: str
    display_name: str
    code: str
    expires_at: datetime


def issue_reset_code(username: str, *, issued_by: int, now: datetime, minutes: int) -> IssuedCode:
    """An admin, having checked who asks (in person or on the phone), issues a one-time code;
    any earlier unused code of that user stops working. Only password accounts have one."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or user.password_hash is None:
        raise UnknownUser("没有这个用户名的密码账号。")
    for old in db.session.scalars(
        select(PasswordResetCode).where(
            PasswordResetCode.user_id == user.id, PasswordResetCode.used_at.is_(None)
        )
    ):
        old.used_at = now
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + timedelta(minutes=minutes)
    db.session.add(
        PasswordResetCode(
            user_id=user.id,
            code_hash=_digest(code),
            issued_by=issued_by,
            created_at=now,
            expires_at=expires,
        )
    )
    db.session.flush()
    return IssuedCode(user.username, user.display_name, f"{code[:4]}-{code[4:]}", expires)


def reset_password(username: str, code: str, new_password: str, *, now: datetime) -> None:
    """Set a new password with a reset code: once, before it expires, for its own user only.
    Every session of the user ends (as with any password reset)."""
    if len(new_password) < 8:
        raise ValidationFailed(
            "密码至少 8 位。", errors=[{"field": "new_password", "message": "至少 8 位"}]
        )
    row = db.session.scalar(
        select(PasswordResetCode).where(PasswordResetCode.code_hash == _digest(code or ""))
    )
    user = db.session.get(User, row.user_id) if row is not None else None
    if (
        row is None
        or user is None
        or user.username.lower() != (username or "").lower()
        or row.used_at is not None
        or row.expires_at <= now
    ):
        raise InvalidResetCode("重置码无效或已过期，请到兑换点或联系管理员重新获取。")
    row.used_at = now
    user.password_hash = passwords.hash_password(new_password)
    end_sessions(user)
