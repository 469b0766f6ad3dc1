"""Admin: 三审 — question versions, the review queue, approvals and returns (docs/review.md)."""

from __future__ import annotations

from flask_login import current_user

from quiz.api.admin_audit import record
from quiz.api.common import (
    Blueprint,
    config,
    editor_required,
    question_staff_required,
    reviewer_required,
)
from quiz.current import now, runtime
from quiz.schemas.review import (
    ApproveIn,
    BatchOut,
    BatchReturnIn,
    DecisionOut,
    DiffOut,
    ReturnIn,
    ReviewQueueArgs,
    ReviewQueueOut,
    VersionListOut,
)
from quiz.services import banks, review, version_history, versions

blp = Blueprint(
    "admin_review",
    __name__,
    url_prefix="/api/v1/admin",
    description="Admin: question versions and review (三审; roles editor and reviewer)",
)


def _steps() -> int:
    return config("QUIZ_REVIEW_STEPS")


@blp.route("/questions/<id:question_id>/versions", methods=["GET"])
@question_staff_required
@blp.response(200, VersionListOut)
def list_versions(question_id):
    """Every version of a question, newest first: who wrote it, who reviewed it, its content,
    and the daily answers scored against it."""
    banks.get_question(question_id)
    rows = versions.versions_of(question_id)
    return {"items": version_history.history_of(question_id, rows)}


@blp.route("/questions/<id:question_id>/versions/<id:number>/diff", methods=["GET"])
@question_staff_required
@blp.response(200, DiffOut)
def version_diff(question_id, number):
    """A version beside the published one, field by field (stem, options, key, 解析…)."""
    question = banks.get_question(question_id)
    return version_history.compare(question, versions.get_version(question_id, number))


@blp.route("/review-queue", methods=["GET"])
@question_staff_required
@blp.arguments(ReviewQueueArgs, location="query")
@blp.response(200, ReviewQueueOut)
def review_queue(args):
    """Versions and import batches waiting for review (`status=returned`: waiting for their
    author)."""
    steps = _steps()
    items = review.queue(args["status"])
    return {"items": [dict(vars(item), steps=max(1, steps)) for item in items], "steps": steps}


@blp.route("/questions/<id:question_id>/versions/<id:number>/approve", methods=["POST"])
@reviewer_required
@blp.arguments(ApproveIn)
@blp.response(200, DecisionOut)
def approve(body, question_id, number):
    """Approve a submitted version; the last approval QUIZ_REVIEW_STEPS asks for publishes it.
    Your own draft: 403 `own_draft`."""
    decision = review.approve(
        question_id,
        number,
        reviewer_id=current_user.id,
        steps=_steps(),
        rescore=body["rescore"],
        points_correct=config("QUIZ_POINTS_CORRECT"),
        now=now(),
    )
    if decision.published:
        runtime().todays_set.forget()
    record(
        "question.approve",
        target=f"question:{question_id}",
        detail={
            "version": number,
            "published": decision.published,
            "rescore": decision.version.rescore,
            "rescored_entries": decision.rescored,
        },
    )
    return decision


@blp.route("/questions/<id:question_id>/versions/<id:number>/return", methods=["POST"])
@reviewer_required
@blp.arguments(ReturnIn)
@blp.response(200, DecisionOut)
def return_version(body, question_id, number):
    """Send a submitted version back to its author with a note."""
    version = review.return_version(
        question_id, number, body["note"], reviewer_id=current_user.id, now=now()
    )
    return review.Decision(version, published=False)


@blp.route("/questions/<id:question_id>/versions/<id:number>/rescore", methods=["POST"])
@reviewer_required
@blp.response(200, DecisionOut)
def rescore(question_id, number):
    """Re-score past answers against a published version's key (idempotent: a second call
    posts nothing)."""
    version = versions.get_version(question_id, number)
    posted = review.rescore_answers(
        version, actor_id=current_user.id, points_correct=config("QUIZ_POINTS_CORRECT"), now=now()
    )
    version.rescore = "rescore"
    record(
        "question.rescore",
        target=f"question:{question_id}",
        detail={"version": number, "rescored_entries": posted},
    )
    return review.Decision(version, published=False, rescored=posted)


def _batch_view(batch):
    rows = review.batch_rows(batch)
    views = version_history.views_of(rows)
    return {
        "id": batch.id,
        "filename": batch.filename,
        "status": batch.status,
        "author": version_history.names_of([batch.author_id]).get(batch.author_id),
        "approvals": len(batch.reviewer_ids),
        "note": batch.note,
        "created_at": batch.created_at,
        "rows": [
            {
                "question_id": row.question_id,
                "version": view,
                "fields": version_history.diff(banks.get_question(row.question_id), row),
            }
            for row, view in zip(rows, views, strict=True)
        ],
    }


@blp.route("/review-batches/<id:batch_id>", methods=["GET"])
@question_staff_required
@blp.response(200, BatchOut)
def get_batch(batch_id):
    """An import under review: every row's newest version, with its note."""
    return _batch_view(review.get_batch(batch_id))


@blp.route("/review-batches/<id:batch_id>/approve", methods=["POST"])
@reviewer_required
@blp.response(200, BatchOut)
def approve_batch(batch_id):
    """Approve a whole import: the last approval publishes every row, or none."""
    batch = review.approve_batch(batch_id, reviewer_id=current_user.id, steps=_steps(), now=now())
    if batch.status == "published":
        runtime().todays_set.forget()
    return _batch_view(batch)


@blp.route("/review-batches/<id:batch_id>/return", methods=["POST"])
@reviewer_required
@blp.arguments(BatchReturnIn)
@blp.response(200, BatchOut)
def return_batch(body, batch_id):
    """Send a whole import back with a note, and a note per row (`rows: [{question_id, note}]`)."""
    notes = {row["question_id"]: row["note"] for row in body["rows"]}
    batch = review.return_batch(
        batch_id, body["note"], notes, reviewer_id=current_user.id, now=now()
    )
    return _batch_view(batch)


@blp.route("/review-batches/<id:batch_id>/submit", methods=["POST"])
@editor_required
@blp.response(200, BatchOut)
def resubmit_batch(batch_id):
    """Send a returned import back for review once its rows are fixed (PATCH each question)."""
    return _batch_view(review.resubmit_batch(batch_id, author_id=current_user.id, now=now()))
