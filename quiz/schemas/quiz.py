"""Daily quiz, points and report schemas."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields, validate

from quiz.current import zone
from quiz.models.types import MAX_ID
from quiz.schemas.common import Page, sane_day
from quiz.schemas.text import Text


class OptionOut(Schema):
    key = fields.String()
    text = fields.String()


class OptionList(fields.List):
    """A question's options: stored as `[key, text]` pairs, shown as `{key, text}` objects."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(OptionOut), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        objects = [o if isinstance(o, dict) else {"key": o[0], "text": o[1]} for o in value]
        return super()._serialize(objects, attr, obj, **kwargs)


class QuestionOut(Schema):
    """A question as a player sees it: never the answer or the explanation."""

    id = fields.Integer()
    type = fields.String()
    stem = fields.String()
    options = OptionList()
    category = fields.String()


class BonusOut(Schema):
    kind = fields.String()
    points = fields.Integer()
    streak = fields.Integer()


class AnswerResultOut(Schema):
    question_id = fields.Integer()
    correct = fields.Boolean()
    correct_choices = fields.List(fields.String())
    explanation = fields.String()
    points_awarded = fields.Integer()
    balance = fields.Integer()
    completed = fields.Boolean()
    bonus_awarded = fields.Integer()
    bonuses = fields.List(fields.Nested(BonusOut))
    too_fast = fields.Boolean(metadata={"description": "sooner than QUIZ_MIN_ANSWER_MS: no points"})
    question_version = fields.Integer(
        metadata={"description": "the version of the question the answer was scored against"}
    )


class Rendered(fields.List):
    """Items already dumped through their schema (today's set is rendered once per version,
    see docs/profiling.md): passed through as they are, documented as that schema's list."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class TodayOut(Schema):
    date = fields.Date()
    questions = Rendered(fields.Nested(QuestionOut))
    answered = fields.Dict(keys=fields.String(), values=fields.Nested(AnswerResultOut))
    completed = fields.Boolean()
    streak = fields.Integer()


class AnswerIn(Schema):
    question_id = fields.Integer(required=True, strict=True)
    choices = fields.List(
        Text(min_length=1, max_length=1), required=True, validate=validate.Length(min=1, max=6)
    )


class HistoryDayOut(Schema):
    date = fields.Date(attribute="day")
    correct = fields.Integer()
    total = fields.Integer()
    answered = fields.Integer()
    points = fields.Integer()
    completed = fields.Method("_completed")

    def _completed(self, row) -> bool:
        return row.completed_at is not None


class HistoryOut(Schema):
    """A `Page` of days (the contract names its list `days`)."""

    days = fields.List(fields.Nested(HistoryDayOut), attribute="items")
    next_cursor = fields.String(allow_none=True)


class EntryOut(Schema):
    id = fields.Integer()
    delta = fields.Integer()
    kind = fields.String()
    memo = fields.String(allow_none=True)
    ref = fields.String(allow_none=True)
    created_at = fields.Method("_created_at")

    def _created_at(self, entry) -> str:

        return entry.created_at.astimezone(zone()).isoformat()


@dataclass(frozen=True)
class Statement:
    """A balance and one page of the entries behind it."""

    balance: int
    page: Page


class PointsOut(Schema):
    balance = fields.Integer()
    entries = fields.List(fields.Nested(EntryOut), attribute="page.items")
    next_cursor = fields.String(allow_none=True, attribute="page.next_cursor")


class TaskOut(Schema):
    task = fields.String()
    title = fields.String()
    current = fields.Integer()
    max = fields.Integer(allow_none=True)


class ProgressOut(Schema):
    date = fields.String()
    tasks = fields.List(fields.Nested(TaskOut))


class AdjustIn(Schema):
    user_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    delta = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=-1_000_000, max=1_000_000)
    )
    memo = Text(required=True, min_length=1, max_length=200)


class ScheduleIn(Schema):
    question_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)), required=True
    )


class AdminQuestionOut(QuestionOut):
    """A question as an admin sees it: with its answer key and explanation."""

    options = fields.Method(
        "_options", metadata={"type": "array", "items": {"$ref": "#/components/schemas/OptionOut"}}
    )
    answer = fields.Method("_answer", metadata={"type": "array", "items": {"type": "string"}})
    explanation = fields.String()
    active = fields.Boolean()

    def _options(self, q) -> list[dict]:
        return [{"key": key, "text": text} for key, text in q.options]

    def _answer(self, q) -> list[str]:
        return list(q.answer)


class DaySetOut(Schema):
    date = fields.Date(attribute="day")
    questions = fields.List(fields.Nested(AdminQuestionOut))
    scheduled = fields.Boolean()
    overlapping_question_ids = fields.List(
        fields.Integer(),
        metadata={
            "description": "after scheduling, when any: the day's questions a campaign holds"
        },
    )


class ReportArgs(Schema):
    from_ = fields.Date(data_key="from", load_default=None, validate=sane_day)
    to = fields.Date(load_default=None, validate=sane_day)
    by = fields.String(load_default="category", validate=validate.OneOf(["category", "district"]))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
    # 知晓率 is the daily quiz's; practice answers count only when asked for.
    include_practice = fields.Boolean(load_default=False)


class AwarenessRow(Schema):
    key = fields.String(allow_none=True)
    answers = fields.Integer()
    correct = fields.Integer()
    rate = fields.Float()
    participants = fields.Integer()


class AwarenessOut(Schema):
    by = fields.String()
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    rows = fields.List(fields.Nested(AwarenessRow))


class QuestionRateRow(Schema):
    question_id = fields.Integer()
    stem = fields.String()
    category = fields.String()
    answers = fields.Integer()
    correct = fields.Integer()
    rate = fields.Float()


class QuestionRatesOut(Schema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    rows = fields.List(fields.Nested(QuestionRateRow))
