"""The injectable clock and the service's calendar day.

Rules take `now` as an argument; views read it from the runtime's clock (`quiz.current.now`) so a
test can live through a week in a second by swapping in a FrozenClock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stays where it is put; `advance` and `set` move it."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **kwargs) -> None:
        self.at = self.at + timedelta(**kwargs)


def local_day(at: datetime, tz: ZoneInfo) -> date:
    """The calendar day an instant belongs to in the service's time zone."""
    return at.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as aware UTC instants."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


class ShiftedClock:
    """Real time moved to start at `at` (QUIZ_FAKE_NOW): it keeps ticking from there, so a person
    can try tomorrow's quiz, a week's streak or a campaign's end on `make run` without faketime
    (which gunicorn's sleeping workers do not survive). Never in production (config refuses it)."""

    def __init__(self, at: datetime):
        self.offset = at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def parse_fake_now(value: str) -> ShiftedClock:
    """ "2026-12-08T09:00" (the service's zone is not known yet: a bare time is read as +08:00)
    or any ISO 8601 instant with an offset."""
    at = datetime.fromisoformat(value.strip())
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return ShiftedClock(at.astimezone(UTC))
