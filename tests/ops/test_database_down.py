"""Database down: every API route 503 `database_unavailable` with Retry-After, /healthz 503,
pages a readable 稍后再试 — never a 500."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_app
from tests.ops.conftest import free_port
from tests.sessions import signed_in_client

# Routes that never need the database (they answer as usual).
NO_DATABASE = {
    "/api/v1/ping",
    "/api/v1/openapi.json",
    "/api/docs",
    "/api/docs/assets/<path:filename>",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def down_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'missing-dir' / 'quiz.sqlite3'}"  # cannot be opened
    else:
        url = f"postgresql+psycopg://quiz:quiz@127.0.0.1:{free_port()}/quiz"  # nobody listens
    app = make_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app


def _signed_in(app):
    return signed_in_client(app, 1)


def _url(rule) -> str:
    return re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in ("int", "id") else "x", rule.rule
    )


def test_with_the_database_down_every_api_route_answers_503_database_unavailable(down_app):
    client = _signed_in(down_app)
    seen = 0
    for rule in down_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in NO_DATABASE:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule), method=method, json={})
            if rule.rule.startswith("/api/v1/auth/") and response.status_code == 422:
                continue  # an empty sign-in body is refused before any database work
            if rule.rule.startswith("/api/v1/partner/") and response.status_code == 401:
                continue  # an unsigned partner request is refused before any database work
            assert response.status_code == 503, (method, rule.rule, response.status_code)
            assert response.get_json()["code"] == "database_unavailable", (method, rule.rule)
            assert int(response.headers["Retry-After"]) > 0
            seen += 1
    assert seen > 50


def test_with_the_database_down_healthz_answers_503_with_its_checks(down_app):
    response = down_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json() == {
        "status": "down",
        "code": "database_unavailable",
        "checks": {"database": "down", "redis": "off"},
    }


def test_with_the_database_down_a_page_says_try_again_later(down_app):
    response = _signed_in(down_app).get("/app/")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "稍后再试" in response.get_data(as_text=True)


@pytest.mark.own_app
def test_a_commit_whose_database_connection_dies_answers_503_not_500(app, backend, client):
    """Reproduced in the drill: PostgreSQL restarting between a request's work and its commit."""
    if backend != "postgresql":
        pytest.skip("needs a server connection to cut")
    from sqlalchemy import text

    from quiz.extensions import db
    from quiz.models.board import BoardOutbox

    @app.post("/api/v1/test-only/write-then-lose-connection")
    def write_then_lose_connection():
        db.session.execute(BoardOutbox.__table__.insert(), {"payload": "[]"})
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        return {"ok": True}

    response = client.post("/api/v1/test-only/write-then-lose-connection", json={})
    assert response.status_code == 503
    assert response.get_json()["code"] == "database_unavailable"
    assert db.session.query(BoardOutbox).count() == 0
