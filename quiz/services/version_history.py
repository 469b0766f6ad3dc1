"""Reading question versions (三审): a version as the answering core and the review pages read
it, the people named, the side-by-side diff a reviewer reads, and the answers a key change
touches. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from quiz.extensions import db
from quiz.models import Answer, Question, QuestionVersion, User
from quiz.services.answering import QuestionCard
from quiz.services.versions import DIFF_FIELDS, content_of


def card_of(version: QuestionVersion) -> QuestionCard:
    """A version as the answering core and the review pages read a question."""
    return QuestionCard(
        id=version.question_id,
        type=version.type,
        stem=version.stem,
        options=tuple((key, text) for key, text in version.options),
        answer=version.answer,
        explanation=version.explanation or "",
        category=version.category,
        points=version.points,
        version=version.version,
    )


def cards_of(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], QuestionCard]:
    """(question id, version) → that version's card, in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(QuestionVersion).where(
            QuestionVersion.question_id.in_({qid for qid, _ in wanted}),
            QuestionVersion.version.in_({v for _, v in wanted}),
        )
    )
    return {
        (row.question_id, row.version): card_of(row)
        for row in rows
        if (row.question_id, row.version) in wanted
    }


def names_of(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {uid for uid in user_ids if uid is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


@dataclass
class FieldDiff:
    field: str
    published: object
    draft: object
    changed: bool


def diff(question: Question, version: QuestionVersion) -> list[FieldDiff]:
    """The published content next to `version`'s, field by field (a never-published question
    compares with nothing)."""
    published = db.session.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question.id,
            QuestionVersion.version == question.version,
        )
    )
    before = content_of(published) if published is not None else {}
    after = content_of(version)
    return [
        FieldDiff(name, before.get(name), after[name], before.get(name) != after[name])
        for name in DIFF_FIELDS
    ]


def answers_under_other_keys(question_id: int, answer: str) -> int:
    """Daily answers scored under a version whose key differs from `answer`."""
    other = select(QuestionVersion.version).where(
        QuestionVersion.question_id == question_id, QuestionVersion.answer != answer
    )
    return db.session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.question_id == question_id, Answer.question_version.in_(other))
    )


@dataclass
class VersionView:
    """A version with its people named (what the console and the API show)."""

    question_id: int
    version: int
    status: str
    author: str | None
    reviewers: list[str]
    created_at: datetime
    decided_at: datetime | None
    type: str
    stem: str
    options: list
    answer: str
    explanation: str
    category: str
    active: bool
    note: str | None
    batch_id: int | None
    rescore: str | None
    # Daily answers given to this version, and how many were right under its key.
    answers: int = 0
    correct: int = 0


def answer_counts(question_id: int) -> dict[int, tuple[int, int]]:
    """version → (daily answers given to it, right ones): each version's own statistics."""
    rows = db.session.execute(
        select(
            Answer.question_version,
            func.count(),
            func.sum(case((Answer.correct.is_(True), 1), else_=0)),
        )
        .where(Answer.question_id == question_id)
        .group_by(Answer.question_version)
    )
    return {version: (answers, int(right or 0)) for version, answers, right in rows}


def history_of(question_id: int, rows: list[QuestionVersion]) -> list[VersionView]:
    """A question's versions, each with the answers scored against it."""
    views = views_of(rows)
    counts = answer_counts(question_id)
    for view in views:
        view.answers, view.correct = counts.get(view.version, (0, 0))
    return views


def views_of(rows: list[QuestionVersion]) -> list[VersionView]:
    names = names_of(
        [row.author_id for row in rows] + [uid for row in rows for uid in row.reviewer_ids]
    )
    return [
        VersionView(
            question_id=row.question_id,
            version=row.version,
            status=row.status,
            author=names.get(row.author_id),
            reviewers=[names.get(uid, str(uid)) for uid in row.reviewer_ids],
            created_at=row.created_at,
            decided_at=row.decided_at,
            type=row.type,
            stem=row.stem,
            options=row.options,
            answer=row.answer,
            explanation=row.explanation or "",
            category=row.category,
            active=row.active,
            note=row.note,
            batch_id=row.batch_id,
            rescore=row.rescore,
        )
        for row in rows
    ]


@dataclass
class Comparison:
    question_id: int
    published_version: int
    version: VersionView
    fields: list[FieldDiff]
    answers_under_old_key: int


def compare(question: Question, version: QuestionVersion) -> Comparison:
    """What a reviewer reads: the draft beside the published version, and how many answers
    were scored under a key other than the draft's."""
    return Comparison(
        question_id=question.id,
        published_version=question.version,
        version=views_of([version])[0],
        fields=diff(question, version),
        answers_under_old_key=answers_under_other_keys(question.id, version.answer),
    )


def latest_version(question_id: int) -> int | None:
    """The newest version that is published or waiting for review (what a `fixed` 纠错 report
    points to)."""
    return db.session.scalar(
        select(func.max(QuestionVersion.version)).where(
            QuestionVersion.question_id == question_id,
            QuestionVersion.status.in_(("published", "submitted")),
        )
    )
