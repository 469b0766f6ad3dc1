"""三审: versions, the review queue, batches and decisions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from quiz.schemas.text import Text

STATUSES = ("draft", "submitted", "published", "returned", "superseded")


class VersionOut(Schema):
    """One version of a question: its whole content and who wrote and reviewed it."""

    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    author = fields.String(allow_none=True)
    reviewers = fields.List(fields.String())
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    stem = fields.String()
    options = fields.Method(
        "_options", metadata={"type": "array", "items": {"$ref": "#/components/schemas/OptionOut"}}
    )
    answer = fields.Method("_answer", metadata={"type": "array", "items": {"type": "string"}})
    explanation = fields.String()
    type = fields.String()
    category = fields.String()
    active = fields.Boolean()
    note = fields.String(allow_none=True)
    batch_id = fields.Integer(allow_none=True)
    rescore = fields.String(allow_none=True)
    answers = fields.Integer(metadata={"description": "daily answers given to this version"})
    correct = fields.Integer(metadata={"description": "of them, right under this version's key"})

    def _options(self, v) -> list[dict]:
        return [{"key": key, "text": text} for key, text in v.options]

    def _answer(self, v) -> list[str]:
        return list(v.answer)


class VersionListOut(Schema):
    items = fields.List(fields.Nested(VersionOut))


class DraftOut(Schema):
    """What an edit or a new question under review answers (202)."""

    question_id = fields.Integer()
    version = fields.Integer()
    status = fields.String()


class BatchDraftOut(Schema):
    """What an import under review answers (202): the batch to review."""

    batch_id = fields.Integer(attribute="id")
    status = fields.String()
    filename = fields.String()
    created = fields.Integer()
    duplicates = fields.Integer()


class ReviewQueueItemOut(Schema):
    kind = fields.String(validate=validate.OneOf(("version", "batch")))
    id = fields.Integer()
    question_id = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True)
    status = fields.String()
    author = fields.String(allow_none=True)
    approvals = fields.Integer()
    steps = fields.Integer()
    created_at = fields.DateTime()
    title = fields.String()
    rows = fields.Integer()
    note = fields.String(allow_none=True)
    answers_under_old_key = fields.Integer()


class ReviewQueueArgs(Schema):
    status = fields.String(
        load_default="submitted", validate=validate.OneOf(("submitted", "returned"))
    )


class ReviewQueueOut(Schema):
    items = fields.List(fields.Nested(ReviewQueueItemOut))
    steps = fields.Integer()


class ApproveIn(Schema):
    rescore = fields.Boolean(
        load_default=False,
        metadata={
            "description": "when the key changed after answers exist: credit every user whose "
            "past answer is right under the new key (one compensating entry each); default keeps "
            "past scores"
        },
    )


class DecisionOut(Schema):
    question_id = fields.Integer(attribute="version.question_id")
    version = fields.Integer(attribute="version.version")
    status = fields.String(attribute="version.status")
    approvals = fields.Function(lambda d: len(d.version.reviewer_ids))
    published = fields.Boolean()
    rescored = fields.Integer()


class ReturnIn(Schema):
    note = Text(required=True, max_length=2000, multiline=True)


class RowNoteIn(Schema):
    question_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    note = Text(required=True, max_length=2000, multiline=True)


class BatchReturnIn(ReturnIn):
    rows = fields.List(fields.Nested(RowNoteIn), load_default=list)


class FieldDiffOut(Schema):
    field = fields.String()
    published = fields.Raw(allow_none=True)
    draft = fields.Raw(allow_none=True)
    changed = fields.Boolean()


class DiffOut(Schema):
    question_id = fields.Integer()
    published_version = fields.Integer()
    version = fields.Nested(VersionOut)
    fields_ = fields.List(fields.Nested(FieldDiffOut), data_key="fields", attribute="fields")
    answers_under_old_key = fields.Integer()


class BatchRowOut(Schema):
    question_id = fields.Integer()
    version = fields.Nested(VersionOut)
    fields_ = fields.List(fields.Nested(FieldDiffOut), data_key="fields", attribute="fields")


class BatchOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    status = fields.String()
    author = fields.String(allow_none=True)
    approvals = fields.Integer()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    rows = fields.List(fields.Nested(BatchRowOut))
