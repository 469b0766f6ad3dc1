"""Staff sign-in: strong passwords, TOTP with recovery codes, idle and absolute expiry."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models import AuditEntry, User
from quiz.services.staff_auth import check_staff_password
from tests.factories import PASSWORD

STRONG = "Quartz-lantern-meadow-17"


@pytest.mark.parametrize(
    "password",
    [
        "short-one",
        "password1234",
        "chief-chief-chief",
        "qwertyuiop123",
        "111111111111",
        "iloveyou2026!",
    ],
)
def test_common_short_or_username_passwords_are_refused_for_staff(password):
    with pytest.raises(ValidationFailed):
        check_staff_password(password, "chief")


def test_a_long_uncommon_password_is_accepted():
    check_staff_password(STRONG, "chief")


def test_create_admin_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "chief", "--password", "password1234"]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "chief")) is None


def sign_in(client, username="admin", password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


@pytest.fixture
def admin(factory):
    return factory.user(role="admin", username="admin")


def enrol(client, clock) -> tuple[str, list[str]]:
    setup = client.post("/api/v1/auth/2fa/setup")
    assert setup.status_code == 200
    body = setup.get_json()
    assert body["qr_png"].startswith("data:image/png;base64,")
    assert body["uri"].startswith("otpauth://totp/")
    secret = body["secret"]
    code = pyotp.TOTP(secret).at(clock.now())
    enabled = client.post("/api/v1/auth/2fa/enable", json={"code": code})
    assert enabled.status_code == 200, enabled.get_json()
    codes = enabled.get_json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_an_enrolled_admin_needs_a_right_code_and_a_code_works_once_per_step(
    admin, client, clock, app
):
    assert sign_in(client).status_code == 200
    secret, codes = enrol(client, clock)
    # The stored recovery codes are hashes, not the codes.
    stored = db.session.execute(select(db.text("code_hash FROM recovery_codes"))).scalars().all()
    assert not set(codes) & set(stored)
    client.post("/api/v1/auth/logout")

    assert sign_in(client).status_code == 200
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 403
    assert (
        client.get("/api/v1/admin/fair-play/holds").get_json()["code"] == "second_factor_required"
    )
    assert client.get("/api/v1/auth/2fa").get_json() == {
        "policy": "optional",
        "enrolled": True,
        "satisfied": False,
    }
    wrong = client.post("/api/v1/auth/2fa/verify", json={"code": "000000"})
    assert wrong.status_code == 401 and wrong.get_json()["code"] == "invalid_code"
    # The code used at enrolment is of this same 30 s step: refused as a replay.
    same_step = pyotp.TOTP(secret).at(clock.now())
    assert client.post("/api/v1/auth/2fa/verify", json={"code": same_step}).status_code == 401
    clock.advance(seconds=30)
    fresh = pyotp.TOTP(secret).at(clock.now())
    assert client.post("/api/v1/auth/2fa/verify", json={"code": fresh}).status_code == 200
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 200

    other = app.test_client()
    other.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    assert sign_in(other).status_code == 200
    assert other.post("/api/v1/auth/2fa/verify", json={"code": fresh}).status_code == 401
    assert "auth.second_factor_failed" in actions() and "auth.second_factor" in actions()
    assert all(secret not in str(e.detail) for e in db.session.scalars(select(AuditEntry)))


def test_a_recovery_code_signs_in_once(admin, client, clock):
    sign_in(client)
    _secret, codes = enrol(client, clock)
    client.post("/api/v1/auth/logout")
    sign_in(client)
    assert client.post("/api/v1/auth/2fa/verify", json={"code": codes[3]}).status_code == 200
    client.post("/api/v1/auth/logout")
    sign_in(client)
    assert client.post("/api/v1/auth/2fa/verify", json={"code": codes[3]}).status_code == 401
    assert client.post("/api/v1/auth/2fa/verify", json={"code": codes[4]}).status_code == 200


PRODUCTION_LIMITS = {"QUIZ_STAFF_IDLE_MINUTES": 30, "QUIZ_STAFF_MAX_HOURS": 12}


@pytest.fixture
def app_config(request):
    return {**PRODUCTION_LIMITS, **getattr(request, "param", {})}


@pytest.mark.parametrize("app_config", [{"QUIZ_STAFF_2FA": "required"}], indirect=True)
def test_when_required_an_admin_without_2fa_reaches_only_enrolment(admin, client, clock):
    assert sign_in(client).status_code == 200
    assert (
        client.get("/api/v1/admin/fair-play/holds").get_json()["code"] == "second_factor_required"
    )
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/security").status_code == 200
    enrol(client, clock)
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 200


@pytest.mark.parametrize("app_config", [{"QUIZ_STAFF_2FA": "off"}], indirect=True)
def test_when_off_an_admin_signs_in_with_the_password_alone(admin, client):
    assert sign_in(client).status_code == 200
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 200


def test_a_staff_session_ends_after_30_idle_minutes(admin, client, clock):
    sign_in(client)
    clock.advance(minutes=29)
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/api/v1/admin/fair-play/holds")
    assert response.status_code == 401 and response.get_json()["code"] == "login_required"
    assert client.get("/api/v1/me").status_code == 401


def test_a_staff_session_ends_after_12_hours_however_busy(admin, client, clock):
    sign_in(client)
    for _ in range(35):  # 11 h 40 min, never idle for long
        clock.advance(minutes=20)
        assert client.get("/api/v1/admin/fair-play/holds").status_code == 200
    clock.advance(minutes=21)
    assert client.get("/api/v1/admin/fair-play/holds").status_code == 401


def test_a_citizen_session_keeps_todays_behaviour(factory, client, clock):
    factory.user(username="citizen1")
    sign_in(client, "citizen1")
    clock.advance(hours=13)
    assert client.get("/api/v1/me").status_code == 200
