"""Campaign (专项答题) schemas."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from quiz.current import zone
from quiz.models.types import MAX_ID
from quiz.schemas.common import sane_instant
from quiz.schemas.quiz import AnswerResultOut, QuestionOut
from quiz.schemas.text import Text

_COUNT = validate.Range(min=1, max=10_000)


class LocalDateTime(fields.DateTime):
    """ISO 8601 in, with or without an offset (naive values are read in the service's time
    zone by the service); out always with the service's local offset."""

    def _serialize(self, value, attr, obj, **kwargs):

        return None if value is None else value.astimezone(zone()).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        out = super()._deserialize(value, attr, data, **kwargs)
        if out.tzinfo is None:
            out = out.replace(tzinfo=zone())
        if not sane_instant.min <= out <= sane_instant.max:
            raise ValidationError(sane_instant.error)
        return out


class _CampaignFields(Schema):
    name = Text(min_length=1, max_length=100)
    description = Text(max_length=2000, multiline=True, allow_none=True)
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    question_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        allow_none=True,
        validate=validate.Length(max=500),
    )
    category = Text(min_length=1, max_length=64, allow_none=True)
    questions_per_attempt = fields.Integer(strict=True, validate=_COUNT)
    attempts_allowed = fields.Integer(strict=True, validate=_COUNT)
    points_per_correct = fields.Integer(strict=True, validate=_COUNT)
    time_limit_s = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1))


class CampaignIn(_CampaignFields):
    """A new campaign: the caps (50 questions, 100 attempts, 1000 points, 10 s – 24 h) are
    checked by the service, with the pool's size."""

    name = Text(required=True, min_length=1, max_length=100)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    questions_per_attempt = fields.Integer(required=True, strict=True, validate=_COUNT)
    attempts_allowed = fields.Integer(required=True, strict=True, validate=_COUNT)
    points_per_correct = fields.Integer(required=True, strict=True, validate=_COUNT)


class CampaignPatch(_CampaignFields):
    pass


class CampaignOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    question_ids = fields.List(fields.Integer(), allow_none=True)
    category = fields.String(allow_none=True)
    questions_per_attempt = fields.Integer()
    attempts_allowed = fields.Integer()
    points_per_correct = fields.Integer()
    time_limit_s = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    overlapping_question_ids = fields.List(
        fields.Integer(),
        metadata={
            "description": "only after a create or edit, and only when there are any: the "
            "pool's questions that a stored daily set (today's or a future day's) holds; "
            "attempts leave them out until the daily quiz has asked them"
        },
    )


class CampaignPage(Schema):
    items = fields.List(fields.Nested(CampaignOut))
    next_cursor = fields.String(allow_none=True)


class CampaignSummaryOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    status = fields.String(metadata={"enum": ["upcoming", "open", "ended"]})
    attempts_left = fields.Integer()
    best_score = fields.Integer(allow_none=True)
    attempts_allowed = fields.Integer()
    questions_per_attempt = fields.Integer()
    time_limit_s = fields.Integer(allow_none=True)
    points_per_correct = fields.Integer()
    open_attempt_id = fields.Integer(
        allow_none=True, metadata={"description": "the caller's attempt still running, if any"}
    )


class AttemptOut(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    questions = fields.List(fields.Nested(QuestionOut))
    deadline = LocalDateTime(allow_none=True)
    remaining_s = fields.Integer(
        allow_none=True, metadata={"description": "seconds left on the server's clock"}
    )
    answered_ids = fields.List(fields.Integer(), metadata={"description": "questions answered"})
    score = fields.Integer(metadata={"description": "correct answers so far"})
    points = fields.Integer(metadata={"description": "points this attempt has earned"})


class CampaignAnswerResultOut(AnswerResultOut):
    answered = fields.Integer()
    total = fields.Integer()
    score = fields.Integer()
    remaining_s = fields.Integer(allow_none=True)


class CampaignBoardArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CampaignBoardEntry(Schema):
    rank = fields.Integer()
    id = fields.Integer()
    name = fields.String()
    score = fields.Integer()
    seconds = fields.Integer()


class CampaignBoardMe(Schema):
    rank = fields.Integer()
    score = fields.Integer()
    seconds = fields.Integer()


class CampaignBoardOut(Schema):
    entries = fields.List(fields.Nested(CampaignBoardEntry))
    me = fields.Nested(CampaignBoardMe, allow_none=True)
