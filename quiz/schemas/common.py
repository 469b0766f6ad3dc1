"""Schemas shared by every resource: pagination and problems."""

from __future__ import annotations

import base64
import binascii
import json

from marshmallow import Schema, fields, validate

from quiz.errors import ValidationFailed


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None)


def encode_cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    """The opaque cursor back to its value; a mangled cursor is a 422, not a 500."""
    if not cursor:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise ValidationFailed(
            "分页游标无效。", errors=[{"field": "cursor", "message": "无效的游标"}]
        ) from exc


def page_of(items: list, limit: int, cursor_of) -> tuple[list, str | None]:
    """Given limit+1 fetched rows, the page and the cursor for the next one (None at the end)."""
    if len(items) > limit:
        items = items[:limit]
        return items, encode_cursor(cursor_of(items[-1]))
    return items, None


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    code = fields.String()
    detail = fields.String()
    errors = fields.List(fields.Dict())
