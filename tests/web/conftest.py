"""Browser fixtures: the app served live on a temp SQLite file, and Chromium driven by Playwright.

The browser tests run on SQLite only (the pages add no SQL of their own; the API tests cover
PostgreSQL). Debian's /usr/bin/chromium is driven directly: no browser download.
"""

from __future__ import annotations

import os
import threading
import time
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from quiz.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD, Factory
from tests.sessions import signed_in_client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
XSS_STEM = "<script>window.__pwned = 1</script>垃圾分类：废电池属于哪一类？"


class Live:
    """The running server: its URL, the app (for seeding) and an admin API client."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self.factory = Factory(app)

    def user(self, **fields) -> SimpleNamespace:
        """A committed user, as plain values (usable outside the app context)."""
        with self.app.app_context():
            user = self.factory.user(**fields)
            return SimpleNamespace(
                id=user.id, username=user.username, display_name=user.display_name
            )

    def has_route(self, rule: str) -> bool:
        return any(r.rule == rule for r in self.app.url_map.iter_rules())

    def needs(self, *rules: str) -> None:
        """The routes this journey drives exist (a renamed route fails here, never skips)."""
        missing = [r for r in rules if not self.has_route(r)]
        assert not missing, f"routes this journey drives are missing: {', '.join(missing)}"

    def api_as(self, user):
        return signed_in_client(self.app, user.id)


def _seed(live: Live) -> None:
    f = live.factory
    live.admin = live.user(username="chief", role="admin", display_name="值班编辑")
    live.clerk = live.user(username="counter", role="clerk", display_name="兑换点")
    # Exactly QUIZ_DAILY_COUNT active questions: today's set is all of them, answers known.
    questions = [
        f.question(
            stem=XSS_STEM,
            answer="C",
            category="垃圾分类",
            options=[["A", "可回收物"], ["B", "厨余垃圾"], ["C", "有害垃圾"], ["D", "其他垃圾"]],
            explanation="废电池含有重金属，属于<b>有害垃圾</b>。",
        ),
        f.question(
            type="judge",
            stem="行人闯红灯是不文明的交通行为。",
            answer="A",
            category="交通文明",
            explanation="红灯停、绿灯行。",
        ),
        f.question(
            type="multiple",
            stem="下列哪些属于志愿服务？",
            answer="AC",
            category="志愿服务",
            options=[["A", "社区义诊"], ["B", "有偿家教"], ["C", "敬老院帮扶"], ["D", "代购收费"]],
            explanation="志愿服务是无偿的。",
        ),
        f.question(
            stem="12345 是什么热线？",
            answer="B",
            category="12345热线",
            options=[["A", "火警"], ["B", "政务服务便民热线"], ["C", "急救"], ["D", "报警"]],
            explanation="12345 是政务服务便民热线。",
        ),
        f.question(
            stem="公共场所应当怎样做？",
            answer="A",
            category="文明城市",
            options=[["A", "排队礼让"], ["B", "大声喧哗"], ["C", "随地吐痰"], ["D", "乱扔垃圾"]],
            explanation="文明从点滴做起。",
        ),
    ]
    live.questions = [
        SimpleNamespace(id=q.id, stem=q.stem, answer=q.answer, explanation=q.explanation)
        for q in questions
    ]
    if live.has_route("/api/v1/quiz/today"):
        # Draw today's set now, before any journey imports more questions.
        assert live.api_as(live.admin).get("/api/v1/quiz/today").status_code == 200


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = make_app("sqlite", tmp, QUIZ_DAILY_COUNT=5)
    with app.app_context():
        db.create_all()
        live = Live(app, "")
        _seed(live)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (CI installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live):
    """A fresh phone-sized tab (its own cookies); JS errors fail the test."""
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live.url, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The pages' Content-Security-Policy forbids inline scripts and styles: a violation (the
    # browser logs it to the console) fails the journey too.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(COUNT_FETCHES)
    page.js_errors = errors
    page.wait_for_function = partial(_wait_for_function, page)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or policy violations on the page: {errors}"


def _wait_for_function(page, expression: str, arg=None, timeout: float = 10_000, **_):
    """Playwright's own wait_for_function compiles its predicate inside the page, which the pages'
    Content-Security-Policy (no eval) refuses; this polls with `page.evaluate`, which runs
    outside the page's policy, with the same meaning."""
    deadline = time.monotonic() + timeout / 1000
    while not (page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)


# Counts the page's requests in flight (`fetch` is how the pages reach the API), so a test can
# wait until a page has loaded what it shows without Playwright's "networkidle" (half a second of
# silence after every page). Added by the test through the DevTools protocol: not the page's code.
COUNT_FETCHES = """(() => {
  let inFlight = 0;
  const send = window.fetch.bind(window);
  window.fetch = (...args) => { inFlight += 1; return send(...args).finally(() => { inFlight -= 1; }); };
  Object.defineProperty(window, '__fetchesInFlight', { get: () => inFlight });
})()"""
QUIET = "() => document.readyState === 'complete' && window.__fetchesInFlight === 0"


def settle(page, quiet_ms: int = 150) -> None:
    """Wait until the page has loaded and no request of its own has been in flight for
    `quiet_ms` (a response's handler may start the next request a moment after)."""
    deadline = time.monotonic() + 10
    quiet_since = None
    while True:
        now = time.monotonic()
        if page.evaluate(QUIET):
            quiet_since = quiet_since or now
            if now - quiet_since >= quiet_ms / 1000:
                return
        else:
            quiet_since = None
        if now > deadline:
            raise AssertionError("the page kept loading for 10 s")
        page.wait_for_timeout(25)


def sign_in(page, username: str, password: str = PASSWORD, *, at: str = "/app/login") -> None:
    page.goto(at)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def snap(page, name: str) -> None:
    """With SCREENSHOTS=1, save the page at phone and desktop width under docs/screenshots/."""
    if not os.environ.get("SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size(PHONE)
