"""Every error under /api/ is application/problem+json with a status and a code."""

from __future__ import annotations

import pytest

from tests.factories import fresh_key


def assert_problem(response, status: int, code: str):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"]
    return body


def test_an_unknown_api_path_is_a_404_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_a_wrong_method_is_a_405_problem(client):
    assert_problem(client.delete("/api/v1/auth/login"), 405, "method_not_allowed")


def test_malformed_json_is_a_400_problem(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert_problem(response, 400, "malformed_json")


def test_a_body_that_is_not_json_is_a_415_problem(client):
    response = client.post(
        "/api/v1/auth/login",
        data="username=a&password=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_a_body_over_the_size_limit_is_a_413_problem(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/auth/login", data="x" * 4096, content_type="application/json")
    assert_problem(response, 413, "payload_too_large")


def test_missing_fields_are_a_422_with_field_errors(client):
    body = assert_problem(client.post("/api/v1/auth/register", json={}), 422, "validation_error")
    fields = {e["field"] for e in body["errors"]}
    assert {"username", "password", "display_name"} <= fields


@pytest.mark.parametrize("payload", [[], "string", 42, None, {"username": ["x"], "password": {}}])
def test_json_of_the_wrong_shape_is_a_4xx_problem(client, payload):
    response = client.post("/api/v1/auth/login", json=payload)
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "off"}}


def test_pages_outside_the_api_keep_plain_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype != "application/problem+json"


def test_json_nested_thousands_deep_is_a_400_problem(client):
    response = client.post("/api/v1/auth/login", data="[" * 5000, content_type="application/json")
    assert_problem(response, 400, "malformed_json")


@pytest.mark.parametrize("value", ["[" * 1200, "1" + "0" * 30, "true", '"x"'])
def test_a_mangled_page_cursor_is_a_422(citizen_client, value):
    import base64

    cursor = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
    for path in ("/api/v1/me/points", "/api/v1/me/redemptions"):
        response = citizen_client.get(f"{path}?cursor={cursor}")
        assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/admin/reports/awareness?to=0001-01-05",
        "/api/v1/admin/reports/participation?from=9999-12-31",
        "/api/v1/admin/redemptions?from=0001-01-01",
        "/api/v1/admin/quiz/schedule/0001-01-05",
    ],
)
def test_dates_far_outside_the_calendar_are_422(admin_client, url):
    assert_problem(admin_client.get(url), 422, "validation_error")


def test_adjusting_an_unknown_users_points_is_404(admin_client):
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": 2147483647, "delta": 5, "memo": "x"},
        headers=fresh_key(),
    )
    assert_problem(response, 404, "unknown_user")
