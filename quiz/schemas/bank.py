"""Question-bank and question schemas (admin)."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from quiz.schemas.common import PageArgs
from quiz.schemas.quiz import AdminQuestionOut


class UploadIn(Schema):
    file = Upload(required=True)


class UploadArgs(Schema):
    dry_run = fields.Boolean(load_default=False)


class ImportIssue(Schema):
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class ImportReportOut(Schema):
    dry_run = fields.Boolean()
    created = fields.Integer()
    duplicates = fields.Integer()
    errors = fields.List(fields.Nested(ImportIssue))
    bank_id = fields.Integer(allow_none=True)
    skipped_blank_rows = fields.Integer()


class BankOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    uploader_id = fields.Integer(allow_none=True)
    created_count = fields.Integer()
    duplicate_count = fields.Integer()
    created_at = fields.DateTime()


class QuestionListArgs(PageArgs):
    category = fields.String(load_default=None, validate=validate.Length(max=64))
    active = fields.Boolean(load_default=None, allow_none=True)
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class QuestionFullOut(AdminQuestionOut):
    difficulty = fields.Integer()
    points = fields.Integer(allow_none=True)
    bank_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class QuestionListOut(Schema):
    questions = fields.List(fields.Nested(QuestionFullOut))
    categories = fields.List(fields.String())
    next_cursor = fields.String(allow_none=True)


_options = fields.Raw(metadata={"description": '{"A": "...", "B": "..."} or [{key, text}]'})
_answer = fields.Raw(metadata={"description": '["A", "C"] or "AC"'})


class QuestionPatchIn(Schema):
    active = fields.Boolean()
    type = fields.String(validate=validate.Length(max=16))
    stem = fields.String(validate=validate.Length(max=2000))
    options = _options
    answer = _answer
    explanation = fields.String(validate=validate.Length(max=4000))
    category = fields.String(validate=validate.Length(max=64))
    difficulty = fields.Raw()
    points = fields.Raw(allow_none=True)


class QuestionCreateIn(QuestionPatchIn):
    type = fields.String(required=True, validate=validate.Length(max=16))
    stem = fields.String(required=True, validate=validate.Length(max=2000))
    answer = fields.Raw(required=True)
    category = fields.String(required=True, validate=validate.Length(max=64))
