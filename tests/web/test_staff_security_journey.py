"""An admin enrols an authenticator (TOTP) on the console's 账号安全 page and signs in with it
(等保 身份鉴别): the recovery codes are shown once, a wrong or replayed code is refused."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from quiz.runtime import runtime_of
from quiz.services.staff_auth import STEP
from tests.web.conftest import sign_in
from tests.web.test_journeys import unique

pytestmark = pytest.mark.browser


def test_an_admin_enrols_totp_and_signs_in_with_it(page, live):
    live.needs("/admin/security", "/api/v1/auth/2fa/setup", "/api/v1/auth/2fa/verify")
    admin = live.user(username=unique("sec"), role="admin", display_name="安全值班")
    sign_in(page, admin.username, at="/admin/login")
    page.goto("/admin/security")
    expect(page.locator("#tfa-state")).to_contain_text("尚未启用")
    page.get_by_role("button", name="生成新的验证器密钥").click()
    expect(page.get_by_role("img", name="双因素认证二维码")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#enrol-secret").inner_text().strip())
    now = runtime_of(live.app).clock.now().timestamp()
    page.get_by_label("验证码", exact=True).fill(totp.at(now))
    page.get_by_role("button", name="启用").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    expect(page.locator("#tfa-state")).to_contain_text("已启用")

    page.context.clear_cookies()
    sign_in(page, admin.username, at="/admin/login")
    # Signed in with the password only: every console page leads to the second factor.
    page.goto("/admin/")
    expect(page).to_have_url(f"{live.url}/admin/security")
    code = page.get_by_label("验证码或恢复码")
    code.fill(totp.at(now))  # the code that enabled it: used, refused
    page.get_by_role("button", name="验证").click()
    expect(page.locator("[role=alert], .toast").first).to_be_visible()
    expect(page).to_have_url(f"{live.url}/admin/security")
    code.fill(totp.at(now + STEP))  # the next 30 s step's code (clock drift allows one step)
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{live.url}/admin/")
    expect(page.locator("h1").first).to_be_visible()
