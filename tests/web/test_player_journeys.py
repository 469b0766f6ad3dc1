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
