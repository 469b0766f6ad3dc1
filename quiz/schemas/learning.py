"""Learning schemas: review, 错题本, practice, 纠错 reports and question statistics."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.models.learning import PRACTICE_SOURCES, REPORT_REASONS, REPORT_RESOLUTIONS
from quiz.schemas.common import PageArgs
from quiz.schemas.quiz import AdminQuestionOut, QuestionOut
from quiz.schemas.text import Text

# What the admin questions list sorts by (`QuestionStats` attributes, or the id).
STAT_SORTS = ("id", "answers", "correct_rate", "median_answer_ms", "discrimination", "open_reports")


class ReviewItemOut(Schema):
    question = fields.Nested(QuestionOut)
    choices = fields.List(
        fields.String(), metadata={"description": "the user's choices, their keys"}
    )
    correct = fields.Boolean()
    correct_choices = fields.List(fields.String())
    explanation = fields.String()
    points_awarded = fields.Integer()
    question_version = fields.Integer(metadata={"description": "the version the user saw"})


class ReviewOut(Schema):
    date = fields.Date()
    questions = fields.List(fields.Nested(ReviewItemOut))


class MistakeArgs(PageArgs):
    category = Text(load_default=None, max_length=64)
    mastered = fields.Boolean(load_default=None, allow_none=True)


class MistakeOut(Schema):
    id = fields.Integer()
    question = fields.Nested(QuestionOut)
    correct_choices = fields.List(fields.String())
    explanation = fields.String()
    wrong_count = fields.Integer()
    last_wrong_on = fields.Date()
    mastered = fields.Boolean()
    mastered_at = fields.DateTime(allow_none=True)
    question_version = fields.Integer(
        metadata={"description": "the version of the last wrong answer (its wording and key)"}
    )


class MistakesOut(Schema):
    items = fields.List(fields.Nested(MistakeOut))
    next_cursor = fields.String(allow_none=True)


class PracticeIn(Schema):
    source = fields.String(required=True, validate=validate.OneOf(PRACTICE_SOURCES))
    category = Text(load_default=None, allow_none=True, max_length=64)
    count = fields.Integer(load_default=5, strict=True, validate=validate.Range(min=1, max=20))


class PracticeOut(Schema):
    id = fields.Integer()
    source = fields.String()
    category = fields.String(allow_none=True)
    questions = fields.List(fields.Nested(QuestionOut))


class ReportIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS))
    message = Text(required=True, min_length=1, max_length=1000, multiline=True)


class ReportQuestionOut(Schema):
    id = fields.Integer()
    stem = fields.String()
    category = fields.String()


class ReportOut(Schema):
    id = fields.Integer()
    question_id = fields.Integer()
    question = fields.Nested(ReportQuestionOut)
    reason = fields.String()
    message = fields.String()
    status = fields.String()
    resolution = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    fixed_version = fields.Integer(
        allow_none=True, metadata={"description": "resolved `fixed`: the version with the fix"}
    )


class ReportsOut(Schema):
    items = fields.List(fields.Nested(ReportOut))
    next_cursor = fields.String(allow_none=True)


class StatsOut(Schema):
    answers = fields.Integer()
    correct_rate = fields.Float(allow_none=True)
    option_picks = fields.Dict(keys=fields.String(), values=fields.Integer())
    median_answer_ms = fields.Integer(allow_none=True)
    discrimination = fields.Float(
        allow_none=True, metadata={"description": "upper−lower 27 % index on the rest score"}
    )
    open_reports = fields.Integer()
    flags = fields.List(fields.String())
    reasons = fields.List(fields.String())


class ReporterOut(Schema):
    id = fields.Integer()
    display_name = fields.String()


class QueueArgs(PageArgs):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved"]))


class SeenOptionOut(Schema):
    key = fields.String(metadata={"description": "the reporter's key"})
    own_key = fields.String(metadata={"description": "the question's own key"})
    text = fields.String()


class QueueItemOut(ReportOut):
    question = fields.Nested(AdminQuestionOut)
    user = fields.Nested(ReporterOut)
    stats = fields.Nested(StatsOut)
    reporter_options = fields.List(
        fields.Nested(SeenOptionOut),
        allow_none=True,
        metadata={"description": "the options in the reporter's order; null: the question's own"},
    )


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueueItemOut))
    next_cursor = fields.String(allow_none=True)


class SuspendedItemOut(Schema):
    question_id = fields.Integer()
    stem = fields.String()
    category = fields.String()
    counted_reports = fields.Integer(
        metadata={
            "description": "reports counted towards suspension (old enough accounts, "
            "not on hold, one per registration address)"
        }
    )
    open_reports = fields.Integer()


class SuspendedOut(Schema):
    items = fields.List(fields.Nested(SuspendedItemOut))


class ClearSuspensionsIn(Schema):
    note = Text(required=True, min_length=1, max_length=1000, multiline=True)


class ClearedOut(Schema):
    resolved = fields.Integer()


class ResolveIn(Schema):
    resolution = fields.String(required=True, validate=validate.OneOf(REPORT_RESOLUTIONS))
    note = Text(required=True, min_length=1, max_length=1000, multiline=True)
