"""知晓率 reports on a known fixture."""

from __future__ import annotations

import pytest

from quiz.extensions import db
from quiz.services import daily_quiz, draw
from quiz.services.daily_quiz import Rules


@pytest.fixture
def answered(app, factory, clock):
    """Q1 垃圾分类 (answer A), Q2 交通文明 (answer A); three users in two districts."""
    rules = Rules.from_config({**app.config, "QUIZ_DAILY_COUNT": 2})
    q1 = factory.question(category="垃圾分类", stem="垃圾题")
    q2 = factory.question(category="交通文明", stem="交通题")
    a = factory.user(district="新华区")
    b = factory.user(district="新华区")
    c = factory.user(district="卫东区")
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    plan = {a: {q1: "A", q2: "A"}, b: {q1: "B", q2: "A"}, c: {q1: "B"}}
    for user, answers in plan.items():
        for q, choice in answers.items():
            daily_quiz.submit_answer(user, q.id, [choice], rules, now=clock.now())
    db.session.commit()
    return q1, q2


def test_awareness_by_category_counts_answers_correct_and_participants(admin_client, answered):
    body = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-23&by=category"
    ).get_json()
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["垃圾分类"] == {
        "key": "垃圾分类",
        "answers": 3,
        "correct": 1,
        "rate": 0.3333,
        "participants": 3,
    }
    assert rows["交通文明"] == {
        "key": "交通文明",
        "answers": 2,
        "correct": 2,
        "rate": 1.0,
        "participants": 2,
    }


def test_awareness_by_district(admin_client, answered):
    body = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-23&by=district"
    ).get_json()
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["新华区"]["answers"] == 4 and rows["新华区"]["correct"] == 3
    assert rows["新华区"]["participants"] == 2 and rows["卫东区"]["rate"] == 0.0


def test_a_range_without_answers_has_no_rows(admin_client, answered):
    body = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-01-01&to=2026-01-31"
    ).get_json()
    assert body["rows"] == []


def test_question_rates_list_the_weakest_first(admin_client, answered):
    q1, _ = answered
    rows = admin_client.get(
        "/api/v1/admin/reports/questions?from=2026-11-23&to=2026-11-23"
    ).get_json()["rows"]
    assert rows[0]["question_id"] == q1.id and rows[0]["rate"] == 0.3333


def test_participation_counts_people_and_completions_per_day(admin_client, answered):
    rows = admin_client.get(
        "/api/v1/admin/reports/participation?from=2026-11-23&to=2026-11-23"
    ).get_json()["rows"]
    assert rows == [{"date": "2026-11-23", "participants": 3, "completed": 2, "answers": 5}]


def test_reports_export_as_csv_with_a_bom(admin_client, answered):
    response = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-23&format=csv"
    )
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffkey,answers,correct,rate,participants")
    assert "垃圾分类,3,1,0.3333,3" in text


def test_a_reversed_range_is_a_validation_error(admin_client):
    response = admin_client.get("/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-01")
    assert response.status_code == 422


def test_reports_are_admin_only(citizen_client):
    assert citizen_client.get("/api/v1/admin/reports/awareness").status_code == 403


def test_report_csv_cells_that_look_like_formulas_are_escaped(admin_client, factory, app, clock):
    rules = Rules.from_config({**app.config, "QUIZ_DAILY_COUNT": 1})
    question = factory.question(category='=HYPERLINK("x")', stem="公式题")
    user = factory.user()
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    daily_quiz.submit_answer(user, question.id, ["A"], rules, now=clock.now())
    db.session.commit()
    text = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-23&format=csv"
    ).get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
