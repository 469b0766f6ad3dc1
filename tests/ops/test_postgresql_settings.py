"""The settings the service's PostgreSQL connections carry."""

import pytest

from quiz.config import engine_options
from quiz.extensions import db


def test_the_service_s_postgresql_connections_compile_no_plan_just_in_time(app, backend):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"


def test_server_options_in_the_database_url_are_kept_beside_the_service_s():
    url = "postgresql+psycopg://quiz@db/quiz?options=-csearch_path%3Dreports"
    options = engine_options(url)["connect_args"]["options"]
    assert options.split() == ["-csearch_path=reports", "-c", "jit=off"]
    plain = engine_options("postgresql+psycopg://quiz@db/quiz")["connect_args"]["options"]
    assert plain == "-c jit=off"
