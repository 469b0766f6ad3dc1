"""Accessibility of the citizen mini-app (issue 23): axe-core 4.14 (vendored under
tests/web/vendor, served from disk — no CDN) finds no violation on any citizen page, in normal
mode and in 长辈模式; every tap target is ≥ 44 px (≥ 48 px in 长辈模式); text sizes are relative,
so the reader's browser font setting is followed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.web.conftest import COUNT_FETCHES, settle, sign_in
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
CSS = Path(__file__).resolve().parents[2] / "quiz" / "web" / "static" / "app.css"

# Rules beyond axe's defaults that the audit ran.
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}

SIGNED_OUT = ["/app/login", "/app/register", "/app/forgot"]
SIGNED_IN = [
    "/app/",
    "/app/quiz",
    "/app/campaigns",
    "/app/learn",
    "/app/review/2026-11-23",
    "/app/practice?source=past",
    "/app/shop",
    "/app/me",
    "/app/points",
    "/app/calendar",
    "/app/vouchers",
    "/app/boards",
    "/app/team",
]

TARGETS = """(min) => Array.from(document.querySelectorAll(
  'a[href], button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), [role=tab], label.option'))
  .filter((n) => n.offsetParent !== null && !n.closest('.sr-only, .skip, dialog:not([open])'))
  .map((n) => { const r = n.getBoundingClientRect();
    return { what: (n.id ? '#' + n.id + ' ' : '') + n.tagName + ' ' + (n.textContent || n.value || '').trim().slice(0, 20),
             h: r.height, w: r.width,
             inline: n.tagName === 'A' && !!n.closest('p, li, td, dd') && getComputedStyle(n).display === 'inline' }; })
  .filter((t) => t.h < min || (t.w < min && !t.inline))"""


def axe(page) -> list[dict]:
    # Evaluated from the test's side: the pages' Content-Security-Policy (rightly) refuses an
    # injected <script>, and axe is the test's tool, not the page's.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """(rules) => axe.run(document, { rules }).then((r) => r.violations.map((v) => ({
            id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))""",
        EXTRA_RULES,
    )


@pytest.fixture
def player(live):
    user = live.user(username=unique("a11y"), display_name="无障碍")
    api = live.api_as(user)
    for q in live.questions[:4]:  # one left for the quiz page's question state
        api.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": list(q.answer)}
        )
    return user


@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_no_axe_violations_and_big_enough_targets_on_every_citizen_page(page, live, player, mode):
    minimum = 48 if mode == "elder" else 44
    if mode == "elder":
        page.add_init_script("localStorage.setItem('quiz.elder_mode', '1')")
        live.api_as(player).patch("/api/v1/me", json={"elder_mode": True})
    found = {}
    small = {}
    for path in SIGNED_OUT:
        page.goto(path)
        settle(page)
        found[path] = axe(page)
        small[path] = page.evaluate(TARGETS, minimum)
    sign_in(page, player.username)
    for path in SIGNED_IN:
        page.goto(path)
        settle(page)
        found[path] = axe(page)
        small[path] = page.evaluate(TARGETS, minimum)
    # The quiz's feedback state (after answering the last question) and the summary.
    page.goto("/app/quiz")
    page.locator("#q-options input").first.wait_for()
    page.locator("#q-options label").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.locator("#q-feedback").wait_for()
    settle(page)
    found["quiz feedback"] = axe(page)
    small["quiz feedback"] = page.evaluate(TARGETS, minimum)
    page.locator("#q-next").click()
    page.locator("#quiz-summary").wait_for()
    settle(page)
    found["quiz summary"] = axe(page)
    small["quiz summary"] = page.evaluate(TARGETS, minimum)
    violations = {p: v for p, v in found.items() if v}
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    too_small = {p: t for p, t in small.items() if t}
    assert not too_small, json.dumps(too_small, ensure_ascii=False, indent=1)


def test_text_sizes_follow_the_browser_font_setting():
    css = CSS.read_text()
    for rule in re.findall(r"html(?:\[data-mode=elder\])?\s*\{[^}]*\}", css):
        assert not re.search(r"font-size:\s*[\d.]+px", rule), rule
    assert not re.search(r"html\[data-mode=elder\] body \{[^}]*font-size:\s*[\d.]+px", css)


def test_elder_mode_enlarges_text_by_at_least_a_quarter(page, live):
    page.goto("/app/login")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("document.documentElement.dataset.mode = 'elder'")
    elder = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elder >= 1.25 * normal


CONSOLE = [
    "/admin/",
    "/admin/banks",
    "/admin/questions",
    "/admin/schedule",
    "/admin/prizes",
    "/admin/vouchers",
    "/admin/points",
    "/admin/teams",
    "/admin/fairplay",
    "/admin/reports_queue",
    "/admin/winners",
    "/admin/targets",
    "/admin/campaigns",
    "/admin/login",
]


def test_no_axe_violations_on_the_console_pages(browser, live):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live.url)
    page = context.new_page()
    page.add_init_script(COUNT_FETCHES)
    sign_in(page, "chief", at="/admin/login")
    found = {}
    for path in CONSOLE:
        page.goto(path)
        settle(page)
        found[path] = axe(page)
    context.close()
    violations = {p: v for p, v in found.items() if v}
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
