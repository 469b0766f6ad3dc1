"""Question banks: import files all-or-nothing, and manage single questions.

Reading and validating files is `question_bank`'s job (framework-free); this module turns a
validated `Bank` into rows, counts duplicates and applies admins' edits with the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from sqlalchemy import String, any_, bindparam, exists, insert, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

import question_bank
from question_bank import Bank, InvalidBank, Limits, cues
from quiz.errors import AppError, Conflict, NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import Answer, DailySet, Question, QuestionBank
from quiz.models.types import MAX_ID
from quiz.services.sql import row_by_id

BUNDLED_NAME = "bundled:civic_bank.json"
_CHUNK = 500


class ImportConflict(Conflict):
    """Two imports added the same question at once; the retry finds it as a duplicate."""

    code = "import_conflict"
    title = "Import conflict"


class UnknownQuestion(NotFound):
    code = "unknown_question"
    title = "Unknown question"


class InvalidBankFile(AppError):
    """A bank file with at least one bad row: every problem is listed, nothing is imported."""

    status = 422
    code = "invalid_bank"
    title = "Invalid question bank"


class DuplicateQuestion(Conflict):
    """An edit would make a question identical to another one."""

    code = "duplicate_question"
    title = "Duplicate question"


class QuestionInUse(Conflict):
    """Answers were scored against this question; its options and key can no longer change."""

    code = "question_in_use"
    title = "Question in use"


@dataclass
class ImportReport:
    dry_run: bool
    created: int
    duplicates: int
    errors: list = field(default_factory=list)
    bank_id: int | None = None
    skipped_blank_rows: int = 0
    skipped_example_rows: int = 0  # the template's 【示例】 rows
    # A preview's first rows as they will be stored (`preview_rows`), set on previews only.
    preview: list = field(default_factory=list)
    # A preview's guessing-cue figures (`advice_for`), set on previews only.


# Measuring a bank's guessing cues compares every question with every other: a preview measures
# banks up to this size and points larger ones to `check_bank.py --report`.
MAX_ADVISED = 300


def advice_for(questions) -> list[dict]:
    """The guessing-cue figures of a bank beside their limits (question_bank.cues), as advice:
    they never block an import."""
    questions = list(questions)
    if len(questions) > MAX_ADVISED:
        return [
            {
                "name": "猜题线索",
                "value": f"{len(questions)} 题，超过 {MAX_ADVISED} 题不在此测量",
                "limit": "请用 python question_bank/data/check_bank.py --report --bank 文件",
                "ok": True,
            }
        ]
    return [
        {"name": f.name, "value": f.value, "limit": f.limit, "ok": f.ok}
        for f in cues.measure(questions).figures
    ]


def read_file(data: bytes, filename: str, limits: Limits = Limits()) -> Bank:
    try:
        return question_bank.read_bank(data, filename, limits=limits)
    except InvalidBank as exc:
        raise InvalidBankFile(
            f"题库文件有 {len(exc.issues)} 处错误，未导入任何题目。",
            errors=[issue.as_dict() for issue in exc.issues],
        ) from exc


def existing_hashes(hashes: Iterable[str]) -> set[str]:
    hashes = list(hashes)
    if not hashes:
        return set()
    column = Question.content_hash
    if db.session.get_bind().dialect.name == "postgresql":
        # One array parameter: 10,000 separate bound values cost more to send than to look up.
        matches = column == any_(bindparam("hashes", hashes, type_=ARRAY(String)))
        return set(db.session.scalars(select(column).where(matches)))
    found: set[str] = set()
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        found.update(db.session.scalars(select(column).where(column.in_(chunk))))
    return found


def _row(question: question_bank.Question, bank_id: int | None, now: datetime) -> dict:
    return {
        "type": question.type,
        "stem": question.stem,
        "options": [list(option) for option in question.options],
        "answer": "".join(sorted(question.answer)),
        "explanation": question.explanation,
        "category": question.category,
        "difficulty": question.difficulty,
        "points": question.points,
        "active": True,
        "bank_id": bank_id,
        "content_hash": question.content_hash,
        "created_at": now,
        "updated_at": now,
    }


_COLUMNS = (
    "type",
    "stem",
    "options",
    "answer",
    "explanation",
    "category",
    "difficulty",
    "points",
    "active",
    "bank_id",
    "content_hash",
    "created_at",
    "updated_at",
)


def _insert_questions(
    questions: list[question_bank.Question],
    bank_id: int,
    now: datetime,
    progress: Callable[[int], None] | None,
) -> None:
    """Insert many questions below the ORM and SQLAlchemy's per-row parameter handling.

    The column types' own bind conversions are applied here (JSON text, naive UTC timestamps;
    the values shared by every row only once), then PostgreSQL gets one COPY … FROM STDIN —
    an executemany would send one INSERT per row — and other databases one DB-API
    executemany per chunk.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    table = Question.__table__
    bind = {
        name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _COLUMNS
    }
    copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
    if copy:
        bind["options"] = json.dumps  # COPY takes the JSON as text
    shared = {"active": True, "bank_id": bank_id, "created_at": now, "updated_at": now}
    shared = {name: (bind[name] or _same)(value) for name, value in shared.items()}
    convert = [
        (i, bind[name]) for i, name in enumerate(_COLUMNS) if bind[name] and name not in shared
    ]

    def values(question: question_bank.Question) -> tuple:
        row = [
            question.type,
            question.stem,
            [list(option) for option in question.options],
            "".join(sorted(question.answer)),
            question.explanation,
            question.category,
            question.difficulty,
            question.points,
            shared["active"],
            shared["bank_id"],
            question.content_hash,
            shared["created_at"],
            shared["updated_at"],
        ]
        for index, function in convert:
            row[index] = function(row[index])
        return row

    chunks = (questions[start : start + _CHUNK] for start in range(0, len(questions), _CHUNK))
    if copy:
        cursor = connection.connection.driver_connection.cursor()
        statement = f"COPY {table.name} ({', '.join(_COLUMNS)}) FROM STDIN"
        with cursor, cursor.copy(statement) as stream:
            for chunk in chunks:
                for question in chunk:
                    stream.write_row(values(question))
                if progress:
                    progress(len(chunk))
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(_COLUMNS))
    if compiled.positional and list(compiled.positiontup) != list(_COLUMNS):
        raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")
    for chunk in chunks:
        rows = [tuple(values(question)) for question in chunk]
        if not compiled.positional:
            rows = [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
        connection.exec_driver_sql(compiled.string, rows)
        if progress:
            progress(len(chunk))


def _same(value):
    return value


def _driver_integrity_errors() -> tuple[type[Exception], ...]:
    """COPY goes to psycopg directly, so its unique violation is not SQLAlchemy's."""
    return (psycopg.IntegrityError,)


PREVIEW_ROWS = 5


def preview_rows(questions, known: set[str]) -> list[dict]:
    """The first questions as they will be stored (normalised: types, keys, trimmed text), each
    with its row in the file and whether it is a duplicate (then it will not be added)."""
    return [
        {"row": q.row, **q.as_dict(), "duplicate": q.content_hash in known}
        for q in questions[:PREVIEW_ROWS]
    ]


def import_bank(
    bank: Bank,
    *,
    filename: str,
    uploader_id: int | None,
    dry_run: bool,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Add the bank's new questions (duplicates are counted, not added). Flushes, never commits."""
    known = existing_hashes(q.content_hash for q in bank.questions)
    new = [q for q in bank.questions if q.content_hash not in known]
    report = ImportReport(
        dry_run=dry_run,
        created=len(new),
        duplicates=len(bank.questions) - len(new),
        skipped_blank_rows=bank.skipped_blank_rows,
        skipped_example_rows=bank.skipped_example_rows,
    )
    if dry_run:
        # The preview is where an editor reads the bank: the cue figures come with it.
        report.advice = advice_for(bank.questions)
        report.preview = preview_rows(bank.questions, known)
        return report
    record = QuestionBank(
        filename=filename[:255],
        uploader_id=uploader_id,
        created_count=len(new),
        duplicate_count=report.duplicates,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    report.bank_id = record.id
    try:
        with db.session.begin_nested():
            _insert_questions(new, record.id, now, progress)
    except (IntegrityError, *_driver_integrity_errors()) as exc:
        # Another import added some of the same questions a moment ago.
        raise ImportConflict("另一次导入正在添加相同的题目，请重试。") from exc
    return report


def import_bundled(*, now: datetime) -> ImportReport:
    """Load the bank shipped with the product (what `make run` seeds an empty database with)."""
    return import_bank(
        question_bank.load_bundled(),
        filename=BUNDLED_NAME,
        uploader_id=None,
        dry_run=False,
        now=now,
    )


def get_question(question_id: int) -> Question:
    # An id beyond the INTEGER column cannot exist (and the databases refuse to compare it).
    question = row_by_id(Question, question_id)
    if question is None:
        raise UnknownQuestion("题目不存在。")
    return question


def list_questions(
    *,
    category: str | None,
    active: bool | None,
    search: str | None,
    after_id: int | None,
    limit: int | None,
) -> list[Question]:
    stmt = select(Question)
    if category:
        stmt = stmt.where(Question.category == category)
    if active is not None:
        stmt = stmt.where(Question.active.is_(active))
    if search:
        stmt = stmt.where(
            or_(
                Question.stem.contains(search, autoescape=True),
                Question.explanation.contains(search, autoescape=True),
            )
        )
    if after_id is not None:
        stmt = stmt.where(Question.id > max(0, min(after_id, MAX_ID)))  # ids fit INTEGER
    stmt = stmt.order_by(Question.id)
    return list(db.session.scalars(stmt if limit is None else stmt.limit(limit)))


def categories() -> list[str]:
    return list(
        db.session.scalars(select(Question.category).distinct().order_by(Question.category))
    )


def is_used(question_id: int) -> bool:
    """Answered by anyone, or part of any day's set (past, today or scheduled)."""
    if db.session.scalar(select(exists().where(Answer.question_id == question_id))):
        return True
    return any(question_id in ids for ids in db.session.scalars(select(DailySet.question_ids)))


def _fields_of(question: Question) -> dict:
    return {
        "type": question.type,
        "stem": question.stem,
        "options": {key: text for key, text in question.options},
        "answer": list(question.answer),
        "explanation": question.explanation,
        "category": question.category,
        "difficulty": question.difficulty,
        "points": question.points,
    }


def validate_fields(fields: dict) -> question_bank.Question:
    valid, issues = question_bank.validate_question(fields)
    if issues or valid is None:
        raise ValidationFailed(
            "题目内容不符合规则。",
            errors=[{"field": issue.column, "message": issue.message} for issue in issues],
        )
    return valid


def create_question(fields: dict, *, now: datetime) -> Question:
    valid = validate_fields(fields)
    if existing_hashes([valid.content_hash]):
        raise DuplicateQuestion("已有相同的题目。")
    question = Question(**_row(valid, None, now))
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: Question, changes: dict, *, now: datetime) -> Question:
    """Apply an admin's edit, validated with the bank rules.

    Once answers were scored against a question its type, options and answer key are frozen
    (old results would silently change meaning); wording, explanation, category, difficulty,
    points and `active` stay editable.
    """
    active = changes.pop("active", None)
    content = {k: v for k, v in changes.items() if v is not None}
    if content:
        merged = {**_fields_of(question), **content}
        valid = validate_fields(merged)
        new_options = [list(option) for option in valid.options]
        new_answer = "".join(sorted(valid.answer))
        scoring_changed = (
            valid.type != question.type
            or new_options != question.options
            or new_answer != question.answer
        )
        if scoring_changed and db.session.scalar(
            select(exists().where(Answer.question_id == question.id))
        ):
            raise QuestionInUse(
                "这道题已有人作答，不能再修改题型、选项或答案；可停用后新建一道题。"
            )
        if valid.content_hash != question.content_hash and existing_hashes([valid.content_hash]):
            raise DuplicateQuestion("已有相同的题目。")
        question.type, question.stem, question.options = valid.type, valid.stem, new_options
        question.answer, question.explanation = new_answer, valid.explanation
        question.category, question.difficulty = valid.category, valid.difficulty
        question.points, question.content_hash = valid.points, valid.content_hash
    if active is not None:
        question.active = bool(active)
    question.updated_at = now
    db.session.flush()
    return question


def retire_question(question: Question) -> bool:
    """Delete a question nobody has seen; deactivate one that was used. True if deleted."""
    if is_used(question.id):
        question.active = False
        db.session.flush()
        return False
    db.session.delete(question)
    db.session.flush()
    return True
