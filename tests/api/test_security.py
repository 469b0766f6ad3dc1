"""CSRF header rule, login rate limits, cookie flags."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD


def test_a_cookie_authenticated_write_without_the_header_is_403_csrf_required(bare_client, factory):
    factory.user(username="li_si")
    assert (
        bare_client.post(
            "/api/v1/auth/login", json={"username": "li_si", "password": PASSWORD}
        ).status_code
        == 200
    )
    response = bare_client.patch("/api/v1/me", json={"display_name": "x"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "csrf_required"
    ok = bare_client.patch(
        "/api/v1/me", json={"display_name": "x"}, headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert ok.status_code == 200


def test_reads_need_no_csrf_header(bare_client, factory):
    factory.user(username="li_si")
    bare_client.post("/api/v1/auth/login", json={"username": "li_si", "password": PASSWORD})
    assert bare_client.get("/api/v1/me").status_code == 200


@pytest.fixture
def app_config():
    return {
        "RATELIMIT_ENABLED": True,
        "QUIZ_LOGIN_LIMIT_USER": "3 per minute",
        "QUIZ_LOGIN_LIMIT_IP": "6 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "QUIZ_API_LIMIT_IP": "30 per minute",
    }


def _login(client, username, password="wrong-password", ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_repeated_failures_for_one_username_are_rate_limited(client, factory):
    from quiz.extensions import limiter

    limiter.reset()
    factory.user(username="li_si")
    codes = [_login(client, "li_si").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    blocked = _login(client, "li_si", password=PASSWORD)
    assert blocked.status_code == 429
    assert blocked.get_json()["code"] == "rate_limited"
    assert blocked.mimetype == "application/problem+json"
    # Another account behind the same school NAT is not locked out by it.
    factory.user(username="wang_wu")
    assert _login(client, "wang_wu", password=PASSWORD).status_code == 200


def test_the_per_ip_limit_is_separate_and_catches_spraying_many_usernames(client):
    from quiz.extensions import limiter

    limiter.reset()
    codes = [_login(client, f"spray{i}").status_code for i in range(7)]
    assert codes[:6] == [401] * 6 and codes[6] == 429
    assert _login(client, "spray99", ip="10.0.0.2").status_code == 401


def test_successful_logins_do_not_count_against_the_limit(client, factory):
    from quiz.extensions import limiter

    limiter.reset()
    factory.user(username="li_si")
    assert all(_login(client, "li_si", PASSWORD).status_code == 200 for _ in range(8))


def test_every_route_has_a_generous_per_ip_limit(app, client):
    from quiz.extensions import limiter

    limiter.reset()
    codes = [
        client.get("/api/v1/ping", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        for _ in range(31)
    ]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert client.get("/api/v1/ping", environ_base={"REMOTE_ADDR": "10.9.9.8"}).status_code == 200


def test_answers_are_limited_per_account_not_per_ip(app, factory, as_user):
    from quiz.extensions import limiter

    limiter.reset()
    app.config["QUIZ_ANSWER_LIMIT_USER"] = "2 per minute"
    questions = [factory.question() for _ in range(5)]
    first, second = as_user(factory.user()), as_user(factory.user())
    first.get("/api/v1/quiz/today")
    codes = [
        first.post(
            "/api/v1/quiz/today/answers", json={"question_id": q.id, "choices": ["A"]}
        ).status_code
        for q in questions[:3]
    ]
    assert codes[:2] == [200, 200] and codes[2] == 429
    # A classmate behind the same address is not held back by it.
    other = second.post(
        "/api/v1/quiz/today/answers", json={"question_id": questions[0].id, "choices": ["A"]}
    )
    assert other.status_code == 200


def test_a_rate_limited_answer_says_when_to_retry(app, client):
    from quiz.extensions import limiter

    limiter.reset()
    codes = [
        client.get("/api/v1/ping", environ_base={"REMOTE_ADDR": "10.9.9.7"}) for _ in range(31)
    ]
    refused = codes[30]
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) == 60  # "30 per minute": at most a minute
