"""三审: the review workflow — submit, approve, return — for single versions and import batches,
and the re-scoring a reviewer may choose when a key changes after answers exist.

Nobody approves (or returns) their own draft (`OwnDraft`), whatever their role; a change needs
`steps` approvals from different reviewers (QUIZ_REVIEW_STEPS). An import batch is approved as
one unit: every row is published in the caller's transaction, or — any row failing — none.
Points move only through `ledger.post_entry`. Plain values in; flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from quiz.errors import AlreadyReviewed, NotFound, NotInReview, OwnDraft, ValidationFailed
from quiz.extensions import db
from quiz.models import Answer, Question, QuestionVersion, ReviewBatch, User
from quiz.models.ledger import LedgerKind
from quiz.models.types import MAX_ID
from quiz.services import banks, fairplay, ledger, version_history, versions

# --- single versions ---------------------------------------------------------------------


def _check_reviewer(author_id: int | None, reviewer_ids: list, reviewer_id: int) -> None:
    if author_id == reviewer_id:
        raise OwnDraft("不能审核自己提交的修改。")
    if reviewer_id in reviewer_ids:
        raise AlreadyReviewed("你已经审核过这一版，下一步须由另一位审核人完成。")


def _reviewable(version: QuestionVersion) -> None:
    if version.status != "submitted":
        raise NotInReview("这一版不在待审状态。")
    if version.batch_id is not None:
        batch = db.session.get(ReviewBatch, version.batch_id)
        if batch is not None and batch.status != "published":
            raise NotInReview(f"这道题属于导入批次 {batch.id}，请整批审核。")


@dataclass
class Decision:
    version: QuestionVersion
    published: bool
    rescored: int = 0  # compensating entries posted


def approve(
    question_id: int,
    number: int,
    *,
    reviewer_id: int,
    steps: int,
    rescore: bool,
    points_correct: int,
    now: datetime,
) -> Decision:
    """One reviewer's approval; the last of `steps` publishes the version. With `rescore`, a
    changed key also credits every user whose past answer is right under the new key."""
    version = versions.get_version(question_id, number, lock=True)
    _reviewable(version)
    _check_reviewer(version.author_id, version.reviewer_ids, reviewer_id)
    version.reviewer_ids = [*version.reviewer_ids, reviewer_id]
    if len(version.reviewer_ids) < max(1, steps):
        db.session.flush()
        return Decision(version, published=False)
    question = db.session.get(Question, question_id)
    old_answer = question.answer
    versions.publish(version, now=now)
    decision = Decision(version, published=True)
    if rescore and old_answer != version.answer:
        version.rescore = "rescore"
        decision.rescored = rescore_answers(
            version, actor_id=reviewer_id, points_correct=points_correct, now=now
        )
    elif old_answer != version.answer:
        version.rescore = "keep"
    db.session.flush()
    return decision


def _note(note: str | None) -> str:
    if not note or not note.strip():
        raise ValidationFailed(
            "退回时必须写明原因。", errors=[{"field": "note", "message": "必填"}]
        )
    return note.strip()


def return_version(
    question_id: int, number: int, note: str, *, reviewer_id: int, now: datetime
) -> QuestionVersion:
    """Send a version back to its author with a note; citizens keep the published one."""
    version = versions.get_version(question_id, number, lock=True)
    _reviewable(version)
    _check_reviewer(version.author_id, [], reviewer_id)
    version.status = "returned"
    version.note = _note(note)
    version.reviewer_ids = [*version.reviewer_ids, reviewer_id]
    version.decided_at = now
    db.session.flush()
    return version


# --- import batches ----------------------------------------------------------------------


def submit_import(
    bank_id: int, filename: str, *, author_id: int, steps: int, now: datetime
) -> ReviewBatch | None:
    """Record an import's questions as versions: published at once (steps 0), or a batch under
    review whose questions stay out of every draw until it is approved."""
    if not steps:
        versions.record_import(
            bank_id, status="published", author_id=author_id, batch_id=None, now=now
        )
        return None
    batch = ReviewBatch(
        bank_id=bank_id,
        filename=filename,
        author_id=author_id,
        status="submitted",
        reviewer_ids=[],
        created_at=now,
    )
    db.session.add(batch)
    db.session.flush()
    versions.record_import(
        bank_id, status="submitted", author_id=author_id, batch_id=batch.id, now=now
    )
    # Until approved the rows are placeholders: inactive, no version published.
    db.session.execute(
        Question.__table__.update()
        .where(Question.bank_id == bank_id)
        .values(active=False, version=0)
    )
    return batch


def get_batch(batch_id: int, *, lock: bool = False) -> ReviewBatch:
    batch = None
    if 0 < batch_id <= MAX_ID:
        batch = db.session.get(ReviewBatch, batch_id, with_for_update=lock or None)
    if batch is None:
        raise NotFound("这个批次不存在。")
    return batch


def batch_rows(batch: ReviewBatch) -> list[QuestionVersion]:
    """The newest version of each question in the batch, by question id."""
    newest = (
        select(QuestionVersion.question_id, func.max(QuestionVersion.version).label("v"))
        .where(QuestionVersion.batch_id == batch.id)
        .group_by(QuestionVersion.question_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .join(
                newest,
                (newest.c.question_id == QuestionVersion.question_id)
                & (newest.c.v == QuestionVersion.version),
            )
            .order_by(QuestionVersion.question_id)
        )
    )


def _batch_authors(batch: ReviewBatch, rows: list[QuestionVersion]) -> set:
    return {batch.author_id, *(row.author_id for row in rows)}


def approve_batch(batch_id: int, *, reviewer_id: int, steps: int, now: datetime) -> ReviewBatch:
    """One reviewer's approval of a whole import; the last of `steps` publishes every row —
    all of them or, any one failing, none (the caller's transaction rolls back)."""
    batch = get_batch(batch_id, lock=True)
    if batch.status != "submitted":
        raise NotInReview("这个批次不在待审状态。")
    rows = batch_rows(batch)
    if reviewer_id in _batch_authors(batch, rows):
        raise OwnDraft("不能审核自己导入或修改过的批次。")
    _check_reviewer(None, batch.reviewer_ids, reviewer_id)
    batch.reviewer_ids = [*batch.reviewer_ids, reviewer_id]
    if len(batch.reviewer_ids) >= max(1, steps):
        for row in rows:
            if row.status != "submitted":
                raise NotInReview(f"第 {row.question_id} 题不在待审状态。")
            row.reviewer_ids = list(batch.reviewer_ids)
            versions.publish(row, now=now)
        batch.status = "published"
        batch.decided_at = now
    db.session.flush()
    return batch


def return_batch(
    batch_id: int, note: str, row_notes: dict[int, str], *, reviewer_id: int, now: datetime
) -> ReviewBatch:
    """Send a whole import back, with a note and a note per row (by question id)."""
    batch = get_batch(batch_id, lock=True)
    if batch.status != "submitted":
        raise NotInReview("这个批次不在待审状态。")
    rows = batch_rows(batch)
    if reviewer_id in _batch_authors(batch, rows):
        raise OwnDraft("不能审核自己导入或修改过的批次。")
    known = {row.question_id for row in rows}
    unknown = [qid for qid in row_notes if qid not in known]
    if unknown:
        raise ValidationFailed(
            "批注的题目不在这个批次中。",
            errors=[{"row": qid, "message": "不在本批次"} for qid in unknown],
        )
    batch.note = _note(note)
    batch.status = "returned"
    batch.reviewer_ids = []
    batch.decided_at = now
    for row in rows:
        row.status = "returned"
        row.note = (row_notes.get(row.question_id) or "").strip() or None
        row.reviewer_ids = [*row.reviewer_ids, reviewer_id]
        row.decided_at = now
    db.session.flush()
    return batch


def resubmit_batch(batch_id: int, *, author_id: int, now: datetime) -> ReviewBatch:
    """The editor sends a returned batch back for review, with the rows fixed meanwhile."""
    batch = get_batch(batch_id, lock=True)
    if batch.status != "returned":
        raise NotInReview("只有被退回的批次可以重新提交。")
    for row in batch_rows(batch):
        if row.status == "returned":
            row.status = "submitted"
    batch.status = "submitted"
    batch.reviewer_ids = []
    batch.decided_at = None
    db.session.flush()
    return batch


# --- the queue ---------------------------------------------------------------------------


@dataclass
class QueueItem:
    kind: str  # "version" | "batch"
    id: int
    question_id: int | None
    version: int | None
    status: str
    author: str | None
    approvals: int
    created_at: datetime
    title: str
    rows: int = 1
    note: str | None = None
    answers_under_old_key: int = 0


def _waiting_versions(status: str) -> list[QuestionVersion]:
    """Single versions in `status` (a batch's rows are reviewed with their batch)."""
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .outerjoin(ReviewBatch, ReviewBatch.id == QuestionVersion.batch_id)
            .where(
                QuestionVersion.status == status,
                (QuestionVersion.batch_id.is_(None)) | (ReviewBatch.status == "published"),
            )
            .order_by(QuestionVersion.created_at, QuestionVersion.id)
        )
    )


def queue(status: str = "submitted") -> list[QueueItem]:
    """Versions and batches waiting for review (or, `returned`, waiting for their author)."""
    singles = _waiting_versions(status)
    batches = list(
        db.session.scalars(
            select(ReviewBatch).where(ReviewBatch.status == status).order_by(ReviewBatch.id)
        )
    )
    names = version_history.names_of(
        [v.author_id for v in singles] + [b.author_id for b in batches]
    )
    items = [
        QueueItem(
            kind="batch",
            id=b.id,
            question_id=None,
            version=None,
            status=b.status,
            author=names.get(b.author_id),
            approvals=len(b.reviewer_ids),
            created_at=b.created_at,
            title=b.filename,
            rows=len(batch_rows(b)),
            note=b.note,
        )
        for b in batches
    ]
    items.extend(
        QueueItem(
            kind="version",
            id=v.id,
            question_id=v.question_id,
            version=v.version,
            status=v.status,
            author=names.get(v.author_id),
            approvals=len(v.reviewer_ids),
            created_at=v.created_at,
            title=v.stem[:60],
            note=v.note,
            answers_under_old_key=version_history.answers_under_other_keys(v.question_id, v.answer),
        )
        for v in singles
    )
    return items


# --- re-scoring ----------------------------------------------------------------------------


def rescore_answers(
    version: QuestionVersion, *, actor_id: int, points_correct: int, now: datetime
) -> int:
    """Credit every user whose past daily answer to this question, scored under another key,
    is right under `version`'s key: one compensating `admin_adjust` entry per user and version,
    keyed so that a second run posts nothing. Nobody loses points already credited (a wrong
    key is the publisher's error, not the citizen's). Returns the entries posted."""
    if version.status != "published":
        raise NotInReview("只能按已发布的版本重新计分。")
    other_keys = select(QuestionVersion.version).where(
        QuestionVersion.question_id == version.question_id,
        QuestionVersion.answer != version.answer,
    )
    rows = db.session.execute(
        select(Answer.user_id, User.role, func.count())
        .join(User, User.id == Answer.user_id)
        .where(
            Answer.question_id == version.question_id,
            Answer.question_version.in_(other_keys),
            Answer.choices == version.answer,
            Answer.correct.is_(False),
            Answer.too_fast.is_(False),
        )
        .group_by(Answer.user_id, User.role)
        .order_by(Answer.user_id)
    ).all()
    per_answer = version.points or points_correct
    posted = 0
    for user_id, role, count in rows:
        if not fairplay.earns_points(role):
            continue
        entry = ledger.post_entry(
            user_id,
            per_answer * count,
            LedgerKind.ADMIN_ADJUST,
            key=f"rescore:{version.question_id}:{version.version}:{user_id}",
            now=now,
            memo=f"第 {version.question_id} 题答案更正（第 {version.version} 版），补记得分",
            ref=f"question:{version.question_id}:v{version.version}",
            actor_id=actor_id,
        )
        posted += int(entry.created)
    return posted


# --- changes, reviewed or published at once -------------------------------------------------


@dataclass
class Change:
    question: Question
    version: QuestionVersion
    published: bool


def edit_question(
    question: Question, changes: dict, *, author_id: int, steps: int, now: datetime
) -> Change:
    """An edit: applied and published at once with no review steps (and then, as before, a used
    question's options and key stay frozen); otherwise a version waiting for review."""
    if not steps:
        versions.baseline(question)
        banks.update_question(question, dict(changes), now=now)
        version = versions.record_published(question, author_id=author_id, now=now)
        return Change(question, version, published=True)
    version = versions.draft_edit(question, dict(changes), author_id=author_id, now=now)
    return Change(question, version, published=False)


def create_question(fields: dict, *, author_id: int, steps: int, now: datetime) -> Change:
    """A new question: version 1, published at once or waiting for review (until then the row
    is an inactive placeholder that no draw can pick)."""
    question = banks.create_question(fields, now=now)
    if not steps:
        version = versions.record_published(question, author_id=author_id, now=now)
        return Change(question, version, published=True)
    version = versions.new_version(
        question.id,
        versions.content_of(question),
        status="submitted",
        author_id=author_id,
        now=now,
    )
    question.active, question.version = False, 0
    db.session.flush()
    return Change(question, version, published=False)


def retire_question(
    question: Question, *, author_id: int, steps: int, now: datetime
) -> Change | None:
    """Retiring is a change like any other: under review it is a version with `active` off.
    With no review steps a question nobody has seen is deleted (None), with its versions."""
    if steps:
        return edit_question(question, {"active": False}, author_id=author_id, steps=steps, now=now)
    if not banks.is_used(question.id):
        db.session.execute(
            QuestionVersion.__table__.delete().where(QuestionVersion.question_id == question.id)
        )
        banks.retire_question(question)
        return None
    versions.baseline(question)
    banks.retire_question(question)
    return Change(question, versions.record_published(question, author_id=author_id, now=now), True)
