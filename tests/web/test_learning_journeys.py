"""Learning journeys in Chromium: a wrong answer reviewed, practised and mastered; a 纠错 report
resolved by an admin and read by its reporter; 长辈模式 at phone width.

Run with SCREENSHOTS=1 to refresh docs/screenshots/ (review, mistakes, practice, report-queue,
question-stats, elder-*).
"""

from __future__ import annotations

import itertools
import os
import time

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SCREENSHOTS, sign_in, snap

pytestmark = pytest.mark.browser
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}_{int(time.time() * 1000) % 100000}"


def _question(live, qid: int):
    return next(q for q in live.questions if q.id == qid)


def _wrong_keys(question) -> list[str]:
    return [next(k for k in "ABCD" if k not in question.answer)]


def _play_in_browser(page, live, wrong: int = 1) -> list[int]:
    """Answer today's five questions on the quiz page, the first `wrong` of them wrongly."""
    page.goto("/app/quiz")
    order = []
    for number in range(5):
        first = page.locator("#q-options input").first
        first.wait_for()
        qid = int(first.get_attribute("id").split("-")[1])
        order.append(qid)
        question = _question(live, qid)
        keys = _wrong_keys(question) if number < wrong else list(question.answer)
        for key in keys:
            page.locator(f"#q-options input[value='{key}']").check()
        page.get_by_role("button", name="提交答案").click()
        page.locator("#q-feedback").wait_for()
        expect(page.locator("#q-report").get_by_role("button", name="纠错")).to_be_visible()
        page.locator("#q-next").click()
    page.locator("#quiz-summary").wait_for()
    return order


def test_a_wrong_answer_is_reviewed_practised_and_mastered(page, live):
    live.needs("/api/v1/me/mistakes", "/api/v1/practice")
    user = live.user(username=unique("learner"), display_name="学习者")
    sign_in(page, user.username)
    order = _play_in_browser(page, live, wrong=1)
    missed = _question(live, order[0])

    page.get_by_role("link", name="回顾本轮").click()
    page.wait_for_url("**/app/review/**")
    cards = page.locator("#review-list > li")
    cards.first.wait_for()
    expect(cards).to_have_count(5)
    expect(cards.first).to_contain_text("答错")
    expect(cards.first).to_contain_text("（你的选择）")
    expect(cards.first).to_contain_text(
        missed.explanation.replace("<b>", "").replace("</b>", "")[:6]
    )
    snap(page, "review")

    page.get_by_role("link", name="学习").first.click()
    page.wait_for_url("**/app/learn")
    mistakes = page.locator("#mistake-list > li")
    mistakes.first.wait_for()
    expect(mistakes).to_have_count(1)
    expect(mistakes.first).to_contain_text("未掌握")
    assert mistakes.first.get_attribute("data-question-id") == str(missed.id)
    snap(page, "mistakes")

    page.get_by_role("link", name="练习错题").click()
    page.wait_for_url("**/app/practice**")
    page.locator("#p-options input").first.wait_for()
    expect(page.locator("#practice-progress")).to_contain_text("练习不计积分")
    for key in missed.answer:
        page.locator(f"#p-options input[value='{key}']").check()
    page.get_by_role("button", name="提交答案").click()
    page.locator("#p-feedback").wait_for()
    expect(page.locator("#p-verdict")).to_have_text("回答正确！")
    snap(page, "practice")
    page.locator("#p-next").click()
    page.locator("#practice-done").wait_for()

    page.goto("/app/learn")
    page.locator("#mistake-list > li").first.wait_for()
    expect(page.locator("#mistake-list")).to_contain_text("没有错题")
    page.get_by_label("状态").select_option("1")
    page.wait_for_function("document.querySelector('#mistake-list').textContent.includes('已掌握')")
    expect(page.locator("#mistake-list > li")).to_have_count(1)
    balance = live.api_as(user).get("/api/v1/me").get_json()["balance"]
    assert balance == 40 + 0  # four right daily answers; practice paid nothing


def test_a_report_is_resolved_by_an_admin_and_the_reporter_reads_the_note(page, browser, live):
    live.needs("/api/v1/questions/<id:question_id>/reports", "/api/v1/admin/question-reports")
    user = live.user(username=unique("reporter"), display_name="纠错人")
    question = live.questions[3]
    api = live.api_as(user)
    answered = api.post(
        "/api/v1/quiz/today/answers",
        json={"question_id": question.id, "choices": list(question.answer)},
    )
    assert answered.status_code == 200
    sign_in(page, user.username)
    day = api.get("/api/v1/quiz/today").get_json()["date"]
    page.goto(f"/app/review/{day}")
    card = page.locator(f"#review-list > li[data-question-id='{question.id}']")
    card.wait_for()
    card.get_by_role("button", name="纠错").click()
    page.get_by_label("问题类型").select_option("explanation")
    page.get_by_label("说明").fill("解析里的热线名称写得不完整。")
    page.get_by_role("button", name="提交纠错").click()
    page.locator("#flash").wait_for()
    expect(page.locator("#flash")).to_contain_text("已收到你的纠错")

    admin_context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live.url)
    admin = admin_context.new_page()
    try:
        sign_in(admin, "chief", at="/admin/login")
        admin.goto("/admin/reports_queue")
        item = admin.locator("#rq-list > li", has_text="解析里的热线名称写得不完整")
        item.wait_for()
        expect(item).to_contain_text("作答")
        expect(item).to_contain_text("答对率")
        snap(admin, "report-queue")
        item.get_by_label("处理").select_option("rejected")
        item.get_by_label("备注（纠错人可见）").fill("解析无误，感谢反馈。")
        item.get_by_role("button", name="处理").click()
        admin.locator("#flash").wait_for()
        expect(admin.locator("#flash")).to_contain_text("不采纳")
        admin.goto("/admin/questions")
        admin.locator("#q-table tbody tr").first.wait_for()
        expect(admin.locator("#q-table thead th", has_text="答对率")).to_have_count(1)
        snap(admin, "question-stats")
        admin.get_by_label("只看需关注").check()
        admin.get_by_role("button", name="筛选").click()
        admin.wait_for_timeout(300)
    finally:
        admin_context.close()

    page.goto("/app/learn")
    report = page.locator("#report-list > li").first
    report.wait_for()
    expect(report).to_contain_text("未采纳")
    expect(report).to_contain_text("解析无误，感谢反馈。")


ZH_VOICE = """
(() => {
  window.__spoken = [];
  const voice = { lang: "zh-CN", name: "测试中文", default: true, localService: true, voiceURI: "zh" };
  speechSynthesis.getVoices = () => [voice];
  speechSynthesis.speak = (u) => window.__spoken.push(u.text);
})();
"""


def test_elder_mode_has_large_text_no_horizontal_scroll_and_reads_aloud(page, live):
    live.needs("/api/v1/me/mistakes")
    user = live.user(username=unique("elder"), display_name="王奶奶")
    page.add_init_script(ZH_VOICE)
    sign_in(page, user.username)
    page.goto("/app/quiz")
    page.locator("#q-options input").first.wait_for()
    expect(page.locator("[data-speak]").first).to_be_hidden()  # only in 长辈模式
    page.get_by_role("button", name="长辈模式").click()
    assert page.evaluate("document.documentElement.dataset.mode") == "elder"
    page.wait_for_timeout(300)  # the PATCH that remembers it
    assert live.api_as(user).get("/api/v1/me").get_json()["elder_mode"] is True

    for path, name in (
        ("/app/quiz", "elder-quiz"),
        ("/app/", "elder-home"),
        ("/app/learn", "elder-learn"),
    ):
        page.goto(path)
        page.wait_for_function("document.documentElement.dataset.mode === 'elder'")
        page.wait_for_timeout(200)
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('main button:not([hidden]), .option, .tabbar a'))"
            ".filter((n) => n.offsetParent).map((n) => n.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 48, (path, heights)
        if path == "/app/quiz":
            page.locator("#q-options input").first.wait_for()
            speak = page.get_by_role("button", name="朗读")
            expect(speak).to_be_visible()
            speak.click()
            spoken = page.evaluate("window.__spoken")
            assert spoken and page.locator("#q-stem").inner_text() in spoken[0]
        if os.environ.get("SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    # Switched off again: gone on the next page too (server and localStorage agree).
    page.get_by_role("button", name="长辈模式：开").click()
    page.wait_for_timeout(300)
    page.goto("/app/")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.dataset.mode") is None
