"""What players feel (issue 23): each defect a person met in the mini-app, as a journey on a
375×812 phone (and in 长辈模式 where it applies) that failed before its fix.

Run with SCREENSHOTS=1 to refresh the screenshots of the pages these journeys change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import sign_in, snap
from tests.web.test_journeys import _answer_for, unique

pytestmark = pytest.mark.browser

GREEN = "rgb(27, 107, 47)"  # --ok: the "correct" border


def elder(live, user) -> None:
    """Turn 长辈模式 on for `user` (the server remembers it per user)."""
    response = live.api_as(user).patch("/api/v1/me", json={"elder_mode": True})
    assert response.status_code == 200, response.get_json()


def wait_elder(page) -> None:
    page.wait_for_function("document.documentElement.dataset.mode === 'elder'")


def answer_today(page, live, *, count: int = 5, wrong: int = 0) -> None:
    """Answer `count` of today's questions in the quiz page (the first `wrong` of them wrongly)."""
    page.goto("/app/quiz")
    for n in range(count):
        stem = page.locator("#q-stem")
        stem.wait_for()
        question = _answer_for(live, stem.inner_text())
        keys = question.answer if n >= wrong else ("B" if question.answer != "B" else "A")
        for key in keys:
            page.locator(f"#q-options input[value='{key}']").check()
        page.get_by_role("button", name="提交答案").click()
        page.locator("#q-feedback").wait_for()
        page.locator("#q-next").click()


# ------------------------------------------------------------------ 1. a right answer is green
@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_the_option_picked_and_right_is_drawn_green_not_red(page, live, mode):
    user = live.user(username=unique("green"), display_name="绿色")
    if mode == "elder":
        elder(live, user)
    sign_in(page, user.username)
    page.goto("/app/quiz")
    if mode == "elder":
        wait_elder(page)
    stem = page.locator("#q-stem")
    stem.wait_for()
    question = _answer_for(live, stem.inner_text())
    key = question.answer[0]
    for k in question.answer:
        page.locator(f"#q-options input[value='{k}']").check()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator("#q-verdict")).to_have_text(re.compile("^回答正确"))
    picked = page.locator(f"#q-options label[data-key='{key}']")
    expect(picked).to_have_class(re.compile("is-correct"))
    assert picked.evaluate("n => getComputedStyle(n).borderTopColor") == GREEN
    # It also says in words which one was yours.
    expect(picked).to_contain_text("你的选择")


# ------------------------------------------------------------------ 2. a live elder countdown
def _campaign(live, name: str, *, time_limit_s: int, count: int = 2) -> dict:
    category = unique("cat")
    with live.app.app_context():
        for n in range(count):
            live.factory.question(category=category, stem=f"{name}第{n + 1}题：下列做法正确的是？")
    response = live.api_as(live.admin).post(
        "/api/v1/admin/campaigns",
        json={
            "name": name,
            "description": "",
            "starts_at": "2026-11-23T00:00:00+08:00",
            "ends_at": "2026-11-29T23:59:00+08:00",
            "category": category,
            "questions_per_attempt": count,
            "attempts_allowed": 3,
            "points_per_correct": 10,
            "time_limit_s": time_limit_s,
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_elder_mode_shows_a_live_countdown_and_warns_in_the_last_minute(page, live):
    name = unique("限时专项")
    campaign = _campaign(live, name, time_limit_s=63)
    try:
        _elder_countdown(page, live, name)
    finally:
        _end(live, campaign)


def _end(live, campaign: dict) -> None:
    """Move a journey's campaign into the past: other journeys expect no open campaign."""
    response = live.api_as(live.admin).patch(
        f"/api/v1/admin/campaigns/{campaign['id']}",
        json={"starts_at": "2026-11-01T00:00:00+08:00", "ends_at": "2026-11-02T00:00:00+08:00"},
    )
    assert response.status_code == 200, response.get_json()


def _elder_countdown(page, live, name: str) -> None:
    user = live.user(username=unique("elderclock"), display_name="李爷爷")
    elder(live, user)
    sign_in(page, user.username)
    page.goto("/app/campaigns")
    wait_elder(page)
    page.locator(".campaign", has_text=name).get_by_role("button", name=f"开始答题：{name}").click()
    timer = page.locator("#attempt-timer")
    expect(timer).to_be_visible()
    expect(timer).to_have_text(re.compile(r"剩余 01:0[0-3]"))
    first = timer.inner_text()
    page.wait_for_timeout(2000)
    assert timer.inner_text() != first  # it ticks: "the elder countdown changes within 2 s"
    # Large enough to read: at least 1.5 × the body text.
    size = timer.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 1.5 * body
    warning = page.locator("#attempt-remaining")
    expect(warning).to_contain_text("还剩不到 1 分钟", timeout=6000)
    expect(warning).to_have_attribute("aria-live", "polite")
    expect(timer).to_have_class(re.compile("low"))
    snap(page, "campaign-elder")


# ------------------------------------------------------------------ 3. a bottom tab bar of five
TABS = ["首页", "答题", "学习", "商城", "我的"]


@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_a_bottom_tab_bar_of_five_always_shows_the_current_tab(page, live, mode):
    user = live.user(username=unique("tabs"), display_name="导航")
    if mode == "elder":
        elder(live, user)
    sign_in(page, user.username)
    # The rest lives inside 我的; each of those pages keeps its parent tab lit.
    for path, current in [
        ("/app/", "首页"),
        ("/app/quiz", "答题"),
        ("/app/campaigns", "答题"),
        ("/app/learn", "学习"),
        ("/app/shop", "商城"),
        ("/app/me", "我的"),
        ("/app/vouchers", "我的"),
        ("/app/team", "我的"),
        ("/app/boards", "我的"),
        ("/app/points", "我的"),
    ]:
        page.goto(path)
        if mode == "elder":
            wait_elder(page)
        bar = page.get_by_role("navigation", name="主导航")
        links = bar.get_by_role("link")
        expect(links).to_have_count(5)
        assert [t.strip()[-2:] for t in links.all_inner_texts()] == TABS
        lit = bar.locator("[aria-current=page]")
        expect(lit).to_have_count(1)
        expect(lit).to_contain_text(current)
        box = bar.bounding_box()
        assert box["y"] + box["height"] == pytest.approx(812, abs=1), "at the bottom of the screen"
        for link in links.all():
            b = link.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 375, "every tab on screen"
            assert b["height"] >= (48 if mode == "elder" else 44)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # 我的 lists the rest.
    page.goto("/app/me")
    for name in ["积分明细", "签到日历", "我的兑换券", "排行榜", "专项答题", "团队与家庭"]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    if mode == "normal":
        snap(page, "me")


# ------------------------------------------------------------------ 4. messages in view
def test_a_report_sent_from_the_middle_of_a_review_is_confirmed_by_a_toast_in_view(page, live):
    user = live.user(username=unique("toast"), display_name="纠错人")
    api = live.api_as(user)
    for q in live.questions:
        api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )
    sign_in(page, user.username)
    page.goto("/app/review/2026-11-23")
    cards = page.locator("#review-list .learn-card")
    expect(cards).to_have_count(5)
    card = cards.nth(3)
    card.scroll_into_view_if_needed()
    card.get_by_role("button", name="纠错").click()
    page.get_by_label("说明").fill("解析里的热线名称写错了。")
    page.get_by_role("button", name="提交纠错").click()
    toast = page.locator("#flash")
    expect(toast).to_contain_text("已收到你的纠错")
    expect(toast).to_be_in_viewport()
    assert page.evaluate("scrollY") > 0  # the reader was not sent back to the top
    expect(toast).to_have_attribute("aria-live", "polite")
    # Not hidden under the tab bar.
    bar = page.get_by_role("navigation", name="主导航").bounding_box()
    box = toast.bounding_box()
    assert box["y"] + box["height"] <= bar["y"]
    snap(page, "toast")


# ------------------------------------------------------------------ 5. field errors in Chinese
def test_field_errors_name_the_field_in_chinese_and_count_from_one(page, live):
    page.goto("/app/register")
    page.get_by_label("用户名").fill("a")
    page.get_by_label("昵称").fill("短")
    page.get_by_label("密码").fill("short")
    page.get_by_role("button", name="注册并登录").click()
    toast = page.locator("#flash")
    expect(toast).to_contain_text("用户名：")
    assert "username" not in toast.inner_text()
    expect(toast).to_be_in_viewport()
    page.get_by_label("用户名").fill(unique("okname"))
    page.get_by_role("button", name="注册并登录").click()
    expect(toast).to_contain_text("密码：")
    assert "password" not in toast.inner_text()
    named = page.evaluate(
        "import('/app/static/core.js').then(m => [m.fieldName('question_ids.3'),"
        " m.fieldName('category'), m.fieldName('options.0.text')])"
    )
    assert named == ["题目（第 4 项）", "题目分类", "选项（第 1 项）·内容"]


# ------------------------------------------------------------------ 6. 长辈模式 in depth
LINES = "n => n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight)"


def test_elder_mode_keeps_words_whole_and_reaches_the_sign_in_pages(page, live):
    user = live.user(username=unique("deep"), display_name="赵奶奶")
    api = live.api_as(user)
    for q in live.questions:
        api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )
    elder(live, user)

    # The switch is on the sign-in and register pages too (this phone only, before signing in).
    page.goto("/app/login")
    toggle = page.get_by_role("button", name="长辈模式")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    expect(page.get_by_role("button", name="长辈模式：开")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.goto("/app/register")
    expect(page.locator("html")).to_have_attribute("data-mode", "elder")
    expect(page.get_by_role("button", name="长辈模式：开")).to_be_visible()

    sign_in(page, user.username)
    page.goto("/app/")  # signing in lands on today's quiz
    wait_elder(page)
    # The stat cards' labels stay on one line ("连续答题", not "连续答/题").
    page.wait_for_function("document.querySelector('[data-bind=rank]').textContent !== '–'")
    for label in page.locator(".stat-label").all():
        assert label.evaluate(LINES) < 1.5, label.inner_text()
    for value in page.locator(".stat strong").all():
        assert value.evaluate(LINES) < 1.5, value.inner_text()
    # The points table: no cell squeezed into a narrow column of wrapped lines (a long memo
    # may wrap, across the whole row).
    page.goto("/app/points")
    wait_elder(page)
    page.locator("#points-table tbody tr").first.wait_for()
    cells = page.locator("#points-table tbody td")
    assert cells.count() >= 4
    for cell in cells.all():
        wide = cell.evaluate("n => n.offsetWidth >= 0.9 * n.parentElement.offsetWidth")
        assert wide or cell.evaluate(LINES) <= 2.2, cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    snap(page, "elder-points")

    # 朗读 shows in 长辈模式 even without a Chinese voice, and then says why it cannot read.
    page.goto("/app/review/2026-11-23")
    wait_elder(page)
    speak = page.get_by_role("button", name="朗读").first
    expect(speak).to_be_visible()
    if page.evaluate("speechSynthesis.getVoices().some(v => /^zh/i.test(v.lang))"):
        return
    speak.click()
    expect(page.locator("#flash")).to_contain_text("没有中文语音")


# ------------------------------------------------------------------ 7. no day-1 dead end in the shop
def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def contrast(fg: str, bg: str) -> float:
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    a, b = sorted((lum(_rgb(fg)), lum(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _prize(live, name: str, cost: int, **extra) -> dict:
    body = {"name": name, "description": "示例", "cost": cost, "stock": 5, "per_user_limit": 1}
    response = live.api_as(live.admin).post(
        "/api/v1/admin/prizes", json={**body, "on_sale": True, **extra}
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_a_prize_out_of_reach_says_how_many_points_are_missing_and_how_to_earn_them(page, live):
    prize = _prize(live, unique("纪念徽章"), 100)
    user = live.user(username=unique("poor"), display_name="新用户")
    sign_in(page, user.username)
    page.goto("/app/shop")
    card = page.locator(f"li.prize[data-prize-id='{prize['id']}']")
    button = card.get_by_role("button")
    expect(button).to_have_text("还差 100 分")
    expect(button).to_be_disabled()
    # Its name starts with what it shows (axe: label-content-name-mismatch).
    expect(button).to_have_accessible_name(f"还差 100 分：{prize['name']}")
    colours = button.evaluate(
        "n => [getComputedStyle(n).color, getComputedStyle(n).backgroundColor]"
    )
    assert contrast(*colours) >= 4.5, colours
    expect(card).to_contain_text("还差 100 分：每天全部答对可得 70 分")
    expect(card.get_by_role("link", name="去答题")).to_be_visible()
    snap(page, "shop")


# ------------------------------------------------------------------ 8. vouchers say where and until when
def test_a_voucher_says_where_when_and_until_when_and_when_it_was_collected(page, live):
    prize = _prize(
        live,
        unique("公交卡"),
        10,
        pickup_place="新华区政务服务中心 3 号窗口",
        pickup_hours="工作日 9:00–17:00",
        pickup_days=30,
    )
    user = live.user(username=unique("vouch"), display_name="领券人")
    api = live.api_as(user)
    for q in live.questions:
        api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )
    response = api.post(
        "/api/v1/shop/redemptions",
        json={"prize_id": prize["id"]},
        headers={"Idempotency-Key": unique("k")},
    )
    assert response.status_code == 201, response.get_json()
    code = response.get_json()["voucher_code"]
    sign_in(page, user.username)
    page.goto("/app/vouchers")
    voucher = page.locator(f"[data-voucher='{code}']")
    expect(voucher).to_contain_text("领取地点新华区政务服务中心 3 号窗口")
    expect(voucher).to_contain_text("开放时间工作日 9:00–17:00")
    expect(voucher).to_contain_text(re.compile(r"领取期限2026-12-23 \d\d:00 前"))
    snap(page, "vouchers")
    clerk = live.api_as(live.clerk)
    assert clerk.post(f"/api/v1/admin/redemptions/{code}/fulfil").status_code == 200
    page.reload()
    expect(voucher).to_contain_text("已领取")
    expect(voucher).to_contain_text(re.compile(r"领取时间2026-11-23 \d\d:00"))


# ------------------------------------------------------------------ what players missed most
def _play_api(live, user) -> None:
    api = live.api_as(user)
    for q in live.questions:
        api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )


def test_the_summary_rewards_a_perfect_day_shows_the_rank_and_offers_a_share_card(page, live):
    user = live.user(username=unique("share"), display_name="分享达人")
    sign_in(page, user.username)
    page.goto("/app/quiz")
    for n in range(5):
        stem = page.locator("#q-stem")
        stem.wait_for()
        question = _answer_for(live, stem.inner_text())
        for key in question.answer:
            page.locator(f"#q-options input[value='{key}']").check()
        page.get_by_role("button", name="提交答案").click()
        expect(page.locator("#q-verdict")).to_have_text("回答正确！本题 +10 分")
        if n == 4:  # the last answer: the question's points and the day's bonus apart
            expect(page.locator("#q-bonus")).to_have_text("今日奖励 +20 分（全对奖励 +20）")
        page.locator("#q-next").click()
    expect(page.locator("#sum-cheer")).to_contain_text("全部答对")
    expect(page.locator("#sum-rank")).to_contain_text("市民榜第")
    img = page.locator("#share-img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#share-img').complete")
    width = img.evaluate("n => n.naturalWidth")
    assert width in (0, 1080)  # 0 only where no CJK font is installed (the API answers 503)
    snap(page, "quiz-summary")


def test_the_reward_animation_respects_reduced_motion(browser, live):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, base_url=live.url, reduced_motion="reduce"
    )
    page = context.new_page()
    user = live.user(username=unique("calm"), display_name="安静")
    sign_in(page, user.username)
    page.goto("/app/quiz")
    stem = page.locator("#q-stem")
    stem.wait_for()
    question = _answer_for(live, stem.inner_text())
    for key in question.answer:
        page.locator(f"#q-options input[value='{key}']").check()
    page.get_by_role("button", name="提交答案").click()
    verdict = page.locator("#q-verdict")
    expect(verdict).to_have_class(re.compile("reward"))
    assert verdict.evaluate("n => getComputedStyle(n).animationName") == "none"
    context.close()


def test_the_calendar_shows_answered_days_and_saves_a_reminder(page, live):
    user = live.user(username=unique("cal"), display_name="日历")
    _play_api(live, user)
    sign_in(page, user.username)
    page.get_by_role("link", name="我的").click()
    page.get_by_role("link", name="签到日历").click()
    expect(page.get_by_role("heading", name="2026 年 11 月")).to_be_visible()
    today = page.locator("td[data-date='2026-11-23']")
    expect(today).to_have_class("cal-perfect")
    expect(today).to_contain_text("全对 70 分")  # said to screen readers too
    expect(page.locator("td[data-date='2026-11-22']")).to_have_class("cal-missed")
    expect(page.locator("#cal-streak")).to_have_text("已连续答题 1 天")
    page.get_by_label("每天提醒我答题").check()
    page.get_by_label("提醒时间").fill("19:30")
    page.get_by_role("button", name="保存提醒").click()
    expect(page.locator("#flash")).to_contain_text("已开启提醒：每天 19:30")
    assert live.api_as(user).get("/api/v1/me/reminders").get_json() == {
        "enabled": True,
        "time": "19:30",
    }
    snap(page, "calendar")


def test_a_forgotten_password_is_reset_with_a_code_from_the_counter(page, browser, live):
    user = live.user(username=unique("forgot"), display_name="忘了")
    # The admin issues the code in the console after checking who asks.
    admin = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live.url)
    console = admin.new_page()
    sign_in(console, "chief", at="/admin/login")
    console.goto("/admin/points")
    console.get_by_label("用户名").fill(user.username)
    console.get_by_role("button", name="发放重置码").click()
    result = console.locator("#reset-result")
    expect(result).to_contain_text("的重置码：")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", result.inner_text()).group(0)
    admin.close()
    page.goto("/app/login")
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("重置码").fill(code)
    page.get_by_label("新密码").fill("a-brand-new-pass")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.locator("#flash")).to_contain_text("新密码已设置")
    page.wait_for_url("**/app/login")
    sign_in(page, user.username, "a-brand-new-pass")
    expect(page.locator("#who-name")).to_have_text("忘了")


def test_a_reply_to_a_report_puts_a_badge_on_the_learning_tab_until_read(page, live):
    user = live.user(username=unique("badge"), display_name="纠错者")
    _play_api(live, user)
    api = live.api_as(user)
    qid = live.questions[1].id
    report = api.post(
        f"/api/v1/questions/{qid}/reports", json={"reason": "stem", "message": "题干有歧义"}
    ).get_json()
    response = live.api_as(live.admin).post(
        f"/api/v1/admin/question-reports/{report['id']}/resolve",
        json={"resolution": "fixed", "note": "已修改题干，谢谢。"},
    )
    assert response.status_code == 200, response.get_json()
    sign_in(page, user.username)
    badge = page.locator(".tabbar [data-badge=learn]")
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    # 学习 shows the replies, then tells the server they were read. Its tab bar starts without
    # the badge, so the badge being gone there proves nothing: wait for the read itself before
    # leaving (a page left sooner may never send it; the badge would then rightly come back).
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/me/question-reports/read")
    ) as read:
        page.get_by_role("link", name="学习").click()
    assert read.value.ok
    expect(page.locator("#report-list")).to_contain_text("已修改题干")
    expect(badge).to_be_hidden()
    page.goto("/app/")
    page.wait_for_timeout(300)
    expect(page.locator(".tabbar [data-badge=learn]")).to_be_hidden()


def test_a_reporter_shares_the_family_invite_as_a_link_a_qr_and_a_copy_button(page, live):
    reporter = live.user(
        username=unique("kid"),
        display_name="小记者",
        role="reporter",
        invite_code=unique("INV")[:16],
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, reporter.username)
    page.goto("/app/team")
    link = page.locator("#invite-link")
    expect(link).to_contain_text("/app/register?invite=")
    page.wait_for_function("document.querySelector('#invite-qr').complete")
    assert page.locator("#invite-qr").evaluate("n => n.naturalWidth") > 100
    page.get_by_role("button", name="复制邀请链接").click()
    expect(page.locator("#flash")).to_contain_text("邀请链接已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link.inner_text()
    snap(page, "team")


# ------------------------------------------------------------------ 9. the console (in part)
def test_the_question_tables_buttons_stay_on_one_line_at_1280_px(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live.url)
    console = context.new_page()
    sign_in(console, "chief", at="/admin/login")
    console.goto("/admin/questions")
    buttons = console.locator("#q-table tbody button")
    buttons.first.wait_for()
    for button in buttons.all()[:10]:
        # One line: the 44 px minimum, not two or more lines of text.
        assert button.bounding_box()["height"] <= 46, button.inner_text()
    context.close()
