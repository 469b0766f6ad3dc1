"""The settings the service's PostgreSQL connections carry."""

import pytest

from quiz.extensions import db


def test_the_service_s_postgresql_connections_compile_no_plan_just_in_time(app, backend):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
