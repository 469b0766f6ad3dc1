"""Schemas shared by every resource: pagination and problems."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from quiz.errors import ValidationFailed
from quiz.models.types import MAX_ID
from quiz.schemas.text import Text

# Calendar bounds for any date a client sends: far outside them, date arithmetic overflows.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
sane_day = validate.Range(min=EARLIEST_DAY, max=LATEST_DAY, error="日期须在 2000 年到 2100 年之间")
sane_instant = validate.Range(
    min=datetime(2000, 1, 1, tzinfo=UTC),
    max=datetime(2100, 12, 31, tzinfo=UTC),
    error="时间须在 2000 年到 2100 年之间",
)


def _idempotency_key(value: str) -> None:
    if not 1 <= len(value) <= 128 or not value.strip() or not value.isprintable():
        raise ValidationError("必填，1–128 个可见字符")


class IdempotencyKeyHeader(Schema):
    """The one `Idempotency-Key` rule, for every request a retry must not repeat (a redemption,
    an admin's points adjustment): required, 1–128 printable characters."""

    class Meta:
        unknown = EXCLUDE

    idempotency_key = fields.String(
        required=True,
        data_key="Idempotency-Key",
        validate=_idempotency_key,
        metadata={"description": "A fresh key per intended change; the same key again is a retry."},
    )


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = Text(load_default=None, max_length=512)


def encode_cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("分页游标无效。", errors=[{"field": "cursor", "message": "无效的游标"}])


def decode_cursor(cursor: str | None):
    """The opaque cursor back to its value; a mangled cursor is a 422, not a 500."""
    if not cursor:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as exc:
        raise _bad_cursor() from exc


def read_cursor(cursor: str | None, parse):
    """The one cursor reader: `parse(value)` of the decoded cursor, None without one; a cursor
    that does not decode or that `parse` refuses (ValueError/TypeError) is a 422 on every list."""
    value = decode_cursor(cursor)
    if value is None:
        return None
    try:
        return parse(value)
    except (TypeError, ValueError) as exc:
        raise _bad_cursor() from exc


def _row_id(value) -> int:
    # Every cursor the API issues holds an id an INTEGER column can hold: any other is forged.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        raise ValueError("not a row id")
    return value


def _day(value) -> date:
    if not isinstance(value, str):
        raise TypeError("not a date")
    return date.fromisoformat(value)


def cursor_id(cursor: str | None) -> int | None:
    """The row id a page cursor carries."""
    return read_cursor(cursor, _row_id)


def cursor_day(cursor: str | None) -> date | None:
    """The calendar day a page cursor carries."""
    return read_cursor(cursor, _day)


@dataclass(frozen=True)
class Page:
    """One page of a list: its items and the cursor of the next page (None at the end)."""

    items: list
    next_cursor: str | None


def page_of(rows: list, limit: int, cursor_of) -> Page:
    """Given limit+1 fetched rows, the page and the cursor for the next one."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(cursor_of(rows[-1])))
    return Page(rows, None)


def slice_page(rows: list, offset: int, limit: int) -> Page:
    """A page of a fully read list, by offset (the next page's cursor carries its offset)."""
    more = len(rows) > offset + limit
    return Page(rows[offset : offset + limit], encode_cursor(offset + limit) if more else None)


def page_schema(item: type[Schema]) -> type[Schema]:
    """The one list envelope, `{items, next_cursor}`, around an item schema (a `Page` dumps
    through it). The contract's older lists keep their own names (`days`, `entries`…)."""
    name = item.__name__.removesuffix("Out") + "Page"
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item)),
            "next_cursor": fields.String(allow_none=True),
        },
    )


class ProblemSchema(Schema):
    """Every error, under /api/: application/problem+json (RFC 9457) with a stable `code`."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    code = fields.String()
    detail = fields.String()
    errors = fields.List(
        fields.Dict(),
        metadata={"description": "field errors: [{field | row | column, message}]"},
    )
