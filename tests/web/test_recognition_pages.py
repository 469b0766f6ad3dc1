"""Recognition in a real browser: the admin's weekly winners and poster, the citizen's weekly
stars and certificate, participation against targets. With SCREENSHOTS=1 the poster, a
certificate and the pages are saved under docs/screenshots/."""

from __future__ import annotations

import io
import os
from datetime import timedelta

from PIL import Image
from playwright.sync_api import expect

from quiz.extensions import db
from quiz.models import User
from quiz.runtime import runtime_of
from tests.recognition_helpers import LAST_MONDAY, play, team
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in


def _save(name: str, data: bytes | None = None, page=None, full_page=True) -> None:
    if not os.environ.get("SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if data is not None:
        (SCREENSHOTS / name).write_bytes(data)
    else:
        page.wait_for_timeout(200)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def _played(live, users_days):
    """[(user namespace, [(day, correct, minute)])] played through the daily-quiz service."""
    with live.app.app_context():
        for user, days in users_days:
            model = db.session.get(User, user.id)
            for day, correct, minute in days:
                play(live.app, model, day, correct, minute=minute)
        db.session.remove()


def _last_week(live):
    """Once per session: a few citizens and reporters who played last Monday."""
    if getattr(live, "stars", None):
        return live.stars
    people = [live.user(display_name=f"周冠军{n}") for n in range(1, 5)]
    people += [
        live.user(display_name="张三明", role="reporter", invite_code="STARKID1"),
        live.user(display_name="李小红", role="reporter", invite_code="STARKID2"),
    ]
    correct = [5, 4, 3, 2, 5, 1]
    _played(
        live,
        [(p, [(LAST_MONDAY, c, i)]) for i, (p, c) in enumerate(zip(people, correct, strict=True))],
    )
    live.stars = people
    return people


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return open(info.value.path(), "rb").read()


def test_an_admin_picks_a_week_and_downloads_the_winners_poster(page, live):
    _last_week(live)
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/winners")
    expect(page.locator("#w-week")).to_have_value(LAST_MONDAY.isoformat())
    citizens = page.locator("#w-citizens tbody tr")
    citizens.first.wait_for()
    text = page.locator("#w-citizens").inner_text()
    assert "周冠军1" in text and "张*明" in text and "张三明" not in text
    expect(page.locator("#w-reporters")).to_contain_text("李*红")

    poster = _download(page, page.locator("#w-poster"))
    image = Image.open(io.BytesIO(poster))
    assert image.format == "PNG" and image.size == (1080, 1920)
    page.locator("#w-poster-img").evaluate("img => img.decode()")
    _save("winners-poster.png", poster)
    page.set_viewport_size(DESKTOP)
    _save("admin-winners-desktop.png", page=page)
    csv = _download(page, page.locator("#w-csv")).decode("utf-8-sig")
    assert csv.splitlines()[0] == "board,rank,name,score" and "张*明" in csv


def test_a_citizen_sees_last_weeks_stars_and_downloads_a_certificate(page, live):
    _last_week(live)
    star = live.user(username="perfectweek", display_name="王完美")
    week = [LAST_MONDAY + timedelta(days=n) for n in range(7)]
    _played(live, [(star, [(day, 5, 30) for day in week])])

    sign_in(page, "perfectweek")
    page.goto("/app/")  # signing in lands on today's quiz
    stars = page.locator("#stars-citizens li")
    stars.first.wait_for()
    board = page.locator("#stars-citizens").inner_text()
    assert "周冠军1" in board and "王完美" in board and "张*明" in board
    expect(page.locator("#stars-week")).to_have_text("2026-11-16 至 2026-11-22")
    expect(page.locator("#stars-me")).to_contain_text("我上周的名次：市民榜第")
    expect(page.locator("#stars-reporters")).to_contain_text("李*红")

    cert = page.locator("#cert-list li.cert")
    cert.wait_for()
    expect(cert).to_contain_text("完美一周")
    code = cert.get_attribute("data-code")
    png = _download(page, cert.get_by_role("link", name="下载证书"))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1600, 1130)
    _save("certificate.png", png)
    page.set_viewport_size(PHONE)
    page.locator("#stars-card").evaluate(
        "card => window.scrollTo(0, card.getBoundingClientRect().top + window.scrollY - 56)"
    )
    _save("weekly-stars-phone.png", page=page, full_page=False)

    page.goto(f"/verify/{code}")
    expect(page.locator("main")).to_contain_text("证书真实有效")
    assert page.goto("/verify/FORGED2345678ABC").status == 404
    expect(page.locator("main")).to_contain_text("未找到这张证书")


def test_an_admin_sets_a_districts_target_and_sees_its_rate_coloured(page, live):
    player = live.user(display_name="参与者", district="湛河区")
    today = runtime_of(live.app).clock.now().date()
    with live.app.app_context():
        schools = [team(live.app, name=n, district="湛河区").id for n in ("光明路小学", "育才小学")]
        db.session.remove()
    # 光明路小学: 3 of 4 reporters took part, target 4 (amber); 育才小学: 1 of 1, target 1 (green).
    kids = [live.user(role="reporter", team_id=schools[0]) for _ in range(4)]
    kids.append(live.user(role="reporter", team_id=schools[1]))
    yesterday = today - timedelta(days=1)
    _played(live, [(p, [(yesterday, 5, 0)]) for p in [player, *kids[:3], kids[4]]])
    admin = live.api_as(live.admin)
    for school, target in zip(schools, (4, 1), strict=True):
        assert (
            admin.put(f"/api/v1/admin/targets/team/{school}", json={"target": target}).status_code
            == 200
        )
    page.set_viewport_size(DESKTOP)  # the chart is drawn at the width it is given
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/targets")
    row = page.locator("section[data-by=district] tr[data-key='湛河区']")
    row.wait_for()
    assert "未设" in (row.locator("input").get_attribute("placeholder") or "")
    row.locator("input").fill("1")
    row.get_by_role("button", name="保存").click()
    page.locator("#flash").get_by_text("目标已设为 1 人").wait_for()
    row = page.locator("section[data-by=district] tr[data-key='湛河区']")
    row.locator("td.band-ok").wait_for()
    expect(row.locator("td").last).to_have_text("100%")
    expect(page.locator("section[data-by=district] rect[data-band=ok]")).to_have_count(1)
    row.locator("input").fill("4")
    row.get_by_role("button", name="保存").click()
    page.locator("section[data-by=district] tr[data-key='湛河区'] td.band-bad").wait_for()
    page.locator("section[data-by=district] tr[data-key='新华区'] input").fill("2")
    page.locator("section[data-by=district] tr[data-key='新华区']").get_by_role(
        "button", name="保存"
    ).click()
    page.locator("section[data-by=district] tr[data-key='新华区'] td.band-bad").wait_for()
    teams = page.locator("section[data-by=team]")
    expect(teams.locator(f"tr[data-key='{schools[0]}'] td.band-warn")).to_have_text("75%")
    expect(teams.locator("rect[data-band=warn]")).to_have_count(1)
    expect(teams.locator(f"tr[data-key='{schools[1]}'] td.band-ok")).to_have_text("100%")
    _save("participation-desktop.png", page=page)
