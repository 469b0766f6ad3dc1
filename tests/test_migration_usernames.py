"""Upgrading a database that already holds usernames differing only in case."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from quiz.extensions import db
from tests.conftest import PG_URL, make_app

INSERT = text(
    "INSERT INTO users (username, display_name, role, show_full_name, balance, streak, created_at) "
    "VALUES (:name, 'x', 'citizen', false, 0, 0, '2026-11-01 00:00:00')"
)


def _upgrade_with_case_twins(app) -> list[str]:
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            for name in ("Cr70F6ea", "cr70F6ea", "CR70F6EA", "other"):
                conn.execute(INSERT, {"name": name})
        upgrade()
        with db.engine.begin() as conn:
            names = [row[0] for row in conn.execute(text("SELECT username FROM users ORDER BY id"))]
            with pytest.raises(Exception, match="(?i)unique"):
                conn.execute(INSERT, {"name": "OTHER"})
        db.engine.dispose()
    return names


def test_case_twins_get_a_suffix_and_the_case_insensitive_index_is_built_on_sqlite(tmp_path):
    names = _upgrade_with_case_twins(make_app("sqlite", tmp_path))
    assert names == ["Cr70F6ea", "cr70F6ea_2", "CR70F6EA_3", "other"]


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set")
def test_case_twins_get_a_suffix_and_the_case_insensitive_index_is_built_on_postgresql(tmp_path):
    schema = "migration_usernames"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        names = _upgrade_with_case_twins(
            make_app("postgresql", tmp_path, SQLALCHEMY_DATABASE_URI=url)
        )
        assert names == ["Cr70F6ea", "cr70F6ea_2", "CR70F6EA_3", "other"]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
