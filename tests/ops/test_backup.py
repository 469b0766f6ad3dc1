"""A backup of a database with users, answers, ledger and redemptions restores into an empty
one with the same rows and a ledger that verifies."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

import tests.conftest
from quiz.extensions import db
from quiz.models import Answer, LedgerEntry, User
from quiz.models.shop import Redemption
from quiz.services import ledger, shop
from tests.conftest import make_app

COUNTED = (User, Answer, LedgerEntry, Redemption)


def _counts(session) -> dict[str, int]:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def _fill(app, factory, citizen_client):
    for _ in range(5):
        factory.question(answer="A")
    questions = citizen_client.get("/api/v1/quiz/today").get_json()["questions"]
    for q in questions[:3]:
        assert (
            citizen_client.post(
                "/api/v1/quiz/today/answers", json={"question_id": q["id"], "choices": ["A"]}
            ).status_code
            == 200
        )
    buyer = factory.user(username="buyer")
    ledger.post_entry(buyer.id, 500, "admin_adjust", key="grant:buyer", now=app.clock.now())
    prize = shop.create_prize(
        {
            "name": "帆布袋",
            "description": "袋",
            "cost": 100,
            "stock": 5,
            "per_user_limit": None,
            "on_sale": True,
        },
        now=app.clock.now(),
    )
    db.session.flush()
    for i in range(2):
        shop.redeem(buyer.id, prize.id, f"redeem-{i}", now=app.clock.now())
    db.session.commit()


def test_a_backup_restores_into_an_empty_database_with_the_same_rows_and_ledger(
    app, backend, factory, citizen_client, tmp_path
):
    _fill(app, factory, citizen_client)
    before = _counts(db.session)
    assert before["answers"] == 3 and before["redemptions"] == 2
    db.session.commit()
    file = tmp_path / "quiz.backup"
    created = app.test_cli_runner().invoke(args=["backup", "create", str(file)])
    assert created.exit_code == 0, created.output
    assert file.stat().st_size > 0

    if backend == "sqlite":
        empty = tmp_path / "empty"
        empty.mkdir()
        target = make_app("sqlite", empty)
    else:
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        tests.conftest._pg_reset_sql = None  # the next test builds the schema afresh
        target = app
    with target.app_context():  # the CLI runs in the app context it finds
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(file)])
        assert restored.exit_code == 0, restored.output
        verified = target.test_cli_runner().invoke(args=["ledger", "verify"])
        assert verified.exit_code == 0 and "ledger ok" in verified.output

    engine = create_engine(target.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with Session(engine) as session:
            assert _counts(session) == before
    finally:
        engine.dispose()
