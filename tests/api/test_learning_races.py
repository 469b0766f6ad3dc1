"""Learning under racing requests: one open report per user and question, one answer per
practice session and question — held by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import PracticeAnswer, QuestionReport
from tests.sessions import signed_in_client

RACERS = 8


@pytest.fixture
def app_config():
    return {"PROPAGATE_UNEXPECTED": False}


def signed_in(app, user):
    return signed_in_client(app, user.id, session_version=user.session_version)


def race(clients, call) -> list:
    db.session.commit()
    db.session.close()  # the test's own session holds no transaction (SQLite's lock)
    barrier = threading.Barrier(len(clients))

    def fire(client):
        barrier.wait(timeout=30)
        return call(client)

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(fire, clients))


@pytest.fixture
def wrong_once(app, factory):
    """A user who answered one of today's questions wrongly, and that question's id."""
    for _ in range(5):
        factory.question(answer="A")
    user = factory.user()
    client = signed_in(app, user)
    qid = client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    assert (
        client.post(
            "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["B"]}
        ).status_code
        == 200
    )
    return user, qid


def test_racing_reports_leave_one_open_report(app, wrong_once):
    user, qid = wrong_once
    clients = [signed_in(app, user) for _ in range(RACERS)]
    responses = race(
        clients,
        lambda c: c.post(
            f"/api/v1/questions/{qid}/reports", json={"reason": "answer", "message": "答案有误"}
        ),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1)
    assert all(
        r.get_json()["code"] == "already_reported" for r in responses if r.status_code == 409
    )
    assert db.session.scalar(select(func.count()).select_from(QuestionReport)) == 1


def test_racing_practice_answers_count_once(app, wrong_once):
    user, qid = wrong_once
    session = signed_in(app, user).post("/api/v1/practice", json={"source": "mistakes"}).get_json()
    clients = [signed_in(app, user) for _ in range(RACERS)]
    responses = race(
        clients,
        lambda c: c.post(
            f"/api/v1/practice/{session['id']}/answers", json={"question_id": qid, "choices": ["A"]}
        ),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (RACERS - 1)
    assert db.session.scalar(select(func.count()).select_from(PracticeAnswer)) == 1
