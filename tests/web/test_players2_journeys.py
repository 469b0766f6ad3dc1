"""Journeys for what issue 23 still missed: share cards for certificates and campaign results, and
the console's defect 9 (scheduling, campaign categories, 预检, 纠错 in the reporter's order, the
question table, 知晓率 with its samples, 每周之星 from launch)."""

from __future__ import annotations

import re
import threading
from functools import partial

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from quiz.extensions import db
from tests.conftest import make_app
from tests.factories import Factory
from tests.sessions import signed_in_client
from tests.web.conftest import DESKTOP, PHONE, Live, _seed, _wait_for_function, sign_in, snap
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """A server of this module's own, seeded like the shared one: campaigns and answers made
    here never show up in another file's journeys (which expect, say, no campaign yet)."""
    app = make_app("sqlite", tmp_path_factory.mktemp("own"), QUIZ_DAILY_COUNT=5)
    with app.app_context():
        db.create_all()
        server = Live(app, "")
        _seed(server)
        db.session.remove()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    server.url = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield server
    http.shutdown()
    thread.join(5)


@pytest.fixture
def own_page(browser, own):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=own.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.wait_for_function = partial(_wait_for_function, page)  # the pages' CSP allows no eval
    yield page
    context.close()
    assert not errors, errors


def _champion(live, name: str):
    """A citizen who scored 3 of 3 in an open campaign named `name` (so holds its certificate)."""
    with live.app.app_context():  # today's set never goes into a campaign: questions of its own
        ids = [live.factory.question(category="分享").id for _ in range(3)]
    admin = live.api_as(live.admin)
    created = admin.post(
        "/api/v1/admin/campaigns",
        json={
            "name": name,
            "description": "分享卡片的专项。",
            "starts_at": "2026-11-23T00:00:00+08:00",
            "ends_at": "2026-11-29T23:59:00+08:00",
            "question_ids": ids,
            "questions_per_attempt": 3,
            "attempts_allowed": 2,
            "points_per_correct": 10,
        },
    )
    assert created.status_code == 201, created.get_json()
    campaign = created.get_json()
    user = live.user(username=unique("share"), display_name="分享达人")
    api = live.api_as(user)
    started = api.post(f"/api/v1/campaigns/{campaign['id']}/attempts")
    assert started.status_code == 201, started.get_json()
    attempt = started.get_json()
    for q in attempt["questions"]:
        response = api.post(
            f"/api/v1/campaigns/{campaign['id']}/attempts/{attempt['id']}/answers",
            json={"question_id": q["id"], "choices": ["A"]},  # the factory's answer
        )
        assert response.status_code == 200, response.get_json()
    return user


def _shown_picture(page, slot):
    picture = slot.locator("img")
    expect(picture).to_be_visible()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", picture.element_handle()
    )
    return picture.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")


def test_a_certificate_is_shared_as_a_picture_from_the_home_page(own_page, own):
    page = own_page
    user = _champion(own, unique("证书分享专项"))
    sign_in(page, user.username)
    page.goto("/app/")  # signing in lands on today's quiz
    cert = page.locator("#cert-list li.cert").first
    cert.get_by_role("button", name="分享").click()
    assert _shown_picture(page, cert.locator(".share-slot")) == [1080, 1440]
    expect(cert).to_contain_text("长按图片可保存或发给朋友")
    snap(page, "share-certificate")


def test_a_campaign_result_is_shared_as_a_picture_from_the_campaigns_page(own_page, own):
    page = own_page
    name = unique("成绩分享专项")
    user = _champion(own, name)
    sign_in(page, user.username)
    page.goto("/app/campaigns")
    card = page.locator(".campaign", has_text=name)
    card.get_by_role("button", name=f"分享成绩：{name}").click()
    assert _shown_picture(page, card.locator(".share-slot")) == [1080, 1440]
    snap(page, "share-campaign")


def test_inside_the_news_app_the_share_hook_gets_the_cards_address(own_page, own):
    page = own_page
    name = unique("宿主分享专项")
    user = _champion(own, name)
    page.add_init_script(
        "window.NewsApp = { shareImage: (url, title) => { window.__shared = [url, title]; } }"
    )
    sign_in(page, user.username)
    page.goto("/app/campaigns")
    page.locator(".campaign", has_text=name).get_by_role("button", name="分享成绩").click()
    shared = page.evaluate("window.__shared")
    assert shared[0].startswith(own.url + "/api/v1/campaigns/") and shared[0].endswith("/share.png")
    assert name in shared[1]


@pytest.fixture
def console(browser, live):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "chief", at="/admin/login")
    yield page
    context.close()
    assert not errors, errors


def test_an_admin_schedules_a_day_from_the_picker_is_warned_it_is_short_and_takes_it_back(
    console, live
):
    console.goto("/admin/schedule")
    picker = console.locator("#picker-table tbody tr")
    picker.first.wait_for()
    ids = [int(i) for i in picker.evaluate_all("(rows) => rows.map((r) => r.dataset.questionId)")]
    assert ids == sorted(ids, reverse=True)  # newest first
    console.get_by_role("button", name="2026-11-28", exact=False).click()
    expect(console.get_by_label("日期")).to_have_value("2026-11-28")
    console.get_by_label("搜索题干或解析").fill("12345")
    console.get_by_role("button", name="搜索").click()
    expect(picker).to_have_count(1)
    picker.get_by_role("button", name="加入").click()
    console.get_by_label("搜索题干或解析").fill("")
    console.get_by_role("button", name="搜索").click()
    expect(picker.first).not_to_contain_text("12345")
    picker.first.get_by_role("button", name="加入").click()
    expect(console.locator("#chosen li")).to_have_count(2)
    expect(console.locator("#chosen-warning")).to_have_text("这一天将只有 2 题，少于每日 5 题。")
    console.get_by_role("button", name="保存排期").click()
    expect(console.locator("#flash")).to_contain_text("2026-11-28 的题目已排定（只有 2 题")
    cell = console.locator("#sched-cal td[data-date='2026-11-28']")
    expect(cell).to_contain_text("已排期 2 题")
    expect(cell).to_contain_text("少于 5 题")
    snap(console, "admin-schedule-calendar")
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="取消这一天的排期").click()
    expect(console.locator("#flash")).to_contain_text("2026-11-28 的排期已取消")
    expect(cell).to_contain_text("自动抽题")
    expect(console.locator("#chosen li")).to_have_count(0)


def test_the_picker_filters_by_a_category_chosen_from_a_list_with_counts(console, live):
    console.goto("/admin/schedule")
    console.locator("#picker-table tbody tr").first.wait_for()
    # Other journeys on this shared server may add questions: the count is read from the list.
    category = console.get_by_label("分类")
    label = next(
        t for t in category.locator("option").all_inner_texts() if t.startswith("交通文明（")
    )
    count = int(re.fullmatch(r"交通文明（(\d+) 题）", label).group(1))
    category.select_option(label=label)
    console.get_by_role("button", name="搜索").click()
    rows = console.locator("#picker-table tbody tr")
    expect(rows).to_have_count(min(count, 20))  # the picker lists 20 at a time
    expect(rows.filter(has_text="行人闯红灯")).to_have_count(1)


def test_the_campaign_category_is_chosen_from_the_banks_categories_with_their_counts(console):
    console.goto("/admin/campaigns")
    category = console.get_by_label("题目分类")
    expect(category.locator("option", has_text="交通文明（")).to_have_count(1)
    labels = category.locator("option").all_inner_texts()
    assert labels[0] == "请选择分类"
    assert all(re.fullmatch(r".+（\d+ 题）", label) for label in labels[1:]), labels
    assert any(label.startswith("垃圾分类（") for label in labels)
    snap(console, "admin-campaign-category")


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory):
    """A server whose players see options in their own order, with one reported question."""
    app = make_app(
        "sqlite",
        tmp_path_factory.mktemp("shuffled"),
        QUIZ_SHUFFLE_OPTIONS=True,
        QUIZ_DRAW_SECRET="report-view-draw-secret-0123456789abcdef",
        QUIZ_DAILY_COUNT=1,
    )
    with app.app_context():
        db.create_all()
        factory = Factory(app)
        factory.user(username="chief", role="admin", display_name="值班编辑")
        reporter = factory.user(username="reporter1", display_name="较真的人")
        question = factory.question(
            stem="文明城市测评中，“门前三包”指的是什么？",
            options=[["A", "包卫生、包绿化、包秩序"], ["B", "包吃"], ["C", "包住"], ["D", "包行"]],
        )
        reporter_id, question_id = reporter.id, question.id
        db.session.remove()
    client = signed_in_client(app, reporter_id)
    client.get("/api/v1/quiz/today")
    client.post("/api/v1/quiz/today/answers", json={"question_id": question_id, "choices": ["A"]})
    reported = client.post(
        f"/api/v1/questions/{question_id}/reports",
        json={"reason": "answer", "message": "我选的 A 明明是对的"},
    )
    assert reported.status_code == 201, reported.get_json()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_the_report_queue_shows_the_reporters_option_order_beside_the_questions(browser, shuffled):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=shuffled)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/reports_queue")
    line = page.locator(".report-line").first
    seen = line.locator(".seen-order li")
    expect(seen).to_have_count(4)
    texts = seen.all_inner_texts()
    assert [t[0] for t in texts] == list("ABCD")  # the reporter's keys, in their order
    assert any("（本题 A）" in t and "包卫生" in t for t in texts)
    assert [t.split("（本题 ")[1][0] for t in texts] != list("ABCD")  # really shuffled
    expect(line.locator(".seen-order li.is-correct")).to_contain_text("包卫生")
    snap(page, "admin-reports-reporter-order")
    context.close()


def test_weekly_stars_list_no_week_before_the_quiz_was_first_served(browser, shuffled):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=shuffled)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/winners")  # the quiz was first served today, Monday 2026-11-23
    week = page.get_by_label("选择周")
    expect(week).to_be_disabled()
    expect(week.locator("option")).to_have_text(["还没有已结束的一周"])
    expect(page.locator("#w-range")).to_have_text(
        "答题从 2026-11-23 开始，第一周结束后这里就有每周之星。"
    )
    snap(page, "admin-winners-before-launch")
    context.close()


def test_the_awareness_dashboard_gives_each_rate_its_n_and_greys_out_small_samples(browser, own):
    api = own.api_as(own.user(username=unique("aw"), display_name="知晓"))
    q = own.questions[1]
    api.post("/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)})
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=own.url)
    context.set_default_timeout(10_000)
    console = context.new_page()
    sign_in(console, "chief", at="/admin/login")
    console.goto("/admin/")
    rows = console.locator("section[data-report=category] tbody tr")
    rows.first.wait_for()
    for row in rows.all():
        expect(row.locator("td").nth(1)).to_contain_text(re.compile(r"%（n=\d+）$"))
        expect(row).to_have_class(re.compile("small-sample"))  # fewer than 30 answers
    expect(console.locator("#small-sample-note")).to_contain_text("n 少于 30")
    colour = rows.first.locator("td").first.evaluate("(td) => getComputedStyle(td).color")
    assert colour == "rgb(107, 101, 96)"
    snap(console, "admin-dashboard-small-samples")
    context.close()


BANK_WITH_EXAMPLE = (
    "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度\n"
    "判断,【示例】废旧电池属于有害垃圾。,,,,,对,示例。,生态文明,易\n"
    "单选,文明养犬应当怎样做？,拴绳牵引,任其奔跑,不清粪便,深夜遛狗,a,依据养犬管理规定。,文明养犬,难\n"
    "判断,公共场所禁止吸烟。,,,,,√,依据控烟条例。,健康生活,\n"
)


def test_a_preview_skips_the_templates_examples_and_shows_the_rows_as_stored(console, tmp_path):
    bank = tmp_path / "bank.csv"
    bank.write_text(BANK_WITH_EXAMPLE, encoding="utf-8")
    console.goto("/admin/banks")
    console.get_by_label("题库文件").set_input_files(str(bank))
    console.get_by_role("button", name="预检").click()
    expect(console.locator("#flash")).to_contain_text("将新增 2 题，重复 0 题，跳过 1 行示例")
    rows = console.locator("table.bank-preview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("单选题")
    expect(rows.nth(0).locator("td").nth(4)).to_have_text("A")  # "a" as it will be stored
    expect(rows.nth(0).locator("td").nth(7)).to_have_text("难")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("A. 正确\nB. 错误")
    expect(rows.nth(1).locator("td").nth(8)).to_have_text("默认")
    expect(console.locator("table.bank-preview")).not_to_contain_text("【示例】")
    snap(console, "admin-bank-preview")


def test_the_question_tables_buttons_keep_their_words_whole_at_1280_px(console):
    console.goto("/admin/questions")
    buttons = console.locator("#q-table tbody button")
    buttons.first.wait_for()
    sizes = buttons.evaluate_all(
        """(all) => all.map((b) => { const r = b.getBoundingClientRect();
             const line = parseFloat(getComputedStyle(b).lineHeight) || 24;
             return { text: b.textContent, h: r.height, lines: Math.round(
               (b.clientHeight - parseFloat(getComputedStyle(b).paddingTop)
                 - parseFloat(getComputedStyle(b).paddingBottom)) / line) }; })"""
    )
    broken = [s for s in sizes if s["lines"] > 1]
    assert not broken, broken
    # A row's buttons sit side by side, and a type name stays whole.
    first = console.locator("#q-table tbody tr").first
    tops = first.locator("button").evaluate_all(
        "(b) => b.map((x) => x.getBoundingClientRect().top)"
    )
    assert len(set(tops)) == 1, tops
    lines = (
        first.locator("td")
        .nth(1)
        .evaluate(
            "(td) => { const r = document.createRange(); r.selectNodeContents(td);"
            " return r.getClientRects().length; }"
        )
    )
    assert lines == 1, lines
    snap(console, "admin-questions")
