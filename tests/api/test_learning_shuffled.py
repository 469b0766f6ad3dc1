"""Review and statistics with each user's own option order (QUIZ_SHUFFLE_OPTIONS on): users
see and send their keys, statistics count in the question's own keys."""

from __future__ import annotations

import pytest

from quiz.extensions import db
from quiz.models import Question

TEXTS = ["甲", "乙", "丙", "丁"]  # the question's own A, B, C, D; A is right


@pytest.fixture
def app_config():
    return {
        "QUIZ_SHUFFLE_OPTIONS": True,
        "QUIZ_DRAW_SECRET": "learning-test-draw-secret-0123456789abcdef",
        "QUIZ_DAILY_COUNT": 2,
        "QUIZ_STATS_MIN_ANSWERS": 5,
    }


@pytest.fixture
def pair(factory):
    options = [[k, t] for k, t in zip("ABCD", TEXTS, strict=True)]
    return factory.question(options=options), factory.question(
        options=[["A", "对"], ["B", "错一"], ["C", "错二"]]
    )


def key_of(question: dict, text: str) -> str:
    return next(o["key"] for o in question["options"] if o["text"] == text)


def test_review_uses_the_users_option_order(citizen_client, pair, clock):
    questions = citizen_client.get("/api/v1/quiz/today").get_json()["questions"]
    target = next(q for q in questions if q["id"] == pair[0].id)
    mine = key_of(target, "丙")
    citizen_client.post(
        "/api/v1/quiz/today/answers", json={"question_id": target["id"], "choices": [mine]}
    )
    clock.advance(days=1)
    [item] = citizen_client.get("/api/v1/quiz/history/2026-11-23").get_json()["questions"]
    assert item["question"]["options"] == target["options"]  # the order the user saw
    assert item["choices"] == [mine] and item["correct"] is False
    assert item["correct_choices"] == [key_of(target, "甲")]
    # The options really are shuffled for someone: otherwise this test proves nothing.
    [mistake] = citizen_client.get("/api/v1/me/mistakes").get_json()["items"]
    assert mistake["question"]["options"] == target["options"]
    assert mistake["correct_choices"] == [key_of(target, "甲")]


def test_practice_takes_and_returns_the_users_keys(citizen_client, pair, clock):
    questions = citizen_client.get("/api/v1/quiz/today").get_json()["questions"]
    target = next(q for q in questions if q["id"] == pair[0].id)
    citizen_client.post(
        "/api/v1/quiz/today/answers",
        json={"question_id": target["id"], "choices": [key_of(target, "丁")]},
    )
    session = citizen_client.post("/api/v1/practice", json={"source": "mistakes"}).get_json()
    [shown] = session["questions"]
    assert shown["options"] == target["options"]
    result = citizen_client.post(
        f"/api/v1/practice/{session['id']}/answers",
        json={"question_id": target["id"], "choices": [key_of(shown, "甲")]},
    ).get_json()
    assert result["correct"] is True and result["correct_choices"] == [key_of(shown, "甲")]


# Eight users answer the pair: (text picked on the first question, second question right?).
# Hand-computed for the first question:
#   answers 8, correct 4 → rate 0.5; picks in its own keys A 4, B 2, C 1, D 1;
#   answer times 1000…8000 ms → median 4500;
#   discrimination: rest score = the second question (1 for users 1–4, 0 for 5–8); groups of
#   ⌈0.27 × 8⌉ = 3 answers, each ¾ of a tied block of four: upper 3 of 4 right → ¾ · 3 / 3 = 0.75,
#   lower 1 of 4 right → ¾ · 1 / 3 = 0.25 → D = 0.5.
PLAYS = [
    ("甲", True),
    ("甲", True),
    ("甲", True),
    ("乙", True),
    ("甲", False),
    ("丙", False),
    ("乙", False),
    ("丁", False),
]


def test_stats_on_a_known_fixture(factory, as_user, admin_client, pair, clock):
    first, second = pair
    keys_seen = set()
    for i, (text, second_right) in enumerate(PLAYS, start=1):
        client = as_user(factory.user())
        questions = {q["id"]: q for q in client.get("/api/v1/quiz/today").get_json()["questions"]}
        clock.advance(milliseconds=i * 1000)
        picked = key_of(questions[first.id], text)
        keys_seen.add(picked)
        assert (
            client.post(
                "/api/v1/quiz/today/answers", json={"question_id": first.id, "choices": [picked]}
            ).status_code
            == 200
        )
        clock.advance(milliseconds=500)
        other = questions[second.id]
        choice = key_of(other, "对" if second_right else "错一")
        client.post(
            "/api/v1/quiz/today/answers", json={"question_id": second.id, "choices": [choice]}
        )
    assert len(keys_seen) > 2  # the same text went under different keys for different users

    stats = admin_client.get(f"/api/v1/admin/questions/{first.id}/stats").get_json()
    assert stats["answers"] == 8
    assert stats["correct_rate"] == 0.5
    assert stats["option_picks"] == {"A": 4, "B": 2, "C": 1, "D": 1}
    assert stats["median_answer_ms"] == 4500
    assert stats["discrimination"] == 0.5
    assert stats["open_reports"] == 0 and stats["flags"] == []
    db.session.expire_all()
    assert db.session.get(Question, first.id).answer == "A"
    assert admin_client.get("/api/v1/admin/questions/999999/stats").status_code == 404
