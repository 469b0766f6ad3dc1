"""Hostile text and numbers: refused with a clear 4xx that changes nothing, never a 500.

Bodies are sent as raw bytes (json.dumps with ASCII escapes), the way an attacker's client
would: a lone surrogate such as "\\ud800" is valid JSON syntax but not encodable text.
"""

from __future__ import annotations

import io
import json
import struct
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import User
from quiz.models.account import Team
from quiz.models.shop import Prize
from tests.api.test_shop import make_prize
from tests.factories import PASSWORD, fresh_key

REGISTER = "/api/v1/auth/register"
GOOD_REGISTRATION = {
    "username": "zhang_san",
    "password": "secret-pass",
    "display_name": "张三明",
    "district": "新华区",
}


def send(client, method: str, url: str, body, headers=None) -> object:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)  # ASCII escapes: \ud800 stays
    return client.open(
        url, method=method, data=raw, content_type="application/json", headers=headers
    )


def assert_refused(response, status=422, code="validation_error"):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code and body["status"] == status
    return body


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# --------------------------------------------------------------- lone surrogates
def test_a_lone_surrogate_in_a_registration_is_refused_and_creates_nobody(client):
    before = user_count()
    for field in ("username", "password", "display_name", "district", "invite_code"):
        assert_refused(send(client, "POST", REGISTER, {**GOOD_REGISTRATION, field: "\ud800"}))
    assert user_count() == before


def test_an_unknown_district_with_a_lone_surrogate_gets_a_readable_error(client):
    body = assert_refused(
        send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "district": "区\udc00"})
    )
    assert body["errors"][0]["field"] == "district"


def test_a_lone_surrogate_as_a_field_name_is_refused_without_crashing_the_error(client):
    assert_refused(send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "\ud800": 1}))


def test_a_lone_surrogate_in_a_login_is_refused(client, factory):
    factory.user(username="li_si")
    assert_refused(
        send(client, "POST", "/api/v1/auth/login", {"username": "\ud800", "password": "x" * 8})
    )
    assert_refused(
        send(client, "POST", "/api/v1/auth/login", {"username": "li_si", "password": "\udfff"})
    )


def test_a_lone_surrogate_in_a_profile_change_is_refused_and_changes_nothing(as_user, factory):
    user = factory.user(display_name="原名")
    assert_refused(send(as_user(user), "PATCH", "/api/v1/me", {"display_name": "\ud800"}))
    db.session.refresh(user)
    assert user.display_name == "原名"


def test_a_lone_surrogate_as_an_sso_token_is_refused(client):
    assert_refused(send(client, "POST", "/api/v1/auth/sso", {"token": "\ud800"}))


def test_a_lone_surrogate_in_admin_names_and_memos_is_refused(admin_client, factory):
    citizen = factory.user()
    assert_refused(send(admin_client, "POST", "/api/v1/admin/teams", {"name": "\ud800"}))
    assert_refused(
        send(
            admin_client, "POST", "/api/v1/admin/prizes", {"name": "\ud800", "cost": 10, "stock": 1}
        )
    )
    assert_refused(
        send(
            admin_client,
            "POST",
            "/api/v1/admin/points/adjust",
            {"user_id": citizen.id, "delta": 5, "memo": "\ud800"},
            headers=fresh_key(),
        )
    )
    assert db.session.scalar(select(func.count()).select_from(Team)) == 0
    assert db.session.scalar(select(func.count()).select_from(Prize)) == 0
    db.session.refresh(citizen)
    assert citizen.balance == 0


# --------------------------------------------------------------- huge integers
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("method", "url", "template"),
    [
        ("POST", REGISTER, '{"username": %s, "password": "secret-pass", "display_name": "x"}'),
        ("POST", "/api/v1/auth/login", '{"username": "li_si", "password": %s}'),
        ("POST", "/api/v1/auth/sso", '{"token": %s}'),
        ("POST", "/api/v1/quiz/today/answers", '{"question_id": %s, "choices": ["A"]}'),
        ("PATCH", "/api/v1/me", '{"display_name": %s}'),
    ],
)
def test_a_5000_digit_integer_in_a_body_is_malformed_json(citizen_client, method, url, template):
    assert_refused(send(citizen_client, method, url, template % HUGE), 400, "malformed_json")


def test_json_nested_deeper_than_any_body_is_malformed_json(client):
    assert_refused(send(client, "POST", REGISTER, "[" * 40 + "]" * 40), 400, "malformed_json")
    assert_refused(send(client, "POST", REGISTER, "[" * 100_000), 400, "malformed_json")


# --------------------------------------------------------------- NUL and control characters
def test_a_nul_in_a_login_username_is_refused(client, factory):
    factory.user(username="li_si")
    assert_refused(
        send(client, "POST", "/api/v1/auth/login", {"username": "li_si\x00", "password": PASSWORD})
    )


def test_a_nul_in_a_display_name_is_refused_on_registering_and_on_changing_it(
    client, as_user, factory
):
    before = user_count()
    assert_refused(
        send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "display_name": "张\x00三"})
    )
    assert user_count() == before
    user = factory.user(display_name="原名")
    assert_refused(send(as_user(user), "PATCH", "/api/v1/me", {"display_name": "a\x00"}))
    db.session.refresh(user)
    assert user.display_name == "原名"


def test_a_nul_in_the_admin_question_search_is_refused(admin_client, factory):
    factory.question()
    assert_refused(admin_client.get("/api/v1/admin/questions?q=%00"))
    assert_refused(admin_client.get("/api/v1/admin/questions?category=a%00b"))


def test_a_nul_in_team_and_prize_names_and_in_a_memo_is_refused(admin_client, factory):
    citizen = factory.user()
    assert_refused(send(admin_client, "POST", "/api/v1/admin/teams", {"name": "一\x00队"}))
    assert_refused(
        send(
            admin_client, "POST", "/api/v1/admin/prizes", {"name": "笔\x00", "cost": 10, "stock": 1}
        )
    )
    assert_refused(
        send(
            admin_client,
            "POST",
            "/api/v1/admin/points/adjust",
            {"user_id": citizen.id, "delta": 5, "memo": "奖\x00励"},
            headers=fresh_key(),
        )
    )
    assert db.session.scalar(select(func.count()).select_from(Team)) == 0
    assert db.session.scalar(select(func.count()).select_from(Prize)) == 0


def test_a_nul_in_question_text_an_admin_sends_is_refused(admin_client, factory):
    question = factory.question()
    assert_refused(
        send(admin_client, "PATCH", f"/api/v1/admin/questions/{question.id}", {"stem": "题\x00干"})
    )
    assert_refused(
        send(
            admin_client,
            "PATCH",
            f"/api/v1/admin/questions/{question.id}",
            {"options": {"A": "甲\x00", "B": "乙"}},
        )
    )


def test_a_boolean_cursor_on_the_admin_question_list_is_a_validation_error(admin_client, factory):
    factory.question()
    assert_refused(admin_client.get("/api/v1/admin/questions?cursor=dHJ1ZQ"))  # base64("true")


# --------------------------------------------------------------- names that would mislead on boards
MISLEADING_NAMES = {
    "rtl override": "\u202eevil",
    "zero-width only": "\u200b\u200b",
    "bom only": "\ufeff",
    "hangul filler": "\u3164",
    "ansi escape": "\x1b[31mred",
    "newline": "张\n三",
}


@pytest.mark.parametrize("name", MISLEADING_NAMES.values(), ids=MISLEADING_NAMES.keys())
def test_a_display_name_that_would_mislead_on_a_public_board_is_refused(
    client, as_user, factory, name
):
    before = user_count()
    assert_refused(send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "display_name": name}))
    assert user_count() == before
    assert_refused(send(as_user(factory.user()), "PATCH", "/api/v1/me", {"display_name": name}))


def test_a_display_name_is_stored_nfc_normalised(client):
    response = send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "display_name": "Jose\u0301"})
    assert response.status_code == 201
    assert response.get_json()["display_name"] == "Jos\u00e9"


def test_an_ordinary_name_with_an_emoji_joiner_is_accepted(client):
    response = send(
        client, "POST", REGISTER, {**GOOD_REGISTRATION, "display_name": "小明👨\u200d👩"}
    )
    assert response.status_code == 201


# --------------------------------------------------------------- passwords and usernames
def test_a_password_too_long_to_sign_in_with_cannot_register(client):
    before = user_count()
    body = assert_refused(
        send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "password": "p" * 300})
    )
    assert body["errors"][0]["field"] == "password"
    assert user_count() == before


def test_the_longest_password_that_registers_also_signs_in(client, bare_client):
    assert (
        send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "password": "p" * 256}).status_code
        == 201
    )
    login = send(
        bare_client, "POST", "/api/v1/auth/login", {"username": "zhang_san", "password": "p" * 256}
    )
    assert login.status_code == 200


def test_a_username_differing_only_in_case_is_taken(client, bare_client):
    assert (
        send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "username": "Cr70F6ea"}).status_code
        == 201
    )
    assert_refused(
        send(bare_client, "POST", REGISTER, {**GOOD_REGISTRATION, "username": "cr70F6ea"}),
        409,
        "username_taken",
    )


def test_the_database_refuses_two_usernames_differing_only_in_case(app, factory):
    from sqlalchemy.exc import IntegrityError

    factory.user(username="Cr70F6ea")
    with pytest.raises(IntegrityError):
        factory.user(username="cr70f6EA")
    db.session.rollback()


def test_eight_racing_registrations_of_case_variants_create_one_account(app):
    db.session.commit()
    db.session.close()
    names = ["Cr70F6ea", "cr70F6ea"] * 4
    barrier = threading.Barrier(len(names))

    def register_as(name):
        client = app.test_client()
        barrier.wait(timeout=30)
        return send(client, "POST", REGISTER, {**GOOD_REGISTRATION, "username": name}).status_code

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        codes = list(pool.map(register_as, names))
    assert sorted(codes) == [201] + [409] * 7
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(func.lower(User.username) == "cr70f6ea")
        )
        == 1
    )


# --------------------------------------------------------------- images
def _png_16bit_rgba(width: int, height: int) -> bytes:
    """A 16-bit RGBA PNG of zeros: a few hundred KB on disk, width × height × 8 bytes decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_an_image_that_would_take_hundreds_of_megabytes_to_decode_is_refused(app, admin_client):
    prize = make_prize(app)
    raw = _png_16bit_rgba(6300, 6300)  # ~300 KB, under the upload limit; ~320 MB decoded
    assert len(raw) < 400_000
    response = admin_client.post(
        f"/api/v1/admin/prizes/{prize.id}/image",
        data={"file": (io.BytesIO(raw), "bomb.png")},
        content_type="multipart/form-data",
    )
    assert_refused(response, 422, "invalid_image")
    assert db.session.get(Prize, prize.id).image_version == 0


# --------------------------------------------------------------- bank uploads
def _upload_bank(client, content: bytes, name: str):
    return client.post(
        "/api/v1/admin/question-banks",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


BANK_CSV = "题型,题干,选项A,选项B,答案,解析,分类\n单选,{stem},甲,乙,A,解析,垃圾分类\n"


def test_a_nul_in_an_uploaded_files_name_is_not_stored_and_not_a_server_error(admin_client):
    response = _upload_bank(
        admin_client, BANK_CSV.format(stem="题干").encode(), "bank\x00\u202e.csv"
    )
    assert response.status_code == 200
    from quiz.models import QuestionBank

    assert db.session.scalar(select(QuestionBank.filename)) == "bank.csv"
