"""三审 in a real browser: an editor imports a bank, a reviewer returns one row with a note, the
editor fixes it, the reviewer approves, and tomorrow's draw uses the questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quiz.extensions import db
from quiz.models import Question
from quiz.runtime import runtime_of
from quiz.services import daily_quiz, draw, question_pool
from tests.web.conftest import sign_in, snap
from tests.web.test_accessibility import axe, settle
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser

HEADER = "题型,题干,选项A,选项B,选项C,答案,解析,分类\n"
ROW = "单选,{stem}：第{n}题，垃圾分类应当怎么做？,分类投放,随意丢弃,焚烧,{key},依据条例第{n}条,垃圾分类\n"


@pytest.fixture
def review_on(live):
    """This journey runs with one review step; the shared live app goes back as it was."""
    before = live.app.config["QUIZ_REVIEW_STEPS"]
    live.app.config["QUIZ_REVIEW_STEPS"] = 1
    yield
    live.app.config["QUIZ_REVIEW_STEPS"] = before


def switch(page, username: str, at: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, at=f"/admin/login?next={at}")


def batch_ids(live, stem: str) -> list[int]:
    with live.app.app_context():
        return list(
            db.session.scalars(
                select(Question.id).where(Question.stem.startswith(stem)).order_by(Question.id)
            )
        )


def drawable_ids(live) -> set[int]:
    with live.app.app_context():
        return set(db.session.scalars(question_pool.drawable(())))


def tomorrows_draw(live) -> list[int]:
    with live.app.app_context():
        rules = runtime_of(live.app).rules
        tomorrow = daily_quiz.local_day(runtime_of(live.app).clock.now(), rules.tz) + timedelta(
            days=1
        )
        return draw.choose_questions(tomorrow, rules)


def test_an_import_is_returned_with_a_row_note_fixed_approved_and_drawn_tomorrow(
    page, live, tmp_path, review_on
):
    live.needs("/api/v1/admin/review-queue", "/api/v1/admin/review-batches/<id:batch_id>/return")
    editor = live.user(username=unique("editor"), role="editor")
    reviewer = live.user(username=unique("reviewer"), role="reviewer")
    stem = unique("三审题")
    bank = tmp_path / "bank.csv"
    rows = [ROW.format(stem=stem, n=n, key="B" if n == 2 else "A") for n in range(1, 6)]
    bank.write_text(HEADER + "".join(rows), "utf-8")

    # The editor imports: the batch waits for review and no draw can pick its questions.
    sign_in(page, editor.username, at="/admin/login?next=/admin/banks")
    page.get_by_label("题库文件").set_input_files(str(bank))
    page.get_by_role("button", name="预检").click()
    page.locator("#flash.ok").wait_for()
    page.get_by_role("button", name="导入").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('已提交审核')")
    ids = batch_ids(live, stem)
    assert len(ids) == 5 and not drawable_ids(live) & set(ids)
    wrong = ids[1]

    # The reviewer reads the queue, notes the wrong key on one row and returns the batch.
    switch(page, reviewer.username, "/admin/review")
    card = page.locator("li[data-batch-id]").last
    card.locator(f"li[data-question-id='{wrong}'] table.diff").wait_for()
    snap(page, "admin-review-queue")
    card.locator(f"#rv-row-{wrong}").fill("答案应为 A：分类投放")
    card.get_by_label("退回意见").fill("第二题答案有误，请改正后重新提交")
    card.get_by_role("button", name="整批退回").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('已退回')")

    # The editor reads the note, fixes the row on the 题目 page and sends the batch back.
    switch(page, editor.username, "/admin/review")
    page.get_by_role("tab", name="已退回").click()
    returned = page.locator("li[data-batch-id]").last
    expect(returned).to_contain_text("答案应为 A：分类投放")
    page.goto(f"/admin/questions?q={stem}：第2题")
    page.locator(f"#q-table tbody tr[data-question-id='{wrong}']").wait_for()
    page.locator(f"#q-table tbody tr[data-question-id='{wrong}']").get_by_role(
        "button", name="编辑"
    ).click()
    page.get_by_label("答案（如 A 或 AC）").fill("A")
    page.get_by_role("button", name="保存").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('已提交审核')")
    page.goto("/admin/review")
    page.get_by_role("tab", name="已退回").click()
    page.locator("li[data-batch-id]").last.get_by_role("button", name="修改完毕，重新提交").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('重新提交')")

    # The reviewer sees the fixed key beside the other rows and approves the whole batch.
    switch(page, reviewer.username, "/admin/review")
    card = page.locator("li[data-batch-id]").last
    fixed = card.locator(f"li[data-question-id='{wrong}'] tr[data-field='answer'] td").last
    expect(fixed).to_have_text("A")
    snap(page, "admin-review-diff")
    card.get_by_role("button", name="整批通过").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('已全部发布')")

    assert set(ids) <= drawable_ids(live)
    drawn = tomorrows_draw(live)
    assert set(drawn) & set(ids), "tomorrow's draw takes the newly approved questions"
    with live.app.app_context():
        fixed_question = db.session.get(Question, wrong)
        assert (fixed_question.answer, fixed_question.version) == ("A", 2)


def test_a_reviewer_sees_an_edit_side_by_side_and_returns_it(page, live, review_on):
    live.needs("/api/v1/admin/questions/<id:question_id>/versions/<id:number>/diff")
    editor = live.user(username=unique("editor"), role="editor")
    reviewer = live.user(username=unique("reviewer"), role="reviewer")
    with live.app.app_context():
        question = live.factory.question(
            stem=unique("停用的旧题") + "：红灯时应当怎样？",
            answer="B",
            active=False,
            options=[["A", "快速通过"], ["B", "停车等候"], ["C", "鸣笛"]],
            explanation="红灯停。",
        )
        qid = question.id
    draft = live.api_as(editor).patch(
        f"/api/v1/admin/questions/{qid}",
        json={
            "stem": "行人遇到红灯时应当怎样做？",
            "explanation": "依据道路交通安全法第六十二条。",
        },
    )
    assert draft.status_code == 202

    switch(page, reviewer.username, "/admin/review")
    card = page.locator(f"li[data-question-id='{qid}']")
    stem_row = card.locator("tr[data-field='stem']")
    expect(stem_row).to_have_class("is-changed")
    expect(stem_row.locator("td").last).to_have_text("行人遇到红灯时应当怎样做？")
    expect(card.locator("tr[data-field='answer']")).not_to_have_class("is-changed")
    snap(page, "admin-review-version-diff")
    settle(page)
    assert not axe(page), "the review page has no accessibility violations"
    card.get_by_label("退回意见").fill("题干请保留“红灯”二字")
    card.get_by_role("button", name="退回").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('已退回')")
    page.goto(f"/admin/review?question={qid}")
    expect(page.locator("#rv-versions")).to_contain_text("题干请保留“红灯”二字")
    expect(page.locator("#rv-versions li[data-version='2'] .changed")).to_have_text(
        "改动：题干、解析"
    )
    snap(page, "admin-review-history")
