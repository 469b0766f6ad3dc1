"""Personal information: the privacy notice, consents, erasure."""

from __future__ import annotations

from marshmallow import Schema, fields

from quiz.schemas.account import Password
from quiz.schemas.text import Text


class NoticeOut(Schema):
    version = fields.String(metadata={"description": "QUIZ_PRIVACY_VERSION"})
    url = fields.String(metadata={"description": "the readable notice (个人信息处理规则)"})


class ConsentIn(Schema):
    version = Text(required=True, max_length=32)


class EraseIn(Schema):
    password = Password(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "required for password accounts"},
    )


class GuardianConsentIn(Schema):
    version = Text(
        load_default=None,
        allow_none=True,
        max_length=32,
        metadata={"description": "the notice version the guardian read (default: current)"},
    )


class GuardianStatusOut(Schema):
    child_id = fields.Integer()
    child_name = fields.String()
    consented = fields.Boolean()
    source = fields.String(allow_none=True)
    granted_at = fields.DateTime(allow_none=True)
    notice_version = fields.String(allow_none=True)
    by_me = fields.Boolean()


class GuardianConsentOut(Schema):
    id = fields.Integer()
    source = fields.String()
    guardian_id = fields.Integer(allow_none=True)
    guardian_name = fields.String(allow_none=True)
    recorded_by = fields.Integer(allow_none=True)
    notice_version = fields.String()
    granted_at = fields.DateTime()
