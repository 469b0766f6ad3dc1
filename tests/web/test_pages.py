"""The page shells: who may see which page, and that user text leaves as text (no browser)."""

from __future__ import annotations

import re

import pytest

APP_PAGES = ["/app/", "/app/quiz", "/app/points", "/app/boards", "/app/shop", "/app/vouchers",
             "/app/team"]
ADMIN_PAGES = ["/admin/", "/admin/banks", "/admin/questions", "/admin/schedule", "/admin/prizes",
               "/admin/points", "/admin/teams", "/admin/fairplay"]


def test_the_site_root_opens_the_mini_app(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/app/")


@pytest.mark.parametrize("path", APP_PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in_and_brought_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/app/login?next={path}"


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/admin/vouchers"])
def test_a_signed_out_visitor_at_the_console_is_sent_to_the_console_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/admin/vouchers"])
def test_a_citizen_gets_a_readable_forbidden_page_at_the_console(citizen_client, path):
    response = citizen_client.get(path)
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES[1:])
def test_a_clerk_is_refused_every_console_page_but_the_voucher_counter(factory, as_user, path):
    clerk = as_user(factory.user(role="clerk"))
    assert clerk.get(path).status_code == 403


def test_a_clerk_opening_the_console_lands_on_the_voucher_counter(factory, as_user):
    clerk = as_user(factory.user(role="clerk"))
    response = clerk.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/vouchers")
    assert clerk.get("/admin/vouchers").status_code == 200


def test_a_clerk_sees_only_the_voucher_counter_in_the_console_menu(factory, as_user):
    clerk = as_user(factory.user(role="clerk"))
    html = clerk.get("/admin/vouchers").get_data(as_text=True)
    menu = html.split('aria-label="后台导航"', 1)[1].split("</nav>", 1)[0]
    assert "核销" in menu
    assert "知晓率" not in menu and "题库导入" not in menu


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/admin/vouchers"])
def test_an_admin_opens_every_console_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", APP_PAGES)
def test_a_citizen_opens_every_mini_app_page(citizen_client, path):
    assert citizen_client.get(path).status_code == 200


def test_sign_in_follows_a_same_site_next_only(client):
    assert 'value="/app/shop"' in client.get("/app/login?next=/app/shop").get_data(as_text=True)
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example",
                 "/\t/evil.example", "/\n/evil.example", "/ /evil.example"):
        html = client.get("/app/login", query_string={"next": evil}).get_data(as_text=True)
        assert "evil.example" not in html


def test_a_display_name_with_markup_is_rendered_as_text(factory, as_user):
    user = factory.user(display_name="<img src=x onerror=alert(1)>")
    html = as_user(user).get("/app/").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_page_loads_anything_from_another_origin(admin_client):
    for path in ["/app/", "/admin/", "/admin/banks"]:
        html = admin_client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_the_page_script_and_stylesheet_are_served_locally(client):
    assert client.get("/app/static/app.js").status_code == 200
    assert client.get("/app/static/app.css").status_code == 200


def test_every_form_field_on_the_register_page_has_a_label(client):
    html = client.get("/app/register").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id


def test_a_voucher_qr_code_is_drawn_locally_as_svg(citizen_client):
    response = citizen_client.get("/app/qr/ABCD-2345.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


def test_a_voucher_qr_code_refuses_anything_but_a_code(citizen_client):
    assert citizen_client.get("/app/qr/%3Cscript%3E.svg").status_code == 404
