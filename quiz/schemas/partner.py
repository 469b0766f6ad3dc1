"""Partner points API schemas: the partner's own routes and the admin's."""

from __future__ import annotations

import ipaddress
import re

from marshmallow import Schema, ValidationError, fields, validate

from quiz.current import zone
from quiz.models.partner import PARTNER_SCOPES
from quiz.schemas.common import PageArgs, page_schema, sane_day
from quiz.schemas.text import Text
from quiz.text import text_problem

MAX_POINTS = 10_000_000


def _printable_id(value: str) -> None:
    """order_id / refund_id: 1–64 printable characters (API.md)."""
    if not 1 <= len(value) <= 64 or not value.isprintable() or not value.strip():
        raise ValidationError("1–64 个可见字符")


def check_uid(value: str) -> None:
    """The news app's uid, as SSO sign-in accepts it: 1–64 characters, no control characters."""
    if not 1 <= len(value) <= 64:
        raise ValidationError("1–64 个字符")
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem)


class DebitIn(Schema):
    uid = fields.String(required=True, validate=check_uid)
    points = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_POINTS)
    )
    order_id = fields.String(required=True, validate=_printable_id)
    memo = Text(load_default=None, allow_none=True, max_length=128)


class DebitOut(Schema):
    debit_id = fields.Integer()
    uid = fields.String()
    points = fields.Integer()
    balance = fields.Integer()
    order_id = fields.String()
    created_at = fields.Method("_created_at", metadata={"type": "string"})

    def _created_at(self, debited) -> str:
        return debited.created_at.astimezone(zone()).isoformat()


class RefundIn(Schema):
    points = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_POINTS)
    )
    refund_id = fields.String(required=True, validate=_printable_id)


class RefundOut(Schema):
    refund_id = fields.String()
    debit_id = fields.Integer()
    points = fields.Integer()
    balance = fields.Integer()


def _clock_time(value: str) -> None:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValidationError("格式应为 HH:MM")


class RemindersArgs(Schema):
    """`date` defaults to today; `until` to now's time on today, to 23:59 on any other day."""

    date = fields.Date(load_default=None, validate=sane_day)
    until = fields.String(load_default=None, validate=_clock_time)


class RemindersOut(Schema):
    date = fields.Date()
    uids = fields.List(fields.String())


class BalanceOut(Schema):
    uid = fields.String()
    balance = fields.Integer()


class StatementArgs(Schema):
    date = fields.Date(required=True, validate=sane_day)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class StatementDebitOut(Schema):
    debit_id = fields.Integer()
    uid = fields.String()
    points = fields.Integer()
    order_id = fields.String()
    created_at = fields.String()


class StatementRefundOut(Schema):
    refund_id = fields.String()
    debit_id = fields.Integer()
    points = fields.Integer()
    created_at = fields.String()


class StatementTotalsOut(Schema):
    debited = fields.Integer()
    refunded = fields.Integer()
    debits = fields.Integer()
    refunds = fields.Integer()


class StatementOut(Schema):
    date = fields.String()
    partner = fields.String()
    debits = fields.List(fields.Nested(StatementDebitOut))
    refunds = fields.List(fields.Nested(StatementRefundOut))
    totals = fields.Nested(StatementTotalsOut)


# ---------------------------------------------------------------- admin


def _cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValidationError("不是有效的地址或网段（CIDR）") from exc


class PartnerIn(Schema):
    name = Text(required=True, min_length=1, max_length=64)
    scopes = fields.List(
        fields.String(validate=validate.OneOf(PARTNER_SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(PARTNER_SCOPES)),
    )
    allowed_ips = fields.List(
        fields.String(validate=[validate.Length(max=64), _cidr]),
        load_default=list,
        validate=validate.Length(max=64),
    )
    daily_debit_limit = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1)
    )
    requests_per_minute = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1, max=100_000)
    )


class PartnerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    scopes = fields.List(fields.String())
    status = fields.String()
    allowed_ips = fields.List(fields.String())
    daily_debit_limit = fields.Integer(allow_none=True)
    requests_per_minute = fields.Integer()
    created_at = fields.DateTime()
    previous_valid_until = fields.DateTime(allow_none=True)


PartnerPage = page_schema(PartnerOut)


class IssuedOut(Schema):
    """The only answer that carries the secret."""

    id = fields.Integer(attribute="partner.id")
    name = fields.String(attribute="partner.name")
    scopes = fields.List(fields.String(), attribute="partner.scopes")
    status = fields.String(attribute="partner.status")
    allowed_ips = fields.List(fields.String(), attribute="partner.allowed_ips")
    daily_debit_limit = fields.Integer(allow_none=True, attribute="partner.daily_debit_limit")
    requests_per_minute = fields.Integer(attribute="partner.requests_per_minute")
    secret = fields.String()


class SecretOut(Schema):
    secret = fields.String()
    previous_valid_until = fields.DateTime(attribute="partner.previous_valid_until")


class PartnerListArgs(PageArgs):
    pass


class ReportArgs(Schema):
    date = fields.Date(load_default=None, validate=sane_day)


class DayReportOut(Schema):
    partner_id = fields.Integer()
    partner = fields.String()
    status = fields.String()
    debits = fields.Integer()
    debited = fields.Integer()
    refunds = fields.Integer()
    refunded = fields.Integer()
    ledger_debited = fields.Integer()
    ledger_refunded = fields.Integer()
    agrees = fields.Boolean()


class PartnerReportOut(Schema):
    date = fields.String()
    rows = fields.List(fields.Nested(DayReportOut))
