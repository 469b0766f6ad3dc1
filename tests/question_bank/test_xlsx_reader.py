"""Reading .xlsx banks: sheets, coerced cells, merged cells, formulas."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from question_bank import InvalidBank, read_bank
from tests.question_bank.files import handmade_xlsx, question, replace_member, table, xlsx_bytes


def issues_of(data: bytes):
    with pytest.raises(InvalidBank) as caught:
        read_bank(data, "bank.xlsx")
    return [(issue.row, issue.column, issue.message) for issue in caught.value.issues]


def test_a_workbook_written_by_openpyxl_is_read():
    bank = read_bank(xlsx_bytes(table(question(), question(题干="第二题"))), "bank.xlsx")
    assert [q.stem for q in bank.questions] == ["我国的根本大法是？", "第二题"]


def test_a_workbook_written_like_excel_with_shared_strings_is_read():
    bank = read_bank(handmade_xlsx(table(question())), "bank.xlsx")
    assert bank.questions[0].options[0] == ("A", "宪法")


def test_the_sheet_named_题库_is_read_even_when_it_is_not_first():
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["这里是说明"])
    bank_sheet = book.create_sheet("题库")
    for row in table(question()):
        bank_sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    assert len(read_bank(output.getvalue(), "bank.xlsx").questions) == 1


def test_the_first_sheet_is_read_when_none_is_named_题库():
    bank = read_bank(xlsx_bytes(table(question()), title="Sheet1"), "bank.xlsx")
    assert len(bank.questions) == 1


def test_numbers_and_dates_in_cells_are_coerced_to_text():
    row = question(
        题干=2024, 选项A=1.0, 选项B=2.5, 选项C=dt.datetime(2024, 7, 1), 答案="C", 难度=3, 分值=10.0
    )
    [read] = read_bank(xlsx_bytes(table(row)), "bank.xlsx").questions
    assert read.stem == "2024"
    assert read.options == (("A", "1"), ("B", "2.5"), ("C", "2024-07-01"))
    assert (read.difficulty, read.points) == (3, 10)


def test_boolean_answer_cells_of_judge_questions_become_a_or_b():
    judge = {"题型": "判断", "选项A": "", "选项B": "", "选项C": ""}
    rows = table(question(**judge, 答案=True), question(**judge, 题干="另一题", 答案=False))
    answers = [q.answer for q in read_bank(xlsx_bytes(rows), "bank.xlsx").questions]
    assert answers == [("A",), ("B",)]


def test_blank_rows_in_a_sheet_are_skipped_and_later_rows_keep_their_numbers():
    rows = table(question(), None, None, question(题干="第二题", 答案="Z"))
    assert [row for row, _, _ in issues_of(xlsx_bytes(rows))] == [5]


def test_category_and_explanation_merged_down_apply_to_every_covered_row():
    rows = table(
        question(题干="第一题", 解析="同一段解析", 分类="法治"),
        question(题干="第二题", 解析="", 分类=""),
        question(题干="第三题", 解析="", 分类=""),
        question(题干="第四题", 分类="环保"),
    )
    bank = read_bank(xlsx_bytes(rows, merges=("H2:H4", "I2:I4")), "bank.xlsx")
    assert [q.category for q in bank.questions] == ["法治", "法治", "法治", "环保"]
    assert [q.explanation for q in bank.questions[:3]] == ["同一段解析"] * 3


def test_a_merged_stem_is_an_issue_not_a_silent_guess():
    rows = table(question(题干="共用题干"), question(题干="", 选项A="甲"))
    issues = issues_of(xlsx_bytes(rows, merges=("B2:B3",)))
    assert issues == [(3, "题干", "「题干」单元格被合并到 B2:B3 中，请取消合并并逐行填写")]


def test_a_merge_across_option_columns_is_an_issue():
    rows = table(question(选项A="宪法", 选项B="", 选项C="民法典"))
    [(row, column, message)] = issues_of(xlsx_bytes(rows, merges=("C2:D2",)))
    assert (row, column) == (2, "选项B") and "C2:D2" in message


def test_a_merge_reaching_into_blank_rows_does_not_make_them_count():
    rows = table(question(题干="第一题"), None, None, question(题干="第二题"))
    bank = read_bank(xlsx_bytes(rows, merges=("B2:B4",)), "bank.xlsx")
    assert [q.row for q in bank.questions] == [2, 5]


def test_a_formula_with_a_cached_value_is_read_as_its_value():
    formula = {"f": 'CONCATENATE("我国的","根本大法是？")', "v": "我国的根本大法是？", "t": "str"}
    bank = read_bank(handmade_xlsx(table(question(题干=formula))), "bank.xlsx")
    assert bank.questions[0].stem == "我国的根本大法是？"


def test_an_openpyxl_formula_patched_with_a_cached_value_is_read():
    data = xlsx_bytes(table(question(分值="=5*2")))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    patched, count = re.subn(r"(<f>5\*2</f>)<v\s*/>", r"\1<v>10</v>", sheet)
    assert count == 1
    data = replace_member(data, "xl/worksheets/sheet1.xml", patched.encode())
    assert read_bank(data, "bank.xlsx").questions[0].points == 10


def test_a_formula_without_a_cached_value_is_an_issue_in_its_cell():
    rows = table(question(), question(题干={"f": 'CONCATENATE("a","b")'}))
    [(row, column, message)] = issues_of(handmade_xlsx(rows))
    assert (row, column) == (3, "题干")
    assert message.startswith("公式没有计算结果")


def test_a_formula_written_by_openpyxl_and_never_calculated_is_an_issue():
    [(row, column, message)] = issues_of(xlsx_bytes(table(question(答案='="A"'))))
    assert (row, column) == (2, "答案") and "公式没有计算结果" in message


def test_an_error_value_cell_is_an_issue():
    rows = table(question(分值={"f": "1/0", "v": "#DIV/0!", "t": "e"}))
    [(row, column, message)] = issues_of(handmade_xlsx(rows))
    assert (row, column) == (2, "分值") and "#DIV/0!" in message


def test_a_wrong_declared_dimension_does_not_cut_rows_off():
    rows = table(question(), question(题干="第二题"), question(题干="第三题"))
    bank = read_bank(handmade_xlsx(rows, dimension="A1:K2"), "bank.xlsx")
    assert len(bank.questions) == 3
