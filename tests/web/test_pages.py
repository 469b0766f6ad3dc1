"""The page shells: who may see which page, and that user text leaves as text (no browser)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from quiz import web

APP_PAGES = [
    "/app/",
    "/app/quiz",
    "/app/points",
    "/app/boards",
    "/app/shop",
    "/app/vouchers",
    "/app/team",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/banks",
    "/admin/questions",
    "/admin/schedule",
    "/admin/prizes",
    "/admin/points",
    "/admin/teams",
    "/admin/fairplay",
    "/admin/winners",
    "/admin/targets",
]


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
    for evil in (
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
    ):
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


def test_the_page_scripts_and_stylesheet_are_served_locally(client):
    for name in ("core.js", "citizen.js", "admin/dashboard.js"):
        assert client.get(f"/app/static/{name}").status_code == 200
    assert client.get("/app/static/app.css").status_code == 200


def test_every_form_field_on_the_register_page_has_a_label(client):
    html = client.get("/app/register").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id


def _scripts(html: str) -> tuple[list[str], dict]:
    modules = re.findall(r'<script type="module" src="([^"]+)"', html)
    imports = json.loads(
        re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.S).group(1)
    )["imports"]
    return modules, imports


def test_a_mini_app_page_loads_the_citizen_module_and_no_console_code(citizen_client):
    modules, imports = _scripts(citizen_client.get("/app/shop").get_data(as_text=True))
    assert [m.split("?")[0] for m in modules] == ["/app/static/citizen.js"]
    assert not [name for name in imports if "/admin/" in name]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_each_console_page_loads_only_its_own_module(admin_client, path):
    modules, imports = _scripts(admin_client.get(path).get_data(as_text=True))
    name = path.strip("/").removeprefix("admin").strip("/") or "dashboard"
    assert [m.split("?")[0] for m in modules] == [f"/app/static/admin/{name}.js"]
    assert "/app/static/citizen.js" not in imports


def test_static_urls_carry_the_content_hash_and_imports_map_to_the_same_urls(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    modules, imports = _scripts(html)
    core = (Path(web.__file__).parent / "static" / "core.js").read_bytes()
    assert (
        imports["/app/static/core.js"]
        == f"/app/static/core.js?v={hashlib.sha256(core).hexdigest()[:12]}"
    )
    assert modules[0] == imports["/app/static/admin/dashboard.js"]
    assert re.search(r'href="/app/static/app\.css\?v=[0-9a-f]{12}"', html)


def test_a_hashed_static_url_is_cached_for_a_year_and_any_other_is_revalidated(admin_client):
    _modules, imports = _scripts(admin_client.get("/admin/").get_data(as_text=True))
    hashed = admin_client.get(imports["/app/static/core.js"])
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in ("/app/static/core.js", "/app/static/core.js?v=000000000000"):
        assert admin_client.get(stale).headers["Cache-Control"] == "no-cache"


# --- Content-Security-Policy: no inline script or style can run ----------------------------


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/app/login", "/admin/login", "/api/docs", "/verify/NOPE1234"])
def test_every_page_allows_only_this_origins_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    policy = _policy(response)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline), inline


def test_each_response_has_a_fresh_nonce(client):
    first, second = (_policy(client.get("/app/login"))["script-src"] for _ in range(2))
    assert first != second


def test_json_answers_carry_only_the_framing_rule(client):
    response = client.get("/api/v1/ping")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
