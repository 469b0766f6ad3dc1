"""The console's fair-play page in a real browser: suspects listed, an account held and released."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from quiz.clock import local_day
from quiz.extensions import db
from quiz.models import Answer, QuizDay
from quiz.runtime import runtime_of
from tests.web.conftest import sign_in


def _a_suspect(live):
    """A user with too-fast answers today (as a script answering at machine speed leaves: the
    answers and the day that counts them)."""
    suspect = live.user(display_name="脚本账户")
    with live.app.app_context():
        at = runtime_of(live.app).clock.now()
        day = local_day(at, ZoneInfo(live.app.config["QUIZ_TIMEZONE"]))
        db.session.add(
            QuizDay(
                user_id=suspect.id,
                day=day,
                total=5,
                answered=3,
                correct=0,
                points=0,
                bonus=0,
                first_seen_at=at,
                last_answer_at=at + timedelta(milliseconds=10),
                too_fast=3,
                near_floor=3,
            )
        )
        for q in live.questions[:3]:
            db.session.add(
                Answer(
                    user_id=suspect.id,
                    question_id=q.id,
                    day=day,
                    choices="A",
                    correct=False,
                    points=0,
                    bonus=0,
                    category="垃圾分类",
                    elapsed_ms=10,
                    interval_ms=10,
                    too_fast=True,
                    created_at=at + timedelta(milliseconds=10),
                )
            )
        db.session.commit()
    return suspect


def test_an_admin_sees_a_suspect_holds_the_account_and_releases_it(page, live):
    suspect = _a_suspect(live)
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/fairplay")
    row = page.locator(f"#fp-suspects tr[data-user-id='{suspect.id}']")
    row.wait_for()
    expect(row).to_contain_text("答题速度贴近最短间隔")

    page.once("dialog", lambda dialog: dialog.accept("同一脚本批量答题"))
    row.get_by_role("button", name="暂停兑换").click()
    held = page.locator(f"#fp-holds tr[data-user-id='{suspect.id}']")
    held.wait_for()
    expect(held).to_contain_text("同一脚本批量答题")

    page.once("dialog", lambda dialog: dialog.accept("已核实"))
    held.get_by_role("button", name="解除暂停").click()
    held.wait_for(state="detached")
    expect(
        page.locator(f"#fp-suspects tr[data-user-id='{suspect.id}']").get_by_role(
            "button", name="暂停兑换"
        )
    ).to_be_visible()
