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
from quiz.models import STAFF_ROLES, QuizDay, User
from quiz.models.account import Role


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
class SignedIn:
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
    day: date  # the day `today` was read for
    today: DayRow | None  # the user's row of `day`, None before their first fetch

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie carries (as `User.get_id`)."""
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

    def today_of(self, day: date) -> DayRow | None:
        """The user's row of `day` if it was read with the user (else None: read it)."""
        return self.today if self.day == day else None


_USER_COLUMNS = (
    User.id,
    User.username,
    User.display_name,
    User.role,
    User.district,
    User.team_id,
    User.family_reporter_id,
    User.balance,
    User.streak,
    User.streak_day,
    User.session_version,
    User.show_full_name,
    User.elder_mode,
    User.held_at,
    User.invite_code,
)
_DAY_COLUMNS = (
    QuizDay.id.label("day_row"),
    QuizDay.answered,
    QuizDay.total,
    QuizDay.correct,
    QuizDay.too_fast,
    QuizDay.points,
    QuizDay.first_seen_at,
    QuizDay.last_answer_at,
    QuizDay.completed_at,
)
_LOAD = (
    select(*_USER_COLUMNS, *_DAY_COLUMNS)
    .outerjoin(QuizDay, and_(QuizDay.user_id == User.id, QuizDay.day == bindparam("day")))
    .where(User.id == bindparam("user_id"), User.session_version == bindparam("version"))
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
    return SignedIn(**{c.key: getattr(row, c.key) for c in _USER_COLUMNS}, day=day, today=today)
