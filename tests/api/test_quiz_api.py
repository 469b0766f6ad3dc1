"""The daily quiz over HTTP, per the contract."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from quiz.extensions import db
from quiz.models import Answer, User
from quiz.runtime import runtime_of
from quiz.services import ledger
from tests.factories import fresh_key
from tests.sessions import signed_in_client

CATEGORIES = ["垃圾分类", "交通文明", "志愿服务", "健康与公共卫生", "生态环保"]


@pytest.fixture
def bank(factory):
    return [
        factory.question(category=CATEGORIES[i % 5], answer="A", explanation=f"解析{i}")
        for i in range(10)
    ]


def answer(client, qid, choices=("A",)):
    return client.post(
        "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": list(choices)}
    )


def test_today_lists_the_questions_without_answers_or_explanations(citizen_client, bank):
    response = citizen_client.get("/api/v1/quiz/today")
    assert response.status_code == 200
    body = response.get_json()
    assert body["date"] == "2026-11-23"
    assert len(body["questions"]) == 5 and body["answered"] == {}
    text = json.dumps(body["questions"], ensure_ascii=False)
    assert "解析" not in text and "answer" not in text and "correct" not in text
    first = body["questions"][0]
    assert set(first) == {"id", "type", "stem", "options", "category"}
    assert first["options"][0] == {"key": "A", "text": "甲"}


def test_every_user_gets_the_same_questions(factory, as_user, bank):
    sets = [
        [q["id"] for q in as_user(factory.user()).get("/api/v1/quiz/today").get_json()["questions"]]
        for _ in range(3)
    ]
    assert sets[0] == sets[1] == sets[2]


def test_the_set_survives_an_app_restart(app, backend, tmp_path, factory, bank):
    from tests.conftest import make_app

    user = factory.user()
    first = [
        q["id"] for q in _signed_in(app, user).get("/api/v1/quiz/today").get_json()["questions"]
    ]
    restarted = make_app(
        backend,
        tmp_path,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        QUIZ_CLOCK=runtime_of(app).clock,
    )
    again = [
        q["id"]
        for q in _signed_in(restarted, user).get("/api/v1/quiz/today").get_json()["questions"]
    ]
    assert first == again


def _signed_in(app, user):
    return signed_in_client(app, user.id, session_version=user.session_version)


def test_answering_returns_the_result_with_answer_and_explanation(citizen_client, bank):
    qid = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    response = answer(citizen_client, qid)
    assert response.status_code == 200
    result = response.get_json()
    assert result["question_id"] == qid and result["correct"] is True
    assert result["correct_choices"] == ["A"] and result["explanation"].startswith("解析")
    assert result["points_awarded"] == 10 and result["balance"] == 10
    assert result["completed"] is False and result["bonus_awarded"] == 0
    today = citizen_client.get("/api/v1/quiz/today").get_json()
    assert today["answered"][str(qid)]["correct"] is True


def test_a_full_day_through_the_api_earns_the_contract_points(citizen_client, bank):
    ids = [q["id"] for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"]]
    results = [answer(citizen_client, qid).get_json() for qid in ids]
    assert results[-1]["completed"] is True and results[-1]["bonus_awarded"] == 20
    assert results[-1]["points_awarded"] == 30 and results[-1]["balance"] == 70
    me = citizen_client.get("/api/v1/me").get_json()
    assert me["balance"] == 70 and me["streak"] == 1


def test_answering_twice_is_409_already_answered(citizen_client, bank):
    qid = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    answer(citizen_client, qid)
    again = answer(citizen_client, qid, ["B"])
    assert again.status_code == 409 and again.get_json()["code"] == "already_answered"
    assert citizen_client.get("/api/v1/me").get_json()["balance"] == 10


def test_a_question_outside_today_is_404_not_in_today(citizen_client, bank):
    today = {q["id"] for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"]}
    outside = next(q.id for q in bank if q.id not in today)
    response = answer(citizen_client, outside)
    assert response.status_code == 404 and response.get_json()["code"] == "not_in_today"


@pytest.mark.parametrize("choices", [[], ["Z"], ["A", "B"]])
def test_bad_choices_are_422_validation_error(citizen_client, bank, choices):
    qid = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    response = answer(citizen_client, qid, choices)
    assert response.status_code == 422 and response.get_json()["code"] == "validation_error"


def test_the_quiz_needs_a_signed_in_user(client, bank):
    assert client.get("/api/v1/quiz/today").status_code == 401
    assert answer(client, bank[0].id).status_code == 401


def test_history_lists_days_newest_first_with_pagination(citizen_client, clock, bank):
    for _ in range(3):
        for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"][:2]:
            answer(citizen_client, q["id"])
        clock.advance(days=1)
    first = citizen_client.get("/api/v1/quiz/history?limit=2").get_json()
    assert [d["date"] for d in first["days"]] == ["2026-11-25", "2026-11-24"]
    assert first["days"][0]["correct"] == 2 and first["days"][0]["total"] == 5
    assert first["days"][0]["points"] == 20
    rest = citizen_client.get(
        f"/api/v1/quiz/history?limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert [d["date"] for d in rest["days"]] == ["2026-11-23"] and rest["next_cursor"] is None


def test_my_points_lists_entries_newest_first_with_a_cursor(citizen_client, bank):
    for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"]:
        answer(citizen_client, q["id"])
    page = citizen_client.get("/api/v1/me/points?limit=4").get_json()
    assert page["balance"] == 70
    assert [e["kind"] for e in page["entries"]][0] == "quiz_bonus"
    assert page["entries"][0]["created_at"].endswith("+08:00")
    rest = citizen_client.get(f"/api/v1/me/points?limit=4&cursor={page['next_cursor']}").get_json()
    assert len(page["entries"]) + len(rest["entries"]) == 6 and rest["next_cursor"] is None
    assert sum(e["delta"] for e in page["entries"] + rest["entries"]) == 70


def test_progress_shows_todays_tasks(citizen_client, bank):
    qid = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    answer(citizen_client, qid)
    tasks = {t["task"]: t for t in citizen_client.get("/api/v1/me/progress").get_json()["tasks"]}
    assert tasks["daily_quiz"]["current"] == 1 and tasks["daily_quiz"]["max"] == 5
    assert tasks["quiz_points"]["current"] == 10 and tasks["quiz_points"]["max"] is None


def test_concurrent_double_submits_credit_once(app, factory, bank):
    user = factory.user()
    clients = [_signed_in(app, user) for _ in range(8)]
    qid = clients[0].get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    barrier = threading.Barrier(len(clients))
    codes = []

    def fire(client):
        barrier.wait()
        codes.append(answer(client, qid).status_code)

    threads = [threading.Thread(target=fire, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 7
    db.session.rollback()  # end this session's snapshot; read what the requests committed
    assert db.session.get(User, user.id).balance == 10
    assert db.session.query(Answer).count() == 1
    assert ledger.mismatches() == []


def test_concurrent_answers_to_different_questions_complete_the_day_once(app, factory, bank):
    user = factory.user()
    client = _signed_in(app, user)
    ids = [q["id"] for q in client.get("/api/v1/quiz/today").get_json()["questions"]]
    barrier = threading.Barrier(len(ids))
    results = []

    def fire(c, qid):
        barrier.wait()
        results.append(answer(c, qid).get_json())

    threads = [threading.Thread(target=fire, args=(_signed_in(app, user), q)) for q in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["bonus_awarded"] for r in results) == 20
    assert sum(1 for r in results if r["completed"]) >= 1
    db.session.rollback()  # end this session's snapshot; read what the requests committed
    assert db.session.get(User, user.id).balance == 70


def test_admin_can_schedule_tomorrow_and_read_it_back(admin_client, bank, clock):
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    ids = [bank[1].id, bank[2].id, bank[3].id]
    response = admin_client.put(
        f"/api/v1/admin/quiz/schedule/{tomorrow}", json={"question_ids": ids}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["date"] == tomorrow and [q["id"] for q in body["questions"]] == ids
    assert body["questions"][0]["answer"] == ["A"]


def test_scheduling_today_is_refused(admin_client, bank, clock):
    response = admin_client.put(
        "/api/v1/admin/quiz/schedule/2026-11-23", json={"question_ids": [bank[0].id]}
    )
    assert response.status_code == 409 and response.get_json()["code"] == "schedule_locked"


def test_a_citizen_cannot_schedule(citizen_client, bank):
    response = citizen_client.put(
        "/api/v1/admin/quiz/schedule/2026-12-01", json={"question_ids": [bank[0].id]}
    )
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_admin_adjustment_posts_an_audited_entry(admin_client, factory):
    user = factory.user()
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 50, "memo": "线下活动奖励"},
        headers=fresh_key(),
    )
    assert response.status_code == 200
    assert response.get_json()["kind"] == "admin_adjust" and response.get_json()["delta"] == 50
    db.session.rollback()  # end this session's snapshot; read what the requests committed
    assert db.session.get(User, user.id).balance == 50


def test_admin_adjustment_cannot_make_a_balance_negative(admin_client, factory):
    user = factory.user()
    admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 10, "memo": "x"},
        headers=fresh_key(),
    )
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": -11, "memo": "扣除"},
        headers=fresh_key(),
    )
    assert response.status_code == 409 and response.get_json()["code"] == "insufficient_points"
    db.session.rollback()  # end this session's snapshot; read what the requests committed
    assert db.session.get(User, user.id).balance == 10


def test_admin_adjustment_needs_a_memo(admin_client, factory):
    user = factory.user()
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 5, "memo": " "},
        headers=fresh_key(),
    )
    assert response.status_code == 422


def test_a_citizen_cannot_adjust_points(citizen_client, factory):
    user = factory.user()
    response = citizen_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 5, "memo": "x"},
        headers=fresh_key(),
    )
    assert response.status_code == 403


def test_a_retried_adjustment_counts_once_and_a_reused_key_is_refused(admin_client, factory):
    user = factory.user()
    body = {"user_id": user.id, "delta": 30, "memo": "活动奖励"}
    headers = {"Idempotency-Key": "adj-1"}
    first = admin_client.post("/api/v1/admin/points/adjust", json=body, headers=headers)
    again = admin_client.post("/api/v1/admin/points/adjust", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    other = admin_client.post(
        "/api/v1/admin/points/adjust", json={**body, "delta": 99}, headers=headers
    )
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    assert db.session.get(User, user.id).balance == 30


def test_an_admins_fix_to_todays_wording_shows_at_once(citizen_client, admin_client, bank):
    first = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]
    fixed = admin_client.patch(
        f"/api/v1/admin/questions/{first['id']}", json={"stem": "更正后的题干：废电池属于哪一类？"}
    )
    assert fixed.status_code == 200
    again = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]
    assert again["id"] == first["id"]
    assert again["stem"] == "更正后的题干：废电池属于哪一类？"


def test_two_apps_in_one_process_never_serve_each_others_questions(tmp_path):
    from quiz.models import User
    from tests.conftest import make_app
    from tests.factories import Factory

    seen = []
    for name in ("city-a", "city-b"):
        (tmp_path / name).mkdir()
        one = make_app("sqlite", tmp_path / name)
        with one.app_context():
            db.create_all()
            factory = Factory(one)
            for i in range(5):
                factory.question(stem=f"{name} 的第 {i} 题")
            user = factory.user()
            db.session.commit()
            user = db.session.get(User, user.id)
            stems = [
                q["stem"]
                for q in _signed_in(one, user).get("/api/v1/quiz/today").get_json()["questions"]
            ]
            db.session.remove()
            db.engine.dispose()
        seen.append(stems)
    assert all(s.startswith("city-a") for s in seen[0])
    assert all(s.startswith("city-b") for s in seen[1])
