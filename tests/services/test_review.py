"""三审 as services: versions, approvals by someone else, batches all-or-nothing, re-scoring."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from question_bank import Bank
from quiz.errors import AlreadyReviewed, NotInReview, OwnDraft
from quiz.extensions import db
from quiz.models import Answer, LedgerEntry, Question, QuestionVersion, User
from quiz.runtime import runtime_of
from quiz.services import (
    banks,
    daily_quiz,
    draw,
    learning,
    question_reports,
    review,
    version_history,
    versions,
)
from quiz.services.daily_quiz import Rules

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
POINTS = 10


@pytest.fixture
def rules(app) -> Rules:
    return runtime_of(app).rules


@pytest.fixture
def people(factory):
    return {
        "editor": factory.user(role="editor", username="editor"),
        "reviewer": factory.user(role="reviewer", username="reviewer"),
        "chief": factory.user(role="reviewer", username="chief"),
        "admin": factory.user(role="admin", username="admin"),
    }


def approve(version, who, *, steps=1, rescore=False):
    return review.approve(
        version.question_id,
        version.version,
        reviewer_id=who.id,
        steps=steps,
        rescore=rescore,
        points_correct=POINTS,
        now=NOW,
    )


def test_an_edit_under_review_leaves_the_published_question_as_it_was(factory, people):
    question = factory.question(stem="旧的题干？")
    change = review.edit_question(
        question, {"stem": "新的题干？"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    assert not change.published and change.version.status == "submitted"
    assert change.version.version == 2 and change.version.stem == "新的题干？"
    assert db.session.get(Question, question.id).stem == "旧的题干？"
    assert question.version == 1


def test_an_approved_edit_is_published_and_the_old_version_superseded(factory, people):
    question = factory.question(stem="旧的题干？")
    change = review.edit_question(
        question, {"stem": "新的题干？"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    decision = approve(change.version, people["reviewer"])
    assert decision.published
    assert (question.stem, question.version) == ("新的题干？", 2)
    statuses = [(v.version, v.status) for v in versions.versions_of(question.id)]
    assert statuses == [(2, "published"), (1, "superseded")]


def test_nobody_approves_their_own_draft_not_even_an_admin(factory, people):
    question = factory.question()
    change = review.edit_question(
        question, {"stem": "管理员自己改的题干？"}, author_id=people["admin"].id, steps=1, now=NOW
    )
    with pytest.raises(OwnDraft):
        approve(change.version, people["admin"])
    with pytest.raises(OwnDraft):
        review.return_version(
            question.id, change.version.version, "不行", reviewer_id=people["admin"].id, now=NOW
        )
    assert question.version == 1


def test_two_steps_need_two_different_reviewers(factory, people):
    question = factory.question(stem="旧的题干？")
    change = review.edit_question(
        question, {"stem": "三审后的题干？"}, author_id=people["editor"].id, steps=2, now=NOW
    )
    first = approve(change.version, people["reviewer"], steps=2)
    assert not first.published and question.stem == "旧的题干？"
    with pytest.raises(AlreadyReviewed):
        approve(change.version, people["reviewer"], steps=2)
    second = approve(change.version, people["chief"], steps=2)
    assert second.published and question.stem == "三审后的题干？"
    assert change.version.reviewer_ids == [people["reviewer"].id, people["chief"].id]


def test_a_returned_version_carries_the_note_and_the_fix_is_a_new_version(factory, people):
    question = factory.question(stem="有错别字的题干？")
    change = review.edit_question(
        question, {"explanation": "解析有误"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    returned = review.return_version(
        question.id, 2, "解析引用的条款不对", reviewer_id=people["reviewer"].id, now=NOW
    )
    assert (returned.status, returned.note) == ("returned", "解析引用的条款不对")
    with pytest.raises(NotInReview):
        approve(change.version, people["reviewer"])
    fix = review.edit_question(
        question, {"explanation": "依据第四十七条"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    assert fix.version.version == 3 and fix.version.explanation == "依据第四十七条"
    approve(fix.version, people["reviewer"])
    assert question.explanation == "依据第四十七条"


def test_with_no_review_steps_every_edit_is_published_at_once_and_kept_as_a_version(
    factory, people
):
    question = factory.question(stem="旧的题干？")
    change = review.edit_question(
        question, {"stem": "立即生效的题干？"}, author_id=people["admin"].id, steps=0, now=NOW
    )
    assert change.published and question.stem == "立即生效的题干？" and question.version == 2
    history = versions.versions_of(question.id)
    assert [(v.version, v.status, v.stem) for v in history] == [
        (2, "published", "立即生效的题干？"),
        (1, "superseded", "旧的题干？"),
    ]


def test_retiring_a_question_under_review_keeps_it_drawable_until_approved(factory, people):
    question = factory.question()
    change = review.retire_question(question, author_id=people["editor"].id, steps=1, now=NOW)
    assert change.version.active is False and question.active is True
    approve(change.version, people["reviewer"])
    assert question.active is False


def test_an_answer_keeps_its_version_and_review_shows_the_old_wording(factory, people, rules):
    bank = [factory.question(stem=f"第{i}道原题？") for i in range(6)]
    user = factory.user()
    day = daily_quiz.local_day(NOW, rules.tz)
    qid = draw.daily_set(day, rules, now=NOW).question_ids[0]
    result = daily_quiz.submit_answer(user, qid, ["B"], rules, now=NOW)
    assert result.question_version == 1
    question = db.session.get(Question, qid)
    old_stem = question.stem
    change = review.edit_question(
        question, {"stem": "改过的题干？"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    approve(change.version, people["reviewer"])
    assert question.version == 2 and len(bank) == 6
    answer = db.session.scalar(select(Answer).where(Answer.question_id == qid))
    assert answer.question_version == 1
    item = next(
        i for i in learning.review(user.id, day, rules).questions if i.question["id"] == qid
    )
    assert item.question["stem"] == old_stem and item.question_version == 1
    mistake = learning.mistakes_of(
        user.id, rules, category=None, mastered=None, after=None, limit=10
    )[0]
    assert mistake.question["stem"] == old_stem and mistake.question_version == 1


def _answers(question, choices_by_user):
    for user, choices in choices_by_user:
        db.session.add(
            Answer(
                user_id=user.id,
                question_id=question.id,
                question_version=1,
                day=NOW.date(),
                choices=choices,
                correct=choices == question.answer,
                points=POINTS if choices == question.answer else 0,
                bonus=0,
                category=question.category,
                created_at=NOW,
            )
        )
    db.session.flush()


def test_rescoring_credits_each_affected_user_once_and_never_twice(factory, people):
    question = factory.question(answer="A")
    right_now, wrong_still, right_before = factory.user(), factory.user(), factory.user()
    _answers(question, [(right_now, "B"), (wrong_still, "C"), (right_before, "A")])
    change = review.edit_question(
        question, {"answer": ["B"]}, author_id=people["editor"].id, steps=1, now=NOW
    )
    assert version_history.answers_under_other_keys(question.id, "B") == 3
    decision = approve(change.version, people["reviewer"], rescore=True)
    assert decision.rescored == 1 and change.version.rescore == "rescore"
    again = review.rescore_answers(
        change.version, actor_id=people["reviewer"].id, points_correct=POINTS, now=NOW
    )
    assert again == 0
    entries = db.session.execute(select(LedgerEntry.user_id, LedgerEntry.delta)).all()
    assert entries == [(right_now.id, POINTS)]
    assert db.session.get(User, right_now.id).balance == POINTS
    assert db.session.get(User, right_before.id).balance == 0  # nobody loses points


def test_keeping_past_scores_is_the_default_on_a_key_change(factory, people):
    question = factory.question(answer="A")
    _answers(question, [(factory.user(), "B")])
    change = review.edit_question(
        question, {"answer": ["B"]}, author_id=people["editor"].id, steps=1, now=NOW
    )
    approve(change.version, people["reviewer"])
    assert change.version.rescore == "keep"
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def _import(rows, people, steps=1):
    bank = banks.read_file(rows.encode(), "bank.csv")
    assert isinstance(bank, Bank)
    report = banks.import_bank(
        bank, filename="bank.csv", uploader_id=people["editor"].id, dry_run=False, now=NOW
    )
    return review.submit_import(
        report.bank_id, "bank.csv", author_id=people["editor"].id, steps=steps, now=NOW
    )


CSV = (
    "题型,题干,选项A,选项B,答案,解析,分类\n"
    "单选,批次中的第一题？,甲,乙,A,解析一,交通文明\n"
    "单选,批次中的第二题？,甲,乙,B,解析二,交通文明\n"
)


def test_an_imported_batch_stays_out_of_every_draw_until_approved(people, rules):
    batch = _import(CSV, people)
    assert batch.status == "submitted"
    questions = list(db.session.scalars(select(Question)))
    assert [(q.active, q.version) for q in questions] == [(False, 0), (False, 0)]
    with pytest.raises(draw.NoQuestions):
        draw.choose_questions(NOW.date(), rules)
    with pytest.raises(OwnDraft):
        review.approve_batch(batch.id, reviewer_id=people["editor"].id, steps=1, now=NOW)
    review.approve_batch(batch.id, reviewer_id=people["reviewer"].id, steps=1, now=NOW)
    assert [(q.active, q.version) for q in questions] == [(True, 1), (True, 1)]


def test_a_returned_batch_is_fixed_resubmitted_and_approved(people):
    batch = _import(CSV, people)
    first, second = review.batch_rows(batch)
    review.return_batch(
        batch.id,
        "第二题答案有误",
        {second.question_id: "答案应为 A"},
        reviewer_id=people["reviewer"].id,
        now=NOW,
    )
    assert (first.note, second.note) == (None, "答案应为 A")
    question = db.session.get(Question, second.question_id)
    fix = review.edit_question(
        question, {"answer": ["A"]}, author_id=people["editor"].id, steps=1, now=NOW
    )
    assert fix.version.batch_id == batch.id
    review.resubmit_batch(batch.id, author_id=people["editor"].id, now=NOW)
    review.approve_batch(batch.id, reviewer_id=people["reviewer"].id, steps=1, now=NOW)
    assert (question.answer, question.version, question.active) == ("A", 2, True)


def test_an_import_batch_is_all_or_nothing_at_approval(people, factory):
    batch = _import(CSV, people)
    _, second = review.batch_rows(batch)
    question = db.session.get(Question, second.question_id)
    fix = review.edit_question(
        question, {"stem": "已被别人抢先的题干？"}, author_id=people["editor"].id, steps=1, now=NOW
    )
    # Meanwhile the same question is added elsewhere: that row can no longer be published.
    clash = banks.create_question(
        {
            "type": "single",
            "stem": "已被别人抢先的题干？",
            "options": {"A": "甲", "B": "乙"},
            "answer": ["B"],
            "category": "交通文明",
        },
        now=NOW,
    )
    assert clash.content_hash == fix.version.content_hash
    db.session.commit()
    with pytest.raises(banks.DuplicateQuestion):
        review.approve_batch(batch.id, reviewer_id=people["reviewer"].id, steps=1, now=NOW)
    db.session.rollback()
    placeholders = db.session.scalars(select(Question).where(Question.bank_id.is_not(None)))
    assert [(q.active, q.version) for q in placeholders] == [(False, 0), (False, 0)]
    assert db.session.scalar(select(func.count()).where(QuestionVersion.status == "published")) == 0


def test_a_fixed_report_links_to_the_version_with_the_fix(factory, people, rules):
    question = factory.question()
    user = factory.user()
    _answers(question, [(user, "A")])
    report = question_reports.report_question(user.id, question.id, "stem", "错别字", now=NOW)
    change = review.edit_question(
        question, {"stem": "改正后的题干？"}, author_id=people["editor"].id, steps=0, now=NOW
    )
    resolved = question_reports.resolve_report(
        report.id, "fixed", "已改正", admin_id=people["admin"].id, now=NOW
    )
    assert resolved.fixed_version == change.version.version == 2
