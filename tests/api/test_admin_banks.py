"""Admin question banks over HTTP: upload, dry-run, all-or-nothing, template, questions."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import Question, QuestionBank
from quiz.runtime import runtime_of
from quiz.schemas.common import encode_cursor
from quiz.services import daily_quiz, draw

GOOD_CSV = (
    "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类\n"
    "单选,机动车遇行人正在通过人行横道时应当怎么做？,加速通过,鸣笛催促,停车让行,绕行,C,依据道路交通安全法第四十七条。,交通文明\n"
    "判断,生活垃圾分类是每个家庭和个人的法定义务。,,,,,对,依据固体废物污染环境防治法第四十九条。,垃圾分类\n"
    "多选,下列属于可回收物的是？,纸类,塑料,金属,电池,ABC,依据GB/T 19095-2019。,垃圾分类\n"
)
BAD_CSV = GOOD_CSV + "单选,,甲,乙,,,E,,交通文明\n"


def upload(client, content: bytes | str, name: str = "bank.csv", dry_run: bool = False):
    if isinstance(content, str):
        content = content.encode("utf-8")
    url = "/api/v1/admin/question-banks" + ("?dry_run=1" if dry_run else "")
    return client.post(
        url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def count_questions() -> int:
    return db.session.scalar(select(func.count()).select_from(Question))


def test_a_dry_run_reports_what_would_be_added_and_adds_nothing(admin_client):
    response = upload(admin_client, GOOD_CSV, dry_run=True)
    assert response.status_code == 200
    assert response.get_json()["dry_run"] is True
    assert response.get_json()["created"] == 3 and response.get_json()["errors"] == []
    assert count_questions() == 0


def test_an_upload_imports_every_row_normalised(admin_client):
    response = upload(admin_client, GOOD_CSV)
    assert response.status_code == 200
    assert response.get_json() | {"bank_id": None} == {
        "dry_run": False,
        "created": 3,
        "duplicates": 0,
        "errors": [],
        "bank_id": None,
        "skipped_blank_rows": 0,
        "skipped_example_rows": 0,
        "preview": [],
    }
    judge = db.session.scalar(select(Question).where(Question.type == "judge"))
    assert judge.options == [["A", "正确"], ["B", "错误"]] and judge.answer == "A"
    assert db.session.scalar(select(Question.answer).where(Question.type == "multiple")) == "ABC"


def test_a_file_with_one_bad_row_imports_nothing_and_lists_every_problem(admin_client):
    response = upload(admin_client, BAD_CSV)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_bank"
    rows = {(e["row"], e["column"]) for e in body["errors"]}
    assert (5, "题干") in rows and (5, "答案") in rows
    assert all(e["message"] for e in body["errors"])
    assert count_questions() == 0
    assert db.session.scalar(select(func.count()).select_from(QuestionBank)) == 0


def test_reuploading_counts_duplicates_instead_of_adding_them(admin_client):
    upload(admin_client, GOOD_CSV)
    again = upload(admin_client, GOOD_CSV.replace("  ", " "))
    assert again.get_json()["created"] == 0 and again.get_json()["duplicates"] == 3
    assert count_questions() == 3


def test_gb18030_csv_from_chinese_excel_imports(admin_client):
    response = upload(admin_client, GOOD_CSV.encode("gb18030"))
    assert response.status_code == 200 and response.get_json()["created"] == 3


def test_json_banks_import(admin_client):
    bank = {
        "questions": [
            {
                "type": "judge",
                "stem": "志愿服务是自愿、无偿的。",
                "answer": ["A"],
                "explanation": "依据志愿服务条例。",
                "category": "志愿服务",
            }
        ]
    }
    response = upload(admin_client, json.dumps(bank, ensure_ascii=False), name="bank.json")
    assert response.status_code == 200 and response.get_json()["created"] == 1


def test_the_template_downloads_and_its_marked_examples_import_nothing(admin_client):
    template = admin_client.get("/api/v1/admin/question-banks/template.xlsx")
    assert template.status_code == 200
    assert template.mimetype.endswith("spreadsheetml.sheet")
    response = upload(admin_client, template.data, name="template.xlsx", dry_run=True)
    assert response.status_code == 422
    assert "只有示例行" in response.get_json()["errors"][0]["message"]


def test_an_xlsx_that_is_not_a_zip_is_invalid_bank(admin_client):
    response = upload(admin_client, b"this is not a spreadsheet", name="bank.xlsx")
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_bank"


def test_a_zip_bomb_is_refused_before_parsing(admin_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    response = upload(admin_client, buffer.getvalue(), name="bomb.xlsx")
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_bank"


def test_an_upload_over_the_size_limit_is_413(app, admin_client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(admin_client, GOOD_CSV * 40)
    assert response.status_code == 413 and response.get_json()["code"] == "payload_too_large"


def test_a_missing_file_is_a_validation_error(admin_client):
    response = admin_client.post(
        "/api/v1/admin/question-banks", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422


def test_citizens_cannot_touch_banks_or_questions(citizen_client):
    assert upload(citizen_client, GOOD_CSV).status_code == 403
    assert citizen_client.get("/api/v1/admin/questions").status_code == 403
    assert citizen_client.get("/api/v1/admin/question-banks/template.xlsx").status_code == 403
    assert (
        citizen_client.patch("/api/v1/admin/questions/1", json={"active": False}).status_code == 403
    )


def test_questions_list_with_answers_filters_and_pages(admin_client):
    upload(admin_client, GOOD_CSV)
    page = admin_client.get("/api/v1/admin/questions?category=垃圾分类&limit=1").get_json()
    assert len(page["questions"]) == 1 and page["questions"][0]["answer"] == ["A"]
    rest = admin_client.get(
        f"/api/v1/admin/questions?category=垃圾分类&limit=1&cursor={page['next_cursor']}"
    ).get_json()
    assert rest["questions"][0]["answer"] == ["A", "B", "C"] and rest["next_cursor"] is None
    assert "交通文明" in page["categories"]


def test_patching_a_question_is_validated_with_the_bank_rules(admin_client):
    upload(admin_client, GOOD_CSV)
    qid = db.session.scalar(select(Question.id).where(Question.type == "single"))
    bad = admin_client.patch(f"/api/v1/admin/questions/{qid}", json={"answer": ["F"]})
    assert bad.status_code == 422
    good = admin_client.patch(
        f"/api/v1/admin/questions/{qid}",
        json={"answer": ["C"], "explanation": "新的解析", "active": False},
    )
    assert good.status_code == 200
    assert good.get_json()["explanation"] == "新的解析" and good.get_json()["active"] is False


def test_an_answered_questions_options_and_key_are_frozen(app, admin_client, factory, clock):
    question = factory.question(answer="A")
    user = factory.user()
    draw.daily_set(clock.now().date(), runtime_of(app).rules, now=clock.now())
    daily_quiz.submit_answer(user, question.id, ["A"], runtime_of(app).rules, now=clock.now())
    db.session.commit()
    frozen = admin_client.patch(f"/api/v1/admin/questions/{question.id}", json={"answer": ["B"]})
    assert frozen.status_code == 409 and frozen.get_json()["code"] == "question_in_use"
    reworded = admin_client.patch(
        f"/api/v1/admin/questions/{question.id}", json={"explanation": "更清楚的解析"}
    )
    assert reworded.status_code == 200


def test_deleting_a_used_question_deactivates_it_and_an_unused_one_goes(
    app, admin_client, factory, clock
):
    used = factory.question()
    draw.daily_set(clock.now().date(), runtime_of(app).rules, now=clock.now())
    db.session.commit()
    used_id, unused_id = used.id, factory.question().id
    retired = admin_client.delete(f"/api/v1/admin/questions/{used_id}")
    assert retired.status_code == 200 and retired.get_json()["active"] is False
    assert admin_client.delete(f"/api/v1/admin/questions/{unused_id}").status_code == 204
    assert admin_client.get(f"/api/v1/admin/questions/{unused_id}").status_code == 404


def test_an_edit_that_duplicates_another_question_is_409(admin_client, factory):
    first = factory.question(stem="题目一", options=[["A", "甲"], ["B", "乙"]])
    second = factory.question(stem="题目二", options=[["A", "甲"], ["B", "乙"]])
    admin_client.patch(f"/api/v1/admin/questions/{first.id}", json={"explanation": "x"})
    response = admin_client.patch(f"/api/v1/admin/questions/{second.id}", json={"stem": "题目一"})
    assert response.status_code == 409 and response.get_json()["code"] == "duplicate_question"


def test_an_admin_can_add_a_single_question(admin_client):
    response = admin_client.post(
        "/api/v1/admin/questions",
        json={
            "type": "single",
            "stem": "12345热线是什么热线？",
            "options": {"A": "政务服务便民热线", "B": "火警"},
            "answer": "A",
            "explanation": "12345是政务服务便民热线。",
            "category": "12345热线与政务服务",
        },
    )
    assert response.status_code == 201 and response.get_json()["answer"] == ["A"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_bank_command_reports_and_exits_nonzero_on_errors(app, tmp_path, dry_run):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    bad.write_text(BAD_CSV, encoding="utf-8")
    runner = app.test_cli_runner()
    flags = ["--dry-run"] if dry_run else []
    ok = runner.invoke(args=["import-bank", str(good), *flags])
    assert ok.exit_code == 0, ok.output
    assert "3 questions" in ok.output
    failed = runner.invoke(args=["import-bank", str(bad), *flags])
    assert failed.exit_code == 1
    assert "5" in failed.output and "题干" in failed.output
    assert count_questions() == (0 if dry_run else 3)


def test_seeding_an_empty_database_loads_the_bundled_bank_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    loaded = count_questions()
    assert loaded >= 150
    assert len(set(db.session.scalars(select(Question.category)))) >= 6
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and count_questions() == loaded


def test_searching_questions_matches_text_literally_including_wildcards(admin_client, factory):
    factory.question(stem="题目_甲%一")
    factory.question(stem="题目乙一")
    found = admin_client.get("/api/v1/admin/questions?q=目_甲%25").get_json()["questions"]
    assert [q["stem"] for q in found] == ["题目_甲%一"]
    assert len(admin_client.get("/api/v1/admin/questions?q=题目").get_json()["questions"]) == 2


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_question_id_too_big_for_the_database_is_simply_not_found(admin_client, method):
    response = admin_client.open(f"/api/v1/admin/questions/{2**63}", method=method, json={})
    assert response.status_code == 404
    assert response.get_json()["code"] == "unknown_question"


def test_a_cursor_past_every_possible_id_is_refused_like_any_forged_cursor(admin_client, factory):
    factory.question()
    cursor = encode_cursor(2**63)
    response = admin_client.get(f"/api/v1/admin/questions?cursor={cursor}")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["cursor"]


def test_a_preview_shows_the_banks_guessing_cues_as_advice_and_still_imports(admin_client):
    # Ten 判断 items whose stems all say 只 and are all 错误: the blind rule reads every key.
    rows = [
        {
            "type": "judge",
            "stem": f"垃圾分类只是环卫部门的事{n}",
            "options": ["正确", "错误"],
            "answer": "B",
            "explanation": "解析。",
            "category": "垃圾分类",
        }
        for n in range(10)
    ]
    body = json.dumps({"questions": rows}, ensure_ascii=False).encode()
    preview = admin_client.post(
        "/api/v1/admin/question-banks?dry_run=1",
        data={"file": (io.BytesIO(body), "bank.json")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.get_json()
    advice = {a["name"]: a for a in preview.get_json()["advice"]}
    blind = next(a for name, a in advice.items() if name.startswith("判断 blind rule"))
    assert blind["ok"] is False and blind["value"].startswith("10/10")
    done = admin_client.post(
        "/api/v1/admin/question-banks?dry_run=0",
        data={"file": (io.BytesIO(body), "bank.json")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 200 and done.get_json()["created"] == 10
