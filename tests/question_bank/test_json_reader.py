"""Reading JSON banks."""

import pytest

from question_bank import InvalidBank, read_bank
from tests.question_bank.files import json_bytes


def item(**fields) -> dict:
    base = {
        "type": "single",
        "stem": "我国的根本大法是？",
        "options": {"A": "宪法", "B": "刑法"},
        "answer": ["A"],
        "explanation": "",
        "category": "法治",
        "difficulty": 1,
        "points": None,
    }
    base.update(fields)
    return base


def issues_of(data: bytes):
    with pytest.raises(InvalidBank) as caught:
        read_bank(data, "bank.json")
    return [(issue.row, issue.column, issue.message) for issue in caught.value.issues]


def test_a_json_bank_takes_answers_as_a_list_or_a_string():
    document = {"questions": [item(), item(stem="多选", type="multiple", answer="AB")]}
    bank = read_bank(json_bytes(document), "bank.json")
    assert [q.answer for q in bank.questions] == [("A",), ("A", "B")]


def test_unknown_keys_are_ignored():
    document = {"version": 3, "questions": [item(id=7, tags=["x"], source={"book": "宪法"})]}
    assert len(read_bank(json_bytes(document), "bank.json").questions) == 1


def test_a_judge_question_without_options_gets_正确_and_错误():
    document = {"questions": [item(type="judge", options={}, answer="错")]}
    [read] = read_bank(json_bytes(document), "bank.json").questions
    assert (read.options, read.answer) == ((("A", "正确"), ("B", "错误")), ("B",))


def test_issue_row_is_the_question_index_and_column_the_key():
    document = {"questions": [item(), item(stem="第二题", category=""), item(answer=["C"])]}
    assert [(row, column) for row, column, _ in issues_of(json_bytes(document))] == [
        (2, "category"),
        (3, "answer"),
    ]


def test_option_problems_point_at_the_options_key():
    document = {"questions": [item(options={"A": "宪法", "C": "民法典"})]}
    [(row, column, message)] = issues_of(json_bytes(document))
    assert (row, column) == (1, "options") and "选项B为空" in message


def test_an_option_key_that_is_not_a_letter_is_an_issue():
    document = {"questions": [item(options={"A": "宪法", "B": "刑法", "甲": "x"})]}
    [(_, column, message)] = issues_of(json_bytes(document))
    assert column == "options" and "甲" in message


def test_a_list_valued_stem_is_an_issue():
    [(row, column, _)] = issues_of(json_bytes({"questions": [item(stem=["x"])]}))
    assert (row, column) == (1, "stem")


def test_a_question_that_is_not_an_object_is_an_issue():
    [(row, column, _)] = issues_of(json_bytes({"questions": [item(), "题目"]}))
    assert (row, column) == (2, "questions")


def test_a_repeated_question_points_to_the_earlier_one():
    [(row, column, message)] = issues_of(json_bytes({"questions": [item(), item()]}))
    assert (row, column) == (2, "stem") and "第 1 行" in message


def test_invalid_json_is_an_issue_with_its_position():
    [(row, _, message)] = issues_of(b'{"questions": [\n  {"stem": }\n]}')
    assert row == 0 and "第 2 行" in message


@pytest.mark.parametrize("document", [b"[]", b'"questions"', b"42", b"null"])
def test_json_that_is_not_an_object_is_an_issue(document):
    [(_, _, message)] = issues_of(document)
    assert "最外层应为对象" in message


def test_json_without_a_questions_list_is_an_issue():
    [(_, column, _)] = issues_of(b'{"questions": {"stem": "x"}}')
    assert column == "questions"


def test_deeply_nested_json_is_an_issue():
    issues_of(b'{"questions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
