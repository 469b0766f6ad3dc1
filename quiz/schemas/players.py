"""签到日历, reminders, the 纠错 reply badge and 忘记密码."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.schemas.account import Password
from quiz.schemas.text import Text


class CalendarArgs(Schema):
    month = fields.String(
        load_default=None, metadata={"example": "2026-11", "pattern": r"^\d{4}-\d{2}$"}
    )


class CalendarDayOut(Schema):
    date = fields.Date()
    status = fields.String(
        metadata={"enum": ["perfect", "completed", "partial", "missed", "future"]}
    )
    points = fields.Integer()


class CalendarOut(Schema):
    month = fields.String()
    days = fields.List(fields.Nested(CalendarDayOut))
    streak = fields.Integer()


class ReminderIn(Schema):
    enabled = fields.Boolean(required=True)
    time = fields.String(
        required=True, validate=validate.Length(equal=5), metadata={"example": "20:00"}
    )


class ReminderOut(Schema):
    enabled = fields.Boolean()
    time = fields.String()


class BadgesOut(Schema):
    report_replies = fields.Integer(metadata={"description": "replies to my 纠错 not read yet"})


class ResetCodeIn(Schema):
    username = Text(required=True, min_length=1, max_length=64)


class ResetCodeOut(Schema):
    username = fields.String()
    display_name = fields.String()
    code = fields.String()
    expires_at = fields.DateTime()


class PasswordResetIn(Schema):
    username = Text(required=True, min_length=1, max_length=64)
    code = Text(required=True, min_length=1, max_length=32)
    new_password = Password(required=True, load_only=True)
