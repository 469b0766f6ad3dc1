"""The console's partners page in a real browser: a partner registered, its secret shown once,
suspended and resumed, the day's report agreeing with the ledger."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import sign_in


def test_an_admin_registers_a_partner_sees_its_secret_once_and_suspends_it(page, live):
    sign_in(page, "chief", at="/admin/login")
    page.goto("/admin/partners")
    page.fill("#p-name", "平观新闻商城（页面）")
    page.fill("#p-limit", "5000")
    page.click("#partner-form button[type=submit]")
    secret = page.locator("#partner-secret-value")
    expect(secret).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    row = page.locator("#partner-table tr", has_text="平观新闻商城（页面）")
    expect(row).to_contain_text("正常")
    expect(row).to_contain_text("查询余额、扣减、退还")
    row.get_by_role("button", name="暂停").click()
    expect(page.locator("#partner-table tr", has_text="平观新闻商城（页面）")).to_contain_text(
        "已暂停"
    )
    page.locator("#partner-table tr", has_text="平观新闻商城（页面）").get_by_role(
        "button", name="恢复"
    ).click()
    expect(page.locator("#partner-table tr", has_text="平观新闻商城（页面）")).to_contain_text(
        "正常"
    )
    page.reload()
    expect(page.locator("#partner-secret")).to_be_hidden()
    report = page.locator("#report-table tr", has_text="平观新闻商城（页面）")
    expect(report).to_contain_text("一致")
