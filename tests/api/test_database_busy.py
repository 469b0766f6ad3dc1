"""A database that cannot answer gives 503 with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3
import time

import pytest

from quiz.extensions import db
from tests.conftest import make_app


@pytest.fixture
def app_config():
    return {"PROPAGATE_UNEXPECTED": False, "QUIZ_SQLITE_BUSY_MS": 200}


def test_a_write_waiting_past_the_busy_timeout_is_503_busy(app, backend, factory, as_user):
    if backend != "sqlite":
        pytest.skip("the write lock is SQLite's")
    client = as_user(factory.user())
    db.session.commit()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.patch("/api/v1/me", json={"display_name": "王五"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.get_json()["code"] == "busy"
    assert response.headers["Retry-After"] == "1"


def test_an_unreachable_database_is_503_database_unavailable_on_api_routes(tmp_path):
    app = make_app(
        "postgresql",
        tmp_path,
        PROPAGATE_UNEXPECTED=False,
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://quiz:quiz@127.0.0.1:9/none",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}},
    )
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": "someone", "password": "x" * 8})
    assert response.status_code == 503
    assert response.get_json()["code"] == "database_unavailable"
    assert int(response.headers["Retry-After"]) > 0


def test_a_connection_killed_by_the_server_costs_one_503_and_then_recovers(
    app, backend, factory, as_user
):
    if backend != "postgresql":
        pytest.skip("server-side connection loss is PostgreSQL's")
    from sqlalchemy import text

    client = as_user(factory.user())
    assert client.get("/api/v1/me").status_code == 200
    with db.engine.connect() as conn:
        # This role's own sessions: an autovacuum worker there is the superuser's.
        killed = conn.scalars(
            text(
                "WITH mine AS MATERIALIZED (SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND usename = current_user "
                "AND pid <> pg_backend_pid()) "
                "SELECT pid FROM mine WHERE pg_terminate_backend(pid)"
            )
        ).all()
        conn.commit()
        # pg_terminate_backend only signals: wait until those sessions are gone, so the
        # requests below meet them dead (and no dead connection outlives the test unseen).
        for _ in range(200):
            left = conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": killed},
            )
            conn.commit()
            if not left:
                break
            time.sleep(0.01)
    statuses = [client.get("/api/v1/me").status_code for _ in range(3)]
    assert statuses[-1] == 200 and set(statuses) <= {200, 503}
