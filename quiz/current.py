"""The running app's runtime, and the moment and calendar day by its clock, for views, pages
and commands (they run inside the app). Services never use this module: they take `now` as an
argument and the runtime from their session (`quiz.runtime`)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from quiz.clock import local_day
from quiz.runtime import runtime_of


def runtime():
    """The app's `quiz.services.running.Runtime`."""
    return runtime_of(current_app)


def now() -> datetime:
    """The current instant (aware, UTC) from the app's clock."""
    return runtime().clock.now()


def zone() -> ZoneInfo:
    """The service's time zone, from the app's rulebook."""
    return runtime().rules.tz


def today() -> date:
    return local_day(now(), zone())
