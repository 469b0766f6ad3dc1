"""Question versions (三审): every change to a question is a version, and only the published one
reaches citizens.

The `questions` row always holds the published version's content and its number
(`Question.version`), so the daily draw, `TodaysSet`, campaigns and practice read nothing else
and pay nothing for versions; drafts live in `question_versions` until a reviewer approves them
(`quiz.services.review`). With `QUIZ_REVIEW_STEPS=0` an edit is applied at once and recorded
here as a published version. Plain values in, typed errors out; flushes, never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, bindparam, func, select, text, update

from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import Question, QuestionVersion
from quiz.models.types import MAX_ID, UTCDateTime
from quiz.services import banks

# What a version holds: the whole content of a question at one moment.
CONTENT = (
    "type",
    "stem",
    "options",
    "answer",
    "explanation",
    "category",
    "difficulty",
    "points",
    "active",
    "content_hash",
)
# What a reviewer compares side by side.
DIFF_FIELDS = ("type", "stem", "options", "answer", "explanation", "category", "active")
PENDING = ("draft", "submitted")


def content_of(source) -> dict:
    """The content columns of a `Question` or a `QuestionVersion`."""
    out = {name: getattr(source, name) for name in CONTENT}
    out["options"] = [list(option) for option in source.options]
    out["explanation"] = out["explanation"] or ""
    return out


def _fields_of(source) -> dict:
    """The content as the bank rules read it (for validating an edit)."""
    return {
        "type": source.type,
        "stem": source.stem,
        "options": {key: text for key, text in source.options},
        "answer": list(source.answer),
        "explanation": source.explanation,
        "category": source.category,
        "difficulty": source.difficulty,
        "points": source.points,
    }


def get_version(question_id: int, version: int, *, lock: bool = False) -> QuestionVersion:
    """One version (`lock`: its row held until the commit, so two reviewers deciding at once
    take turns)."""
    found = None
    if 0 < question_id <= MAX_ID and 0 < version <= MAX_ID:
        stmt = select(QuestionVersion).where(
            QuestionVersion.question_id == question_id, QuestionVersion.version == version
        )
        found = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound("这个版本不存在。")
    return found


def versions_of(question_id: int) -> list[QuestionVersion]:
    """Every version of a question, newest first."""
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.question_id == question_id)
            .order_by(QuestionVersion.version.desc())
        )
    )


def pending_of(question: Question) -> QuestionVersion | None:
    """The newest version after the published one that is still being worked on (submitted or
    returned), if any: the next edit builds on it."""
    return db.session.scalar(
        select(QuestionVersion)
        .where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.version > question.version,
            QuestionVersion.status.in_(("draft", "submitted", "returned")),
        )
        .order_by(QuestionVersion.version.desc())
        .limit(1)
    )


def _lock_question(question_id: int) -> None:
    """Hold the question's row: two edits of one question at once number their versions in turn."""
    db.session.execute(select(Question.id).where(Question.id == question_id).with_for_update())


def new_version(
    question_id: int,
    content: dict,
    *,
    status: str,
    author_id: int | None,
    now: datetime,
    batch_id: int | None = None,
) -> QuestionVersion:
    _lock_question(question_id)
    number = db.session.scalar(
        select(func.coalesce(func.max(QuestionVersion.version), 0)).where(
            QuestionVersion.question_id == question_id
        )
    )
    version = QuestionVersion(
        question_id=question_id,
        version=number + 1,
        status=status,
        **content,
        author_id=author_id,
        reviewer_ids=[],
        batch_id=batch_id,
        created_at=now,
        decided_at=now if status == "published" else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _supersede(question_id: int, statuses: tuple[str, ...]) -> None:
    db.session.execute(
        update(QuestionVersion)
        .where(QuestionVersion.question_id == question_id, QuestionVersion.status.in_(statuses))
        .values(status="superseded")
        .execution_options(synchronize_session="fetch")
    )


def baseline(question: Question) -> None:
    """A question stored without its versions (a bulk tool, a fixture) gets its published
    content recorded as that version first, so its history and diffs start from it."""
    if question.version is None or question.version <= 0:
        return
    found = db.session.scalar(
        select(QuestionVersion.id).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.version == question.version,
        )
    )
    if found is None:
        db.session.add(
            QuestionVersion(
                question_id=question.id,
                version=question.version,
                status="published",
                **content_of(question),
                author_id=None,
                reviewer_ids=[],
                created_at=question.created_at,
                decided_at=question.updated_at,
            )
        )
        db.session.flush()


def record_published(
    question: Question, *, author_id: int | None, now: datetime
) -> QuestionVersion:
    """The question's content as it now stands (an edit applied at once, QUIZ_REVIEW_STEPS=0)
    becomes its newest version, published."""
    _supersede(question.id, ("published", *PENDING))
    version = new_version(
        question.id, content_of(question), status="published", author_id=author_id, now=now
    )
    question.version = version.version
    db.session.flush()
    return version


def edited_content(question: Question, base, changes: dict) -> dict:
    """`base`'s content (the published question or a pending version) with an editor's changes,
    validated by the bank rules."""
    changes = dict(changes)
    active = changes.pop("active", None)
    content = content_of(base)
    fields = {k: v for k, v in changes.items() if v is not None}
    if fields:
        valid = banks.validate_fields({**_fields_of(base), **fields})
        if valid.content_hash != question.content_hash and banks.existing_hashes(
            [valid.content_hash]
        ):
            raise banks.DuplicateQuestion("已有相同的题目。")
        content.update(
            type=valid.type,
            stem=valid.stem,
            options=[list(option) for option in valid.options],
            answer="".join(sorted(valid.answer)),
            explanation=valid.explanation,
            category=valid.category,
            difficulty=valid.difficulty,
            points=valid.points,
            content_hash=valid.content_hash,
        )
    if active is not None:
        content["active"] = bool(active)
    return content


def draft_edit(
    question: Question, changes: dict, *, author_id: int, now: datetime, batch_id=None
) -> QuestionVersion:
    """An edit under review: a new submitted version, built on the newest pending one (or the
    published question). An older submitted version gives way to it; citizens see nothing new.
    A fix to a row of an import batch stays in that batch."""
    _lock_question(question.id)
    baseline(question)
    base = pending_of(question)
    content = edited_content(question, base or question, changes)
    if base is not None and base.batch_id is not None and batch_id is None:
        batch_id = base.batch_id
    _supersede(question.id, PENDING)
    return new_version(
        question.id, content, status="submitted", author_id=author_id, now=now, batch_id=batch_id
    )


def publish(version: QuestionVersion, *, now: datetime) -> Question:
    """Make `version` the one citizens see: its content goes into the question's row. Answers
    already given keep the version they were scored against."""
    question = db.session.get(Question, version.question_id)
    if version.content_hash != question.content_hash and banks.existing_hashes(
        [version.content_hash]
    ):
        raise banks.DuplicateQuestion(f"第 {question.id} 题与已有题目重复。")
    _supersede(question.id, ("published",))
    for name, value in content_of(version).items():
        setattr(question, name, value)
    question.version = version.version
    question.updated_at = now
    version.status = "published"
    version.decided_at = now
    db.session.flush()
    return question


_BACKFILL = text(
    "INSERT INTO question_versions (question_id, version, status, type, stem, options, answer,"
    " explanation, category, difficulty, points, active, content_hash, author_id, reviewer_ids,"
    " batch_id, created_at, decided_at)"
    " SELECT id, 1, :status, type, stem, options, answer, explanation, category, difficulty,"
    " points, true, content_hash, :author_id, '[]', :batch_id, :now, :decided_at"
    " FROM questions WHERE bank_id = :bank_id"
).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("decided_at", type_=UTCDateTime()),
    bindparam("author_id", type_=Integer()),
    bindparam("batch_id", type_=Integer()),
)


def record_import(
    bank_id: int, *, status: str, author_id: int | None, batch_id: int | None, now: datetime
) -> None:
    """Version 1 of every question an import added, in one statement: published at once, or
    submitted in a review batch."""
    db.session.execute(
        _BACKFILL,
        {
            "status": status,
            "author_id": author_id,
            "batch_id": batch_id,
            "now": now,
            "decided_at": now if status == "published" else None,
            "bank_id": bank_id,
        },
    )
