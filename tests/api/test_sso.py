"""SSO per the contract: single-use tokens, strict encoding and claims, a hand-over that logs nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import User
from quiz.services.accounts import sign_sso_token
from tests.conftest import SSO_SECRET, START

SSO = "/api/v1/auth/sso"


def claims(**overrides) -> dict:
    payload = {
        "uid": "news-42",
        "name": "赵六",
        "exp": START.timestamp() + 300,
        "jti": uuid.uuid4().hex,
    }
    payload.update(overrides)
    return payload


def token_for(**overrides) -> str:
    return sign_sso_token(claims(**overrides), SSO_SECRET)


def raw_token(payload_json: str) -> str:
    """A token signed correctly over any JSON text (claims the signer would not write)."""
    body = base64.urlsafe_b64encode(payload_json.encode()).rstrip(b"=")
    sig = hmac.new(SSO_SECRET.encode(), body, hashlib.sha256).digest()
    return f"{body.decode()}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"


def assert_invalid_token(response):
    assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == "invalid_token"


def sso_users() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.sso_uid.is_not(None))
    )


def test_the_same_token_signs_in_only_once(client, bare_client):
    token = token_for()
    assert client.post(SSO, json={"token": token}).status_code == 200
    assert_invalid_token(bare_client.post(SSO, json={"token": token}))


def test_a_fresh_token_for_the_same_person_signs_in_again_to_the_same_account(client, bare_client):
    first = client.post(SSO, json={"token": token_for()}).get_json()
    second = bare_client.post(SSO, json={"token": token_for()}).get_json()
    assert first["id"] == second["id"]


def test_used_token_ids_are_forgotten_once_the_tokens_have_expired(app, client, clock):
    from quiz.models import SsoTokenUse

    assert (
        client.post(SSO, json={"token": token_for(exp=START.timestamp() + 60)}).status_code == 200
    )
    clock.advance(minutes=5)
    assert (
        client.post(SSO, json={"token": token_for(exp=clock.now().timestamp() + 60)}).status_code
        == 200
    )
    assert db.session.scalar(select(func.count()).select_from(SsoTokenUse)) == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "!!",
        lambda t: t + "=",
        lambda t: t.split(".")[0] + "=." + t.split(".")[1],
        lambda t: t + "A",
        lambda t: t.replace("-", "+").replace("_", "/") if ("-" in t or "_" in t) else t + "+",
        lambda t: " " + t,
    ],
    ids=[
        "junk after the signature",
        "padding",
        "padded body",
        "extra character",
        "standard alphabet",
        "leading space",
    ],
)
def test_a_token_spelled_other_than_strict_unpadded_base64url_is_refused(client, mangle):
    token = token_for()
    assert_invalid_token(client.post(SSO, json={"token": mangle(token)}))
    assert sso_users() == 0


def test_a_signature_with_stray_low_bits_in_its_last_character_is_refused(client):
    token = token_for()
    body, sig = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # 32 bytes are 43 characters; the last one carries 4 bits and 2 unused ones.
    twin = sig[:-1] + alphabet[alphabet.index(sig[-1]) ^ 1]
    assert base64.urlsafe_b64decode(twin + "=") == base64.urlsafe_b64decode(sig + "=")
    assert_invalid_token(client.post(SSO, json={"token": f"{body}.{twin}"}))


@pytest.mark.parametrize(
    "exp",
    ['"9999999999"', "1e300", "253402300799", "true", "null"],
    ids=["a string", "1e300", "year 9999", "a boolean", "null"],
)
def test_an_exp_that_is_not_a_number_within_the_maximum_lifetime_is_refused(client, exp):
    token = raw_token(f'{{"uid": "news-42", "jti": "j1", "exp": {exp}}}')
    assert_invalid_token(client.post(SSO, json={"token": token}))


def test_an_exp_further_ahead_than_the_maximum_lifetime_is_refused(app, client):
    limit = app.config["QUIZ_SSO_MAX_LIFETIME"]
    assert_invalid_token(
        client.post(SSO, json={"token": token_for(exp=START.timestamp() + limit + 5)})
    )
    assert (
        client.post(SSO, json={"token": token_for(exp=START.timestamp() + limit)}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "uid",
    [None, 12345, "", "u" * 65, ["a"], "a\x00b", "\u202eabc"],
    ids=["null", "a number", "empty", "65 characters", "a list", "a NUL", "bidi"],
)
def test_a_uid_that_is_not_a_short_plain_string_is_refused(client, uid):
    assert_invalid_token(client.post(SSO, json={"token": token_for(uid=uid)}))
    assert sso_users() == 0


def test_a_numeric_uid_and_its_string_are_not_the_same_account(client, bare_client):
    assert_invalid_token(client.post(SSO, json={"token": token_for(uid=12345)}))
    assert bare_client.post(SSO, json={"token": token_for(uid="12345")}).status_code == 200
    assert sso_users() == 1


@pytest.mark.parametrize(
    "jti", [None, "", 7, "j" * 65], ids=["missing", "empty", "a number", "65 chars"]
)
def test_a_token_without_a_usable_jti_is_refused(client, jti):
    payload = claims(jti=jti)
    if jti is None:
        del payload["jti"]
    assert_invalid_token(client.post(SSO, json={"token": sign_sso_token(payload, SSO_SECRET)}))


def test_a_name_with_control_characters_falls_back_to_the_default_name(client):
    response = client.post(SSO, json={"token": token_for(name="赵\x00六")})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "市民"


def test_the_same_token_racing_itself_signs_in_once(app):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    token = token_for()
    db.session.commit()
    db.session.close()
    barrier = threading.Barrier(6)

    def use(_):
        client = app.test_client()
        barrier.wait(timeout=30)
        return client.post(SSO, json={"token": token}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(use, range(6)))
    assert codes == [200] + [401] * 5


# ------------------------------------------------------------------ the page hand-over
def test_the_sso_page_takes_its_token_from_the_fragment_not_the_query(client):
    page = client.get("/app/sso")
    assert page.status_code == 200
    script = client.get("/app/static/citizen.js").get_data(as_text=True)
    hand_over = script[script.index("pages.sso") : script.index("pages.home")]
    assert "location.hash" in hand_over and 'location.search).get("token")' not in hand_over


def test_a_token_in_the_sso_page_query_is_not_echoed_into_the_page(client):
    token = token_for()
    page = client.get(f"/app/sso?token={token}")
    assert token not in page.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_no_token_cookie_or_password_reaches_a_log_line(app, client, bare_client, caplog):
    app.config["PROPAGATE_UNEXPECTED"] = False
    token = token_for()
    caplog.set_level(logging.DEBUG)
    client.post(SSO, json={"token": token})
    client.post(SSO, json={"token": token})  # refused: a second use
    client.post(SSO, json={"token": token + "!!"})
    bare_client.post(
        "/api/v1/auth/register",
        json={"username": "zhang_san", "password": "hunter2-hunter2", "display_name": "张三"},
    )
    bare_client.post(
        "/api/v1/auth/login", json={"username": "zhang_san", "password": "wrong-hunter2"}
    )
    cookie = bare_client.get_cookie("session").value
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    for secret in (token, token.split(".")[1], "hunter2-hunter2", "wrong-hunter2", cookie):
        assert secret not in logged


# --- login CSRF: a link carrying another account's token -----------------------------------


def test_a_token_for_another_person_does_not_switch_a_signed_in_session_without_confirmation(
    client, factory
):
    alice = client.post(SSO, json={"token": token_for(uid="news-alice", name="爱丽丝")})
    assert alice.status_code == 200
    bob_token = token_for(uid="news-bob", name="鲍勃")
    asked = client.post(SSO, json={"token": bob_token})
    assert asked.status_code == 409 and asked.get_json()["code"] == "confirm_switch"
    assert asked.get_json()["signed_in_as"] == "爱丽丝" and "爱丽丝" in asked.get_json()["detail"]
    assert client.get("/api/v1/me").get_json()["display_name"] == "爱丽丝"
    # The refusal did not spend the token: confirming switches with the same one.
    switched = client.post(SSO, json={"token": bob_token, "confirm_switch": True})
    assert switched.status_code == 200 and switched.get_json()["display_name"] == "鲍勃"
    assert client.get("/api/v1/me").get_json()["display_name"] == "鲍勃"


def test_the_same_persons_fresh_token_signs_in_again_without_a_question(client):
    assert client.post(SSO, json={"token": token_for(uid="news-carol")}).status_code == 200
    again = client.post(SSO, json={"token": token_for(uid="news-carol")})
    assert again.status_code == 200
