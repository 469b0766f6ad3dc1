"""The 纠错 queue shows each report with the options as its reporter saw them (issue 23, defect
9): with QUIZ_SHUFFLE_OPTIONS on, the reporter's "B" is not the question's B."""

from __future__ import annotations

import pytest

TEXTS = ["甲", "乙", "丙", "丁"]  # the question's own A, B, C, D


@pytest.fixture
def app_config():
    return {
        "QUIZ_SHUFFLE_OPTIONS": True,
        "QUIZ_DRAW_SECRET": "report-view-draw-secret-0123456789abcdef",
        "QUIZ_DAILY_COUNT": 1,
    }


@pytest.fixture
def question(factory):
    return factory.question(options=[[k, t] for k, t in zip("ABCD", TEXTS, strict=True)])


def _reported(client, question) -> list[dict]:
    [seen] = client.get("/api/v1/quiz/today").get_json()["questions"]
    client.post("/api/v1/quiz/today/answers", json={"question_id": question.id, "choices": ["A"]})
    response = client.post(
        f"/api/v1/questions/{question.id}/reports",
        json={"reason": "answer", "message": "我觉得 B 才对"},
    )
    assert response.status_code == 201, response.get_json()
    return seen["options"]


def test_the_queue_shows_the_options_in_the_reporters_order_with_the_questions_keys(
    citizen_client, admin_client, question
):
    shown = _reported(citizen_client, question)
    [item] = admin_client.get("/api/v1/admin/question-reports?status=open").get_json()["items"]
    seen = item["reporter_options"]
    assert [(o["key"], o["text"]) for o in seen] == [(o["key"], o["text"]) for o in shown]
    assert {o["own_key"]: o["text"] for o in seen} == dict(zip("ABCD", TEXTS, strict=True))
    assert [o["text"] for o in item["question"]["options"]] == TEXTS  # the question's own order
    assert [o["own_key"] for o in seen] != list("ABCD")  # really shuffled: else this proves nothing


def test_a_judge_question_is_seen_in_its_own_order(citizen_client, admin_client, factory):
    judge = factory.question(type="judge", answer="A")
    citizen_client.get("/api/v1/quiz/today")
    citizen_client.post(
        "/api/v1/quiz/today/answers", json={"question_id": judge.id, "choices": ["A"]}
    )
    citizen_client.post(
        f"/api/v1/questions/{judge.id}/reports", json={"reason": "other", "message": "看不懂"}
    )
    [item] = admin_client.get("/api/v1/admin/question-reports?status=open").get_json()["items"]
    assert item["reporter_options"] is None
