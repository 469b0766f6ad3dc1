"""Recognition schemas: weekly stars, certificates, participation targets."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.schemas.board import BoardEntry, MyRank
from quiz.schemas.common import PageArgs, sane_day

_WEEK = {"description": "the Monday of a past week; absent: last week"}


class WeeklyStarsArgs(Schema):
    start = fields.Date(load_default=None, validate=sane_day, metadata=_WEEK)


class WinnersArgs(WeeklyStarsArgs):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class MyStarRanks(Schema):
    citizens = fields.Nested(MyRank, allow_none=True)
    reporters = fields.Nested(MyRank, allow_none=True)


class WeeklyStarsOut(Schema):
    start = fields.Date(metadata={"description": "the week's Monday"})
    end = fields.Date(metadata={"description": "the week's Sunday"})
    citizens = fields.List(fields.Nested(BoardEntry), metadata={"description": "top 10"})
    reporters = fields.List(fields.Nested(BoardEntry), metadata={"description": "top 10"})
    me = fields.Nested(
        MyStarRanks,
        allow_none=True,
        metadata={"description": "the caller's place on each board that week (null: unranked)"},
    )


class CertificateOut(Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "perfect_week | campaign"})
    title = fields.String()
    achieved_on = fields.Date()
    issued_at = fields.DateTime()
    download_url = fields.Method("_download", metadata={"description": "the PNG"})
    verify_url = fields.Method("_verify", metadata={"description": "the public check page"})

    def _download(self, cert) -> str:
        return f"/api/v1/me/certificates/{cert.code}.png"

    def _verify(self, cert) -> str:
        return f"/verify/{cert.code}"


class CertificatePageArgs(PageArgs):
    pass


class CertificatePage(Schema):
    items = fields.List(fields.Nested(CertificateOut))
    next_cursor = fields.String(allow_none=True)


class VerifiedOut(Schema):
    genuine = fields.Constant(True)
    code = fields.String()
    name = fields.String(metadata={"description": "as public boards show it (minors masked)"})
    kind = fields.String()
    title = fields.String()
    achieved_on = fields.Date()
    issued_at = fields.DateTime()


class TargetIn(Schema):
    target = fields.Integer(
        required=True,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=10_000_000),
        metadata={"description": "headcount; null clears the target"},
    )


class TargetOut(Schema):
    by = fields.String()
    key = fields.String(metadata={"description": "district name, or team id"})
    name = fields.String()
    target = fields.Integer(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class ParticipationArgs(Schema):
    from_ = fields.Date(data_key="from", load_default=None, validate=sane_day)
    to = fields.Date(load_default=None, validate=sane_day)
    by = fields.String(
        load_default="day",
        validate=validate.OneOf(["day", "district", "team"]),
        metadata={"description": "day: per day; district/team: against targets"},
    )
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class ParticipationRow(Schema):
    """A day's row (by=day: date, participants, completed, answers) or a district's or team's
    (key, name, participants, members, target, rate)."""

    date = fields.String(metadata={"format": "date"})
    completed = fields.Integer()
    answers = fields.Integer()
    key = fields.String(metadata={"description": "district name, or team id"})
    name = fields.String()
    participants = fields.Integer()
    members = fields.Integer()
    target = fields.Integer(allow_none=True)
    rate = fields.Float(allow_none=True, metadata={"description": "participants / target"})


class ParticipationOut(Schema):
    by = fields.String()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    rows = fields.List(fields.Nested(ParticipationRow))
