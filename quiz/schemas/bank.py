"""Question-bank and question schemas (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from quiz.schemas.common import Page, PageArgs
from quiz.schemas.learning import STAT_SORTS, StatsOut
from quiz.schemas.quiz import AdminQuestionOut
from quiz.schemas.text import Text, check_texts


class UploadIn(Schema):
    file = Upload(required=True)


class UploadArgs(Schema):
    dry_run = fields.Boolean(load_default=False)


class ImportIssue(Schema):
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class AdviceOut(Schema):
    name = fields.String()
    value = fields.String()
    limit = fields.String()
    ok = fields.Boolean()


class PreviewRowOut(Schema):
    row = fields.Integer(metadata={"description": "the row in the file (JSON: the index)"})
    type = fields.String()
    stem = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    answer = fields.List(fields.String())
    explanation = fields.String()
    category = fields.String()
    difficulty = fields.Integer()
    points = fields.Integer(allow_none=True)
    duplicate = fields.Boolean(metadata={"description": "already in the bank: not added"})


class ImportReportOut(Schema):
    dry_run = fields.Boolean()
    created = fields.Integer()
    duplicates = fields.Integer()
    errors = fields.List(fields.Nested(ImportIssue))
    bank_id = fields.Integer(allow_none=True)
    batch_id = fields.Integer(
        allow_none=True,
        metadata={"description": "三审: the review batch (null: published at once)"},
    )
    skipped_blank_rows = fields.Integer()
    skipped_example_rows = fields.Integer(
        metadata={"description": "the template's sample rows (题干 starting with 【示例】)"}
    )
    preview = fields.List(
        fields.Nested(PreviewRowOut),
        metadata={"description": "with a preview (dry_run): the first rows as they will be stored"},
    )
    advice = fields.List(
        fields.Nested(AdviceOut),
        metadata={
            "description": "with a preview (dry_run): the bank's guessing-cue figures "
            "beside their limits (question_bank/cues.py) — advice, never blocking"
        },
    )


class BankOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    uploader_id = fields.Integer(allow_none=True)
    created_count = fields.Integer()
    duplicate_count = fields.Integer()
    created_at = fields.DateTime()


class QuestionListArgs(PageArgs):
    category = Text(load_default=None, max_length=64)
    active = fields.Boolean(load_default=None, allow_none=True)
    q = Text(load_default=None, max_length=100)
    # Statistics (docs/learning.md): sort by a figure, or list only questions needing attention.
    sort = fields.String(load_default="id", validate=validate.OneOf(STAT_SORTS))
    order = fields.String(load_default="asc", validate=validate.OneOf(["asc", "desc"]))
    attention = fields.Boolean(load_default=False)


class QuestionFullOut(AdminQuestionOut):
    version = fields.Integer(metadata={"description": "the published version (0: none yet)"})
    difficulty = fields.Integer()
    points = fields.Integer(allow_none=True)
    bank_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class QuestionWithStatsOut(QuestionFullOut):
    stats = fields.Nested(StatsOut)


@dataclass(frozen=True)
class QuestionList:
    """A page of questions and every category in the bank (for the filter)."""

    page: Page
    categories: list[str]


class QuestionListOut(Schema):
    questions = fields.List(fields.Nested(QuestionWithStatsOut), attribute="page.items")
    categories = fields.List(fields.String())
    next_cursor = fields.String(allow_none=True, attribute="page.next_cursor")


_options = partial(
    fields.Raw,
    validate=partial(check_texts, max_length=2000),
    metadata={"description": '{"A": "...", "B": "..."} or [{key, text}]'},
)
_answer = partial(
    fields.Raw,
    validate=partial(check_texts, max_length=64),
    metadata={"description": '["A", "C"] or "AC"'},
)


class QuestionPatchIn(Schema):
    active = fields.Boolean()
    type = Text(max_length=16)
    stem = Text(max_length=2000, multiline=True)
    options = _options()
    answer = _answer()
    explanation = Text(max_length=4000, multiline=True)
    category = Text(max_length=64)
    difficulty = fields.Raw(validate=partial(check_texts, max_length=16))
    points = fields.Raw(allow_none=True, validate=partial(check_texts, max_length=16))


class QuestionCreateIn(QuestionPatchIn):
    type = Text(required=True, max_length=16)
    stem = Text(required=True, max_length=2000, multiline=True)
    answer = _answer(required=True)
    category = Text(required=True, max_length=64)
