"""End-to-end journeys in a real Chromium against the live server (see conftest.py).

Each journey drives the pages exactly as a person would; the pages call the JSON API.
Run with SCREENSHOTS=1 to refresh docs/screenshots/.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from playwright.sync_api import expect

from quiz.services.accounts import sign_sso_token
from tests.conftest import SSO_SECRET, START
from tests.factories import fresh_key
from tests.web.conftest import PHONE, XSS_STEM, settle, sign_in, snap

pytestmark = pytest.mark.browser
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}_{int(time.time() * 1000) % 100000}"


def register(
    page,
    username: str,
    display_name: str = "张三",
    password: str = "secret-pass-1",
    district: str | None = "卫东区",
) -> None:
    page.goto("/app/register")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("昵称").fill(display_name)
    page.get_by_label("密码").fill(password)
    if district:
        page.get_by_label("所在区").select_option(district)
    page.get_by_role("button", name="注册并登录").click()


# ------------------------------------------------------------------ signing in
def test_a_visitor_registers_and_lands_on_todays_first_question(page):
    register(page, unique("reg"), display_name="李四")
    page.wait_for_url("**/app/quiz")
    expect(page.locator("#quiz-progress")).to_have_text("第 1 / 5 题")
    page.get_by_role("link", name="首页").click()
    expect(page.get_by_role("heading", name="你好，李四")).to_be_visible()
    snap(page, "home")


def test_the_register_forms_enter_key_moves_from_username_to_password_and_then_registers(page):
    page.goto("/app/register")
    page.keyboard.type(unique("keys"))  # 用户名 has the focus already
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reg-password"
    assert page.locator("#flash").is_hidden()  # not sent half-filled
    page.keyboard.type("secret-pass-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/quiz")


def test_registering_with_a_short_password_shows_the_reason_in_chinese(page):
    register(page, unique("short"), password="1234567x"[:7])
    flash = page.locator("#flash")
    flash.wait_for()
    expect(flash).to_contain_text("密码至少 8 位")
    assert "/app/register" in page.url


def test_registering_with_an_unknown_invite_code_says_so(page):
    page.goto("/app/register?invite=NOPE1234")
    expect(page.get_by_label("邀请码")).to_have_value("NOPE1234")
    page.get_by_label("用户名").fill(unique("inv"))
    page.get_by_label("昵称").fill("王五")
    page.get_by_label("密码").fill("secret-pass-1")
    page.get_by_role("button", name="注册并登录").click()
    page.locator("#flash").wait_for()
    expect(page.locator("#flash")).to_contain_text("邀请码不存在")


def test_a_wrong_password_shows_a_readable_message(page, live):
    page.goto("/app/login")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    page.locator("#flash").wait_for()
    expect(page.locator("#flash")).to_contain_text("用户名或密码错误")
    snap(page, "login")


def test_the_sign_in_form_is_usable_with_the_keyboard_alone(page, live):
    user = live.user(username=unique("kbd"), display_name="键盘用户")
    page.goto("/app/login")
    assert page.evaluate("document.activeElement.id") == "login-username"
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/quiz")  # today's quiz is not done yet
    expect(page.locator("#who-name")).to_have_text("键盘用户")


def test_signing_in_once_todays_quiz_is_done_lands_on_the_home_page(page, live):
    user = _played(live, "今天答完")
    page.goto("/app/login")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("correct horse")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/app/")
    expect(page.get_by_role("heading", name="你好，今天答完")).to_be_visible()


def test_signing_in_from_a_page_that_asked_for_it_returns_there(page, live):
    user = live.user(username=unique("back"))
    page.goto("/app/shop")
    page.wait_for_url("**/app/login?next=/app/shop")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("correct horse")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/shop")


def test_the_news_app_web_view_signs_in_through_sso_and_continues_into_the_app(page):
    token = sign_sso_token(
        {
            "uid": unique("news"),
            "name": "客户端用户",
            "jti": unique("jti"),
            "exp": START.timestamp() + 600,
        },
        SSO_SECRET,
    )
    page.goto(f"/app/sso#token={token}")
    page.wait_for_url("**/app/")
    expect(page.locator("#who-name")).to_have_text("客户端用户")


def test_a_token_in_the_sso_query_string_is_ignored_by_the_page(page):
    token = sign_sso_token(
        {
            "uid": unique("news"),
            "name": "查询串",
            "jti": unique("jti"),
            "exp": START.timestamp() + 600,
        },
        SSO_SECRET,
    )
    page.goto(f"/app/sso?token={token}")
    page.get_by_role("heading", name="无法登录").wait_for()
    expect(page.locator("#sso-status")).to_contain_text("缺少登录令牌")


def test_an_expired_sso_token_shows_a_readable_error_and_a_way_to_sign_in(page):
    token = sign_sso_token(
        {"uid": "late", "name": "迟到", "jti": unique("jti"), "exp": START.timestamp() - 1},
        SSO_SECRET,
    )
    page.goto(f"/app/sso#token={token}")
    page.get_by_role("heading", name="无法登录").wait_for()
    expect(page.locator("#sso-status")).to_contain_text("过期")
    expect(page.get_by_role("link", name="使用用户名和密码登录")).to_be_visible()
    assert "token" not in page.url


def test_a_citizen_who_opens_the_console_sees_a_forbidden_page(page, live):
    user = live.user(username=unique("nosy"))
    sign_in(page, user.username)
    response = page.goto("/admin/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="没有权限")).to_be_visible()


def test_signing_out_returns_to_the_sign_in_page(page, live):
    user = live.user(username=unique("bye"))
    sign_in(page, user.username)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/app/login")
    page.goto("/app/points")
    assert "/app/login" in page.url


# ------------------------------------------------------------------ the citizen's day
def _answer_for(live, stem_text: str):
    for q in live.questions:
        if q.stem in stem_text:
            return q
    raise AssertionError(f"unknown question on the page: {stem_text!r}")


def _seed_prize(live, name="环保购物袋", cost=50, stock=5) -> dict:
    response = live.api_as(live.admin).post(
        "/api/v1/admin/prizes",
        json={
            "name": name,
            "description": "可重复使用的帆布袋",
            "cost": cost,
            "stock": stock,
            "per_user_limit": 2,
            "on_sale": True,
        },
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_a_citizen_registers_plays_todays_quiz_and_sees_the_points(page, live):
    live.needs("/api/v1/quiz/today", "/api/v1/me/points")
    register(page, unique("player"), display_name="答题达人")
    page.wait_for_url("**/app/quiz")

    for number in range(1, 6):
        stem = page.locator("#q-stem")
        stem.wait_for()
        expect(page.locator("#quiz-progress")).to_have_text(f"第 {number} / 5 题")
        question = _answer_for(live, stem.inner_text())
        if question.stem == XSS_STEM:
            # The stem's markup is shown as text and never runs.
            expect(stem).to_contain_text("<script>")
            assert page.evaluate("window.__pwned") is None
        if number == 1:
            snap(page, "quiz-question")
        for key in question.answer:
            page.locator(f"#q-options input[value='{key}']").check()
        page.get_by_role("button", name="提交答案").click()
        page.locator("#q-feedback").wait_for()
        expect(page.locator("#q-verdict")).to_have_text(re.compile(r"^回答正确"))
        expect(page.locator("#q-explanation")).to_contain_text(question.explanation)
        if number == 1:
            snap(page, "quiz-feedback")
        page.locator("#q-next").click()

    summary = page.locator("#quiz-summary")
    summary.wait_for()
    expect(page.locator("#sum-correct")).to_have_text("5 / 5")
    expect(page.locator("#sum-points")).to_have_text("70 分")
    expect(page.locator("#sum-bonus")).to_contain_text("全对奖励 +20")
    page.wait_for_function("document.querySelector('#sum-streak').textContent === '1 天'")
    snap(page, "quiz-summary")

    page.get_by_role("link", name="我的").click()
    page.get_by_role("link", name="积分明细").click()
    page.wait_for_url("**/app/points")
    page.locator("#points-table tbody tr").first.wait_for()
    expect(page.locator("#points-balance")).to_have_text("70")
    assert page.locator("#points-table tbody").get_by_text("答题奖励").count() >= 1
    snap(page, "points")


def _played(live, display_name: str):
    """A citizen in 卫东区 who answered today's five questions right (through the API)."""
    user = live.user(username=unique("played"), display_name=display_name, district="卫东区")
    api = live.api_as(user)
    for q in live.questions:
        response = api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )
        assert response.status_code == 200, response.get_json()
    return user


def test_a_citizen_sees_their_own_row_highlighted_on_the_boards(page, live):
    live.needs("/api/v1/quiz/today/answers", "/api/v1/leaderboards/<board>")
    user = _played(live, "榜上有名")
    sign_in(page, user.username)
    page.get_by_role("link", name="我的").click()
    page.get_by_role("link", name="排行榜").click()
    mine = page.locator("#board-list li.mine")
    mine.wait_for()
    expect(mine).to_contain_text("榜上有名")
    expect(page.locator("#board-me")).to_contain_text("我的名次：第")
    page.get_by_role("tab", name="城区").click()
    page.locator("#board-list li.mine").wait_for()
    expect(page.locator("#board-list li.mine")).to_contain_text("卫东区")
    snap(page, "boards")


def test_a_citizen_redeems_a_prize_after_confirming_and_sees_the_voucher_qr(page, live):
    live.needs("/api/v1/quiz/today/answers", "/api/v1/shop/prizes", "/api/v1/shop/redemptions")
    prize = _seed_prize(live, name=unique("帆布袋"))
    user = _played(live, "兑奖达人")
    sign_in(page, user.username)
    page.get_by_role("link", name="商城").click()
    card = page.locator(f"li.prize[data-prize-id='{prize['id']}']")
    card.wait_for()
    expect(card).to_contain_text(f"{prize['cost']} 积分 · 剩余 {prize['stock']} 件")
    snap(page, "shop")
    card.get_by_role("button", name=f"兑换 {prize['name']}").click()
    dialog = page.locator("#redeem-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#redeem-text")).to_contain_text(prize["name"])
    page.locator("#redeem-ok").click()
    page.locator("#flash.ok").wait_for()
    expect(page.locator("#flash")).to_contain_text("兑换成功")
    # The card is redrawn after the flash: wait for it rather than read it at once.
    expect(card).to_contain_text(f"剩余 {prize['stock'] - 1} 件")

    page.get_by_role("link", name="查看我的券").click()
    voucher = page.locator("li.voucher").first
    voucher.wait_for()
    expect(voucher).to_contain_text(prize["name"])
    expect(voucher).to_contain_text("待领取")
    qr = voucher.locator("img.qr")
    qr.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    snap(page, "vouchers")


def test_a_prize_without_a_per_user_limit_shows_no_limit_in_the_shop(page, live):
    live.needs("/api/v1/shop/prizes")
    response = live.api_as(live.admin).post(
        "/api/v1/admin/prizes",
        json={
            "name": unique("不限量徽章"),
            "description": "",
            "cost": 10,
            "stock": 9,
            "per_user_limit": None,
            "on_sale": True,
        },
    )
    assert response.status_code == 201, response.get_json()
    prize = response.get_json()
    user = live.user(username=unique("nolimit"))
    sign_in(page, user.username)
    page.goto("/app/shop")
    card = page.locator(f"li.prize[data-prize-id='{prize['id']}']")
    card.wait_for()
    expect(card).to_contain_text("10 积分 · 剩余 9 件")
    expect(card).not_to_contain_text("null")
    expect(card).not_to_contain_text("限兑")


# ------------------------------------------------------------------ the console
BANK_HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类\n"
GOOD_ROW = "单选,{stem}：垃圾分类投放时间是？,早上,晚上,全天,不限,A,按社区规定,垃圾分类\n"
BAD_ROW = "单选,{stem}：共享单车应停放在？,路中间,指定区域,盲道上,,E,选项只有 A–C,交通文明\n"
FIXED_ROW = "单选,{stem}：共享单车应停放在？,路中间,指定区域,盲道上,,B,停放在指定区域,交通文明\n"


def test_an_admin_uploads_a_bank_sees_the_bad_row_fixes_it_and_imports(page, live, tmp_path):
    live.needs("/api/v1/admin/question-banks", "/api/v1/admin/questions")
    stem = unique("导入题")
    bad = tmp_path / "bank-bad.csv"
    bad.write_text(BANK_HEADER + GOOD_ROW.format(stem=stem) + BAD_ROW.format(stem=stem), "utf-8")
    good = tmp_path / "bank-good.csv"
    good.write_text(BANK_HEADER + GOOD_ROW.format(stem=stem) + FIXED_ROW.format(stem=stem), "utf-8")

    sign_in(page, "chief", at="/admin/login?next=/admin/banks")
    page.get_by_label("题库文件").set_input_files(str(bad))
    page.get_by_role("button", name="预检").click()
    page.locator("#flash.error").wait_for()
    expect(page.locator("#flash")).to_contain_text("未导入任何题目")
    errors = page.locator("#bank-result table tbody tr")
    assert errors.count() >= 1
    expect(errors.first.locator("td").first).to_contain_text("3")  # the second data row
    expect(page.get_by_role("button", name="导入")).to_be_disabled()
    snap(page, "admin-bank-errors")

    page.get_by_label("题库文件").set_input_files(str(good))
    page.get_by_role("button", name="预检").click()
    page.locator("#flash.ok").wait_for()
    expect(page.locator("#flash")).to_contain_text("将新增 2 题")
    page.get_by_role("button", name="导入").click()
    page.wait_for_function("document.querySelector('#flash').textContent.includes('导入完成')")
    expect(page.locator("#flash")).to_contain_text("新增 2 题")

    page.get_by_role("link", name="题目").click()
    # The page's own first listing answers before the search is sent (it could otherwise land
    # after the search's answer and redraw the whole bank).
    page.wait_for_url("**/admin/questions*")
    settle(page)
    page.get_by_label("搜索题干").fill(stem)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_function(
        "document.querySelectorAll('#q-table tbody tr[data-question-id]').length === 2"
    )
    snap(page, "admin-questions")


def test_the_question_search_shows_every_question_the_server_finds(page, live):
    live.needs("/api/v1/admin/questions")
    battery = live.questions[0]  # "重金属" is in its explanation, not in its stem
    sign_in(page, "chief", at="/admin/login?next=/admin/questions")
    page.locator("#q-table tbody tr[data-question-id]").first.wait_for()
    page.get_by_label("搜索题干").fill("重金属")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_function(
        "document.querySelectorAll('#q-table tbody tr[data-question-id]').length === 1"
    )
    expect(page.locator(f"#q-table tbody tr[data-question-id='{battery.id}']")).to_have_count(1)
    expect(page.get_by_role("button", name="加载更多")).to_be_hidden()


def _voucher_for(live, username: str) -> str:
    prize = _seed_prize(live, name=unique("台历"), cost=30, stock=3)
    user = live.user(username=username, display_name="领奖人")
    api = live.api_as(user)
    admin = live.api_as(live.admin)
    assert admin.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 100, "memo": "测试发放"},
        headers=fresh_key(),
    ).status_code in (200, 201)
    response = api.post(
        "/api/v1/shop/redemptions",
        json={"prize_id": prize["id"]},
        headers={"Idempotency-Key": unique("k")},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["voucher_code"]


def test_a_clerk_fulfils_a_voucher_by_typing_its_code_and_cannot_fulfil_it_twice(page, live):
    live.needs(
        "/api/v1/shop/redemptions",
        "/api/v1/admin/points/adjust",
        "/api/v1/admin/redemptions/<string:voucher_code>/fulfil",
    )
    code = _voucher_for(live, unique("winner"))
    sign_in(page, "counter", at="/admin/login")
    page.wait_for_url("**/admin/vouchers")
    page.get_by_label("券码").fill(code.lower())
    page.get_by_label("券码").press("Enter")
    page.get_by_role("button", name="确认发放并核销").click()
    page.locator("#flash.ok").wait_for()
    expect(page.locator("#flash")).to_contain_text("核销成功")
    expect(page.locator("#fulfil-log")).to_contain_text(code)
    snap(page, "admin-vouchers")

    page.get_by_label("券码").fill(code)
    page.get_by_label("券码").press("Enter")
    page.locator("#flash.error").wait_for()
    expect(page.locator("#flash")).to_contain_text("不能核销")


def test_the_dashboard_draws_charts_and_tables_for_the_seeded_answers(page, live):
    live.needs(
        "/api/v1/quiz/today/answers",
        "/api/v1/admin/reports/awareness",
        "/api/v1/admin/reports/participation",
        "/api/v1/admin/reports/questions",
    )
    for n, district in enumerate(["新华区", "湛河区", "高新区"]):
        user = live.user(username=unique("dash"), district=district)
        api = live.api_as(user)
        for q in live.questions[: 3 + n]:
            choices = list(q.answer) if n != 1 else ["B"]
            api.post("/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": choices})

    sign_in(page, "chief", at="/admin/login")
    page.wait_for_url("**/admin/")
    for report in ("day", "category", "district", "question"):
        section = page.locator(f"section[data-report='{report}']")
        section.locator("svg.chart rect.bar").first.wait_for()
        assert section.locator("table tbody tr").count() >= 1
        assert "format=csv" in section.get_by_role("link").get_attribute("href")
    assert page.locator("section[data-report='district']").get_by_text("湛河区").count() >= 1
    csv = page.request.get(
        page.locator("section[data-report='category']").get_by_role("link").get_attribute("href")
    )
    assert csv.status == 200
    assert "垃圾分类" in csv.text()
    snap(page, "admin-dashboard")


def test_the_console_pages_render_for_an_admin(page, live):
    sign_in(page, "chief", at="/admin/login")
    for path, name, heading in [
        ("/admin/prizes", "admin-prizes", "奖品与库存"),
        ("/admin/schedule", "admin-schedule", "排期"),
        ("/admin/points", "admin-points", "积分调整"),
        ("/admin/teams", "admin-teams", "团队与加入码"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        settle(page)
        snap(page, name)


def test_the_mini_app_fits_a_phone_screen_without_sideways_scrolling(page, live):
    user = live.user(username=unique("narrow"))
    sign_in(page, user.username)
    for path in ["/app/", "/app/boards", "/app/shop", "/app/team"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], path


def test_a_link_with_another_accounts_token_asks_before_switching(page):
    def token(uid: str, name: str) -> str:
        claims = {"uid": uid, "name": name, "jti": unique("jti"), "exp": START.timestamp() + 600}
        return sign_sso_token(claims, SSO_SECRET)

    page.goto(f"/app/sso#token={token(unique('alice'), '爱丽丝')}")
    page.wait_for_url("**/app/")
    expect(page.locator("#who-name")).to_have_text("爱丽丝")
    page.goto(f"/app/sso#token={token(unique('mallory'), '马洛里')}")
    expect(page.locator("#sso-status")).to_contain_text("爱丽丝")
    expect(page.get_by_role("button", name="切换账号")).to_be_visible()
    page.goto("/app/")
    expect(page.locator("#who-name")).to_have_text("爱丽丝")
    page.goto(f"/app/sso#token={token(unique('mallory'), '马洛里')}")
    page.get_by_role("button", name="切换账号").click()
    page.wait_for_url("**/app/")
    expect(page.locator("#who-name")).to_have_text("马洛里")


def test_the_api_reference_renders_under_the_pages_policy(page):
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
