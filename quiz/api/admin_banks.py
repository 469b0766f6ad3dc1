"""Admin: question-bank uploads and question management."""

from __future__ import annotations

from flask import Response, current_app
from flask_login import current_user
from sqlalchemy import select

from question_bank import build_template_xlsx
from quiz.api.common import (
    Blueprint,
    config,
    editor_required,
    question_staff_required,
)
from quiz.current import now, runtime
from quiz.errors import ValidationFailed
from quiz.extensions import db, report_reads
from quiz.models import QuestionBank
from quiz.schemas.bank import (
    BankOut,
    ImportReportOut,
    QuestionCreateIn,
    QuestionFullOut,
    QuestionList,
    QuestionListArgs,
    QuestionListOut,
    QuestionPatchIn,
    UploadArgs,
    UploadIn,
)
from quiz.schemas.common import Page, cursor_id, page_of, slice_page
from quiz.schemas.review import BatchDraftOut, DraftOut
from quiz.services import banks, question_stats, review

blp = Blueprint(
    "admin_banks",
    __name__,
    url_prefix="/api/v1/admin",
    description="Admin: question banks and questions",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/question-banks", methods=["POST"])
@editor_required
@blp.arguments(UploadArgs, location="query")
@blp.arguments(UploadIn, location="files")
@blp.response(200, ImportReportOut)
@blp.alt_response(202, schema=BatchDraftOut, description="Under review (QUIZ_REVIEW_STEPS ≥ 1)")
def upload(args, files):
    """Upload a bank (.xlsx, .csv, .json); `?dry_run=1` checks it without importing.

    Any bad row: 422 `invalid_bank` listing every problem, and nothing is imported. Under review
    (QUIZ_REVIEW_STEPS ≥ 1) the import is a batch reviewed as one unit: 202 with the batch.
    """
    upload = files["file"]
    data = upload.read()
    if not data:
        raise ValidationFailed(
            "上传的文件是空的。", errors=[{"field": "file", "message": "空文件"}]
        )
    # A file's name is only a label: characters that cannot be shown (NUL, controls, bidi) are dropped.
    name = "".join(ch for ch in upload.filename or "" if ch.isprintable())[:255] or "upload"
    bank = banks.read_file(data, name)
    at, steps = now(), config("QUIZ_REVIEW_STEPS")
    report = banks.import_bank(
        bank, filename=name, uploader_id=current_user.id, dry_run=args["dry_run"], now=at
    )
    if report.bank_id is None:
        return report
    batch = review.submit_import(
        report.bank_id, name, author_id=current_user.id, steps=steps, now=at
    )
    if batch is None:
        return report
    out = {"id": batch.id, "status": batch.status, "filename": batch.filename}
    out.update(created=report.created, duplicates=report.duplicates)
    return _accepted(BatchDraftOut().dump(out))


@blp.route("/question-banks", methods=["GET"])
@question_staff_required
@blp.response(200, BankOut(many=True))
def list_banks():
    """Past imports, newest first."""
    return list(
        db.session.scalars(select(QuestionBank).order_by(QuestionBank.id.desc()).limit(100))
    )


@blp.route("/question-banks/template.xlsx", methods=["GET"])
@editor_required
def template():
    """The Excel template: header row, one example per type, and a sheet of notes."""
    return Response(
        build_template_xlsx(),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=question-bank-template.xlsx"},
    )


@blp.route("/questions", methods=["GET"])
@question_staff_required
@blp.arguments(QuestionListArgs, location="query")
@blp.response(200, QuestionListOut)
def list_questions(args):
    """Questions with their answers and statistics, filtered by category, active and text;
    `sort`/`order` by a figure, `attention=1` for the questions that need a look."""
    cursor = cursor_id(args["cursor"])
    filters = {"category": args["category"], "active": args["active"], "search": args["q"]}
    min_answers = config("QUIZ_STATS_MIN_ANSWERS")
    if args["sort"] != "id" or args["attention"] or args["order"] != "asc":
        # Sorted by a figure: every matching question's figures (one aggregate pass), paged by
        # offset.
        questions = banks.list_questions(**filters, after_id=None, limit=None)
        with report_reads(db.session):
            rows = question_stats.ranked(
                questions,
                sort=args["sort"],
                descending=args["order"] == "desc",
                attention=args["attention"],
                min_answers=min_answers,
            )
        page = slice_page(rows, cursor or 0, args["limit"])
    else:
        rows = banks.list_questions(**filters, after_id=cursor, limit=args["limit"] + 1)
        page = page_of(rows, args["limit"], lambda q: q.id)
        with report_reads(db.session):
            page = Page(
                question_stats.with_stats(page.items, min_answers=min_answers), page.next_cursor
            )
    return QuestionList(page, banks.categories())


@blp.route("/questions", methods=["POST"])
@editor_required
@blp.arguments(QuestionCreateIn)
@blp.response(201, QuestionFullOut)
@blp.alt_response(
    202, description="Under review (QUIZ_REVIEW_STEPS ≥ 1): `{question_id, version, status}`"
)
def create_question(body):
    """Add one question, validated with the bank rules (under review: 202 with the draft)."""
    change = review.create_question(
        body, author_id=current_user.id, steps=config("QUIZ_REVIEW_STEPS"), now=now()
    )
    return change.question if change.published else _draft(change)


def _draft(change):
    out = {"question_id": change.question.id, "version": change.version.version}
    out["status"] = change.version.status
    return _accepted(DraftOut().dump(out))


def _accepted(body: dict) -> Response:
    """202: the change waits for review (a Response, so the 200 schema does not apply)."""
    response = current_app.json.response(body)
    response.status_code = 202
    return response


@blp.route("/questions/<id:question_id>", methods=["GET"])
@question_staff_required
@blp.response(200, QuestionFullOut)
def get_question(question_id):
    return banks.get_question(question_id)


@blp.route("/questions/<id:question_id>", methods=["PATCH"])
@editor_required
@blp.arguments(QuestionPatchIn)
@blp.response(200, QuestionFullOut)
@blp.alt_response(
    202, description="Under review (QUIZ_REVIEW_STEPS ≥ 1): `{question_id, version, status}`"
)
def patch_question(body, question_id):
    """Edit a question (same rules as an upload). Published at once with QUIZ_REVIEW_STEPS=0
    (options and key then freeze once answered); otherwise 202 with the submitted draft."""
    change = review.edit_question(
        banks.get_question(question_id),
        dict(body),
        author_id=current_user.id,
        steps=config("QUIZ_REVIEW_STEPS"),
        now=now(),
    )
    if not change.published:
        return _draft(change)
    runtime().todays_set.forget()  # this worker shows the fix at once
    return change.question


@blp.route("/questions/<id:question_id>", methods=["DELETE"])
@editor_required
@blp.response(200, QuestionFullOut)
@blp.alt_response(204, description="Deleted (it had never been used)")
@blp.alt_response(
    202, description="Under review: `{question_id, version, status}`, a version that retires it"
)
def delete_question(question_id):
    """Delete a question nobody has seen; a used one is deactivated instead (200). Under
    review, retiring is a version like any edit (202)."""
    change = review.retire_question(
        banks.get_question(question_id),
        author_id=current_user.id,
        steps=config("QUIZ_REVIEW_STEPS"),
        now=now(),
    )
    if change is None:
        return Response(status=204)
    if not change.published:
        return _draft(change)
    runtime().todays_set.forget()
    return change.question
