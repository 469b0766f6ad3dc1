"""Banks exported from other 题库 systems: their header names, title rows and value spellings.

Each layout carries the template's three example questions in its own habits; read back, it
must give exactly the questions the native template gives.
"""

import pytest

from question_bank import InvalidBank, build_template_xlsx, read_bank
from tests.question_bank.files import csv_bytes, json_bytes, xlsx_bytes

SINGLE, MULTIPLE, JUDGE = (
    "我国的根本大法是？",
    "下列属于社会主义核心价值观中公民个人层面价值准则的有？",
    "废旧电池属于有害垃圾，应投放到有害垃圾收集容器。",
)
SINGLE_OPTIONS = ["宪法", "刑法", "民法典", "行政诉讼法", ""]
MULTIPLE_OPTIONS = ["爱国", "敬业", "诚信", "友善", "民主"]
EXPLAIN = [
    "宪法是国家的根本大法，具有最高的法律效力。",
    "公民个人层面的价值准则是爱国、敬业、诚信、友善；民主属于国家层面。",
    "废旧电池含有重金属等有害物质，属于有害垃圾。",
]


def native_questions():
    return read_bank(build_template_xlsx(examples_marked=False), "template.xlsx").questions


# Title and instructions rows, bracketed "required" marks, 正确答案/答案解析/知识点/难易程度,
# 单选题/多选题/判断题, √ for a true judge answer, 简单/中等, extra 序号 and 图片 columns.
BRACKETED_WITH_TITLE_ROWS = [
    ["试题批量导入模板"],
    ["说明：带（必填）的列必须填写；多选题答案连写，如 ABCD；判断题答案填 √ 或 ×"],
    [
        *("序号", "题型（必填）", "题目（必填）"),
        *("选项A", "选项B", "选项C", "选项D", "选项E"),
        *("正确答案（必填）", "答案解析", "知识点（必填）", "难易程度", "分数", "图片"),
    ],
    [1, "单选题", SINGLE, *SINGLE_OPTIONS, "A", EXPLAIN[0], "法治", "简单", "", ""],
    [2, "多选题", MULTIPLE, *MULTIPLE_OPTIONS, "ABCD", EXPLAIN[1], "核心价值观", "中等", 20, ""],
    [3, "判断题", JUDGE, "", "", "", "", "", "√", EXPLAIN[2], "生态文明", "简单", "", "x.png"],
]

# Full-width header names, bare option letters, 参考答案/题目解析/题目分类/难度等级,
# answers with separators, 是 for a true judge answer, a 题号 column.
FULL_WIDTH_BARE_LETTERS = [
    [
        *("题号", "题目类型", "题目内容", "Ａ", "Ｂ", "Ｃ", "Ｄ", "Ｅ"),
        *("参考答案", "题目解析", "题目分类", "难度等级", "分值"),
    ],
    ["1", "单选", SINGLE, *SINGLE_OPTIONS, "A", EXPLAIN[0], "法治", "易", ""],
    ["2", "多选", MULTIPLE, *MULTIPLE_OPTIONS, "A,B,C,D", EXPLAIN[1], "核心价值观", "中", "20"],
    ["3", "判断", JUDGE, "", "", "", "", "", "是", EXPLAIN[2], "生态文明", "易", ""],
]

# 试题类型/试题内容/正确选项/试题解析/试题分类/题目难度, difficulty as 1–3, TRUE for a true
# judge answer, a 【必填】 mark.
SHOUTING_MARKS_NUMERIC_DIFFICULTY = [
    [
        *("试题类型【必填】", "试题内容【必填】", "A", "B", "C", "D", "E"),
        *("正确选项【必填】", "试题解析", "试题分类【必填】", "题目难度", "积分", "备注"),
    ],
    ["单选题", SINGLE, *SINGLE_OPTIONS, "A", EXPLAIN[0], "法治", "1", "", ""],
    ["多选题", MULTIPLE, *MULTIPLE_OPTIONS, "A、B、C、D", EXPLAIN[1], "核心价值观", "2", "20", ""],
    ["判断题", JUDGE, "", "", "", "", "", "TRUE", EXPLAIN[2], "生态文明", "1", "", "无"],
]

# 问题/*题型/选项 A…, the judge answer as 1 and its options written out as 正确/错误.
STARRED_WITH_NUMERIC_JUDGE = [
    ["题库：公民知识（2026 版）", "", "", "导出时间：2026-11-01"],
    [
        *("*题型", "*问题", "选项 A", "选项 B", "选项 C", "选项 D", "选项 E"),
        *("*答案", "解析", "*分类", "难度", "分值"),
    ],
    ["单选", SINGLE, *SINGLE_OPTIONS, "a", EXPLAIN[0], "法治", "容易", ""],
    ["多选", MULTIPLE, *MULTIPLE_OPTIONS, "abcd", EXPLAIN[1], "核心价值观", "一般", "20"],
    ["判断", JUDGE, "正确", "错误", "", "", "", 1, EXPLAIN[2], "生态文明", "容易", ""],
]


@pytest.mark.parametrize(
    "rows",
    [
        BRACKETED_WITH_TITLE_ROWS,
        FULL_WIDTH_BARE_LETTERS,
        SHOUTING_MARKS_NUMERIC_DIFFICULTY,
        STARRED_WITH_NUMERIC_JUDGE,
    ],
    ids=["bracketed-title-rows", "full-width-bare-letters", "shouting-marks", "starred"],
)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_bank_in_another_systems_layout_reads_like_the_native_template(rows, kind):
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows, encoding="gb18030")
    questions = read_bank(data, f"exported.{kind}").questions
    assert questions == native_questions()


def test_rows_keep_their_spreadsheet_numbers_below_title_rows():
    rows = [row[:] for row in BRACKETED_WITH_TITLE_ROWS]
    rows[4][8] = "ABZ"  # the multiple-choice question's answer, on sheet row 5
    with pytest.raises(InvalidBank) as caught:
        read_bank(xlsx_bytes(rows), "exported.xlsx")
    [issue] = caught.value.issues
    assert (issue.row, issue.column) == (5, "正确答案（必填）")


@pytest.mark.parametrize("code", ["1", "2", "3"])
def test_a_numeric_type_code_is_refused_with_a_message_naming_the_column(code):
    rows = [row[:] for row in BRACKETED_WITH_TITLE_ROWS]
    rows[3][1] = code
    with pytest.raises(InvalidBank) as caught:
        read_bank(xlsx_bytes(rows), "exported.xlsx")
    [issue] = caught.value.issues
    assert issue.column == "题型（必填）"
    assert "「题型（必填）」列" in issue.message and "数字代码" in issue.message


@pytest.mark.parametrize(
    ("true_word", "false_word"),
    [("是", "否"), ("√", "×"), ("TRUE", "FALSE"), ("1", "0"), ("对", "错")],
)
def test_judge_answers_are_read_in_every_common_spelling(true_word, false_word):
    rows = [
        ["题型", "题干", "答案", "分类"],
        ["判断题", "宪法是国家的根本大法。", true_word, "法治"],
        ["判断题", "宪法可以由任何机关修改。", false_word, "法治"],
    ]
    questions = read_bank(csv_bytes(rows), "judge.csv").questions
    assert [q.answer for q in questions] == [("A",), ("B",)]


def _difficulty_bank(values):
    rows = [["题型", "题干", "答案", "分类", "难易程度"]]
    rows += [["判断", f"第 {n} 题。", "对", "法治", value] for n, value in enumerate(values)]
    return csv_bytes(rows)


def test_a_file_grading_difficulty_1_to_5_is_mapped_onto_easy_medium_hard():
    questions = read_bank(_difficulty_bank(["1", "2", "3", "4", "5"]), "five.csv").questions
    assert [q.difficulty for q in questions] == [1, 1, 2, 3, 3]


def test_difficulty_1_to_3_keeps_its_meaning_when_no_4_or_5_appears():
    questions = read_bank(_difficulty_bank(["1", "2", "3"]), "three.csv").questions
    assert [q.difficulty for q in questions] == [1, 2, 3]


def test_difficulty_words_from_other_systems_are_read():
    questions = read_bank(_difficulty_bank(["简单", "中等", "困难"]), "words.csv").questions
    assert [q.difficulty for q in questions] == [1, 2, 3]


def test_a_json_bank_grading_difficulty_1_to_5_is_mapped_the_same_way():
    questions = [
        {
            "type": "判断题",
            "stem": f"第 {n} 题。",
            "answer": "是",
            "category": "法治",
            "难易程度": n,
        }
        for n in (1, 2, 3, 4, 5)
    ]
    bank = read_bank(json_bytes({"questions": questions}), "five.json")
    assert [q.difficulty for q in bank.questions] == [1, 1, 2, 3, 3]
