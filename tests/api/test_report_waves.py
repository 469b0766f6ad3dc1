"""纠错 reports cannot be turned against the quiz: who counts, how much a wave can suspend,
and a draw that never empties."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from quiz.extensions import db
from quiz.models import QuestionReport
from quiz.runtime import runtime_of
from quiz.services import daily_quiz, draw

NOTE = "经核实题目无误。"


def _old_user(factory, clock, days=10, **fields):
    user = factory.user(**fields)
    user.created_at = clock.now() - timedelta(days=days)
    db.session.commit()
    return user


def _report(question_id: int, user, clock) -> None:
    db.session.add(
        QuestionReport(
            question_id=question_id,
            user_id=user.id,
            reason="answer",
            message="答案有误",
            status="open",
            created_at=clock.now(),
        )
    )
    db.session.commit()


def _suspended(admin_client) -> list[int]:
    body = admin_client.get("/api/v1/admin/question-reports/suspended").get_json()
    return [item["question_id"] for item in body["items"]]


def test_reports_from_accounts_younger_than_three_days_do_not_suspend(factory, clock, admin_client):
    bank = [factory.question() for _ in range(20)]
    for _ in range(5):
        _report(bank[0].id, factory.user(), clock)
    assert _suspended(admin_client) == []
    for _ in range(5):
        _report(bank[1].id, _old_user(factory, clock), clock)
    assert _suspended(admin_client) == [bank[1].id]


def test_reporters_sharing_a_registration_address_count_once(factory, clock, admin_client):
    bank = [factory.question() for _ in range(20)]
    for _ in range(5):
        _report(bank[0].id, _old_user(factory, clock, registered_ip="203.0.113.7"), clock)
    assert _suspended(admin_client) == []


def test_reports_suspend_at_most_a_tenth_of_the_bank_the_most_reported_first(
    factory, clock, admin_client
):
    bank = [factory.question() for _ in range(20)]
    reporters = [_old_user(factory, clock) for _ in range(7)]
    for n, question in enumerate(bank[:5]):
        for reporter in reporters[: 5 + (n == 3) + 2 * (n == 4)]:
            _report(question.id, reporter, clock)
    assert _suspended(admin_client) == [bank[4].id, bank[3].id]


def test_a_wave_of_reports_never_empties_the_daily_draw(app, factory, clock, as_user):
    bank = [factory.question() for _ in range(5)]
    reporters = [_old_user(factory, clock) for _ in range(5)]
    for question in bank:
        for reporter in reporters:
            _report(question.id, reporter, clock)
    clock.advance(days=1)
    today = as_user(factory.user()).get("/api/v1/quiz/today")
    assert today.status_code == 200 and len(today.get_json()["questions"]) == 5


def test_the_least_reported_questions_come_back_when_the_draw_would_fall_short(app, factory, clock):
    bank = [factory.question() for _ in range(10)]
    reporters = [_old_user(factory, clock) for _ in range(6)]
    for question in bank[:1]:
        for reporter in reporters:
            _report(question.id, reporter, clock)
    rules = runtime_of(app).rules
    full = daily_quiz.Rules(tz=rules.tz, daily_count=10, draw_secret="s")
    drawn = draw.choose_questions(clock.now().date() + timedelta(days=1), full)
    assert sorted(drawn) == sorted(q.id for q in bank)


def test_a_rejected_reporter_cannot_file_the_same_question_again(
    factory, as_user, admin_client, clock
):
    bank = [factory.question(answer="A") for _ in range(5)]
    user = _old_user(factory, clock)
    client = as_user(user)
    qid = client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    client.post("/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["A"]})
    first = client.post(
        f"/api/v1/questions/{qid}/reports", json={"reason": "answer", "message": "答案应为 B"}
    )
    assert first.status_code == 201
    rejected = admin_client.post(
        f"/api/v1/admin/question-reports/{first.get_json()['id']}/resolve",
        json={"resolution": "rejected", "note": NOTE},
    )
    assert rejected.status_code == 200
    again = client.post(
        f"/api/v1/questions/{qid}/reports", json={"reason": "answer", "message": "还是 B"}
    )
    assert again.status_code == 409 and again.get_json()["code"] == "report_rejected"
    assert len(bank) == 5


def test_an_admin_clears_a_wave_of_suspensions_at_once(factory, clock, admin_client):
    bank = [factory.question() for _ in range(20)]
    reporters = [_old_user(factory, clock) for _ in range(5)]
    for question in bank[:2]:
        for reporter in reporters:
            _report(question.id, reporter, clock)
    assert sorted(_suspended(admin_client)) == sorted(q.id for q in bank[:2])
    cleared = admin_client.post(
        "/api/v1/admin/question-reports/suspended/clear", json={"note": NOTE}
    )
    assert cleared.status_code == 200 and cleared.get_json()["resolved"] == 10
    assert _suspended(admin_client) == []
    statuses = set(db.session.scalars(select(QuestionReport.resolution)))
    assert statuses == {"rejected"}


def test_only_admins_see_or_clear_suspensions(citizen_client):
    assert citizen_client.get("/api/v1/admin/question-reports/suspended").status_code == 403
    cleared = citizen_client.post(
        "/api/v1/admin/question-reports/suspended/clear", json={"note": NOTE}
    )
    assert cleared.status_code == 403
