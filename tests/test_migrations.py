"""The Alembic revisions build exactly the schema the models declare, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from quiz.extensions import db
from tests.conftest import PG_URL, make_app


def _check(app, url):
    with app.app_context():
        upgrade()  # one linear history: a second head would fail here
        engine = create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        engine.dispose()
        db.engine.dispose()
    assert diff == []


def test_migrations_match_the_models_on_sqlite(tmp_path):
    app = make_app("sqlite", tmp_path)
    _check(app, app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set")
def test_migrations_match_the_models_on_postgresql(tmp_path):
    schema = "migration_check"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        _check(make_app("postgresql", tmp_path, SQLALCHEMY_DATABASE_URI=url), url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
