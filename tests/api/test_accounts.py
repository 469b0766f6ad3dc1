"""Accounts per the contract: register, login, logout, me, SSO."""

from __future__ import annotations

import uuid

import pytest

from quiz.extensions import db
from quiz.models import User
from quiz.services.accounts import sign_sso_token
from tests.conftest import SSO_SECRET, START
from tests.factories import PASSWORD

REGISTER = "/api/v1/auth/register"


def register(client, **overrides):
    body = {
        "username": "zhang_san",
        "password": "secret-pass",
        "display_name": "张三明",
        "district": "新华区",
    }
    body.update(overrides)
    return client.post(REGISTER, json=body)


def test_registering_creates_a_signed_in_citizen(client):
    response = register(client)
    assert response.status_code == 201
    user = response.get_json()
    assert user["username"] == "zhang_san"
    assert user["role"] == "citizen"
    assert user["district"] == "新华区"
    assert user["balance"] == 0 and user["streak"] == 0 and user["team"] is None
    assert user["invite_code"] is None
    assert client.get("/api/v1/me").get_json()["id"] == user["id"]


# The suite hashes with a cheap method (tests/conftest.py); here the service's own setting.
@pytest.mark.parametrize("app_config", [{"QUIZ_PASSWORD_METHOD": None}])
def test_the_stored_password_is_a_salted_scrypt_hash_and_signs_in(client, app):
    register(client)
    stored = db.session.query(User).one().password_hash
    assert "secret-pass" not in stored and stored.startswith("scrypt:")
    client.post("/api/v1/auth/logout")
    response = client.post(
        "/api/v1/auth/login", json={"username": "zhang_san", "password": "secret-pass"}
    )
    assert response.status_code == 200, response.get_json()


def test_a_taken_username_is_refused_case_insensitively(client):
    register(client)
    response = register(client, username="ZHANG_SAN")
    assert response.status_code == 409
    assert response.get_json()["code"] == "username_taken"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "short"),
        ("username", "ab"),
        ("username", "有中文"),
        ("username", "a" * 33),
        ("district", "火星区"),
    ],
)
def test_registration_with_a_bad_field_is_a_validation_error_naming_it(client, field, value):
    response = register(client, **{field: value})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in body["errors"]]


def test_an_unknown_invite_code_is_404(client):
    response = register(client, invite_code="ZZZZZZ")
    assert response.status_code == 404
    assert response.get_json()["code"] == "unknown_invite_code"


def test_login_with_the_right_password_signs_in(client, factory):
    user = factory.user(username="li_si")
    response = client.post("/api/v1/auth/login", json={"username": "li_si", "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("username", ["li_si", "nobody"])
def test_login_with_a_wrong_password_or_unknown_user_is_401(client, factory, username):
    factory.user(username="li_si")
    response = client.post(
        "/api/v1/auth/login", json={"username": username, "password": "wrong-pass"}
    )
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_credentials"


def test_logout_ends_the_session(client, factory):
    factory.user(username="li_si")
    client.post("/api/v1/auth/login", json={"username": "li_si", "password": PASSWORD})
    assert client.post("/api/v1/auth/logout").status_code == 204
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["code"] == "login_required"


def test_me_without_a_session_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["code"] == "login_required"


def test_patching_me_changes_name_and_district(as_user, factory):
    client = as_user(factory.user())
    response = client.patch("/api/v1/me", json={"display_name": "王五", "district": "卫东区"})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "王五"
    assert client.get("/api/v1/me").get_json()["district"] == "卫东区"


def test_patching_me_with_an_unknown_district_changes_nothing(as_user, factory):
    client = as_user(factory.user(district="新华区"))
    response = client.patch("/api/v1/me", json={"display_name": "王五", "district": "火星区"})
    assert response.status_code == 422
    me = client.get("/api/v1/me").get_json()
    assert me["district"] == "新华区" and me["display_name"] != "王五"


def sso(client, **claims):
    payload = {
        "uid": "news-42",
        "name": "赵六",
        "exp": int(START.timestamp()) + 300,
        "jti": uuid.uuid4().hex,
    }
    payload.update(claims)
    return client.post("/api/v1/auth/sso", json={"token": sign_sso_token(payload, SSO_SECRET)})


def test_a_good_sso_token_creates_a_citizen_on_first_sight_and_reuses_it(client, clock):
    first = sso(client, exp=int(clock.now().timestamp()) + 60)
    assert first.status_code == 200
    assert first.get_json()["role"] == "citizen"
    assert first.get_json()["display_name"] == "赵六"
    again = sso(client, exp=int(clock.now().timestamp()) + 60)
    assert again.get_json()["id"] == first.get_json()["id"]


def test_a_tampered_sso_token_is_refused(client, clock):
    token = sign_sso_token(
        {"uid": "u1", "name": "x", "exp": clock.now().timestamp() + 60}, SSO_SECRET
    )
    body, sig = token.split(".")
    forged = sign_sso_token(
        {"uid": "admin", "name": "x", "exp": clock.now().timestamp() + 60}, SSO_SECRET
    )
    tampered = forged.split(".")[0] + "." + sig
    for bad in (tampered, body + ".AAAA", "garbage", "a.b.c", ""):
        response = client.post("/api/v1/auth/sso", json={"token": bad})
        assert response.status_code in (401, 422), bad
        if response.status_code == 401:
            assert response.get_json()["code"] == "invalid_token"


def test_a_token_signed_with_another_secret_is_refused(client, clock):
    token = sign_sso_token({"uid": "u1", "name": "x", "exp": clock.now().timestamp() + 60}, "other")
    response = client.post("/api/v1/auth/sso", json={"token": token})
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_an_expired_sso_token_is_refused(client, clock):
    response = sso(client, exp=int(clock.now().timestamp()) - 1)
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_a_username_with_a_trailing_newline_is_refused(client):
    response = register(client, username="abc\n")
    assert response.status_code == 422 and response.get_json()["code"] == "validation_error"


def test_nobody_can_register_a_name_reserved_for_sso_accounts(client, clock):
    squat = register(client, username="sso_5994471abb01112a")
    assert squat.status_code == 422
    assert sso(client, exp=int(clock.now().timestamp()) + 60).status_code == 200


def test_a_blank_display_name_is_refused(client, as_user, factory):
    assert register(client, display_name="   ").status_code == 422
    response = as_user(factory.user()).patch("/api/v1/me", json={"display_name": "   "})
    assert response.status_code == 422


@pytest.mark.parametrize("exp", [float("nan"), float("inf")])
def test_an_sso_token_that_never_expires_is_refused(client, exp):
    token = sign_sso_token({"uid": "u9", "name": "x", "exp": exp}, SSO_SECRET)
    response = client.post("/api/v1/auth/sso", json={"token": token})
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"
