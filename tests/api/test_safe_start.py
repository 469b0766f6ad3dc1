"""Limits the app enforces itself, whatever server is in front of it."""

from __future__ import annotations

import io


def _post_chunked(client, body: bytes):
    """A chunked body as gunicorn hands it over: no Content-Length, the stream ends with the body."""
    return client.post(
        "/api/v1/auth/login",
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


def test_a_chunked_body_over_the_limit_is_413_payload_too_large(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    body = b'{"username": "li_si", "password": "' + b"x" * 2000 + b'"}'
    response = _post_chunked(client, body)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "payload_too_large"


def test_a_chunked_body_under_the_limit_is_read_whole(app, client, factory):
    factory.user(username="li_si")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = _post_chunked(client, b'{"username": "li_si", "password": "correct horse"}')
    assert response.status_code == 200
