"""Sessions that really end, a session secret worth the name, lockouts a stranger cannot cause."""

from __future__ import annotations

import pytest

from quiz import create_app
from quiz.config import load_config
from tests.factories import PASSWORD


def _sign_in(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _copy_of_cookie(app, client):
    """A second client holding the same session cookie (what a thief would replay)."""
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    thief.set_cookie("session", cookie.value)
    return thief


def test_after_logout_a_copy_of_the_old_cookie_can_neither_read_nor_write(app, client, factory):
    factory.user(username="li_si", display_name="李四")
    assert _sign_in(client, "li_si").status_code == 200
    thief = _copy_of_cookie(app, client)
    assert thief.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    read = thief.get("/api/v1/me")
    assert read.status_code == 401 and read.get_json()["code"] == "login_required"
    write = thief.patch("/api/v1/me", json={"display_name": "被改了"})
    assert write.status_code == 401 and write.get_json()["code"] == "login_required"


def test_logging_out_ends_the_users_sessions_on_every_device(app, factory):
    factory.user(username="li_si")
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
        assert _sign_in(device, "li_si").status_code == 200
    assert phone.post("/api/v1/auth/logout").status_code == 204
    assert laptop.get("/api/v1/me").status_code == 401
    assert _sign_in(laptop, "li_si").status_code == 200  # signing in again works
    assert laptop.get("/api/v1/me").status_code == 200


def test_resetting_an_admins_password_ends_the_old_admin_cookie(app, client):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["create-admin", "chief", "--password", "Quartz-lantern-meadow-17"]
        ).exit_code
        == 0
    )
    assert _sign_in(client, "chief", "Quartz-lantern-meadow-17").status_code == 200
    assert client.get("/api/v1/admin/teams").status_code == 200
    assert (
        runner.invoke(
            args=["create-admin", "chief", "--password", "Velvet-harbour-cactus-42"]
        ).exit_code
        == 0
    )
    response = client.get("/api/v1/admin/teams")
    assert response.status_code == 401 and response.get_json()["code"] == "login_required"
    assert _sign_in(client, "chief", "Velvet-harbour-cactus-42").status_code == 200


def test_a_cookie_naming_only_a_user_id_is_nobody(app, factory):
    admin = factory.user(role="admin")
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(admin.id)  # the pre-versioned format
    assert forged.get("/api/v1/admin/teams").status_code == 401


@pytest.mark.parametrize("key", ["x", "short-but-not-enough-0123456789"])
def test_the_app_refuses_to_start_with_a_short_secret_key(tmp_path, key):
    with pytest.raises(SystemExit) as refused:  # a ConfigError: one line, exit status 1
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/q.db"})
    message = str(refused.value)
    assert "QUIZ_SECRET_KEY" in message and "32" in message and "\n" not in message


def test_a_short_secret_from_the_environment_stops_the_cli_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_SECRET_KEY", "x")
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert str(stopped.value).startswith("QUIZ_SECRET_KEY is 1 bytes")


def test_a_secret_key_of_32_bytes_and_the_generated_one_are_accepted(tmp_path):
    assert create_app(
        {
            "SECRET_KEY": "k3y-0f-32-byt3s-w1th-v4r13ty-9876",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/q.db",
        }
    )
    generated = load_config(str(tmp_path / "instance"), env={})["SECRET_KEY"]
    assert len(generated.encode()) >= 32


def test_the_instance_folder_is_created_even_when_the_secret_is_given(tmp_path, monkeypatch):
    instance = tmp_path / "fresh-clone" / "instance"
    monkeypatch.setenv("QUIZ_SECRET_KEY", "s3cr3t-k3y-giv3n-by-th3-op3rat0r-4321")
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert instance.is_dir()
    from quiz.extensions import db

    with app.app_context():
        db.create_all()  # the SQLite file can be opened: no "unable to open database file"
        db.engine.dispose()
    assert (instance / "quiz.sqlite3").exists()
    assert not (instance / "secret_key").exists()


# ------------------------------------------------------------------ failed-login limits
@pytest.fixture
def app_config():
    return {
        "RATELIMIT_ENABLED": True,
        "QUIZ_LOGIN_LIMIT_USER": "3 per minute",
        "QUIZ_LOGIN_LIMIT_USER_ALL": "8 per minute",
        "QUIZ_LOGIN_LIMIT_IP": "50 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "QUIZ_API_LIMIT_IP": "100 per minute",
    }


def test_a_stranger_guessing_from_elsewhere_does_not_lock_the_owner_out(client, factory):
    from quiz.extensions import limiter

    limiter.reset()
    factory.user(username="li_si")
    guesses = [
        _sign_in(client, "li_si", "wrong-guess", ip="203.0.113.9").status_code for _ in range(5)
    ]
    assert guesses[:3] == [401, 401, 401] and guesses[3:] == [429, 429]
    assert _sign_in(client, "li_si", ip="10.0.0.1").status_code == 200


def test_guessing_one_username_from_many_addresses_meets_a_higher_ceiling(client, factory):
    from quiz.extensions import limiter

    limiter.reset()
    factory.user(username="li_si")
    codes = [
        _sign_in(client, "li_si", "wrong-guess", ip=f"203.0.113.{i}").status_code for i in range(9)
    ]
    assert codes[:8] == [401] * 8 and codes[8] == 429


# ------------------------------------------------------------------ framing
def test_pages_and_api_answers_cannot_be_framed(client):
    for url in ("/app/login", "/admin/login", "/api/v1/ping"):
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "same-origin"
