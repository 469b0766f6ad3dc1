"""Command-line tasks."""

from __future__ import annotations

from quiz.extensions import db
from quiz.models import User


def test_create_admin_creates_an_admin_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["create-admin", "boss", "--password", "Quartz-lantern-meadow-17"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["create-admin", "boss", "--password", "Velvet-harbour-cactus-42"])
    assert again.exit_code == 0, again.output
    admins = db.session.query(User).filter_by(username="boss").all()
    assert len(admins) == 1 and admins[0].role == "admin"
    client = app.test_client()
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "boss", "password": "Quartz-lantern-meadow-17"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "boss", "password": "Velvet-harbour-cactus-42"}
        ).status_code
        == 200
    )


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "boss", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.query(User).count() == 0
