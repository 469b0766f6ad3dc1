"""Account schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class RegisterIn(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=32))
    district = fields.String(load_default=None, allow_none=True)
    invite_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))


class SsoIn(Schema):
    token = fields.String(required=True, validate=validate.Length(max=4096))


class ProfileIn(Schema):
    display_name = fields.String(validate=validate.Length(min=1, max=32))
    district = fields.String(allow_none=True)


class TeamRef(Schema):
    id = fields.Integer()
    name = fields.String()


class ProgressItem(Schema):
    task = fields.String()
    current = fields.Integer()
    max = fields.Integer(allow_none=True)


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    district = fields.String(allow_none=True)
    team = fields.Nested(TeamRef, allow_none=True)
    balance = fields.Integer()
    streak = fields.Integer()
    invite_code = fields.String(allow_none=True)
