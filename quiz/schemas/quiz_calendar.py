"""The console's quiz calendar: a month of days with their sets, and the bank's categories."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields

from quiz.schemas.common import EARLIEST_DAY, LATEST_DAY


def _month(value: str) -> None:
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", value)
    if not match or not EARLIEST_DAY.year <= int(match[1]) <= LATEST_DAY.year:
        raise ValidationError("格式应为 YYYY-MM（2000–2100 年）")


class QuizCalendarArgs(Schema):
    month = fields.String(load_default=None, validate=_month, metadata={"example": "2026-11"})


class CalendarQuestionOut(Schema):
    id = fields.Integer()
    stem = fields.String()
    active = fields.Boolean()


class PlannedDayOut(Schema):
    date = fields.Date()
    status = fields.String(
        metadata={
            "description": "scheduled (by an admin), drawn (by the service), auto (a future day "
            "left to the draw), none (a past day without a set)"
        }
    )
    questions = fields.List(fields.Nested(CalendarQuestionOut))
    short = fields.Boolean(
        metadata={"description": "scheduled with fewer questions than QUIZ_DAILY_COUNT"}
    )


class QuizCalendarOut(Schema):
    month = fields.String()
    daily_count = fields.Integer()
    days = fields.List(fields.Nested(PlannedDayOut))


class CategoryCountOut(Schema):
    name = fields.String()
    questions = fields.Integer()
    active = fields.Integer()


class CategoriesOut(Schema):
    items = fields.List(fields.Nested(CategoryCountOut))


class FirstDayOut(Schema):
    date = fields.Date(allow_none=True, metadata={"description": "null: never served yet"})
