"""The evening push on the embedded database: first fetches of the day racing answers.

SQLite answers BUSY at once when a read transaction tries to write while another writer holds
the lock; the first fetch of the day writes (the day's set, the user's day row), so it must take
the lock properly. Real threads, one client (and so one session and connection) each.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from quiz.extensions import db
from quiz.services import ledger
from tests.sessions import signed_in_client

CATEGORIES = ["垃圾分类", "交通文明", "志愿服务", "健康与公共卫生", "生态环保"]


@pytest.fixture
def app_config():
    # As served: unexpected errors become 500 responses instead of propagating into the test.
    return {"PROPAGATE_UNEXPECTED": False}


@pytest.fixture
def bank(factory):
    return [factory.question(category=CATEGORIES[i % 5], answer="A") for i in range(10)]


def signed_in(app, user):
    return signed_in_client(app, user.id, session_version=user.session_version)


def test_thirty_first_fetches_racing_ten_answerers_never_get_a_500(app, factory, bank):
    answerers = [signed_in(app, factory.user()) for _ in range(10)]
    newcomers = [signed_in(app, factory.user()) for _ in range(30)]
    question_ids = [q["id"] for q in answerers[0].get("/api/v1/quiz/today").get_json()["questions"]]
    for client in answerers[1:]:
        assert client.get("/api/v1/quiz/today").status_code == 200
    db.session.commit()
    db.session.close()  # the test's own session holds no transaction (SQLite's lock)
    barrier = threading.Barrier(len(answerers) + len(newcomers))
    statuses: list[int] = []

    def answer_all(client):
        barrier.wait(timeout=30)
        for qid in question_ids:
            statuses.append(
                client.post(
                    "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["A"]}
                ).status_code
            )

    def first_fetch(client):
        barrier.wait(timeout=30)
        response = client.get("/api/v1/quiz/today")
        statuses.append(response.status_code)
        if response.status_code == 200:
            statuses.append(client.get("/api/v1/leaderboards/citizens?period=day").status_code)

    calls = [(answer_all, c) for c in answerers] + [(first_fetch, c) for c in newcomers]
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        for future in [pool.submit(fn, c) for fn, c in calls]:
            future.result()
    assert [s for s in statuses if s >= 500] == []
    assert statuses.count(200) == 10 * len(question_ids) + 30 * 2
    assert ledger.mismatches() == []
