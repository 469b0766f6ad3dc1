"""A backup of a database with users, answers, ledger and redemptions restores into an empty
one with the same rows and a ledger that verifies."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

import tests.conftest
from quiz.extensions import db
from quiz.models import Answer, LedgerEntry, User
from quiz.models.shop import Redemption
from quiz.runtime import runtime_of
from quiz.services import ledger, prizes, shop
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
    ledger.post_entry(
        buyer.id, 500, "admin_adjust", key="grant:buyer", now=runtime_of(app).clock.now()
    )
    prize = prizes.create_prize(
        {
            "name": "帆布袋",
            "description": "袋",
            "cost": 100,
            "stock": 5,
            "per_user_limit": None,
            "on_sale": True,
        },
        now=runtime_of(app).clock.now(),
    )
    db.session.flush()
    for i in range(2):
        shop.redeem(buyer.id, prize.id, f"redeem-{i}", now=runtime_of(app).clock.now())
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


# --- hardening: file modes and what a restore accepts --------------------------------------


def _sqlite_backup(app, tmp_path):
    file = tmp_path / "quiz.backup"
    created = app.test_cli_runner().invoke(args=["backup", "create", str(file)])
    assert created.exit_code == 0, created.output
    return file


def test_a_backup_file_is_readable_by_its_owner_only(app, backend, factory, tmp_path):
    factory.user()
    file = _sqlite_backup(app, tmp_path)
    assert file.stat().st_mode & 0o777 == 0o600


def test_a_file_that_is_not_a_backup_is_refused_with_a_clear_message(app, backend, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是备份文件" * 100, encoding="utf-8")
    restored = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus)])
    assert restored.exit_code != 0 and "not a backup of this service" in restored.output
    assert "Traceback" not in restored.output


def test_a_backup_carrying_a_trigger_is_refused_and_the_database_is_unchanged(
    app, backend, factory, tmp_path
):
    if backend != "sqlite":
        pytest.skip("SQLite files only: the PostgreSQL archive check has its own test")
    factory.user(username="alice")
    file = _sqlite_backup(app, tmp_path)
    tampered = sqlite3.connect(file)
    tampered.execute(
        "CREATE TRIGGER promote AFTER UPDATE OF display_name ON users "
        "BEGIN UPDATE users SET role = 'admin' WHERE id = NEW.id; END"
    )
    tampered.commit()
    tampered.close()
    factory.user(username="bob")  # written after the backup: must survive the refused restore
    db.session.remove()
    restored = app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert restored.exit_code != 0 and "trigger promote" in restored.output
    names = set(db.session.scalars(select(User.username)))
    assert names == {"alice", "bob"}


def test_a_backup_of_an_empty_schema_is_refused(app, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("an SQLite file")
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    restored = app.test_cli_runner().invoke(args=["backup", "restore", str(empty)])
    assert restored.exit_code != 0 and "tables differ" in restored.output


def test_a_postgresql_archive_with_a_function_is_refused(app, backend, factory, tmp_path):
    if backend != "postgresql":
        pytest.skip("a pg_dump archive")
    factory.user(username="alice")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE FUNCTION promote() RETURNS integer LANGUAGE sql AS 'SELECT 1'"))
    try:
        file = _sqlite_backup(app, tmp_path)
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP FUNCTION promote()"))
    restored = app.test_cli_runner().invoke(args=["backup", "restore", str(file)])
    assert restored.exit_code != 0 and "FUNCTION" in restored.output


def test_the_sqlite_database_and_its_wal_are_readable_by_their_owner_only(tmp_path):
    database = tmp_path / "quiz.sqlite3"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    app = make_app("sqlite", tmp_path)
    with app.app_context():
        db.create_all()
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        db.engine.dispose()
    for path in tmp_path.glob("quiz.sqlite3*"):
        assert path.stat().st_mode & 0o077 == 0, path


def test_every_systemd_unit_sets_an_owner_only_umask():
    from pathlib import Path

    units = sorted((Path(__file__).resolve().parents[2] / "deploy").glob("*.service"))
    assert units
    for unit in units:
        assert "UMask=0077" in unit.read_text(encoding="utf-8"), unit.name
