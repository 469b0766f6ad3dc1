"""Admin: the quiz calendar."""

from __future__ import annotations

from datetime import date, timedelta

from flask_login import current_user
from sqlalchemy import select

from quiz.api.common import Blueprint, admin_required, config, rules
from quiz.clock import local_day
from quiz.current import now
from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models import DailySet
from quiz.schemas.common import EARLIEST_DAY, LATEST_DAY
from quiz.schemas.quiz import DaySetOut, ScheduleIn
from quiz.schemas.quiz_calendar import (
    CategoriesOut,
    FirstDayOut,
    QuizCalendarArgs,
    QuizCalendarOut,
)
from quiz.services import draw, quiz_calendar

blp = Blueprint(
    "admin_quiz", __name__, url_prefix="/api/v1/admin/quiz", description="Admin: quiz calendar"
)


def _parse_day(raw: str) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "日期格式应为 YYYY-MM-DD。", errors=[{"field": "date", "message": "无效日期"}]
        ) from exc
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationFailed(
            "日期须在 2000 年到 2100 年之间。",
            errors=[{"field": "date", "message": "日期超出范围"}],
        )
    return day


@blp.route("/schedule/<string:day>", methods=["PUT"])
@admin_required
@blp.arguments(ScheduleIn)
@blp.response(200, DaySetOut)
def put_schedule(body, day):
    """Fix a future day's questions (today and past days are locked)."""
    r = rules()
    day_set = draw.schedule(
        _parse_day(day), body["question_ids"], r, admin_id=current_user.id, now=now()
    )
    return draw.scheduled_plan(day_set, r)


@blp.route("/schedule/<string:day>", methods=["GET"])
@admin_required
@blp.response(200, DaySetOut)
def get_schedule(day):
    """A day's set with answers (today's is drawn now if nobody has drawn it yet)."""
    at, r = now(), rules()
    wanted = _parse_day(day)
    found = db.session.scalar(select(DailySet).where(DailySet.day == wanted))
    if found is None and wanted == local_day(at, r.tz):
        found = draw.daily_set(wanted, r, now=at)
    return draw.plan_of(found, wanted)


@blp.route("/schedule", methods=["GET"])
@admin_required
@blp.response(200, DaySetOut(many=True))
def upcoming():
    """Sets already fixed for today and the next 30 days."""
    today = local_day(now(), rules().tz)
    rows = db.session.scalars(
        select(DailySet)
        .where(DailySet.day >= today, DailySet.day <= today + timedelta(days=30))
        .order_by(DailySet.day)
    )
    return [draw.plan_of(row, row.day) for row in rows]


@blp.route("/schedule/<string:day>", methods=["DELETE"])
@admin_required
@blp.response(204)
@blp.alt_response(404, description="`not_found`: the day has no schedule to take back")
@blp.alt_response(409, description="`schedule_locked`: today and past days")
def delete_schedule(day):
    """Take back a future day's schedule: the day is drawn like any other."""
    quiz_calendar.unschedule(_parse_day(day), today=local_day(now(), rules().tz))


@blp.route("/calendar", methods=["GET"])
@admin_required
@blp.arguments(QuizCalendarArgs, location="query")
@blp.response(200, QuizCalendarOut)
def calendar(args):
    """A month of days (default this month): each day's set, whether an admin scheduled it,
    and `short` where a schedule holds fewer than QUIZ_DAILY_COUNT questions."""
    today = local_day(now(), rules().tz)
    first = date.fromisoformat(args["month"] + "-01") if args["month"] else today.replace(day=1)
    count = config("QUIZ_DAILY_COUNT")
    return {
        "month": first.strftime("%Y-%m"),
        "daily_count": count,
        "days": quiz_calendar.month_plan(first, today=today, daily_count=count),
    }


@blp.route("/categories", methods=["GET"])
@admin_required
@blp.response(200, CategoriesOut)
def categories():
    """The bank's categories with their question counts (all, and active)."""
    return {"items": quiz_calendar.category_counts()}


@blp.route("/first-day", methods=["GET"])
@admin_required
@blp.response(200, FirstDayOut)
def first_day():
    """The day the quiz was first served (the launch): 每周之星 lists no week before it."""
    return {"date": quiz_calendar.first_day()}
