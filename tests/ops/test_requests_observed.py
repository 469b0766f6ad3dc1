"""X-Request-ID, the JSON request log (no secrets), the real client behind proxies, /metrics."""

from __future__ import annotations

import json
import logging

import pytest

from quiz.observability import JsonFormatter


def _request_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "quiz.request"]


def test_every_response_carries_a_new_request_id_when_none_is_given(app, client):
    first, second = client.get("/healthz"), client.get("/api/v1/nowhere")
    assert first.headers["X-Request-ID"] and second.headers["X-Request-ID"]
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_an_incoming_request_id_is_echoed_and_logged(app, client, caplog):
    caplog.set_level(logging.INFO, logger="quiz.request")
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert _request_lines(caplog)[-1]["request_id"] == "abc-123"


def test_an_incoming_request_id_with_odd_characters_is_replaced(app, client):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" {evil}'})
    assert response.headers["X-Request-ID"] != 'x" {evil}'


def test_the_request_log_line_holds_the_route_template_and_no_query_values(app, client, caplog):
    caplog.set_level(logging.INFO, logger="quiz.request")
    client.get(
        "/app/sso?token=SECRET-TOKEN&next=/app/", headers={"Cookie": "session=SECRET-COOKIE"}
    )
    line = _request_lines(caplog)[-1]
    assert line["route"] == "/app/sso" and line["method"] == "GET" and line["status"] == 200
    assert set(line) >= {"time", "request_id", "method", "route", "status", "ms", "user_id"}
    text = json.dumps(line)
    assert "SECRET" not in text and "token" not in text


def test_the_request_log_line_names_the_signed_in_user(app, citizen_client, caplog):
    caplog.set_level(logging.INFO, logger="quiz.request")
    citizen_client.get("/api/v1/me")
    line = _request_lines(caplog)[-1]
    assert line["route"] == "/api/v1/me" and isinstance(line["user_id"], int)


def test_an_error_is_logged_with_its_traceback_on_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "quiz",
            logging.ERROR,
            __file__,
            1,
            "unhandled",
            None,
            exc_info=__import__("sys").exc_info(),
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exc"]


@pytest.mark.parametrize("app_config", [{"QUIZ_TRUSTED_PROXIES": 1}])
def test_behind_one_trusted_proxy_the_client_is_the_forwarded_address(app, client):
    # /metrics serves loopback only: the forwarded (outside) client is refused.
    response = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 404


@pytest.mark.parametrize("app_config", [{"QUIZ_TRUSTED_PROXIES": 1}])
def test_a_client_cannot_forge_its_address_past_the_trusted_proxy(app, client):
    # The proxy appends the address it saw (loopback here); the client's own claim is ignored.
    response = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.9"})
    assert response.status_code == 404


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client):
    response = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200


def test_metrics_count_requests_by_route_template_and_status(app, client):
    client.get("/api/v1/shop/prizes/12345/image")
    body = client.get("/metrics").get_data(as_text=True)
    assert (
        'quiz_http_requests_total{method="GET",route="/api/v1/shop/prizes/<id:prize_id>/image"'
        in body
    )
    assert "quiz_http_request_duration_seconds_bucket" in body
    assert "quiz_redis_errors_total" in body and "quiz_points_awarded_total" in body
    assert "quiz_answers_total" in body and "quiz_redemptions_total" in body


@pytest.mark.parametrize("app_config", [{"QUIZ_METRICS_ALLOW": ["10.0.0.0/8"]}])
def test_metrics_are_refused_to_addresses_outside_the_allow_list(app, client):
    assert client.get("/metrics").status_code == 404
