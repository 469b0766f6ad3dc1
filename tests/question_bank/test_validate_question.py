"""validate_question: the same rules for one question outside a file (an admin PATCH)."""

from question_bank import Question, validate_question

STORED = {
    "type": "single",
    "stem": "我国的根本大法是？",
    "options": [{"key": "A", "text": "宪法"}, {"key": "B", "text": "刑法"}],
    "answer": ["A"],
    "explanation": "",
    "category": "法治",
    "difficulty": 2,
    "points": None,
}


def test_a_question_in_the_api_shape_is_accepted():
    question, issues = validate_question(STORED)
    assert issues == []
    assert isinstance(question, Question)
    assert question.options == (("A", "宪法"), ("B", "刑法"))


def test_a_patch_that_breaks_a_rule_is_reported_by_field_name():
    question, issues = validate_question({**STORED, "answer": ["A", "B"], "category": " "})
    assert question is None
    assert [(issue.row, issue.column) for issue in issues] == [(0, "answer"), (0, "category")]


def test_options_may_be_a_mapping_or_a_plain_list():
    _, from_mapping = validate_question({**STORED, "options": {"A": "宪法", "B": "刑法"}})
    question, from_list = validate_question({**STORED, "options": ["宪法", "刑法"]})
    assert from_mapping == from_list == []
    assert question.options == (("A", "宪法"), ("B", "刑法"))


def test_chinese_keys_are_understood():
    fields = {"题型": "判断", "题干": "宪法是根本大法。", "答案": "对", "分类": "法治"}
    question, issues = validate_question(fields)
    assert issues == [] and question.answer == ("A",)


def test_options_that_are_not_a_mapping_or_list_are_an_issue():
    question, issues = validate_question({**STORED, "options": "A宪法 B刑法"})
    assert question is None
    assert issues[0].column == "options" and "选项应为对象" in issues[0].message
