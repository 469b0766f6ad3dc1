"""The failed-login limit is exact across workers and instances: counted in the shared database.

Real threads, each with its own client (its own session and connection), stand for gunicorn's
workers; two apps on one database stand for two instances.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from quiz.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "QUIZ_LOGIN_LIMIT_USER": "10 per 5 minutes",
    "QUIZ_LOGIN_LIMIT_USER_ALL": "200 per 5 minutes",
    "QUIZ_LOGIN_LIMIT_IP": "1000 per 5 minutes",
    "QUIZ_API_LIMIT_IP": "10000 per minute",
    "PROPAGATE_UNEXPECTED": False,
}


@pytest.fixture
def app_config():
    return dict(LIMITS)


def attempt(client, password="wrong-guess", ip="203.0.113.7"):
    return client.post(
        "/api/v1/auth/login",
        json={"username": "wang_wu", "password": password},
        environ_base={"REMOTE_ADDR": ip},
    ).status_code


def test_twenty_racing_wrong_passwords_let_exactly_ten_through(app, factory):
    factory.user(username="wang_wu")
    db.session.commit()
    db.session.close()
    clients = [app.test_client() for _ in range(20)]
    barrier = threading.Barrier(len(clients))

    def go(client):
        barrier.wait(timeout=30)
        return attempt(client)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        codes = Counter(pool.map(go, clients))
    assert codes == {401: 10, 429: 10}


def test_two_instances_on_one_database_share_the_count(app, backend, tmp_path, factory):
    factory.user(username="wang_wu")
    db.session.commit()
    other = make_app(backend, tmp_path, **LIMITS)  # a second instance: its own app and pool
    first_client, other_client = app.test_client(), other.test_client()
    codes = [attempt(first_client if i % 2 else other_client) for i in range(14)]
    assert codes == [401] * 10 + [429] * 4
    with other.app_context():
        db.engine.dispose()


def test_a_right_password_does_not_count_and_another_address_is_not_locked_out(app, factory):
    factory.user(username="wang_wu")
    db.session.commit()
    client = app.test_client()
    assert [attempt(client) for _ in range(9)] == [401] * 9
    assert attempt(client, PASSWORD) == 200  # the owner, from the same address, just in time
    assert attempt(client) == 401  # the tenth failure: the success gave its count back
    assert attempt(client) == 429
    assert attempt(client, PASSWORD) == 429  # this address is locked out of this account…
    assert attempt(client, PASSWORD, ip="198.51.100.4") == 200  # …others are not


def test_refused_attempts_do_not_extend_the_lockout(app, clock, factory):
    factory.user(username="wang_wu")
    db.session.commit()
    client = app.test_client()
    assert [attempt(client) for _ in range(15)] == [401] * 10 + [429] * 5
    clock.advance(minutes=5)  # the next window
    assert attempt(client, PASSWORD) == 200
