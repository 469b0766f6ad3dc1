"""What the public sees of a 小记者 without a guardian's consent, and of an erased account: the
boards (SQL and Redis stores) and certificates, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date

from quiz.extensions import db
from quiz.models import Certificate
from quiz.runtime import runtime_of
from quiz.services import ledger, prizes
from quiz.services.codes import new_code
from tests.board_helpers import (  # noqa: F401  (fixtures)
    app_config,
    board_backend,
    earn,
)
from tests.factories import PASSWORD

_keys = itertools.count(1)


def certificate_for(app, user) -> str:
    code = new_code(12)
    db.session.add(
        Certificate(
            code=code,
            user_id=user.id,
            kind="perfect_week",
            subject="2026-11-16",
            title="全勤一周：每天全部答对",
            achieved_on=date(2026, 11, 22),
            issued_at=runtime_of(app).clock.now(),
        )
    )
    db.session.commit()
    return code


def public_view(client, code: str) -> tuple[str, str]:
    """(the reporters' board name, the certificate's public name)."""
    board = client.get("/api/v1/leaderboards/reporters?period=day").get_json()
    cert = client.get(f"/api/v1/certificates/{code}").get_json()
    return board["entries"][0]["name"], cert["name"]


def redeem_status(client, prize_id) -> int:
    return client.post(
        "/api/v1/shop/redemptions",
        json={"prize_id": prize_id},
        headers={"Idempotency-Key": f"b-{next(_keys)}"},
    ).status_code


def test_a_child_is_masked_without_a_name_on_certificates_and_cannot_redeem_until_consent(
    app, factory, as_user, clock
):
    kid = factory.user(role="reporter", display_name="张三明", invite_code="KIDZHANG")
    mum = factory.user(display_name="张妈妈", family_reporter_id=kid.id)
    earn(kid, 100, clock.now())
    code = certificate_for(app, kid)
    prize = prizes.create_prize(
        {"name": "袋", "description": "袋", "cost": 10, "stock": 9, "per_user_limit": None,
         "on_sale": True},
        now=clock.now(),
    )  # fmt: skip
    db.session.commit()
    viewer, child, guardian = as_user(factory.user()), as_user(kid), as_user(mum)

    assert public_view(viewer, code) == ("张*明", "张*明")
    assert redeem_status(child, prize.id) == 403

    guardian.post("/api/v1/me/guardian-consent", json={})
    assert public_view(viewer, code) == ("张三明", "张三明")
    assert redeem_status(child, prize.id) == 201

    guardian.delete("/api/v1/me/guardian-consent")
    assert public_view(viewer, code) == ("张*明", "张*明")
    assert redeem_status(child, prize.id) == 403
    assert "张三明" not in viewer.get(f"/verify/{code}").get_data(as_text=True)


def test_an_erased_accounts_name_is_gone_from_boards_and_certificates(app, factory, as_user, clock):
    user = factory.user(display_name="李四")
    earn(user, 50, clock.now())
    code = certificate_for(app, user)
    viewer = as_user(factory.user())
    board = viewer.get("/api/v1/leaderboards/citizens?period=day").get_json()
    assert board["entries"][0]["name"] == "李四"
    assert as_user(user).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    board = viewer.get("/api/v1/leaderboards/citizens?period=day").get_json()
    assert board["entries"][0] == {"rank": 1, "id": user.id, "name": "已注销用户", "score": 50}
    assert viewer.get(f"/api/v1/certificates/{code}").get_json()["name"] == "已注销用户"
    assert "李四" not in viewer.get(f"/verify/{code}").get_data(as_text=True)
    assert ledger.mismatches() == []


def test_an_erased_child_shows_as_erased_not_masked(app, factory, as_user, clock):
    kid = factory.user(role="reporter", display_name="张三明", invite_code="KIDZHANG")
    earn(kid, 10, clock.now())
    assert as_user(kid).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    board = as_user(factory.user()).get("/api/v1/leaderboards/reporters?period=day").get_json()
    assert board["entries"][0]["name"] == "已注销用户"
