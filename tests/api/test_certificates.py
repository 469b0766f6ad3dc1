"""Certificates (荣誉证书): a perfect week earns one, issued once, verifiable by its code by
anyone; a forged code is refused; the PNG is a real image."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from quiz.models import Certificate
from tests.recognition_helpers import LAST_MONDAY, play

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)

WEEK = [LAST_MONDAY + timedelta(days=n) for n in range(7)]


@pytest.fixture(autouse=True)
def questions(factory):
    return [factory.question(answer="A") for _ in range(5)]


def perfect_week(app, user, *, except_day=None, correct_that_day=5):
    for day in WEEK:
        play(app, user, day, correct_that_day if day == except_day else 5)


def test_a_perfect_week_earns_one_certificate_listed_once(app, factory, as_user):
    user = factory.user(display_name="王小明")
    perfect_week(app, user)
    client = as_user(user)
    first = client.get("/api/v1/me/certificates").get_json()
    assert len(first["items"]) == 1 and first["next_cursor"] is None
    cert = first["items"][0]
    assert cert["kind"] == "perfect_week" and cert["achieved_on"] == "2026-11-22"
    assert "完美一周" in cert["title"]
    assert cert["download_url"] == f"/api/v1/me/certificates/{cert['code']}.png"
    assert cert["verify_url"] == f"/verify/{cert['code']}"
    assert len(cert["code"]) >= 12
    # Listing again (a re-download) reuses the issued record.
    again = client.get("/api/v1/me/certificates").get_json()
    assert again["items"] == first["items"]
    assert Certificate.query.count() == 1


def test_six_perfect_days_and_one_wrong_answer_earn_no_certificate(app, factory, as_user):
    user = factory.user()
    perfect_week(app, user, except_day=WEEK[3], correct_that_day=4)
    assert as_user(user).get("/api/v1/me/certificates").get_json()["items"] == []


def test_six_perfect_days_and_one_unfinished_day_earn_no_certificate(app, factory, as_user):
    user = factory.user()
    for day in WEEK[:6]:
        play(app, user, day, 5)
    play(app, user, WEEK[6], 4, answers=4)
    assert as_user(user).get("/api/v1/me/certificates").get_json()["items"] == []


def test_staff_earn_no_certificates(app, factory, as_user):
    admin = factory.user(role="admin")
    perfect_week(app, admin)
    assert as_user(admin).get("/api/v1/me/certificates").get_json()["items"] == []


def test_a_certificate_verifies_by_its_code_for_anyone(app, factory, as_user, bare_client):
    user = factory.user(display_name="王小明")
    perfect_week(app, user)
    code = as_user(user).get("/api/v1/me/certificates").get_json()["items"][0]["code"]

    body = bare_client.get(f"/api/v1/certificates/{code}").get_json()
    assert body["genuine"] is True and body["code"] == code
    assert body["name"] == "王小明" and body["achieved_on"] == "2026-11-22"
    assert "完美一周" in body["title"]
    # Typed in lower case with a dash, as people do.
    assert bare_client.get(f"/api/v1/certificates/{code[:4].lower()}-{code[4:]}").status_code == 200

    page = bare_client.get(f"/verify/{code}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "证书真实有效" in text and "王小明" in text and "2026年11月22日" in text


def test_a_reporters_certificate_shows_the_masked_name_in_public(
    app, factory, as_user, bare_client
):
    kid = factory.user(role="reporter", display_name="张三明", invite_code="KIDZHANG")
    perfect_week(app, kid)
    code = as_user(kid).get("/api/v1/me/certificates").get_json()["items"][0]["code"]
    assert bare_client.get(f"/api/v1/certificates/{code}").get_json()["name"] == "张*明"
    assert "张三明" not in bare_client.get(f"/verify/{code}").get_data(as_text=True)


def test_a_forged_code_is_refused_by_the_api_and_the_page(app, factory, as_user, bare_client):
    user = factory.user()
    perfect_week(app, user)
    code = as_user(user).get("/api/v1/me/certificates").get_json()["items"][0]["code"]
    forged = code[:-1] + ("2" if code[-1] != "2" else "3")
    for fake in (forged, "AAAAAAAAAAAAAAAA", "x" * 300, "<script>"):
        api = bare_client.get(f"/api/v1/certificates/{fake}")
        assert api.status_code == 404 and api.get_json()["code"] == "unknown_certificate"
    page = bare_client.get(f"/verify/{forged}")
    assert page.status_code == 404 and "未找到这张证书" in page.get_data(as_text=True)
    assert "<script>" not in bare_client.get("/verify/%3Cscript%3E").get_data(as_text=True)


def test_the_certificate_png_is_a_real_png_for_its_owner_only(app, factory, as_user):
    user, other = factory.user(display_name="王小明"), factory.user()
    perfect_week(app, user)
    code = as_user(user).get("/api/v1/me/certificates").get_json()["items"][0]["code"]
    response = as_user(user).get(f"/api/v1/me/certificates/{code}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1600, 1130)
    assert 10_000 < len(response.data) < 2_000_000
    theirs = as_user(other).get(f"/api/v1/me/certificates/{code}.png")
    assert theirs.status_code == 404 and theirs.get_json()["code"] == "unknown_certificate"


@pytest.mark.parametrize("app_config", [{"QUIZ_CJK_FONT": "/nonexistent/NoSuchFont.ttc"}])
def test_without_a_cjk_font_images_answer_503_font_unavailable(app, factory, as_user):
    user = factory.user()
    perfect_week(app, user)
    admin = as_user(factory.user(role="admin"))
    code = as_user(user).get("/api/v1/me/certificates").get_json()["items"][0]["code"]
    for client, path in (
        (as_user(user), f"/api/v1/me/certificates/{code}.png"),
        (admin, "/api/v1/admin/winners/poster.png"),
    ):
        response = client.get(path)
        assert response.status_code == 503
        assert response.get_json()["code"] == "font_unavailable"


def test_listings_racing_each_other_issue_one_certificate(app, factory, as_user):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from quiz.extensions import db

    app.config["PROPAGATE_UNEXPECTED"] = False  # as served: a defect is a 500, not a crash
    user = factory.user()
    perfect_week(app, user)
    clients = [as_user(user) for _ in range(8)]
    db.session.commit()
    db.session.close()  # the test's own session holds no transaction (SQLite's lock)
    barrier = threading.Barrier(len(clients))

    def listing(client):
        barrier.wait(timeout=30)
        response = client.get("/api/v1/me/certificates")
        return response.status_code, [c["code"] for c in response.get_json()["items"]]

    with ThreadPoolExecutor(len(clients)) as pool:
        results = list(pool.map(listing, clients))
    assert {status for status, _ in results} == {200}
    assert len({tuple(codes) for _, codes in results}) == 1
    assert Certificate.query.count() == 1


def test_certificates_page_by_cursor_and_refuse_a_bad_one(app, factory, as_user):
    user = factory.user()
    for monday in (LAST_MONDAY - timedelta(days=7), LAST_MONDAY):
        for n in range(7):
            play(app, user, monday + timedelta(days=n), 5)
    client = as_user(user)
    first = client.get("/api/v1/me/certificates?limit=1").get_json()
    assert [c["achieved_on"] for c in first["items"]] == ["2026-11-22"]
    second = client.get(f"/api/v1/me/certificates?limit=1&cursor={first['next_cursor']}").get_json()
    assert [c["achieved_on"] for c in second["items"]] == ["2026-11-15"]
    assert second["next_cursor"] is None
    for bad in ("not-a-cursor!!", "InRleHQi"):  # garbage; a JSON string instead of an offset
        response = client.get(f"/api/v1/me/certificates?cursor={bad}")
        assert response.status_code == 422 and response.get_json()["code"] == "validation_error"


# --- hardening: the verify link, a hostile Host, and drawing once -------------------------


def _my_code(as_user, user) -> str:
    return as_user(user).get("/api/v1/me/certificates").get_json()["items"][0]["code"]


@pytest.mark.parametrize("app_config", [{"QUIZ_PUBLIC_URL": "https://quiz.example.cn"}])
def test_a_long_or_foreign_host_header_changes_nothing_in_the_certificate(app, factory, as_user):
    user = factory.user(display_name="王小明")
    perfect_week(app, user)
    code = _my_code(as_user, user)
    client = as_user(user)
    plain = client.get(f"/api/v1/me/certificates/{code}.png")
    cookie = f"session={client.get_cookie('session').value}"
    stranger = app.test_client(use_cookies=False)  # sends the cookie whatever the Host says
    foreign, huge = (
        stranger.get(
            f"/api/v1/me/certificates/{code}.png",
            headers={"Cookie": cookie},
            environ_overrides={"HTTP_HOST": host},
        )
        for host in ("evil.example", "a" * 2400)
    )
    assert plain.status_code == foreign.status_code == 200 and plain.data == foreign.data
    # Werkzeug may refuse a host name that long outright; it never reaches the image.
    assert huge.status_code in (200, 400)
    assert huge.status_code == 400 or huge.data == plain.data


def test_the_verify_link_comes_from_the_configured_public_address():
    from quiz.services.recognition import verify_url

    assert verify_url("https://quiz.example.cn/", "AB12CD34") == (
        "https://quiz.example.cn/verify/AB12CD34"
    )


@pytest.mark.parametrize(
    "url", ["quiz.example.cn", "ftp://quiz.example.cn", "https://" + "a" * 300, "https://a b"]
)
def test_a_public_url_that_could_not_be_a_link_stops_the_service(url):
    from quiz import create_app
    from quiz.config import ConfigError

    with pytest.raises(ConfigError, match="QUIZ_PUBLIC_URL"):
        create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4",
                "QUIZ_PUBLIC_URL": url,
            }
        )


def test_a_certificate_is_drawn_once_and_then_read_back(app, factory, as_user, monkeypatch):
    from quiz.services import posters

    user = factory.user(display_name="王小明")
    perfect_week(app, user)
    code = _my_code(as_user, user)
    client = as_user(user)
    first = client.get(f"/api/v1/me/certificates/{code}.png")
    assert first.status_code == 200

    def must_not_draw(**_kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(posters, "certificate_png", must_not_draw)
    again = client.get(f"/api/v1/me/certificates/{code}.png")
    assert again.status_code == 200 and again.data == first.data


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "QUIZ_IMAGE_LIMIT_USER": "3 per minute"}]
)
def test_one_user_fetching_a_certificate_in_a_loop_is_limited(app, factory, as_user):
    user = factory.user(display_name="王小明")
    perfect_week(app, user)
    code = _my_code(as_user, user)
    client = as_user(user)
    statuses = [client.get(f"/api/v1/me/certificates/{code}.png").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
