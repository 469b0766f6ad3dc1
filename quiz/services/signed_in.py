"""The signed-in user as a request sees it: one Core select, a frozen value.

Flask-Login's `user_loader` returns a `SignedIn` instead of an ORM `User`: the columns the
views and the answering paths read, plus the user's row of the day (`QuizDay`) for the day the
request runs on, from one `users LEFT JOIN quiz_days` statement. So checking the session's
version costs nothing extra, and a `GET today` after the first fetch needs no other query for
the user. Whatever changes the account (a profile, a team, a password) loads the ORM `User`
itself; points change only through the ledger, which returns the new balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, select

from quiz.extensions import db
from quiz.models import QuizDay, User
from quiz.models.account import AccountFacts


@dataclass(frozen=True)
class DayRow:
    """A user's row of the day, as read with the user (no lock)."""

    answered: int
    total: int
    correct: int
    too_fast: int
    points: int
    first_seen_at: datetime | None
    last_answer_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class SignedIn(AccountFacts):
    id: int
    username: str
    display_name: str
    role: str
    district: str | None
    team_id: int | None
    family_reporter_id: int | None
    balance: int
    streak: int
    streak_day: date | None
    session_version: int
    show_full_name: bool
    elder_mode: bool
    held_at: datetime | None
    invite_code: str | None
    totp_enabled_at: datetime | None  # staff: the second factor is on
    day: date  # the day `today` was read for
    today: DayRow | None  # the user's row of `day`, None before their first fetch

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def today_of(self, day: date) -> DayRow | None:
        """The user's row of `day` if it was read with the user (else None: read it)."""
        return self.today if self.day == day else None


# Core columns of the tables (not the ORM entities): the select runs without the ORM's
# compile and result layers, the cheapest statement SQLAlchemy can send.
_users, _days = User.__table__.c, QuizDay.__table__.c
_USER_COLUMNS = (
    _users.id,
    _users.username,
    _users.display_name,
    _users.role,
    _users.district,
    _users.team_id,
    _users.family_reporter_id,
    _users.balance,
    _users.streak,
    _users.streak_day,
    _users.session_version,
    _users.show_full_name,
    _users.elder_mode,
    _users.held_at,
    _users.invite_code,
    _users.totp_enabled_at,
)
_DAY_COLUMNS = (
    _days.id.label("day_row"),
    _days.answered,
    _days.total,
    _days.correct,
    _days.too_fast,
    _days.points,
    _days.first_seen_at,
    _days.last_answer_at,
    _days.completed_at,
)
_LOAD = (
    select(*_USER_COLUMNS, *_DAY_COLUMNS)
    .select_from(User.__table__)
    .outerjoin(QuizDay.__table__, and_(_days.user_id == _users.id, _days.day == bindparam("day")))
    .where(_users.id == bindparam("user_id"), _users.session_version == bindparam("version"))
)


def load(user_id: int, session_version: int, day: date) -> SignedIn | None:
    """The user of a session cookie, None when the account is gone or the session was ended
    (a logout or password reset raised the version)."""
    row = db.session.execute(
        _LOAD, {"user_id": user_id, "version": session_version, "day": day}
    ).first()
    if row is None:
        return None
    today = (
        DayRow(
            row.answered,
            row.total,
            row.correct,
            row.too_fast,
            row.points,
            row.first_seen_at,
            row.last_answer_at,
            row.completed_at,
        )
        if row.day_row is not None
        else None
    )
    return SignedIn(**{c.name: getattr(row, c.name) for c in _USER_COLUMNS}, day=day, today=today)
