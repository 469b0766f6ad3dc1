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
