"""专项答题 in a real Chromium: an admin sets up a one-week 创文 campaign in the console, a
citizen takes an attempt through the mini-app (with its countdown, or the words of 长辈模式),
and both boards show them. Run with SCREENSHOTS=1 to refresh docs/screenshots/campaign-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import sign_in, snap
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser


def answer_all(page, count: int, first: int = 0, stop: int | None = None) -> None:
    """Answer questions `first`…`stop` of `count` with 甲 (the factory's right answer)."""
    for i in range(first, count if stop is None else stop):
        expect(page.locator("#attempt-progress")).to_have_text(f"第 {i + 1} / {count} 题")
        page.locator("#a-options label", has_text="甲").click()
        page.get_by_role("button", name="提交答案").click()
        expect(page.locator("#a-verdict")).to_contain_text("回答正确")
        page.locator("#a-next").click()


def test_an_admin_runs_a_campaign_a_citizen_takes_it_and_the_boards_show_them(browser, page, live):
    live.needs("/api/v1/admin/campaigns", "/api/v1/campaigns/<id:campaign_id>/attempts")
    with live.app.app_context():
        for n in range(4):
            live.factory.question(category="创文", stem=f"创文知识第{n + 1}题：下列做法正确的是？")

    # Before there is any campaign, the home page has no 专项答题 card.
    citizen = live.user(username=unique("cw"), display_name="周文明")
    sign_in(page, citizen.username)
    page.goto("/app/")  # signing in lands on today's quiz
    teaser = page.locator("#campaign-teaser")
    expect(teaser).not_to_have_attribute("aria-busy", "true")  # the list has loaded
    expect(teaser).to_be_hidden()

    # The admin sets the campaign up in the console (the live clock is Monday 2026-11-23 10:00).
    admin = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live.url)
    console = admin.new_page()
    sign_in(console, "chief", at="/admin/login")
    console.goto("/admin/campaigns")
    console.get_by_label("名称").fill("创文知识专项答题")
    console.get_by_label("说明").fill("创建全国文明城市，人人参与。")
    console.get_by_label("开始时间（北京时间）").fill("2026-11-23T00:00")
    console.get_by_label("结束时间（北京时间）").fill("2026-11-29T23:59")
    console.get_by_label("题目分类").select_option("创文")
    console.get_by_label("每次答题题数").fill("3")
    console.get_by_label("每人可答次数").fill("3")
    console.get_by_label("答对每题积分").fill("10")
    console.get_by_label("限时（分钟，留空为不限时）").fill("5")
    console.get_by_role("button", name="保存").click()
    expect(console.locator("#flash")).to_contain_text("已保存专项答题「创文知识专项答题」")
    row = console.locator("#campaign-table tbody tr", has_text="创文知识专项答题")
    expect(row).to_contain_text("分类：创文")
    expect(row).to_contain_text("2026-11-23 00:00 至 2026-11-29 23:59")
    expect(row).to_contain_text("5 分钟")
    snap(console, "campaign-admin")

    # A citizen takes an attempt with the countdown running.
    # The home page says the campaign is on, and leads to it.
    page.goto("/app/")
    teaser = page.locator("#campaign-teaser")
    expect(teaser).to_be_visible()
    expect(teaser).to_contain_text("进行中 创文知识专项答题 · 2026-11-29 23:59 截止 · 剩余 3 次")
    snap(page, "campaign-home")
    teaser.get_by_role("link", name="去专项答题").click()
    page.wait_for_url("**/app/campaigns")
    card = page.locator(".campaign", has_text="创文知识专项答题")
    expect(card).to_contain_text("进行中")
    expect(card).to_contain_text("剩余 3 次")
    expect(card).to_contain_text("2026-11-23 00:00 至 2026-11-29 23:59")
    snap(page, "campaign-list")
    card.get_by_role("button", name="开始答题：创文知识专项答题").click()
    timer = page.locator("#attempt-timer")
    expect(timer).to_be_visible()
    expect(timer).to_contain_text("剩余 0")
    expect(page.locator("#attempt-remaining")).to_be_hidden()
    snap(page, "campaign-attempt")
    answer_all(page, 3)
    expect(page.locator("#as-score")).to_have_text("3 / 3")
    expect(page.locator("#as-points")).to_have_text("30 分")
    snap(page, "campaign-summary")
    page.get_by_role("button", name="看本专项排行").click()
    expect(page.locator("#campaign-board-list")).to_contain_text("周文明")
    expect(page.locator("#campaign-board-me")).to_contain_text("第 1 名")
    snap(page, "campaign-board")

    # 长辈模式: the same time limit, a live (larger) countdown.
    page.get_by_role("button", name="返回列表").click()
    # Switched on as a user does: remembered by the server, so it survives the reload below.
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/me") and r.request.method == "PATCH"
    ):
        page.locator("#elder-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    card = page.locator(".campaign", has_text="创文知识专项答题")
    expect(card).to_contain_text("最好成绩 3 题")
    card.get_by_role("button", name="再答一次：创文知识专项答题").click()
    expect(page.locator("#attempt-timer")).to_contain_text(re.compile(r"剩余 0[45]:"))
    expect(page.locator("#attempt-remaining")).to_be_hidden()  # no warning before the last minute
    snap(page, "campaign-elder")
    answer_all(page, 3, stop=1)

    # The page is reloaded mid-attempt: the attempt resumes where it was, its clock kept.
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    card = page.locator(".campaign", has_text="创文知识专项答题")
    expect(card).to_contain_text("剩余 1 次")
    card.get_by_role("button", name="继续答题：创文知识专项答题").click()
    expect(page.locator("#attempt-timer")).to_contain_text(re.compile(r"剩余 0[45]:"))
    answer_all(page, 3, first=1)
    expect(page.locator("#as-score")).to_have_text("3 / 3")
    expect(page.locator("#as-points")).to_have_text("0 分")  # a replay earns nothing

    # The console's board shows the citizen too.
    console.reload()
    console.locator("#campaign-table tbody tr", has_text="创文知识专项答题").get_by_role(
        "button", name="排行 创文知识专项答题"
    ).click()
    expect(console.locator("#campaign-board-table")).to_contain_text("周文明")
    snap(console, "campaign-admin-board")
    admin.close()
