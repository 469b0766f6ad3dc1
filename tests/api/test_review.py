"""三审 over HTTP (QUIZ_REVIEW_STEPS=1): drafts answer 202, citizens see only what a reviewer
approved, roles and `own_draft`, the versions list, and answers naming their version."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from quiz.extensions import db
from quiz.models import AuditEntry, Question, User
from tests.sessions import signed_in_client


@pytest.fixture
def app_config():
    return {"QUIZ_REVIEW_STEPS": 1}


@pytest.fixture
def staff(app, factory):
    def client_of(role):
        user = factory.user(role=role, username=role)
        return signed_in_client(app, user.id, session_version=user.session_version)

    return {role: client_of(role) for role in ("editor", "reviewer", "admin")}


@pytest.fixture
def bank(factory):
    return [factory.question(stem=f"第{i}道原题？") for i in range(6)]


def today_stems(client) -> dict[int, str]:
    response = client.get("/api/v1/quiz/today")
    assert response.status_code == 200
    return {q["id"]: q["stem"] for q in response.get_json()["questions"]}


def test_an_edit_answers_202_and_citizens_see_it_only_once_approved(staff, bank, citizen_client):
    qid = next(iter(today_stems(citizen_client)))
    response = staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "新题干？"})
    assert response.status_code == 202
    assert response.get_json() == {"question_id": qid, "version": 2, "status": "submitted"}
    assert today_stems(citizen_client)[qid] != "新题干？"
    approved = staff["reviewer"].post(f"/api/v1/admin/questions/{qid}/versions/2/approve", json={})
    assert approved.status_code == 200 and approved.get_json()["published"] is True
    assert today_stems(citizen_client)[qid] == "新题干？"


def test_the_author_approving_their_own_draft_is_403_own_draft(staff, bank):
    qid = bank[0].id
    staff["admin"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "管理员的修改？"})
    response = staff["admin"].post(f"/api/v1/admin/questions/{qid}/versions/2/approve", json={})
    assert response.status_code == 403 and response.get_json()["code"] == "own_draft"


def test_an_editor_cannot_approve_and_a_reviewer_cannot_edit(staff, bank):
    qid = bank[0].id
    staff["admin"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "管理员的修改？"})
    approve = staff["editor"].post(f"/api/v1/admin/questions/{qid}/versions/2/approve", json={})
    assert approve.status_code == 403 and approve.get_json()["code"] == "forbidden"
    edit = staff["reviewer"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "审核人改？"})
    assert edit.status_code == 403 and edit.get_json()["code"] == "forbidden"


def test_the_versions_list_names_authors_reviewers_and_content(staff, bank):
    qid = bank[0].id
    staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"explanation": "新解析"})
    staff["reviewer"].post(
        f"/api/v1/admin/questions/{qid}/versions/2/return", json={"note": "解析太短"}
    )
    response = staff["editor"].get(f"/api/v1/admin/questions/{qid}/versions")
    assert response.status_code == 200
    newest, first = response.get_json()["items"]
    assert {k: newest[k] for k in ("version", "status", "author", "reviewers", "note")} == {
        "version": 2,
        "status": "returned",
        "author": "editor",
        "reviewers": ["reviewer"],
        "note": "解析太短",
    }
    assert newest["explanation"] == "新解析" and newest["answer"] == ["A"]
    assert newest["options"][0] == {"key": "A", "text": "甲"}
    assert (first["version"], first["status"]) == (1, "published")


def test_returning_without_a_note_is_422(staff, bank):
    qid = bank[0].id
    staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "改？"})
    response = staff["reviewer"].post(f"/api/v1/admin/questions/{qid}/versions/2/return", json={})
    assert response.status_code == 422


def test_the_queue_lists_waiting_versions_and_the_diff_shows_both_sides(staff, bank):
    qid = bank[0].id
    staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"answer": ["B"]})
    queue = staff["reviewer"].get("/api/v1/admin/review-queue").get_json()
    assert [(i["kind"], i["question_id"], i["version"]) for i in queue["items"]] == [
        ("version", qid, 2)
    ]
    diff = staff["reviewer"].get(f"/api/v1/admin/questions/{qid}/versions/2/diff").get_json()
    answer = next(f for f in diff["fields"] if f["field"] == "answer")
    assert answer == {"field": "answer", "published": "A", "draft": "B", "changed": True}
    stem = next(f for f in diff["fields"] if f["field"] == "stem")
    assert stem["changed"] is False


def test_an_answer_result_history_and_mistakes_carry_the_question_version(
    staff, bank, citizen_client
):
    qid = next(iter(today_stems(citizen_client)))
    result = citizen_client.post(
        "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["B"]}
    ).get_json()
    assert result["question_version"] == 1
    staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "答题之后改的题干？"})
    staff["reviewer"].post(f"/api/v1/admin/questions/{qid}/versions/2/approve", json={})
    day = citizen_client.get("/api/v1/quiz/today").get_json()["date"]
    history = citizen_client.get(f"/api/v1/quiz/history/{day}").get_json()["questions"]
    assert history[0]["question_version"] == 1
    assert history[0]["question"]["stem"] != "答题之后改的题干？"
    mistakes = citizen_client.get("/api/v1/me/mistakes").get_json()["items"]
    assert mistakes[0]["question_version"] == 1
    assert mistakes[0]["question"]["stem"] == history[0]["question"]["stem"]
    listed = staff["reviewer"].get(f"/api/v1/admin/questions/{qid}/versions").get_json()["items"]
    assert [(v["version"], v["answers"], v["correct"]) for v in listed] == [(2, 0, 0), (1, 1, 0)]


CSV = (
    "题型,题干,选项A,选项B,答案,解析,分类\n"
    "单选,导入的第一题？,甲,乙,A,解析一,交通文明\n"
    "单选,导入的第二题？,甲,乙,B,解析二,交通文明\n"
)


def test_an_import_answers_202_with_a_batch_that_the_queue_lists(staff):
    response = staff["editor"].post(
        "/api/v1/admin/question-banks",
        data={"file": (io.BytesIO(CSV.encode()), "bank.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "submitted" and body["created"] == 2
    queue = staff["reviewer"].get("/api/v1/admin/review-queue").get_json()["items"]
    assert [(i["kind"], i["id"], i["rows"]) for i in queue] == [("batch", body["batch_id"], 2)]
    own = staff["editor"].post(f"/api/v1/admin/review-batches/{body['batch_id']}/approve")
    assert own.status_code == 403
    approved = staff["reviewer"].post(f"/api/v1/admin/review-batches/{body['batch_id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "published"
    listed = staff["editor"].get("/api/v1/admin/questions?active=1").get_json()["questions"]
    assert len(listed) == 2


@pytest.mark.parametrize(
    "command, role", [("create-editor", "editor"), ("create-reviewer", "reviewer")]
)
def test_editors_and_reviewers_are_created_like_other_staff(app, command, role):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=[command, "wang", "--password", "short"])
    assert weak.exit_code != 0
    made = runner.invoke(args=[command, "wang", "--password", "Quartz-lantern-meadow-17"])
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(User.role).where(User.username == "wang")) == role
    client = app.test_client()
    signed = client.post(
        "/api/v1/auth/login", json={"username": "wang", "password": "Quartz-lantern-meadow-17"}
    )
    assert signed.status_code == 200


def test_a_command_line_import_is_a_batch_under_review(app, tmp_path):
    bank = tmp_path / "bank.csv"
    bank.write_text(CSV, "utf-8")
    result = app.test_cli_runner().invoke(args=["import-bank", str(bank)])
    assert result.exit_code == 0, result.output
    assert "review batch" in result.output
    questions = db.session.scalars(select(Question)).all()
    assert [(q.active, q.version) for q in questions] == [(False, 0), (False, 0)]


def test_staff_writes_on_versions_leave_audit_entries(staff, bank):
    qid = bank[0].id
    staff["editor"].patch(f"/api/v1/admin/questions/{qid}", json={"stem": "审计中的修改？"})
    staff["reviewer"].post(f"/api/v1/admin/questions/{qid}/versions/2/approve", json={})
    db.session.expire_all()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "question.approve" in actions and len(actions) >= 2
