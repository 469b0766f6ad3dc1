"""A guardian consents for their 小记者 from their own account on the 我的 page, and withdraws it;
the child's public name follows (PIPL 第三十一条)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quiz.extensions import db
from quiz.runtime import runtime_of
from quiz.services.ledger import post_entry
from tests.web.conftest import sign_in
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser


def board_name(live, viewer, child_id: int) -> str:
    board = live.api_as(viewer).get("/api/v1/leaderboards/reporters?period=day&limit=100")
    return next(e["name"] for e in board.get_json()["entries"] if e["id"] == child_id)


def test_a_guardian_consents_for_a_child_on_the_me_page_and_withdraws(page, live):
    live.needs("/api/v1/me/guardian-consent", "/api/v1/me/export")
    kid = live.user(
        username=unique("kid"), role="reporter", display_name="张三明", invite_code=unique("K")[:16]
    )
    mum = live.user(username=unique("mum"), display_name="张妈妈", family_reporter_id=kid.id)
    viewer = live.user(username=unique("viewer"))
    with live.app.app_context():
        post_entry(
            kid.id, 10, "quiz_correct", key=unique("kid-earn"), now=runtime_of(live.app).clock.now()
        )
        db.session.commit()
    assert board_name(live, viewer, kid.id) == "张*明"

    sign_in(page, mum.username)
    page.goto("/app/me")
    card = page.locator("#guardian-card")
    expect(card).to_be_visible()
    expect(page.locator("#guardian-child")).to_have_text("张三明")
    expect(page.locator("#guardian-status")).to_contain_text("尚未同意")
    page.get_by_role("button", name="我是监护人，同意").click()
    expect(page.locator("#guardian-status")).to_contain_text("由您在线确认")
    assert board_name(live, viewer, kid.id) == "张三明"

    page.reload()
    page.get_by_role("button", name="撤回同意").click()
    expect(page.locator("#guardian-status")).to_contain_text("尚未同意")
    assert board_name(live, viewer, kid.id) == "张*明"
    # 我的 also offers my data as a download.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载我的数据").click()
    assert download.value.suggested_filename == "my-data.json"
