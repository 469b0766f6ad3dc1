"""Leaderboard, team and family schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.schemas.account import UserOut
from quiz.schemas.common import PageArgs, page_schema, sane_day
from quiz.schemas.text import Text
from quiz.services.leaderboards import PERIODS

_START = {
    "description": "first day of a past period (a Monday for weeks, the 1st for months): "
    "its final standings; absent: the current period"
}


class BoardArgs(Schema):
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    start = fields.Date(load_default=None, validate=sane_day, metadata=_START)


class AroundArgs(Schema):
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS))
    radius = fields.Integer(load_default=5, validate=validate.Range(min=0, max=50))
    start = fields.Date(load_default=None, validate=sane_day, metadata=_START)


class BoardEntry(Schema):
    rank = fields.Integer()
    id = fields.Raw(metadata={"description": "user or team id (integer); the district's name"})
    name = fields.String()
    score = fields.Integer()


class MyRank(Schema):
    rank = fields.Integer()
    score = fields.Integer()


class BoardOut(Schema):
    board = fields.String()
    period = fields.String()
    start = fields.Date(
        allow_none=True, metadata={"description": "first day of the period; null for all"}
    )
    entries = fields.List(fields.Nested(BoardEntry))
    me = fields.Nested(MyRank, allow_none=True)


class JoinTeamIn(Schema):
    join_code = Text(required=True, min_length=1, max_length=32)


class TeamIn(Schema):
    name = Text(required=True, min_length=1, max_length=64)
    district = Text(load_default=None, allow_none=True, max_length=32)


class TeamOut(Schema):
    id = fields.Integer()
    name = fields.String()
    district = fields.String(allow_none=True)
    join_code = fields.String()
    members = fields.Integer(dump_default=None, allow_none=True)
    created_at = fields.DateTime()


TeamPage = page_schema(TeamOut)


class TeamListArgs(PageArgs):
    pass


class FamilyMember(Schema):
    id = fields.Integer()
    display_name = fields.String()
    joined_at = fields.DateTime()
    completed_today = fields.Boolean()
    days_this_week = fields.Integer()
    days_total = fields.Integer()
    last_completed = fields.Date(allow_none=True)
    points_earned = fields.Integer()


class FamilyOut(Schema):
    invite_code = fields.String(allow_none=True)
    max_members = fields.Integer()
    completed_today = fields.Integer()
    members = fields.List(fields.Nested(FamilyMember))


class UserAdminIn(Schema):
    show_full_name = fields.Boolean(
        required=True,
        metadata={"description": "true: record the guardian's paper consent form; false: withdraw"},
    )
    guardian_name = Text(load_default=None, allow_none=True, max_length=64)


class AdminUserOut(UserOut):
    show_full_name = fields.Boolean(metadata={"description": "a guardian's consent is recorded"})
    family_reporter_id = fields.Integer(allow_none=True)
