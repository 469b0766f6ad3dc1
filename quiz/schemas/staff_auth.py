"""Staff second factor: enrolment, codes and the session's state."""

from __future__ import annotations

from marshmallow import Schema, fields

from quiz.schemas.text import Text


class CodeIn(Schema):
    code = Text(required=True, max_length=32)


class EnrolmentOut(Schema):
    secret = fields.String()
    uri = fields.String()
    qr_png = fields.String(metadata={"description": "data:image/png;base64 URL of the QR"})


class RecoveryCodesOut(Schema):
    recovery_codes = fields.List(fields.String(), metadata={"description": "shown this once"})


class SecondFactorOut(Schema):
    policy = fields.String()
    enrolled = fields.Boolean()
    satisfied = fields.Boolean()
