"""Importing a validated bank into the database: the bulk path (COPY on PostgreSQL, DB-API
executemany elsewhere) stores exactly what the ORM would, and a lost race adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

import question_bank
from quiz.errors import Conflict
from quiz.extensions import db
from quiz.models import Question, QuestionBank
from quiz.services import banks

# Characters COPY's text format and JSON both escape: backslash, quotes, a literal \N, tab-like
# text, and non-BMP characters.
TRICKY = 'C:\\路径\\N 与 "引号" \\t 和 😀'


def make_bank(count: int, *, stem: str = "第{i}题：下列说法正确的是哪一项？") -> question_bank.Bank:
    questions = []
    for i in range(count):
        question, issues = question_bank.validate_question(
            {
                "type": "single",
                "stem": stem.format(i=i),
                "options": {"A": f"甲{i}", "B": TRICKY, "C": f"丙{i}"},
                "answer": "B",
                "explanation": f"解析 {TRICKY}",
                "category": "交通文明",
                "difficulty": 3,
                "points": 5 if i % 2 else None,
            },
            row=i + 1,
        )
        assert not issues
        questions.append(question)
    return question_bank.Bank(questions=tuple(questions), skipped_blank_rows=0, source_name="t")


def import_(bank, clock, **kwargs):
    return banks.import_bank(
        bank, filename="bank.xlsx", uploader_id=None, dry_run=False, now=clock.now(), **kwargs
    )


def count_questions() -> int:
    return db.session.scalar(select(func.count()).select_from(Question))


def test_an_imported_question_reads_back_exactly_as_validated(app, clock):
    bank = make_bank(2)
    report = import_(bank, clock)
    db.session.commit()
    db.session.expunge_all()

    stored = db.session.scalars(select(Question).order_by(Question.id)).all()
    expected = bank.questions[1]
    assert (stored[1].type, stored[1].stem, stored[1].answer) == ("single", expected.stem, "B")
    assert stored[1].options == [["A", "甲1"], ["B", TRICKY], ["C", "丙1"]]
    assert stored[1].explanation == f"解析 {TRICKY}"
    assert (stored[1].category, stored[1].difficulty, stored[1].points) == ("交通文明", 3, 5)
    assert stored[0].points is None
    assert stored[1].active is True and stored[1].bank_id == report.bank_id
    assert stored[1].content_hash == expected.content_hash
    assert stored[1].created_at == clock.now() and stored[1].updated_at == clock.now()


def test_a_bank_larger_than_one_chunk_is_imported_whole_with_progress_per_chunk(app, clock):
    steps: list[int] = []
    report = import_(make_bank(1_201), clock, progress=steps.append)
    db.session.commit()
    assert report.created == 1_201 and count_questions() == 1_201
    assert steps == [500, 500, 201]


def test_questions_already_stored_are_counted_as_duplicates_not_added(app, clock):
    import_(make_bank(3), clock)
    db.session.commit()
    report = import_(make_bank(5), clock)
    db.session.commit()
    assert (report.created, report.duplicates) == (2, 3)
    assert count_questions() == 5


def test_existing_hashes_finds_exactly_the_stored_ones_among_many(app, clock):
    stored = make_bank(3)
    import_(stored, clock)
    db.session.commit()
    unknown = [f"{i:064x}" for i in range(1_000)]
    wanted = unknown + [q.content_hash for q in stored.questions]
    assert banks.existing_hashes(wanted) == {q.content_hash for q in stored.questions}
    assert banks.existing_hashes([]) == set()


def test_an_import_that_loses_a_race_adds_nothing_and_reports_import_conflict(
    app, clock, monkeypatch
):
    import_(make_bank(1), clock)
    db.session.commit()
    # The other import committed between this import's duplicate check and its insert.
    monkeypatch.setattr(banks, "existing_hashes", lambda hashes: set())

    with pytest.raises(Conflict) as caught:
        import_(make_bank(3), clock)

    assert caught.value.code == "import_conflict"
    assert count_questions() == 1  # the savepoint took the two new questions back too
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QuestionBank)) == 1


def test_bulk_imported_columns_are_stored_exactly_as_the_orm_stores_them(app, clock):
    import_(make_bank(1), clock)
    banks.create_question(
        {"type": "judge", "stem": "单独新建的一道题", "answer": "对", "category": "交通文明"},
        now=clock.now(),
    )
    db.session.commit()
    # Compared as the database holds them (SQLite keeps text: the format must be the ORM's).
    stored = db.session.execute(
        text(
            "SELECT CAST(created_at AS VARCHAR(40)), CAST(updated_at AS VARCHAR(40)),"
            " CAST(active AS VARCHAR(8)) FROM questions ORDER BY id"
        )
    ).all()
    assert stored[0] == stored[1]
