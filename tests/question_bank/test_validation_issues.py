"""Every validation rule reports its row and column; every problem of every row is listed."""

import pytest

from question_bank import InvalidBank, Limits, read_bank
from tests.question_bank.files import HEADER, csv_bytes, question, table

JUDGE = {"题型": "判断", "选项A": "", "选项B": "", "选项C": ""}


def issues_of(*rows, header=HEADER, limits=Limits()):
    with pytest.raises(InvalidBank) as caught:
        read_bank(csv_bytes(table(*rows, header=header)), "bank.csv", limits=limits)
    return [(issue.row, issue.column, issue.message) for issue in caught.value.issues]


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        ({"题干": " \u3000"}, "题干", "题干为空"),
        ({"分类": ""}, "分类", "分类为空"),
        ({"选项B": "", "选项C": ""}, "选项B", "至少需要 2 个选项"),
        ({"选项C": "", "选项D": "行政法"}, "选项C", "选项C为空"),
        ({"答案": "D"}, "答案", "答案中的 D 对应的选项不存在"),
        ({"答案": "AB"}, "答案", "单选题只能有一个答案"),
        ({**JUDGE, "答案": "AB"}, "答案", "判断题只能有一个答案"),
        ({**JUDGE, "选项A": "是", "选项B": "不是", "答案": "A"}, "选项A", "判断题的选项应为"),
        ({"题型": "多选", "答案": "A"}, "答案", "多选题至少需要 2 个答案"),
        ({"答案": ""}, "答案", "答案为空"),
        ({"答案": "1"}, "答案", "无法识别"),
        ({"题型": "填空"}, "题型", "未知题型「填空」"),
        ({"题型": ""}, "题型", "题型为空"),
        ({"题干": "字" * 501}, "题干", "题干超过 500 字"),
        ({"选项B": "字" * 201}, "选项B", "选项B超过 200 字"),
        ({"解析": "字" * 2001}, "解析", "解析超过 2000 字"),
        ({"分类": "字" * 51}, "分类", "分类超过 50 字"),
        ({"难度": "超难"}, "难度", "难度「超难」无效"),
        ({"分值": "0"}, "分值", "分值「0」无效"),
        ({"分值": "1001"}, "分值", "分值「1001」无效"),
        ({"分值": "2.5"}, "分值", "分值「2.5」无效"),
        ({"分值": "十分"}, "分值", "分值「十分」无效"),
    ],
)
def test_a_rule_broken_in_a_row_is_reported_with_its_row_and_column(fields, column, message):
    [(row, reported_column, reported)] = issues_of(question(题干="第一题"), question(**fields))
    assert (row, reported_column) == (3, column)
    assert message in reported


def test_more_than_six_options_is_an_issue():
    header = [*HEADER, "选项E", "选项F", "选项G"]
    row = question(选项D="行政法", 选项E="e", 选项F="f", 选项G="g")
    assert issues_of(row, header=header) == [
        (2, "选项G", "最多只能有 6 个选项（A–F），选项G应为空")
    ]


def test_a_repeated_question_points_to_the_earlier_row():
    rows = [question(), question(题干="第二题"), question(题干=" 我国的根本大法是？", 答案="B")]
    assert issues_of(*rows) == [(4, "题干", "与第 2 行的题目重复（题干和选项相同）")]


def test_questions_differing_only_in_width_or_case_are_duplicates():
    rows = [question(选项A="ABC宪法"), question(选项A="ａｂｃ宪法")]
    assert [row for row, _, _ in issues_of(*rows)] == [3]


def test_every_problem_of_every_row_is_reported_in_row_order():
    rows = [question(题干="", 分类=""), question(), question(答案="Z", 难度="?")]
    assert [(row, column) for row, column, _ in issues_of(*rows)] == [
        (2, "题干"),
        (2, "分类"),
        (4, "答案"),
        (4, "难度"),
    ]


def test_issues_name_the_header_the_user_wrote():
    header = ["Type", "STEM", "Option_A", "Option_B", "Answer", "Category"]
    rows = [["single", "x", "a", "b", "C", "法治"]]
    with pytest.raises(InvalidBank) as caught:
        read_bank(csv_bytes([header, *rows]), "bank.csv")
    assert [(i.row, i.column) for i in caught.value.issues] == [(2, "Answer")]


def test_a_judge_row_with_blank_options_gets_正确_and_错误():
    [read] = read_bank(csv_bytes(table(question(**JUDGE, 答案="×"))), "bank.csv").questions
    assert (read.type, read.options, read.answer) == (
        "judge",
        (("A", "正确"), ("B", "错误")),
        ("B",),
    )


def test_a_valid_row_is_fully_normalised():
    row = question(
        题型="多选题",
        题干=" 下列 属于\u3000法律的有？ ",
        选项D="行政法",
        答案="d、ａ",
        难度="难",
        分值="15",
    )
    [read] = read_bank(csv_bytes(table(row)), "bank.csv").questions
    assert read.stem == "下列 属于 法律的有？"
    assert read.options == (("A", "宪法"), ("B", "刑法"), ("C", "民法典"), ("D", "行政法"))
    assert (read.answer, read.difficulty, read.points, read.row) == (("A", "D"), 3, 15, 2)
    assert len(read.content_hash) == 64
