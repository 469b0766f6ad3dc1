"""Fair play: the suspects report and account holds."""

from __future__ import annotations

from marshmallow import Schema, fields

from quiz.schemas.common import page_schema, sane_day
from quiz.schemas.text import Text


class SuspectArgs(Schema):
    from_ = fields.Date(
        data_key="from",
        load_default=None,
        validate=sane_day,
        metadata={"description": "first local day (default: six days before `to`)"},
    )
    to = fields.Date(
        load_default=None,
        validate=sane_day,
        metadata={"description": "last local day, inclusive (default: today)"},
    )


class SuspectRow(Schema):
    user_id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    reasons = fields.List(
        fields.String(),
        metadata={
            "description": "many_accounts_from_address, answers_at_floor, "
            "family_from_reporter_address, perfect_week_fast"
        },
    )
    answers = fields.Integer()
    too_fast = fields.Integer()
    registered_ip_accounts = fields.Integer()
    redemptions_pending = fields.Integer()
    on_hold = fields.Boolean()
    held_at = fields.DateTime(allow_none=True)
    hold_memo = fields.String(allow_none=True)


class SuspectsOut(Schema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    reasons = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.List(fields.Nested(SuspectRow))


class HoldIn(Schema):
    memo = Text(required=True, max_length=255)


class HoldEventOut(Schema):
    action = fields.String()
    memo = fields.String()
    actor_id = fields.Integer()
    created_at = fields.DateTime()


class HeldUserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    balance = fields.Integer()
    on_hold = fields.Boolean()
    held_at = fields.DateTime(allow_none=True)
    held_by = fields.Integer(allow_none=True)
    hold_memo = fields.String(allow_none=True)
    holds = fields.List(fields.Nested(HoldEventOut))


HeldListOut = page_schema(HeldUserOut)
