"""预检 (issue 23, defect 9): the template's 【示例】 rows are skipped by the preview and the import,
and the preview shows the first rows as they will be stored."""

from __future__ import annotations

from quiz.extensions import db
from quiz.models import Question
from tests.api.test_admin_banks import GOOD_CSV, count_questions, upload

EXAMPLE_ROW = "判断,【示例】废旧电池属于有害垃圾。,,,,,对,示例。,生态文明\n"


def test_the_untouched_template_is_refused_with_nothing_to_import(admin_client):
    template = admin_client.get("/api/v1/admin/question-banks/template.xlsx").data
    response = upload(admin_client, template, "template.xlsx", dry_run=True)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert "只有示例行" in error["message"]


def test_example_rows_are_skipped_by_the_preview_and_by_the_import(admin_client):
    bank = GOOD_CSV.replace("\n", "\n" + EXAMPLE_ROW, 1)
    preview = upload(admin_client, bank, dry_run=True).get_json()
    assert (preview["created"], preview["skipped_example_rows"]) == (3, 1)
    imported = upload(admin_client, bank).get_json()
    assert (imported["created"], imported["skipped_example_rows"]) == (3, 1)
    assert count_questions() == 3
    assert not db.session.query(Question).filter(Question.stem.contains("示例")).count()


def test_the_preview_shows_the_first_rows_as_they_will_be_stored(admin_client):
    upload(admin_client, GOOD_CSV.splitlines()[0] + "\n" + GOOD_CSV.splitlines()[2] + "\n")
    preview = upload(admin_client, GOOD_CSV, dry_run=True).get_json()["preview"]
    assert [row["row"] for row in preview] == [2, 3, 4]
    first, judge, multiple = preview
    assert first["type"] == "single" and first["answer"] == ["C"]
    assert first["options"] == {"A": "加速通过", "B": "鸣笛催促", "C": "停车让行", "D": "绕行"}
    assert first["difficulty"] == 2 and first["points"] is None and not first["duplicate"]
    assert judge["options"] == {"A": "正确", "B": "错误"} and judge["answer"] == ["A"]
    assert judge["duplicate"]  # imported above: it will not be added again
    assert multiple["answer"] == ["A", "B", "C"]


def test_an_import_answers_no_preview(admin_client):
    assert upload(admin_client, GOOD_CSV).get_json()["preview"] == []
