"""The audit trail as the auditor reads it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.schemas.common import PageArgs, page_schema, sane_day
from quiz.schemas.text import Text


class AuditArgs(PageArgs):
    actor = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    action = Text(load_default=None, max_length=64)
    target = Text(load_default=None, max_length=128)
    from_ = fields.Date(data_key="from", load_default=None, validate=sane_day)
    to = fields.Date(load_default=None, validate=sane_day)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_role = fields.String(allow_none=True)
    action = fields.String()
    target = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


AuditPageOut = page_schema(AuditEntryOut)
