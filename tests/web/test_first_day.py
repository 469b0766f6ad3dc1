"""A new user's first day on what `make run` seeds (the bundled bank and the demo prizes), counted
in taps: from the register page to a redeemed voucher in ≤ 20 taps.

A tap is a touch on the page: a button, a link, an option, or a text field the user has to tap
to type into (a field the page focuses by itself costs none). Typing is not a tap, and neither is
a key on the phone's keyboard (下一项, 前往). The day drawn depends on the date the suite runs:
tests/web/test_first_day_bound.py holds the count to the bound on every day the bank can draw,
with the formula (tests/web/first_day.py) this journey checks against the browser."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from quiz.extensions import db
from quiz.models import Question
from quiz.models.shop import Prize
from tests.web.conftest import PHONE, snap
from tests.web.first_day import MOST_TAPS, first_day_taps, seeded_like_make_run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A server with exactly what `make run` loads into an empty database."""
    with seeded_like_make_run(tmp_path_factory.mktemp("seeded")) as app:
        questions = {
            q.stem: [text for key, text in q.options if key in q.answer]
            for q in db.session.scalars(select(Question))
        }
        cheapest = db.session.scalar(select(Prize).order_by(Prize.cost).limit(1))
        prize = (cheapest.name, cheapest.cost)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", questions, prize
    server.shutdown()
    thread.join(5)


class Taps:
    """Counts every touch the journey makes."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def type_into(self, locator, text: str) -> None:
        if not locator.evaluate("(n) => n === document.activeElement"):
            self.count += 1
        locator.press_sequentially(text)

    def keyboard(self, key: str) -> None:
        """A key on the phone's keyboard, under the thumb that typed: typing, not a tap."""
        self.page.keyboard.press(key)


def test_the_demo_shop_has_a_prize_a_perfect_first_day_can_afford(seeded):
    _, _, (name, cost) = seeded
    assert cost <= 5 * 10 + 20, f"{name} costs {cost}"


def test_a_new_user_goes_from_register_to_a_redeemed_voucher_in_at_most_20_taps(browser, seeded):
    url, answers, (prize, _) = seeded
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    taps = Taps(page)
    page.goto("/app/register")
    snap(page, "register")
    taps.type_into(page.get_by_label("用户名"), "first_day")
    taps.keyboard("Enter")  # 下一项: on to 密码 (昵称 is optional: the boards show the username)
    taps.type_into(page.get_by_label("密码"), "first-day-1")
    taps.keyboard("Enter")  # 前往: registers
    page.wait_for_url("**/app/quiz")  # straight into today's quiz
    expect(page.locator("#who-name")).to_have_text("first_day")
    drawn = []
    for number in range(1, 6):
        stem = page.locator("#q-stem")
        stem.wait_for()
        expect(page.locator("#quiz-progress")).to_have_text(f"第 {number} / 5 题")
        right = answers[re.sub(r"^\d+\.\s*", "", stem.inner_text().strip())]
        drawn.append(len(right))
        for text in right:
            option = page.locator("#q-options label.option")
            shown = re.compile(r"^[A-F]\. " + re.escape(text) + "$")
            taps.click(option.filter(has=page.locator("span", has_text=shown)))
        taps.click(page.get_by_role("button", name="提交答案"))
        expect(page.locator("#q-verdict")).to_contain_text("回答正确")
        if number < 5:
            taps.click(page.locator("#q-next"))
    # The day's result opens under the last answer: no tap to see it.
    expect(page.locator("#sum-correct")).to_have_text("5 / 5")
    snap(page, "first-day-summary")
    taps.click(page.get_by_role("link", name=f"兑换「{prize}」"))
    taps.click(page.locator("#redeem-ok"))
    expect(page.locator("#flash")).to_contain_text("兑换成功")
    snap(page, "first-day-voucher")
    context.close()
    assert taps.count == first_day_taps(drawn), f"the count's formula is off on {drawn}"
    assert taps.count <= MOST_TAPS, f"{taps.count} taps on a day of {drawn} right options"
